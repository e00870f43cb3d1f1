package org.eqvae4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eqvae4j.runtime.latent.LatentFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many tiny images through {@code eqvae spark} in a child JVM whose heap (driver and, in local mode, executor
 * together) is capped at 512 MB, the least Spark starts with: it must finish with every latent written.
 */
class SparkScaleTest {
    @TempDir
    Path tmp;

    @Test
    void aThousandTinyImagesInABoundedHeap() throws Exception {
        run(1_000);
    }

    @Test
    @Tag("slow")
    void tenThousandTinyImagesInABoundedHeap() throws Exception {
        run(10_000);
    }

    private void run(int count) throws Exception {
        Path in = tmp.resolve("in");
        long t0 = System.nanoTime();
        SparkBenchmark.synthesise(in, count, 8, 7);
        long t1 = System.nanoTime();
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        cmd.addAll(
                Arrays.asList(System.getProperty("spark.jvm.options", "").trim().split("\\s+")));
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                "org.eqvae4j.spark.cli.EqvaeSpark",
                "spark",
                "--master",
                "local[2]",
                "--model",
                SparkFixtures.smallBundle().toString(),
                "--input",
                in.toString(),
                "--output",
                tmp.resolve("out").toString(),
                "--op",
                "encode",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.sql.warehouse.dir=" + tmp.resolve("warehouse")));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("log.txt").toFile())
                .start();
        boolean finished = p.waitFor(10, TimeUnit.MINUTES);
        String log = Files.readString(tmp.resolve("log.txt"));
        assertTrue(finished, "still running after 10 minutes:\n" + log);
        long t2 = System.nanoTime();
        assertEquals(0, p.exitValue(), log);
        try (Stream<Path> s = Files.walk(tmp.resolve("out"))) {
            assertEquals(
                    count,
                    s.filter(f -> f.toString().endsWith(LatentFile.SUFFIX)).count(),
                    log);
        }
        List<String> summary = Files.readAllLines(tmp.resolve("out/summary.csv"));
        assertEquals(count + 1, summary.size());
        assertEquals(count, summary.stream().filter(l -> l.contains(",done,")).count());
        assertTrue(log.contains(count + " done, 0 skipped"), log);
        System.out.printf(
                "%d images of 8x8 px: synthesised in %.1f s, eqvae spark local[2] -Xmx512m in %.1f s (%.0f images/s with start-up)%n",
                count, (t1 - t0) / 1e9, (t2 - t1) / 1e9, count / ((t2 - t1) / 1e9));
    }
}
