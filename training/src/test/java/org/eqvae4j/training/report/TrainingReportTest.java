package org.eqvae4j.training.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.eqvae4j.testsupport.RepositoryRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report workflow of {@code eqvae report} and {@code eqvae train --eval}: evaluate both bundles, print, write, record. */
class TrainingReportTest {
    @Test
    void evaluatesBothBundlesWritesTheReportAndRecordsTheTunedMetrics(@TempDir Path dir) throws Exception {
        Path models = RepositoryRoot.get().resolve("models");
        Path tunedCopy = copy(models.resolve("eq-kl-vae-small"), dir.resolve("eq-kl-vae-small"));
        Path images = Files.createDirectory(dir.resolve("images"));
        FloatTensor photo = ImageFiles.read(RepositoryRoot.get().resolve("test-images/photos/coffee.png"));
        ImageFiles.writePng(LatentTransform.crop(150, 200, 64, 64).apply(photo), images.resolve("c.png"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] listeners = new int[1];

        Path report = TrainingReport.evaluateAndWrite(
                ModelBundle.open(models.resolve("kl-vae-small")),
                ModelBundle.open(tunedCopy),
                images,
                null,
                dir.resolve("report"),
                64,
                RuntimeOptions.threads(2),
                true,
                () -> {
                    listeners[0]++;
                    return ProgressListener.NONE;
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()));

        assertEquals(2, listeners[0], "one progress listener per evaluation");
        assertTrue(
                Files.isRegularFile(report) && Files.readString(report).contains("eq-kl-vae-small"), report.toString());
        for (String png : List.of("reconstructions.png", "figure2.png", "latent_pca.png")) {
            assertTrue(Files.size(dir.resolve("report").resolve(png)) > 1000, png);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        int tunedAt = printed.indexOf("model eq-kl-vae-small, 1 images at 64x64");
        assertTrue(printed.startsWith("model kl-vae-small, 1 images at 64x64") && tunedAt > 0, printed);
        Matcher psnr = Pattern.compile("reconstruction   PSNR ([0-9.]+) dB").matcher(printed.substring(tunedAt));
        assertTrue(psnr.find(), printed);
        double recorded =
                ((Number) ModelBundle.open(tunedCopy).manifest().metrics().get("psnr")).doubleValue();
        assertEquals(
                Double.parseDouble(psnr.group(1)),
                recorded,
                0.006,
                "the printed evaluation is the one recorded in model.json");
        assertEquals(
                1, ((Number) ModelBundle.open(tunedCopy).manifest().metrics().get("images")).intValue());
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
        return to;
    }
}
