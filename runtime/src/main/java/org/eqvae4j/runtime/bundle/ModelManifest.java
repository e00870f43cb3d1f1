package org.eqvae4j.runtime.bundle;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code model.json}: everything a program needs to use a bundle's ONNX files correctly. Unknown fields
 * are ignored so newer bundles stay readable; {@link #validate()} checks the values.
 *
 * @param formatVersion       manifest format (1)
 * @param id                  stable identifier, e.g. "taef2" or "eq-taef2"
 * @param name                human-readable name
 * @param architecture        architecture name as the exporter knows it (e.g. "taef2", "kl-vae")
 * @param kind                what the encoder outputs
 * @param imageChannels       channels of the images the model takes (3 = RGB)
 * @param latentChannels      channels of the latent
 * @param downsamplingFactor  image side / latent side (f)
 * @param latentScale         multiply raw latents by this before a generator sees them (SD: 0.18215)
 * @param latentShift         subtract this before scaling (SD3/FLUX style); 0 for most
 * @param valueRange          pixel values the encoder expects and the decoder produces, [low, high]
 * @param tileSize            preferred tile side in pixels for tiled encode/decode (multiple of f)
 * @param tileHalo            overlap in pixels added around each tile
 * @param files               role -> file name in the bundle: "encoder", "decoder"; optional "generator",
 *                            "discriminator" (the PatchGAN of a GAN fine-tune: image in the value range -> logits);
 *                            optional tiling parts, both or neither per side: "encoderLocal" + "encoderGlobal"
 *                            (encoder = global(local(x))), "decoderGlobal" + "decoderLocal" (decoder = local(global(z))),
 *                            where the local part may run tile by tile and the global part needs the whole tensor
 * @param license             licence of the weights (SPDX id) and where its text is
 * @param provenance          where the weights came from and how they were trained
 * @param metrics             measured numbers (name -> value), with the command that measured them
 * @param generator           optional: how to drive the "generator" file (required when files names one), see
 *                            {@link GeneratorSpec}
 * @param codebookSize        VQ bundles only (absent otherwise): the number of codebook entries K. A VQ
 *                            bundle's encoder has two outputs, {@code latent} (the quantised vectors
 *                            [N, latentChannels, h, w], what "decoder" takes, so latent files, transforms
 *                            and tiling work as for other kinds) and {@code indices} ([N, h, w] int64 in
 *                            0..K-1); its files name a "codebook" graph, {@code indices} -> {@code latent},
 *                            so indices decode as decoder(codebook(indices))
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelManifest(
        int formatVersion,
        String id,
        String name,
        String architecture,
        LatentKind kind,
        int imageChannels,
        int latentChannels,
        int downsamplingFactor,
        double latentScale,
        double latentShift,
        double[] valueRange,
        int tileSize,
        int tileHalo,
        Map<String, String> files,
        String license,
        Map<String, Object> provenance,
        Map<String, Object> metrics,
        GeneratorSpec generator,
        Integer codebookSize) {

    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "model.json";
    public static final String ENCODER = "encoder";
    public static final String DECODER = "decoder";
    public static final String GENERATOR = "generator";
    /** Optional: the PatchGAN discriminator trained with the autoencoder (image -> patch logits). */
    public static final String DISCRIMINATOR = "discriminator";

    public static final String ENCODER_LOCAL = "encoderLocal";
    public static final String ENCODER_GLOBAL = "encoderGlobal";
    public static final String DECODER_GLOBAL = "decoderGlobal";
    public static final String DECODER_LOCAL = "decoderLocal";
    /** VQ bundles: indices [N, h, w] int64 -> latent vectors [N, C, h, w]. */
    public static final String CODEBOOK = "codebook";

    @com.fasterxml.jackson.annotation.JsonCreator
    public ModelManifest {
        // sorted: model.json comes out the same on every run (Map.of / Map.copyOf order is randomised per JVM);
        // a copy that keeps null values so validate() can name them
        files = files == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(files));
        provenance =
                provenance == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
        metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        valueRange = valueRange == null ? null : valueRange.clone();
    }

    /** Throws IllegalArgumentException naming the first field that is wrong. */
    public ModelManifest validate() {
        require(
                formatVersion == FORMAT_VERSION,
                "formatVersion is " + formatVersion + ", this version reads " + FORMAT_VERSION);
        require(id != null && id.matches("[A-Za-z0-9._-]+"), "id must be a non-empty [A-Za-z0-9._-] string, got " + id);
        require(kind != null, "kind is missing (deterministic, kl or vq)");
        require(imageChannels == 1 || imageChannels == 3, "imageChannels must be 1 or 3, got " + imageChannels);
        require(latentChannels >= 1, "latentChannels must be >= 1, got " + latentChannels);
        require(
                downsamplingFactor >= 1 && Integer.bitCount(downsamplingFactor) == 1,
                "downsamplingFactor must be a power of two, got " + downsamplingFactor);
        require(Double.isFinite(latentScale) && latentScale > 0, "latentScale must be positive, got " + latentScale);
        require(Double.isFinite(latentShift), "latentShift must be finite, got " + latentShift);
        require(
                valueRange != null && valueRange.length == 2 && valueRange[0] < valueRange[1],
                "valueRange must be [low, high] with low < high");
        require(
                tileSize > 0 && tileSize % downsamplingFactor == 0,
                "tileSize must be a positive multiple of downsamplingFactor " + downsamplingFactor + ", got "
                        + tileSize);
        require(
                tileHalo >= 0 && tileHalo % downsamplingFactor == 0 && 2 * tileHalo < tileSize,
                "tileHalo must be a multiple of " + downsamplingFactor + " below half the tile size, got " + tileHalo);
        require(
                files.containsKey(ENCODER) && files.containsKey(DECODER),
                "files must name an encoder and a decoder, got " + files.keySet());
        require(
                files.containsKey(ENCODER_LOCAL) == files.containsKey(ENCODER_GLOBAL),
                "files must name both " + ENCODER_LOCAL + " and " + ENCODER_GLOBAL + " or neither, got "
                        + files.keySet());
        require(
                files.containsKey(DECODER_GLOBAL) == files.containsKey(DECODER_LOCAL),
                "files must name both " + DECODER_GLOBAL + " and " + DECODER_LOCAL + " or neither, got "
                        + files.keySet());
        if (kind == LatentKind.VQ) {
            require(
                    codebookSize != null && codebookSize >= 2,
                    "a VQ bundle needs codebookSize >= 2, got " + codebookSize);
            require(
                    files.containsKey(CODEBOOK),
                    "a VQ bundle's files must name a " + CODEBOOK + " (indices -> vectors), got " + files.keySet());
        } else {
            require(codebookSize == null, "codebookSize is for VQ bundles only, this one is " + kind);
        }
        for (Map.Entry<String, String> e : files.entrySet()) {
            String f = e.getValue();
            require(
                    f != null && !f.isBlank() && !f.contains("/") && !f.contains("\\") && !f.startsWith("."),
                    "files." + e.getKey() + " must be a plain file name inside the bundle, got " + f);
        }
        require(
                generator == null || files.containsKey(GENERATOR),
                "has a generator section but files names no " + GENERATOR + " file");
        // a MaskGIT generator (VQ bundles) describes itself in its ONNX metadata; a continuous one needs the section
        require(
                generator != null || !files.containsKey(GENERATOR) || kind == LatentKind.VQ,
                "files names a " + GENERATOR
                        + " file but there is no generator section (numClasses, latentSize, latentMean, latentStd, sampler defaults)");
        if (generator != null) {
            generator.validate(latentChannels);
        }
        return this;
    }

    /** A copy: the record stays immutable. */
    @Override
    public double[] valueRange() {
        return valueRange == null ? null : valueRange.clone();
    }

    /** Value equality, including the contents of {@code valueRange} (a record compares arrays by identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ModelManifest m
                && formatVersion == m.formatVersion
                && Objects.equals(id, m.id)
                && Objects.equals(name, m.name)
                && Objects.equals(architecture, m.architecture)
                && kind == m.kind
                && imageChannels == m.imageChannels
                && latentChannels == m.latentChannels
                && downsamplingFactor == m.downsamplingFactor
                && Double.compare(latentScale, m.latentScale) == 0
                && Double.compare(latentShift, m.latentShift) == 0
                && Arrays.equals(valueRange, m.valueRange)
                && tileSize == m.tileSize
                && tileHalo == m.tileHalo
                && files.equals(m.files)
                && Objects.equals(license, m.license)
                && provenance.equals(m.provenance)
                && metrics.equals(m.metrics)
                && Objects.equals(generator, m.generator)
                && Objects.equals(codebookSize, m.codebookSize);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                formatVersion,
                id,
                name,
                architecture,
                kind,
                imageChannels,
                latentChannels,
                downsamplingFactor,
                latentScale,
                latentShift,
                Arrays.hashCode(valueRange),
                tileSize,
                tileHalo,
                files,
                license,
                provenance,
                metrics,
                generator,
                codebookSize);
    }

    @Override
    public String toString() {
        return "ModelManifest[formatVersion=" + formatVersion + ", id=" + id + ", name=" + name + ", architecture="
                + architecture + ", kind=" + kind + ", imageChannels=" + imageChannels + ", latentChannels="
                + latentChannels
                + ", downsamplingFactor=" + downsamplingFactor + ", latentScale=" + latentScale + ", latentShift="
                + latentShift + ", valueRange=" + Arrays.toString(valueRange) + ", tileSize=" + tileSize + ", tileHalo="
                + tileHalo + ", files=" + files + ", license=" + license + ", provenance=" + provenance + ", metrics="
                + metrics + (generator == null ? "" : ", generator=" + generator)
                + (codebookSize == null ? "" : ", codebookSize=" + codebookSize) + "]";
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("model.json: " + message);
        }
    }

    public ModelManifest withMetrics(Map<String, Object> newMetrics) {
        return copy(id, name, files, provenance, newMetrics, generator);
    }

    /** This manifest with a generator file and its section (both or neither: null removes them). */
    public ModelManifest withGenerator(String generatorFile, GeneratorSpec spec) {
        Map<String, String> f = new java.util.TreeMap<>(files);
        f.remove(GENERATOR);
        if (generatorFile != null) {
            f.put(GENERATOR, generatorFile);
        }
        return copy(id, name, f, provenance, metrics, spec);
    }

    /** This manifest under another id and name (a derived bundle). */
    public ModelManifest withIdentity(String newId, String newName, Map<String, Object> newProvenance) {
        return copy(newId, newName, files, newProvenance, metrics, generator);
    }

    public ModelManifest withProvenance(Map<String, Object> newProvenance) {
        return copy(id, name, files, newProvenance, metrics, generator);
    }

    /** A copy with the fields a derived bundle may change; the model's geometry and conventions stay. */
    private ModelManifest copy(
            String newId,
            String newName,
            Map<String, String> newFiles,
            Map<String, Object> newProvenance,
            Map<String, Object> newMetrics,
            GeneratorSpec newGenerator) {
        return new ModelManifest(
                formatVersion,
                newId,
                newName,
                architecture,
                kind,
                imageChannels,
                latentChannels,
                downsamplingFactor,
                latentScale,
                latentShift,
                valueRange,
                tileSize,
                tileHalo,
                newFiles,
                license,
                newProvenance,
                newMetrics,
                newGenerator,
                codebookSize);
    }
}
