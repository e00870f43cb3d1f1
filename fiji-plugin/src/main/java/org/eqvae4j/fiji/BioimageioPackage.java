package org.eqvae4j.fiji;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.eqvae4j.runtime.bundle.BundleException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * What the plugin reads of a bioimage.io model package (a folder with {@code rdf.yaml}, as
 * {@code eqvae export-bioimageio} writes them): the one ONNX graph it carries (weights.onnx, checked
 * against its sha256) and, in {@code config.eqvae4j}, which half of which eqvae4j bundle it is and the
 * bundle's geometry. A bioimage.io model holds one graph, so a bundle travels as two packages,
 * {@code <id>-encoder} and {@code <id>-decoder}; the plugin needs both.
 *
 * @param folder       the package folder
 * @param name         the package's display name
 * @param bundleId     config.eqvae4j.bundle_id
 * @param role         "encoder" or "decoder"
 * @param onnx         the weights file in the folder
 * @param eqvae4j      config.eqvae4j as written (geometry: downsampling_factor, latent_channels, ...)
 * @param imageChannels channels of the package's image tensor (channel_names)
 * @param architecture config.bioimageio.architecture_type, or "unknown"
 * @param license      the package's licence (SPDX), or null
 */
public record BioimageioPackage(
        Path folder,
        String name,
        String bundleId,
        String role,
        Path onnx,
        Map<String, Object> eqvae4j,
        int imageChannels,
        String architecture,
        String license) {
    public static final String RDF = "rdf.yaml";

    /** Reads and checks {@code folder/rdf.yaml}; the message of a refusal says what the plugin misses. */
    public static BioimageioPackage read(Path folder) throws BundleException {
        Path rdfFile = folder.resolve(RDF);
        Map<String, Object> rdf;
        try (InputStream in = Files.newInputStream(rdfFile)) {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            if (!(doc instanceof Map<?, ?>)) {
                throw new BundleException(rdfFile + " is not a bioimage.io description (no key: value document)");
            }
            rdf = cast(doc);
        } catch (IOException | YAMLException e) {
            throw new BundleException("cannot read " + rdfFile + ": " + e.getMessage(), e);
        }
        String name = String.valueOf(rdf.getOrDefault("name", folder.getFileName()));
        if (!"model".equals(rdf.get("type"))) {
            throw new BundleException(rdfFile + " describes a " + rdf.get("type") + ", not a model");
        }
        Map<String, Object> config = map(rdf.get("config"));
        Map<String, Object> eq = map(config.get("eqvae4j"));
        if (eq.isEmpty()) {
            throw new BundleException(
                    "bioimage.io model '" + name + "' (" + rdfFile + ") is not an eqvae4j autoencoder: it has no "
                            + "config.eqvae4j (bundle id, role, latent geometry), which the plugin needs to pair an encoder with its decoder."
                            + " Packages written by eqvae export-bioimageio carry it; for other models use deepImageJ or JDLL");
        }
        String bundleId = string(eq.get("bundle_id"));
        String role = string(eq.get("role"));
        if (bundleId == null
                || !bundleId.matches("[A-Za-z0-9._-]+")
                || !("encoder".equals(role) || "decoder".equals(role))) {
            throw new BundleException(
                    rdfFile + ": config.eqvae4j needs bundle_id and role (encoder or decoder), got " + eq);
        }
        Map<String, Object> onnx = map(map(rdf.get("weights")).get("onnx"));
        String source = string(onnx.get("source"));
        if (source == null) {
            throw new BundleException("bioimage.io model '" + name + "' (" + rdfFile
                    + ") has no ONNX weights (weights.onnx.source);" + " the plugin runs ONNX graphs only");
        }
        Path onnxFile = folder.resolve(source).normalize();
        if (!onnxFile.startsWith(folder.normalize()) || !Files.isRegularFile(onnxFile)) {
            throw new BundleException(rdfFile + ": weights.onnx.source " + source + " is not a file in the package");
        }
        String sha = string(onnx.get("sha256"));
        if (sha != null && !sha.equalsIgnoreCase(sha256(onnxFile))) {
            throw new BundleException(
                    onnxFile + " does not match the sha256 in " + rdfFile + " (damaged or altered package)");
        }
        Map<String, Object> bio = map(config.get("bioimageio"));
        String arch = bio.get("architecture_type") == null ? "unknown" : String.valueOf(bio.get("architecture_type"));
        return new BioimageioPackage(
                folder,
                name,
                bundleId,
                role,
                onnxFile,
                eq,
                imageChannels(rdf, rdfFile),
                arch,
                string(rdf.get("license")));
    }

    /** The other half's folder name as the exporter writes it: {@code <bundle id>-decoder} for an encoder. */
    public String otherHalfName() {
        return bundleId + "-" + ("encoder".equals(role) ? "decoder" : "encoder");
    }

    /** Channel count of the tensor named "image" (input of an encoder, output of a decoder). */
    private static int imageChannels(Map<String, Object> rdf, Path rdfFile) throws BundleException {
        for (String side : List.of("inputs", "outputs")) {
            if (!(rdf.get(side) instanceof List<?> tensors)) {
                continue;
            }
            for (Object t : tensors) {
                Map<String, Object> tensor = map(t);
                if (!"image".equals(tensor.get("id")) || !(tensor.get("axes") instanceof List<?> axes)) {
                    continue;
                }
                for (Object a : axes) {
                    Map<String, Object> axis = map(a);
                    if ("channel".equals(axis.get("type")) && axis.get("channel_names") instanceof List<?> names) {
                        return names.size();
                    }
                }
            }
        }
        throw new BundleException(rdfFile + " has no 'image' tensor with a channel axis (channel_names)");
    }

    static String sha256(Path file) throws BundleException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new BundleException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> ? cast(o) : Map.of();
    }

    private static String string(Object o) {
        return o == null ? null : String.valueOf(o);
    }
}
