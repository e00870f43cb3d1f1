package org.eqvae4j.export.arch;

import java.util.LinkedHashMap;
import java.util.Map;

/** The autoencoder architectures known by name (for the command line and bundle manifests). */
public final class Architectures {
    private final Map<String, AutoencoderArchitecture> byName = new LinkedHashMap<>();

    private Architectures() {
        add(new TinyAutoencoderArchitecture(
                "taef2",
                "TAEF2 tiny autoencoder (FLUX.2 latents): 32 latent channels, f=8, deterministic",
                TinyAutoencoderConfig.taef2()));
        add(new TinyAutoencoderArchitecture(
                "taesd",
                "TAESD tiny autoencoder (SD 1.x/2.x/SDXL latents): 4 latent channels, f=8, deterministic",
                TinyAutoencoderConfig.taesd()));
        add(new KlVaeArchitecture(
                "sd-vae",
                "Stable Diffusion 1.x/2.x VAE (LDM AutoencoderKL): 4 latent channels, f=8, KL posterior, images in [-1,1]",
                KlVaeConfig.sdVae()));
        add(new KlVaeArchitecture(
                "kl-vae-small",
                "small KL-VAE for CPU training: ch 32, 3 levels, 4 latent channels, f=4, KL posterior, images in [-1,1]",
                KlVaeConfig.small()));
        add(new VqArchitecture(
                "vq-small",
                "small VQ autoencoder for 32x32 grey images (Fashion-MNIST): ch 16, f=4 (8x8 tokens), codebook 256 x 8 (cosine), images in [-1,1]",
                VqConfig.small()));
    }

    private void add(AutoencoderArchitecture a) {
        byName.put(a.name(), a);
    }

    public static Architectures standard() {
        return new Architectures();
    }

    public Map<String, AutoencoderArchitecture> all() {
        return java.util.Collections.unmodifiableMap(byName);
    }

    public AutoencoderArchitecture get(String name) {
        AutoencoderArchitecture a = byName.get(name);
        if (a == null) {
            throw new IllegalArgumentException(
                    "unknown architecture '" + name + "' (known: " + String.join(", ", byName.keySet()) + ")");
        }
        return a;
    }
}
