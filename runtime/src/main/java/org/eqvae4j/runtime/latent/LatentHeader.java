package org.eqvae4j.runtime.latent;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.image.ImageMetadata;

/**
 * What a latent file says about its values (the JSON in its TIFF ImageDescription): which bundle made
 * it, the NCHW shape, the bundle's latent scale and shift, the transforms applied since encoding, and
 * the source image's metadata so that decoding can write an image like the one encoded.
 *
 * @param format         always {@value #FORMAT}
 * @param formatVersion  {@value #VERSION}
 * @param bundleId       model.json id of the encoding bundle
 * @param shape          [N, C, h, w]: N images (pages of the source), C latent channels
 * @param latentScale    the bundle's latentScale; values are raw, a generator sees (raw - shift) * scale
 * @param transforms     transform specs applied after encoding, in order (empty for a fresh encoding)
 * @param sourceFile     file name of the encoded image, or null
 * @param source         metadata of the encoded image, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record LatentHeader(
        String format,
        int formatVersion,
        String bundleId,
        int latentChannels,
        int downsamplingFactor,
        double latentScale,
        double latentShift,
        long[] shape,
        List<String> transforms,
        String sourceFile,
        ImageMetadata source) {
    public static final String FORMAT = "eqvae4j-latent";
    public static final int VERSION = 1;

    public LatentHeader {
        transforms = transforms == null ? List.of() : List.copyOf(transforms);
        shape = shape == null ? null : shape.clone();
    }

    /** The header of a fresh encoding by this bundle. */
    public static LatentHeader of(ModelManifest m, long[] shape, String sourceFile, ImageMetadata source) {
        return new LatentHeader(
                FORMAT,
                VERSION,
                m.id(),
                m.latentChannels(),
                m.downsamplingFactor(),
                m.latentScale(),
                m.latentShift(),
                shape,
                List.of(),
                sourceFile,
                source);
    }

    LatentHeader after(String transform, long[] newShape, ImageMetadata newSource) {
        List<String> t = new ArrayList<>(transforms);
        t.add(transform);
        return new LatentHeader(
                format,
                formatVersion,
                bundleId,
                latentChannels,
                downsamplingFactor,
                latentScale,
                latentShift,
                newShape,
                t,
                sourceFile,
                newSource);
    }

    @Override
    public long[] shape() {
        return shape == null ? null : shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatentHeader h
                && Objects.equals(format, h.format)
                && formatVersion == h.formatVersion
                && Objects.equals(bundleId, h.bundleId)
                && latentChannels == h.latentChannels
                && downsamplingFactor == h.downsamplingFactor
                && Double.compare(latentScale, h.latentScale) == 0
                && Double.compare(latentShift, h.latentShift) == 0
                && Arrays.equals(shape, h.shape)
                && transforms.equals(h.transforms)
                && Objects.equals(sourceFile, h.sourceFile)
                && Objects.equals(source, h.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                format,
                formatVersion,
                bundleId,
                latentChannels,
                downsamplingFactor,
                latentScale,
                latentShift,
                Arrays.hashCode(shape),
                transforms,
                sourceFile,
                source);
    }

    @Override
    public String toString() {
        return "LatentHeader[bundleId=" + bundleId + ", shape=" + Arrays.toString(shape) + ", transforms=" + transforms
                + ", sourceFile=" + sourceFile + "]";
    }
}
