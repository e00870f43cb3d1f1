package org.eqvae4j.runtime.transform;

import java.util.Locale;

/**
 * Parses the textual form of a latent transform used by the command line and macros: steps separated
 * by commas, applied left to right.
 * <pre>
 *   scale=0.5          isotropic scale          scale=0.5x0.75   scale y by 0.5, x by 0.75
 *   rot=1              k clockwise quarter turns (negative: counter-clockwise)
 *   flip=h | flip=v    mirror horizontally / vertically
 *   crop=y:x:h:w       window in latent pixels
 *   interp=bilinear    resampling for the following scale steps (bilinear, bicubic, nearest)
 * </pre>
 * Example: {@code scale=0.5,rot=1} is the EQ-VAE reference transform.
 */
public final class TransformSpec {
    private TransformSpec() {}

    public static LatentTransform parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty transform (example: scale=0.5,rot=1)");
        }
        Interpolation mode = Interpolation.BILINEAR;
        LatentTransform result = null;
        for (String raw : spec.split(",")) {
            String step = raw.trim().toLowerCase(Locale.ROOT);
            int eq = step.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "transform step '" + raw.trim() + "' is not key=value (example: scale=0.5,rot=1)");
            }
            String key = step.substring(0, eq);
            String value = step.substring(eq + 1);
            LatentTransform t;
            try {
                switch (key) {
                    case "interp" -> {
                        mode = interpolation(value);
                        continue;
                    }
                    case "scale" -> {
                        String[] p = value.split("x", -1);
                        if (p.length > 2) {
                            throw new IllegalArgumentException("scale needs S or SYxSX, got '" + value + "'");
                        }
                        t = p.length == 1
                                ? LatentTransform.scale(Double.parseDouble(p[0]), mode)
                                : LatentTransform.scale(Double.parseDouble(p[0]), Double.parseDouble(p[1]), mode);
                    }
                    case "rot" -> t = LatentTransform.rotate90(Integer.parseInt(value));
                    case "flip" -> {
                        if (!value.equals("h") && !value.equals("v")) {
                            throw new IllegalArgumentException("flip must be h or v, got '" + value + "'");
                        }
                        t = LatentTransform.flip(value.equals("h"));
                    }
                    case "crop" -> {
                        String[] p = value.split(":", -1);
                        if (p.length != 4) {
                            throw new IllegalArgumentException("crop needs y:x:h:w, got '" + value + "'");
                        }
                        t = LatentTransform.crop(
                                Integer.parseInt(p[0]),
                                Integer.parseInt(p[1]),
                                Integer.parseInt(p[2]),
                                Integer.parseInt(p[3]));
                    }
                    default ->
                        throw new IllegalArgumentException(
                                "unknown transform step '" + key + "' (known: scale, rot, flip, crop, interp)");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("transform step '" + raw.trim() + "' has a malformed number");
            }
            result = result == null ? t : result.andThen(t);
        }
        if (result == null) {
            throw new IllegalArgumentException("transform '" + spec + "' has no steps besides interp");
        }
        return result;
    }

    private static Interpolation interpolation(String value) {
        for (Interpolation i : Interpolation.values()) {
            if (i.name().equalsIgnoreCase(value)) {
                return i;
            }
        }
        throw new IllegalArgumentException("interp must be bilinear, bicubic or nearest, got '" + value + "'");
    }
}
