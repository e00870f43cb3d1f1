package org.eqvae4j.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.eqvae4j.runtime.batch.BatchInput;
import org.eqvae4j.runtime.batch.DecodeOperation;
import org.eqvae4j.runtime.batch.EncodeOperation;
import org.eqvae4j.runtime.batch.RoundTripOperation;
import org.eqvae4j.runtime.image.ImageData;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.image.IntensityMapping;
import org.eqvae4j.runtime.latent.Latent;
import org.eqvae4j.runtime.latent.LatentFile;
import org.eqvae4j.runtime.latent.LatentHeader;
import org.eqvae4j.runtime.model.LatentCodec;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * The three operations on encoded bytes, each the same per-image step as {@code eqvae batch}'s (the runtime's
 * {@link EncodeOperation}, {@link DecodeOperation}, {@link RoundTripOperation}), so the bytes produced are the
 * bytes batch writes to its files.
 */
public enum ImageOperation {
    /** image bytes -> latent file bytes ({@code <name>.latent.tif}). */
    ENCODE(
            "latent",
            List.of(DataTypes.createStructField("latent_shape", DataTypes.StringType, true)),
            BatchInput.IMAGES),
    /** latent file bytes -> image bytes, PNG or TIFF like the encoded image ({@code <name>.png|tif}). */
    DECODE(
            "image",
            List.of(DataTypes.createStructField("image_format", DataTypes.StringType, true)),
            BatchInput.LATENTS),
    /** image bytes -> reconstruction bytes ({@code <name>.recon.png|tif}) and its PSNR in dB. */
    ROUNDTRIP(
            "reconstruction",
            List.of(DataTypes.createStructField("psnr_db", DataTypes.DoubleType, true)),
            BatchInput.IMAGES);

    private final String outputColumn;
    private final List<StructField> valueFields;
    private final BatchInput inputs;

    ImageOperation(String outputColumn, List<StructField> valueFields, BatchInput inputs) {
        this.outputColumn = outputColumn;
        this.valueFields = valueFields;
        this.inputs = inputs;
    }

    public static ImageOperation parse(String op) {
        for (ImageOperation o : values()) {
            if (o.name().toLowerCase(Locale.ROOT).equals(op)) {
                return o;
            }
        }
        throw new IllegalArgumentException("--op must be encode, decode or roundtrip, got '" + op + "'");
    }

    /** The binary column holding the produced file's bytes. */
    public String outputColumn() {
        return outputColumn;
    }

    /** The typed columns besides the bytes and the error. */
    public List<StructField> valueFields() {
        return valueFields;
    }

    /** Which files of an input tree this operation takes (the same as batch's). */
    public BatchInput inputs() {
        return inputs;
    }

    /**
     * One image's result.
     *
     * @param bytes   the produced file's content
     * @param values  the typed column values ({@link #valueFields()})
     * @param summary batch's summary.csv values for this operation
     */
    public record Outcome(byte[] bytes, Object[] values, List<String> summary) {}

    /**
     * The per-image step over one model (one per partition; the model is shared).
     *
     * @param intensity      encode and roundtrip: linear or percentile[:LOW:HIGH]
     * @param ignoreBundleId decode: accept latents of another bundle with the same channel count
     */
    public Step step(LatentCodec codec, String intensity, boolean ignoreBundleId) {
        IntensityMapping mapping = IntensityMapping.parse(intensity);
        return switch (this) {
            case ENCODE -> new EncodeStep(new EncodeOperation(codec, mapping));
            case DECODE -> new DecodeStep(new DecodeOperation(codec, ignoreBundleId));
            case ROUNDTRIP -> new RoundTripStep(new RoundTripOperation(codec, null, mapping));
        };
    }

    /** The summary.csv columns batch writes for this operation. */
    public List<String> summaryColumns() {
        return switch (this) {
            case ENCODE -> new EncodeOperation(null, IntensityMapping.LINEAR).columns();
            case DECODE -> new DecodeOperation(null, false).columns();
            case ROUNDTRIP -> new RoundTripOperation(null, null, IntensityMapping.LINEAR).columns();
        };
    }

    /** One operation's work on one image's bytes. */
    public interface Step {
        /**
         * The file batch would write for an input: {@code base} is the input's place in the mirrored tree,
         * named by its stem (see {@code FolderBatch}); decode reads the latent's header from {@code content}.
         */
        Path output(Path input, Path base, byte[] content) throws IOException;

        /** @param name the input's path, for messages and (its file name) the latent header */
        Outcome apply(String name, byte[] content) throws Exception;
    }

    private static String fileName(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? name : name.substring(slash + 1);
    }

    private record EncodeStep(EncodeOperation op) implements Step {
        @Override
        public Path output(Path input, Path base, byte[] content) {
            return op.outputs(input, base).get(0);
        }

        @Override
        public Outcome apply(String name, byte[] content) throws Exception {
            ImageData img = ImageFiles.readImage(content, name, op.mapping());
            Latent latent = op.encode(img, fileName(name));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            LatentFile.write(out, name, latent);
            EncodeOperation.Result r = op.result(latent);
            return new Outcome(out.toByteArray(), new Object[] {r.latentShape()}, op.values(r));
        }
    }

    private record DecodeStep(DecodeOperation op) implements Step {
        @Override
        public Path output(Path input, Path base, byte[] content) throws IOException {
            String stem = base.getFileName().toString().replaceFirst("\\.latent$", "");
            return base.resolveSibling(
                    stem + "." + op.outputExtension(LatentFile.readHeader(content, input.toString())));
        }

        @Override
        public Outcome apply(String name, byte[] content) throws Exception {
            Latent latent = LatentFile.read(content, name);
            FloatTensor image = op.decode(latent, name);
            LatentHeader h = latent.header();
            String ext = op.outputExtension(h);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageFiles.write(image, op.imageLike(h, image), out, ext.equals("png") ? "png" : "tiff", name);
            return new Outcome(
                    out.toByteArray(),
                    new Object[] {ext},
                    op.values(new DecodeOperation.Result(image.batch(), image.height(), image.width())));
        }
    }

    private record RoundTripStep(RoundTripOperation op) implements Step {
        @Override
        public Path output(Path input, Path base, byte[] content) {
            return op.outputs(input, base).get(0);
        }

        @Override
        public Outcome apply(String name, byte[] content) throws Exception {
            RoundTripOperation.Output o = op.roundTrip(ImageFiles.readImage(content, name, op.mapping()));
            String container = op.outputs(Path.of(fileName(name)), Path.of("x"))
                            .get(0)
                            .toString()
                            .endsWith(".tif")
                    ? "tiff"
                    : "png";
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageFiles.write(o.images().get(0), o.likes().get(0), out, container, name);
            return new Outcome(out.toByteArray(), new Object[] {o.metrics().psnr()}, op.values(o.metrics()));
        }
    }
}
