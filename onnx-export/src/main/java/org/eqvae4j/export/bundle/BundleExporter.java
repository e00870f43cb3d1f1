package org.eqvae4j.export.bundle;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.arch.AutoencoderArchitecture;
import org.eqvae4j.export.arch.TinyAutoencoderArchitecture;
import org.eqvae4j.export.arch.Weights;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.TilingSplit;
import org.eqvae4j.export.onnx.OnnxWriter;
import org.eqvae4j.export.weights.StateDict;
import org.eqvae4j.runtime.bundle.BundleWriter;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;

/**
 * Turns an architecture plus weights into a frozen model bundle: {@code encoder.onnx}, {@code decoder.onnx},
 * {@code model.json} and, when given, the weights' licence. The bundle is written atomically
 * ({@link BundleWriter}); weight problems are reported before anything is written.
 */
public final class BundleExporter {
    public static final String ENCODER_FILE = "encoder.onnx";
    public static final String DECODER_FILE = "decoder.onnx";

    /**
     * What to export.
     *
     * @param stateDict   weights by name, or null for a freshly initialised model from {@code seed}
     * @param source      where the weights came from (file names), for errors and provenance
     * @param licenseFile licence text copied into the bundle as LICENSE, or null
     * @param license     SPDX identifier of the weights' licence, or null
     */
    public record Request(
            AutoencoderArchitecture architecture,
            Map<String, Tensor> stateDict,
            long seed,
            String source,
            String id,
            String name,
            String license,
            Path licenseFile,
            int tileSize,
            int tileHalo) {}

    private BundleExporter() {}

    /** Builds the graphs, checking every tensor of the weights against the architecture. */
    public static AutoencoderArchitecture.Graphs buildGraphs(Request r) {
        AutoencoderArchitecture arch = r.architecture();
        Weights w = r.stateDict() == null
                ? Weights.initialized(r.seed())
                : Weights.loaded(arch.normalize(r.stateDict()), r.source());
        AutoencoderArchitecture.Graphs graphs = arch.build(w);
        w.finish();
        return graphs;
    }

    public static ModelBundle export(Request r, Path output, boolean replace) throws IOException {
        return export(r, Map.of(), output, replace);
    }

    /**
     * As {@link #export(Request, Path, boolean)}, with more models in the bundle by manifest role (e.g.
     * {@link ModelManifest#DISCRIMINATOR}), each written as {@code <role>.onnx}.
     */
    public static ModelBundle export(Request r, Map<String, Graph> extraModels, Path output, boolean replace)
            throws IOException {
        AutoencoderArchitecture arch = r.architecture();
        AutoencoderArchitecture.Graphs graphs = buildGraphs(r);
        Map<String, String> files = new LinkedHashMap<>();
        files.put("encoder", ENCODER_FILE);
        files.put("decoder", DECODER_FILE);
        BundleWriter writer = new BundleWriter()
                .add(ENCODER_FILE, f -> OnnxWriter.write(graphs.encoder(), f))
                .add(DECODER_FILE, f -> OnnxWriter.write(graphs.decoder(), f));
        graphs.more().forEach((role, g) -> addPart(files, writer, role, role + ".onnx", g));
        // whole-image ops (GroupNorm) at latent resolution: ship the parts so tiled runs share them
        // (a VQ encoder's quantiser has two outputs and stays whole: VQ models here are small)
        if (arch.kind() != org.eqvae4j.runtime.bundle.LatentKind.VQ) {
            TilingSplit.encoder(graphs.encoder()).ifPresent(p -> {
                addPart(files, writer, ModelManifest.ENCODER_LOCAL, "encoder.local.onnx", p.local());
                addPart(files, writer, ModelManifest.ENCODER_GLOBAL, "encoder.global.onnx", p.global());
            });
        }
        TilingSplit.decoder(graphs.decoder()).ifPresent(p -> {
            addPart(files, writer, ModelManifest.DECODER_GLOBAL, "decoder.global.onnx", p.global());
            addPart(files, writer, ModelManifest.DECODER_LOCAL, "decoder.local.onnx", p.local());
        });
        for (Map.Entry<String, Graph> e : new java.util.TreeMap<>(extraModels).entrySet()) {
            if (files.containsKey(e.getKey())) {
                throw new IllegalArgumentException("the bundle already has a " + e.getKey() + " model");
            }
            addPart(files, writer, e.getKey(), e.getKey() + ".onnx", e.getValue());
        }
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("exportedBy", "eqvae4j export");
        provenance.put("exportedAt", Instant.now().toString());
        provenance.put("weights", r.stateDict() == null ? "initialised, seed " + r.seed() : r.source());
        provenance.put("encoderParameters", graphs.encoder().parameterCount());
        provenance.put("decoderParameters", graphs.decoder().parameterCount());
        ModelManifest manifest = new ModelManifest(
                ModelManifest.FORMAT_VERSION,
                r.id(),
                r.name(),
                arch.name(),
                arch.kind(),
                arch.imageChannels(),
                arch.latentChannels(),
                arch.downsamplingFactor(),
                arch.latentScale(),
                arch.latentShift(),
                arch.valueRange(),
                r.tileSize(),
                r.tileHalo(),
                files,
                r.license(),
                provenance,
                Map.of(),
                null,
                arch.codebookSize());
        if (r.licenseFile() != null) {
            writer.addCopy("LICENSE", r.licenseFile());
        }
        return writer.write(manifest, output, replace);
    }

