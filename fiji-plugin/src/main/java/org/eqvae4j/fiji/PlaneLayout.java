package org.eqvae4j.fiji;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How an ImageJ image (X, Y, C, Z, T) becomes the batch of model inputs, and back:
 * <ul>
 *   <li>{@link Mode#RGB}: each plane of an RGB image is one 3-channel input;</li>
 *   <li>{@link Mode#CHANNELS}: a grey hyperstack with as many channels as the model takes (3): the
 *       channels of each (z, t) position are one input;</li>
 *   <li>{@link Mode#PLANES}: any other grey image: every (c, z, t) plane is one grey input (repeated to
 *       the model's channels, read back as BT.601 luma, as the runtime does for grey files).</li>
 * </ul>
 * Inputs are ordered as ImageJ orders stack planes (c fastest, then z, then t), so the batch index of an
 * input is the stack index of its first plane in that order. Stored in a latent image's properties
 * ({@link #toString()} / {@link #parse}) so that decoding rebuilds the image's dimensions.
 */
public record PlaneLayout(Mode mode, int channels, int slices, int frames) {
    public enum Mode {
        RGB,
        CHANNELS,
        PLANES
    }

    private static final Pattern TEXT = Pattern.compile("mode=(\\w+) c=(\\d+) z=(\\d+) t=(\\d+)");

    public PlaneLayout {
        if (mode == null || channels < 1 || slices < 1 || frames < 1) {
            throw new IllegalArgumentException("plane layout needs a mode and positive c, z, t, got " + mode + " "
                    + channels + " " + slices + " " + frames);
        }
    }

    /** The layout for an image of these dimensions fed to a model taking {@code modelChannels} channels. */
    public static PlaneLayout of(boolean rgb, int channels, int slices, int frames, int modelChannels) {
        if (rgb) {
            return new PlaneLayout(Mode.RGB, channels, slices, frames);
        }
        if (channels > 1 && channels == modelChannels) {
            return new PlaneLayout(Mode.CHANNELS, channels, slices, frames);
        }
        return new PlaneLayout(Mode.PLANES, channels, slices, frames);
    }

    /** Number of model inputs (the batch size N). */
    public int items() {
        return mode == Mode.CHANNELS ? slices * frames : channels * slices * frames;
    }

    /** Channels of one item as ImageJ shows it: 3 for RGB, C for CHANNELS, 1 for PLANES. */
    public int itemChannels() {
        return switch (mode) {
            case RGB -> 3;
            case CHANNELS -> channels;
            case PLANES -> 1;
        };
    }

    @Override
    public String toString() {
        return "mode=" + mode.name().toLowerCase(Locale.ROOT) + " c=" + channels + " z=" + slices + " t=" + frames;
    }

    public static PlaneLayout parse(String text) {
        Matcher m = text == null ? null : TEXT.matcher(text.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException(
                    "plane layout must read 'mode=rgb|channels|planes c=C z=Z t=T', got '" + text + "'");
        }
        return new PlaneLayout(
                Mode.valueOf(m.group(1).toUpperCase(Locale.ROOT)),
                Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4)));
    }
}
