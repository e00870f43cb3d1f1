package org.eqvae4j.training.report;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.metrics.AutoencoderEvaluation;
import org.eqvae4j.runtime.metrics.EvaluationImages;
import org.eqvae4j.runtime.metrics.EvaluationText;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.eqvae4j.runtime.visual.ImageGrid;
import org.eqvae4j.runtime.visual.LatentPca;

/**
 * A fine-tuning run's report: {@code report.md} with the metrics of base and fine-tuned model side by
 * side, the loss curve, reconstructions, the paper's Figure 2 view (decoding a transformed latent,
 * D(tau(E(x))), against decoding the latent of the transformed image, D(E(tau(x))), with tau = scale 0.5
 * then a quarter turn) and the Figure 1 view (top-3 PCA of latents as colour).
 */
public final class TrainingReport {
    private static final int CELL = 192;
    private static final int GAP = 6;

    private TrainingReport() {}

    /**
     * Evaluates base and fine-tuned bundle on the same images, prints both evaluations to {@code out}, writes the report into
     * {@code dir} and, with {@code record}, stores the tuned bundle's metrics in its model.json.
     *
     * @param images     held-out images (file or folder); unreadable ones are named on {@code log}
     * @param metricsCsv the run's metrics.csv for the loss curve, or null
     * @param progress   a fresh progress listener for each of the two evaluations
     * @return the report file
     */
    public static Path evaluateAndWrite(
            ModelBundle baseBundle,
            ModelBundle tunedBundle,
            Path images,
            Path metricsCsv,
            Path dir,
            int size,
            RuntimeOptions runtime,
            boolean record,
            Supplier<ProgressListener> progress,
            PrintStream out,
            PrintStream log)
            throws IOException, OrtException, BundleException {
        try (Autoencoder b = Autoencoder.open(baseBundle, runtime);
                Autoencoder t = Autoencoder.open(tunedBundle, runtime)) {
            List<FloatTensor> prepared =
                    EvaluationImages.prepare(images, t.manifest().imageChannels(), size, log);
            AutoencoderEvaluation.Report before = AutoencoderEvaluation.evaluate(b, prepared, progress.get());
            AutoencoderEvaluation.Report after = AutoencoderEvaluation.evaluate(t, prepared, progress.get());
            out.print(EvaluationText.of(b.manifest().id(), before));
            out.print(EvaluationText.of(t.manifest().id(), after));
            if (record) {
                tunedBundle.withMetrics(after.asMap());
            }
            return write(dir, metricsCsv, b, t, prepared, before, after);
        }
    }

    /** @param images prepared square evaluation images ([1,C,s,s] in [0,1]); the first few are shown */
    public static Path write(
            Path dir,
            Path metricsCsv,
            Autoencoder base,
            Autoencoder tuned,
            List<FloatTensor> images,
            AutoencoderEvaluation.Report baseReport,
            AutoencoderEvaluation.Report tunedReport)
            throws IOException, OrtException {
        Files.createDirectories(dir);
        if (metricsCsv != null && Files.isRegularFile(metricsCsv)) {
            LossChart.write(metricsCsv, dir.resolve("loss.png"), 50);
        }
        int f = base.manifest().downsamplingFactor();
        LatentTransform tau = LatentTransform.scaleThenRotate(0.5, 1);
        List<List<FloatTensor>> recon = new ArrayList<>();
        List<List<FloatTensor>> fig2 = new ArrayList<>();
        List<List<FloatTensor>> pca = new ArrayList<>();
        for (FloatTensor x : images.subList(0, Math.min(3, images.size()))) {
            FloatTensor zb = base.encode(x);
            FloatTensor zt = tuned.encode(x);
            FloatTensor tx = tau.imageCounterpart(f).apply(x);
            recon.add(List.of(x, clamp(base.decode(zb)), clamp(tuned.decode(zt))));
            fig2.add(List.of(
                    tx,
                    clamp(base.decode(base.encode(tx))),
                    clamp(base.decode(tau.apply(zb))),
                    clamp(tuned.decode(tau.apply(zt)))));
            pca.add(List.of(x, LatentPca.toRgb(zb), LatentPca.toRgb(zt)));
        }
        ImageFiles.writePng(ImageGrid.of(recon, CELL, GAP), dir.resolve("reconstructions.png"));
        ImageFiles.writePng(ImageGrid.of(fig2, CELL, GAP), dir.resolve("figure2.png"));
        ImageFiles.writePng(ImageGrid.of(pca, CELL, GAP), dir.resolve("latent_pca.png"));

        StringBuilder md = new StringBuilder();
        md.append("# EQ-VAE fine-tuning report: ").append(tuned.manifest().id()).append("\n\n");
        md.append("Base model `")
                .append(base.manifest().id())
                .append("`, fine-tuned `")
                .append(tuned.manifest().id())
                .append("`; metrics on ")
                .append(tunedReport.images())
                .append(" held-out images at ")
                .append(tunedReport.size())
                .append("x")
                .append(tunedReport.size())
                .append(". E(x) is the deterministic latent (posterior mean for KL models).\n\n");
        md.append(table(baseReport, tunedReport)).append("\n");
        if (Files.isRegularFile(dir.resolve("loss.png"))) {
            md.append("## Loss\n\n![loss](loss.png)\n\n");
        }
        md.append(
                "## Reconstructions\n\nx | D(E(x)) base | D(E(x)) fine-tuned\n\n![reconstructions](reconstructions.png)\n\n");
        md.append("## Figure 2 view, tau = scale 0.5 then rotate 90 degrees clockwise\n\n")
                .append(
                        "tau(x) | D(E(tau(x))) base | D(tau(E(x))) base | D(tau(E(x))) fine-tuned\n\n![figure 2](figure2.png)\n\n");
        md.append(
                "## Latents, top-3 PCA as colour (Figure 1 view)\n\nx | base latent | fine-tuned latent\n\n![latent PCA](latent_pca.png)\n");
        Path report = dir.resolve("report.md");
        String text = md.toString();
        AtomicFiles.write(report, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
        return report;
    }

    /** Markdown table of the paper's measures, base against fine-tuned. */
    public static String table(AutoencoderEvaluation.Report base, AutoencoderEvaluation.Report tuned) {
        Map<String, Object> b = base.asMap();
        Map<String, Object> t = tuned.asMap();
        StringBuilder sb = new StringBuilder("| measure | base | fine-tuned |\n|---|---|---|\n");
        for (String k : t.keySet()) {
            if (k.equals("images") || k.equals("size")) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", k, b.get(k), t.get(k)));
        }
        return sb.toString();
    }

    private static FloatTensor clamp(FloatTensor x) {
        return x.map(v -> Math.max(0, Math.min(1, v)));
    }
}