    /**
     * Exports {@code source} again with today's exporter, from the weights in its own encoder and decoder
     * files (by the architecture's state-dict names), so that a bundle made before the exporter shipped
     * tiling parts gets them. Keeps id, name, licence, tile geometry, provenance (adding when and how it
     * was re-exported) and the measured metrics, which stay valid because the encoder and decoder compute
     * the same function (callers check: {@code export --from-bundle} compares outputs). {@code output}
     * must be another folder: the source is never written.
     */
    public static ModelBundle reexport(ModelBundle source, AutoencoderArchitecture arch, Path output, boolean replace)
            throws IOException {
        if (output.toAbsolutePath()
                .normalize()
                .equals(source.root().toAbsolutePath().normalize())) {
            throw new IllegalArgumentException(
                    "re-export of " + source.root() + " must go to another folder (the source is read, never written)");
        }
        ModelManifest m = source.manifest();
        if (!arch.name().equals(m.architecture())) {
            throw new IllegalArgumentException(
                    "model bundle " + source.root() + " is a " + m.architecture() + ", not a " + arch.name());
        }
        Map<String, Tensor> weights = arch.stateDict(
                org.eqvae4j.export.onnx.OnnxReader.read(source.file(ModelManifest.ENCODER)),
                org.eqvae4j.export.onnx.OnnxReader.read(source.file(ModelManifest.DECODER)));
        Path license = source.root().resolve("LICENSE");
        ModelBundle out = export(
                new Request(
                        arch,
                        weights,
                        0,
                        "model bundle " + source.root().getFileName(),
                        m.id(),
                        m.name(),
                        m.license(),
                        java.nio.file.Files.isRegularFile(license) ? license : null,
                        m.tileSize(),
                        m.tileHalo()),
                output,
                replace);
        Map<String, Object> provenance = new LinkedHashMap<>(m.provenance());
        provenance.put("reexportedBy", "eqvae4j export --from-bundle (same weights; tiling parts added)");
        provenance.put("reexportedAt", Instant.now().toString());
        return out.withManifest(out.manifest().withProvenance(provenance).withMetrics(m.metrics()));
    }

    private static void addPart(Map<String, String> files, BundleWriter writer, String role, String file, Graph part) {
        files.put(role, file);
        writer.add(file, f -> OnnxWriter.write(part, f));
    }

    /**
     * Reads weights: any number of combined files (names as the architecture expects), plus optional
     * separate encoder and decoder files whose names get the "encoder." / "decoder." prefixes (the
     * TAESD family publishes such pairs). Duplicate names across files are an error.
     */
    public static Map<String, Tensor> readWeights(List<Path> combined, Path encoderFile, Path decoderFile)
            throws IOException {
        Map<String, Tensor> all = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (Path p : combined) {
            merge(all, StateDict.read(p), "", p, duplicates);
        }
        if (encoderFile != null) {
            merge(
                    all,
                    StateDict.read(encoderFile),
                    TinyAutoencoderArchitecture.ENCODER_PREFIX,
                    encoderFile,
                    duplicates);
        }
        if (decoderFile != null) {
            merge(
                    all,
                    StateDict.read(decoderFile),
                    TinyAutoencoderArchitecture.DECODER_PREFIX,
                    decoderFile,
                    duplicates);
        }
        if (!duplicates.isEmpty()) {
            throw new IllegalArgumentException(
                    "the same tensor names appear in more than one weight file: " + duplicates);
        }
        return all;
    }

    private static void merge(
            Map<String, Tensor> into, StateDict sd, String prefix, Path file, List<String> duplicates) {
        for (Tensor t : sd.tensors()) {
            String key = prefix + t.name();
            if (into.put(key, t.renamed(key)) != null) {
                duplicates.add(key + " (" + file + ")");
            }
        }
    }
}
