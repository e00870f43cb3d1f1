package org.eqvae4j.export.bioimageio;

import java.util.LinkedHashMap;
import java.util.Map;

/** Where each known architecture's published design and weights come from, as a bioimage.io {@code cite} entry. */
final class ModelSources {
    private static final Map<String, String> TAESD = cite(
            "Ollin Boer Bohan: TAESD, tiny autoencoders for Stable Diffusion and FLUX latents (architecture and published weights)",
            "url",
            "https://github.com/madebyollin/taesd");
    private static final Map<String, String> LDM = cite(
            "Rombach, Blattmann, Lorenz, Esser, Ommer: High-Resolution Image Synthesis with Latent Diffusion Models. CVPR 2022",
            "doi",
            "10.1109/CVPR52688.2022.01042");
    private static final Map<String, String> VQGAN = cite(
            "Esser, Rombach, Ommer: Taming Transformers for High-Resolution Image Synthesis. CVPR 2021",
            "doi",
            "10.1109/CVPR46437.2021.01268");

    private ModelSources() {}

    /** text first, then url or doi, as rdf.yaml lists them */
    private static Map<String, String> cite(String text, String key, String value) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("text", text);
        m.put(key, value);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The cite entry (text and url or doi) for an architecture name, or null when eqvae4j knows none. */
    static Map<String, String> citation(String architecture) {
        return switch (architecture) {
            case "taef2", "taesd" -> TAESD;
            case "sd-vae", "kl-vae-small" -> LDM;
            case "vq-small" -> VQGAN;
            default -> null;
        };
    }
}
