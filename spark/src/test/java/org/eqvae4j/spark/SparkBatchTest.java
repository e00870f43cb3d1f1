package org.eqvae4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.eqvae4j.runtime.batch.DecodeOperation;
import org.eqvae4j.runtime.batch.EncodeOperation;
import org.eqvae4j.runtime.batch.FolderBatch;
import org.eqvae4j.runtime.batch.RoundTripOperation;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.image.IntensityMapping;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.tiling.TiledAutoencoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark job and Transformers in local[2] against batch (FolderBatch with the same runtime operations). */
class SparkBatchTest {
    static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkFixtures.session(2);
    }

    @AfterAll
    static void stop() {
        spark.stop();
        ExecutorModels.closeAll();
    }

    private static <R> List<FolderBatch.Item<R>> batch(
            Path in,
            Path out,
            java.util.function.Function<TiledAutoencoder, org.eqvae4j.runtime.batch.BatchOperation<R>> op)
            throws Exception {
        try (Autoencoder ae =
                Autoencoder.open(ModelBundle.open(SparkFixtures.smallBundle()), RuntimeOptions.threads(1))) {
            return FolderBatch.run(
                    in,
                    out,
                    op.apply(new TiledAutoencoder(ae)),
                    new FolderBatch.Options(2, null, false),
                    ProgressListener.NONE);
        }
    }

    private static SparkBatch.Summary spark(EqvaeTransformer t, Path in, Path out, boolean redo) throws IOException {
        t.setBundle(SparkFixtures.smallBundle().toString());
        return SparkBatch.run(spark, t, new SparkBatch.Options(in, out, SparkBatch.Format.FILES, null, redo));
    }

    @Test
    void encodeWritesBatchsFilesByteForByteAndReportsBadFiles() throws Exception {
        Path in = tmp.resolve("in");
        SparkFixtures.mixedTree(in);
        batch(in, tmp.resolve("batch"), codec -> new EncodeOperation(codec, IntensityMapping.LINEAR));
        SparkBatch.Summary s = spark(new EqvaeEncode(), in, tmp.resolve("spark"), false);

        Map<String, byte[]> expected = SparkFixtures.snapshot(tmp.resolve("batch"), FolderBatch.SUMMARY);
        Map<String, byte[]> actual = SparkFixtures.snapshot(tmp.resolve("spark"), FolderBatch.SUMMARY);
        assertEquals(
                expected.keySet(), actual.keySet(), "the same output names (a.png and a.jpg keep their extensions)");
        assertTrue(
                expected.containsKey("a.png.latent.tif") && expected.containsKey("sub/deeper/c.latent.tif"),
                expected.keySet().toString());
        for (String k : expected.keySet()) {
            assertArrayEquals(expected.get(k), actual.get(k), k);
        }
        assertEquals(6, s.count("done"));
        assertEquals(3, s.count("failed"));
        List<String> errors = s.errors();
        for (String bad : List.of("truncated.png", "text.png", "empty.png")) {
            assertTrue(
                    errors.stream()
                            .anyMatch(e ->
                                    e.contains(in.resolve("bad").resolve(bad).toString())),
                    bad + " in " + errors);
        }
        // the summary has batch's columns and rows
        List<String> batchSummary = Files.readAllLines(tmp.resolve("batch").resolve(FolderBatch.SUMMARY));
        List<String> sparkSummary = Files.readAllLines(tmp.resolve("spark").resolve(FolderBatch.SUMMARY));
        assertEquals(batchSummary.get(0), sparkSummary.get(0));
        assertEquals(
                batchSummary.stream()
                        .map(l -> l.split(",")[0] + "," + l.split(",")[1])
                        .toList(),
                sparkSummary.stream()
                        .map(l -> l.split(",")[0] + "," + l.split(",")[1])
                        .toList());

        // a re-run skips every finished file and retries the failed ones
        SparkBatch.Summary again = spark(new EqvaeEncode(), in, tmp.resolve("spark"), false);
        assertEquals(6, again.count("skipped"));
        assertEquals(3, again.count("failed"));
        assertEquals(6, spark(new EqvaeEncode(), in, tmp.resolve("spark"), true).count("done"));
    }

    @Test
    void decodeAndRoundTripMatchBatch() throws Exception {
        Path in = tmp.resolve("in");
        SparkFixtures.mixedTree(in);
        Path latents = tmp.resolve("latents");
        batch(in, latents, codec -> new EncodeOperation(codec, IntensityMapping.LINEAR));
        Files.writeString(latents.resolve("forged.latent.tif"), "not a TIFF");

        batch(latents, tmp.resolve("batch-dec"), codec -> new DecodeOperation(codec, false));
        SparkBatch.Summary dec = spark(new EqvaeDecode(), latents, tmp.resolve("spark-dec"), false);
        Map<String, byte[]> expected = SparkFixtures.snapshot(tmp.resolve("batch-dec"), FolderBatch.SUMMARY);
        Map<String, byte[]> actual = SparkFixtures.snapshot(tmp.resolve("spark-dec"), FolderBatch.SUMMARY);
        assertEquals(expected.keySet(), actual.keySet());
        assertTrue(
                expected.containsKey("sub/chess.tif") && expected.containsKey("a.png.png"),
                expected.keySet().toString());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k));
        assertEquals(1, dec.count("failed"));
        assertTrue(
                dec.errors().get(0).contains("forged.latent.tif"), dec.errors().toString());

        batch(in, tmp.resolve("batch-rt"), codec -> new RoundTripOperation(codec, null, IntensityMapping.LINEAR));
        spark(new EqvaeRoundTrip(), in, tmp.resolve("spark-rt"), false);
        Map<String, byte[]> rtExpected = SparkFixtures.snapshot(tmp.resolve("batch-rt"), FolderBatch.SUMMARY);
        Map<String, byte[]> rtActual = SparkFixtures.snapshot(tmp.resolve("spark-rt"), FolderBatch.SUMMARY);
        assertEquals(rtExpected.keySet(), rtActual.keySet());
        rtExpected.forEach((k, v) -> assertArrayEquals(v, rtActual.get(k), k));
        assertEquals(
                Files.readAllLines(tmp.resolve("batch-rt").resolve(FolderBatch.SUMMARY)),
                Files.readAllLines(tmp.resolve("spark-rt").resolve(FolderBatch.SUMMARY)),
                "PSNR and sizes as batch reports them");
    }

    @Test
    void transformersAddBytesValuesAndAnErrorColumn() throws Exception {
        Path in = tmp.resolve("in");
        SparkFixtures.mixedTree(in);
        batch(in, tmp.resolve("batch"), codec -> new EncodeOperation(codec, IntensityMapping.LINEAR));
        Dataset<Row> files = spark.read()
                .format("binaryFile")
                .option("recursiveFileLookup", "true")
                .option("pathGlobFilter", "*.{png,jpg,tif}")
                .load(in.toString());
        EqvaeTransformer encode = new EqvaeEncode()
                .setBundle(SparkFixtures.smallBundle().toString())
                .setShipBundle(false);
        Map<String, Row> byName = encode.transform(files).collectAsList().stream()
                .collect(Collectors.toMap(
                        r -> SparkPaths.local(r.getString(0)).getFileName().toString(), r -> r));
        Row c = byName.get("c.png");
        assertNull(c.getAs("error"));
        assertEquals("1x4x2x8", c.getAs("latent_shape"));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("batch/sub/deeper/c.latent.tif")), (byte[]) c.getAs("latent"));
        Row bad = byName.get("text.png");
        assertNull(bad.getAs("latent"));
        String error = bad.getAs("error");
        assertTrue(error.contains(in.resolve("bad/text.png").toString()) && error.contains("readable format"), error);

        Dataset<Row> rt = new EqvaeRoundTrip()
                .setBundle(SparkFixtures.smallBundle().toString())
                .transform(files);
        Row a = rt.filter(rt.col("path").endsWith("/a.png")).first();
        double psnr = a.getAs("psnr_db");
        assertTrue(psnr > 10 && psnr < 60, "PSNR " + psnr);
        assertNotNull(a.getAs("reconstruction"));

        IllegalArgumentException missing =
                assertThrows(IllegalArgumentException.class, () -> encode.transform(files.drop("content")));
        assertTrue(missing.getMessage().contains("'content'"), missing.getMessage());
    }

    @Test
    void parquetHoldsTheSameLatentsAndErrors() throws Exception {
        Path in = tmp.resolve("in");
        SparkFixtures.mixedTree(in);
        batch(in, tmp.resolve("batch"), codec -> new EncodeOperation(codec, IntensityMapping.LINEAR));
        EqvaeTransformer t =
                new EqvaeEncode().setBundle(SparkFixtures.smallBundle().toString());
        SparkBatch.Summary s = SparkBatch.run(
                spark, t, new SparkBatch.Options(in, tmp.resolve("pq"), SparkBatch.Format.PARQUET, null, false));
        assertEquals(6, s.count("done"));
        assertEquals(2, s.count("failed"), "the empty file has no row: Spark's binaryFile source drops empty files");
        Row a = spark.read()
                .parquet(tmp.resolve("pq/results.parquet").toString())
                .filter("path like '%/sub/grey.png'")
                .first();
        assertArrayEquals(Files.readAllBytes(tmp.resolve("batch/sub/grey.latent.tif")), (byte[]) a.getAs("latent"));
        IOException exists = assertThrows(
                IOException.class,
                () -> SparkBatch.run(
                        spark,
                        t,
                        new SparkBatch.Options(in, tmp.resolve("pq"), SparkBatch.Format.PARQUET, null, false)));
        assertTrue(exists.getMessage().contains("--redo"), exists.getMessage());
    }

    @Test
    void refusesAnOutputInsideTheInputAndAnEmptyTree() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.writeString(in.resolve("readme.txt"), "no images");
        EqvaeTransformer t =
                new EqvaeEncode().setBundle(SparkFixtures.smallBundle().toString());
        IOException inside = assertThrows(
                IOException.class,
                () -> SparkBatch.run(
                        spark, t, new SparkBatch.Options(in, in.resolve("out"), SparkBatch.Format.FILES, null, false)));
        assertTrue(inside.getMessage().contains("inside the input"), inside.getMessage());
        IOException none = assertThrows(
                IOException.class,
                () -> SparkBatch.run(
                        spark,
                        t,
                        new SparkBatch.Options(in, tmp.resolve("out"), SparkBatch.Format.FILES, null, false)));
        assertTrue(none.getMessage().contains("no images"), none.getMessage());
    }
}
