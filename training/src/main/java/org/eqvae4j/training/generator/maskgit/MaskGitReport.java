package org.eqvae4j.training.generator.maskgit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.metrics.AutoencoderMeasure;
import org.eqvae4j.runtime.metrics.Bootstrap;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.visual.ImageGrid;
import org.eqvae4j.training.eval.IterationRatio;
import org.eqvae4j.training.generator.SeedReport;
import org.eqvae4j.training.generator.SeedStatistics;
import org.eqvae4j.training.generator.maskgit.MaskGitExperiment.Arm;
import org.eqvae4j.training.report.CurveChart;

/**
 * The report of a {@link MaskGitExperiment}: README.md (the VQ models' metrics, floors, final scores and iteration
 * ratios with bootstrap intervals over seeds, the first seed's FD over training), runs/bands/ratios/floors CSV, band
 * charts, loss.png, samples per arm and results.json. Only
 * writes what the experiment measured; nothing here runs a model.
 */
final class MaskGitReport {
    private MaskGitReport() {}

    /**
     * Writes {@code cfg.report()}: README.md, loss.png, fd.png, samples-ARM.png (from {@code samples}: per arm 80 decoded
     * images, sample k * 10 + c of class c) and results.json.
     */
    static void write(MaskGitExperiment.Config cfg, List<Arm> arms, Map<String, FloatTensor> samples)
            throws IOException {
        Path out = cfg.report();
        Files.createDirectories(out);
        Arm base = arms.get(0);
        List<SeedStatistics.Run> runs = new ArrayList<>();
        Map<String, Double> floors = new LinkedHashMap<>();
        for (Arm a : arms) {
            runs.addAll(a.seedRuns());
            floors.put(a.name(), a.reconstructionFd());
        }
        SeedStatistics stats = new SeedStatistics(runs, Bootstrap.DEFAULT_RESAMPLES, 0.95, 20250101L);
        List<SeedStatistics.PairRatio> ratios = new ArrayList<>();
        for (String metric : List.of(MaskGitExperiment.FD, MaskGitExperiment.KD)) {
            for (int b = 1; b < arms.size(); b++) {
                for (int a = 0; a < b; a++) {
                    for (IterationRatio.Curve curve : IterationRatio.Curve.values()) {
                        ratios.add(stats.ratio(arms.get(a).name(), arms.get(b).name(), metric, curve));
                    }
                }
            }
        }
        SeedStatistics.FloorCheck floorCheck = SeedStatistics.floors(floors, FLOOR_TOLERANCE);
        SeedReport.writeFiles(out, stats, ratios, floorCheck, Math.min(cfg.vqEvalImages(), 10_000), CHARTS);
        Map<String, double[][]> lossCurves = new LinkedHashMap<>();
        Map<String, double[][]> fdCurves = new LinkedHashMap<>();
        for (Arm a : arms) {
            lossCurves.put(a.name() + " (" + a.vqId() + ")", movingAverage(a.loss(), 50));
            fdCurves.put(a.name() + " (" + a.vqId() + ")", new double[][] {
                Arrays.stream(a.evalSteps()).asDoubleStream().toArray(), a.fd()
            });
        }
        CurveChart.write(
                "MaskGIT training loss (masked-token cross-entropy, 50-step moving average)",
                "step",
                "loss",
                lossCurves,
                out.resolve("loss.png"));
        CurveChart.write(
                "FD-FMNIST-CNN vs the test set, first seed (" + cfg.seeds().get(0) + ") of each arm (lower is better)",
                "step",
                "FD-FMNIST-CNN",
                fdCurves,
                out.resolve("fd-first-seed.png"));
        for (Arm a : arms) {
            FloatTensor s = samples.get(a.name());
            List<List<FloatTensor>> rows = new ArrayList<>();
            for (int c = 0; c < MaskGitExperiment.CLASSES; c++) {
                List<FloatTensor> row = new ArrayList<>();
                for (int k = 0; k < 8; k++) {
                    row.add(s.sample(k * MaskGitExperiment.CLASSES + c).map(v -> Math.max(0f, Math.min(1f, v))));
                }
                rows.add(row);
            }
            ImageFiles.writePng(ImageGrid.of(rows, 64, 2), out.resolve("samples-" + a.name() + ".png"));
        }
        StringBuilder md = new StringBuilder();
        md.append("# Discrete generators on the tokens of ")
                .append(String.join(", ", floors.keySet()))
                .append(" (VQ + MaskGIT, Fashion-MNIST)\n\n");
        md.append("Regenerate with:\n\n```bash\n").append(cfg.command()).append("\n```\n\n");
        md.append("Same MaskGIT (width ")
                .append(cfg.dim())
                .append(", ")
                .append(cfg.depth())
                .append(" blocks, ")
                .append(cfg.heads())
                .append(" heads), same ")
                .append(cfg.steps())
                .append(" steps of batch ")
                .append(cfg.batch())
                .append(", lr ")
                .append(cfg.learningRate())
                .append(" (warm-up ")
                .append(cfg.warmupSteps())
                .append("), seeds ")
                .append(cfg.seeds())
                .append(", arccos masking, class dropout 0.1, ")
                .append("the first ")
                .append(base.loss()[0].length > 0 ? cfg.trainImages() : 0)
                .append(" Fashion-MNIST training images (28x28 centred on 32x32 -> 8x8 tokens); ")
                .append("only the VQ autoencoder differs.\n\n");
        md.append(
                        "Sample quality, all **in the FMNIST-classifier feature space** (never FID/KID): **FD-FMNIST-CNN**, the "
                                + "Frechet distance to the 10,000 test images; KD-FMNIST-CNN (KID's unbiased MMD^2, cubic kernel) and "
                                + "precision/recall (k = 3) against as many test images as samples. ")
                .append(cfg.evalSamples())
                .append(" generated images per evaluation, ")
                .append(cfg.finalSamples())
                .append(" after the last step (classes 0-9 in turn, fixed seeds, ")
                .append(cfg.decodeSteps())
                .append(
                        " decoding steps, no guidance) and the 10,000 test images, in the feature space of the project's Fashion-MNIST classifier (`")
                .append(cfg.classifier().getFileName())
                .append("`). It is not FID (no Inception network); values are comparable only with each other. ")
                .append("With ")
                .append(cfg.evalSamples())
                .append(" samples the estimate carries a positive bias, the same for both arms.\n\n");
        Map<String, Path> sources = new LinkedHashMap<>();
        cfg.arms().forEach(a -> sources.put(a.label(), a.bundle()));
        md.append("## Where each arm's VQ autoencoder comes from\n\n").append(SeedReport.armSources(sources));
        md.append("## VQ autoencoders\n\n");
        md.append("Measured on the first ")
                .append(cfg.vqEvalImages())
                .append(" test images (32x32) by the runtime's metrics library; codebook usage over their tokens.\n\n");
        md.append(vqTable(arms));
        double bp = arms.stream()
                .mapToDouble(a -> num(a.vqMetrics().get("codebook_perplexity")))
                .min()
                .orElse(0);
        double ep = arms.stream()
                .mapToDouble(a -> num(a.vqMetrics().get("codebook_perplexity")))
                .max()
                .orElse(0);
        if (Math.abs(bp - ep) > 0.1 * Math.max(bp, ep)) {
            md.append(String.format(
                    Locale.ROOT,
                    "%nThe VQ models use their codebooks differently (perplexity %.1f to %.1f): a token distribution "
                            + "of lower entropy is easier to model by itself, so the generators' cross-entropy losses are not comparable across arms, "
                            + "and part of any difference in sample quality may come from the codebook usage rather than from equivariance.%n",
                    bp,
                    ep));
        }
        md.append("\n## Reconstruction floors\n\n").append(SeedReport.floors(floorCheck));
        md.append("## Final scores (mean over seeds [95 % interval])\n\n")
                .append(SeedReport.finalScores(stats, TABLE, "samples"));
        md.append(
                "\nEvery score of every evaluation and seed: `runs.csv`; means and intervals per step: `bands.csv`.\n\n");
        md.append("## Iteration ratios\n\n").append(SeedReport.RATIO_DEFINITION).append(SeedReport.ratios(ratios));
        md.append("\n## MaskGIT: FD-FMNIST-CNN over training, first seed\n\n| step |");
        for (Arm a : arms) {
            md.append(' ').append(a.name()).append(" |");
        }
        md.append("\n|---|");
        arms.forEach(a -> md.append("---|"));
        md.append('\n');
        for (int i = 0; i < base.evalSteps().length; i++) {
            md.append("| ").append(base.evalSteps()[i]).append(" |");
            for (Arm a : arms) {
                md.append(i < a.fd().length ? String.format(Locale.ROOT, " %.2f |", a.fd()[i]) : " |");
            }
            md.append('\n');
        }
        md.append(
                "\n| arm | final loss (mean of last 50 steps) | final FD-FMNIST-CNN | best FD-FMNIST-CNN |\n|---|---|---|---|\n");
        for (Arm a : arms) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.4f | %.2f | %.2f |%n",
                    a.name(),
                    tailMean(a.loss()[1], 50),
                    a.fd()[a.fd().length - 1],
                    Arrays.stream(a.fd()).min().orElse(Double.NaN)));
        }
        md.append("\n![loss](loss.png)\n\n![FD, first seed](fd-first-seed.png)\n\n");
        for (SeedReport.Chart c : CHARTS) {
            md.append("![").append(c.metric()).append("](").append(c.file()).append(")\n\n");
        }
        md.append(
                "Samples after the last step of the first seed (rows: classes 0-9, T-shirt/top ... ankle boot; 8 seeds each):\n\n");
        for (Arm a : arms) {
            md.append(a.name())
                    .append(" (`")
                    .append(a.vqId())
                    .append("`):\n\n![")
                    .append(a.name())
                    .append("](samples-")
                    .append(a.name())
                    .append(".png)\n\n");
        }
        AtomicFiles.write(out.resolve("README.md"), o -> o.write(md.toString().getBytes(StandardCharsets.UTF_8)));
        Map<String, Object> json = new LinkedHashMap<>();
        for (Arm a : arms) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("vq", a.vqId());
            m.put("vqMetrics", a.vqMetrics());
            m.put("reconstructionFd", a.reconstructionFd());
            m.put("evalSteps", a.evalSteps());
            m.put("fd", a.fd());
            m.put("finalLoss", tailMean(a.loss()[1], 50));
            json.put(a.name(), m);
        }
        List<Map<String, Object>> ratioJson = new ArrayList<>();
        for (SeedStatistics.PairRatio r : ratios) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("armA", r.armA());
            m.put("armB", r.armB());
            m.put("metric", r.metric());
            m.put("curve", r.curve().label());
            m.put("seeds", r.seeds());
            m.put(
                    "perSeed",
                    Arrays.stream(r.perSeed()).mapToDouble(x -> x.ratio()).toArray());
            m.put("geometricMean", r.interval().estimate());
            m.put("ciLow", r.interval().low());
            m.put("ciHigh", r.interval().high());
            ratioJson.add(m);
        }
        json.put("iterationRatios", ratioJson);
        json.put("floorSpread", floorCheck.spread());
        json.put("command", cfg.command());
        AtomicFiles.write(
                out.resolve("results.json"),
                o -> new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValue(o, json));
    }

    /** The largest allowed spread of the arms' reconstruction floors (reported, not enforced). */
    static final double FLOOR_TOLERANCE = 0.2;

    private static final List<String> TABLE =
            List.of(MaskGitExperiment.FD, MaskGitExperiment.KD, "precision", "recall");

    static final List<SeedReport.Chart> CHARTS = List.of(
            new SeedReport.Chart(
                    MaskGitExperiment.FD,
                    "fd.png",
                    "FD-FMNIST-CNN against the test images (lower is better)",
                    "FD-FMNIST-CNN"),
            new SeedReport.Chart(
                    MaskGitExperiment.KD,
                    "kd.png",
                    "KD-FMNIST-CNN (KID's estimator in the classifier's features; lower is better)",
                    "KD-FMNIST-CNN"),
            new SeedReport.Chart(
                    "precision",
                    "precision.png",
                    "Precision in the FMNIST-classifier feature space (k = 3)",
                    "precision"),
            new SeedReport.Chart(
                    "recall", "recall.png", "Recall in the FMNIST-classifier feature space (k = 3)", "recall"));

    /** Each arm's VQ autoencoder: PSNR, codebook use, equivariance and latent measures, reconstruction floor. */
    static String vqTable(List<Arm> arms) {
        StringBuilder md = new StringBuilder();
        List<AutoencoderMeasure> measures = List.of(
                AutoencoderMeasure.EQUIVARIANCE_ERROR_ROTATION,
                AutoencoderMeasure.EQUIVARIANCE_ERROR_SCALE,
                AutoencoderMeasure.PSNR_TAU_ROTATION,
                AutoencoderMeasure.PSNR_TAU_SCALE,
                AutoencoderMeasure.LATENT_HIGH_FREQUENCY);
        md.append("| arm | bundle | ")
                .append(AutoencoderMeasure.PSNR.header())
                .append(" | codebook perplexity | codebook used |")
                .append(AutoencoderMeasure.headerCells(measures));
        md.append(" FD-FMNIST-CNN of reconstructions |\n|---|---|")
                .append("---|".repeat(measures.size() + 4))
                .append('\n');
        for (Arm a : arms) {
            Map<String, Object> m = a.vqMetrics();
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | `%s` | %s | %.1f | %.1f %% |",
                    a.name(),
                    a.vqId(),
                    AutoencoderMeasure.PSNR.cell(m),
                    num(m.get("codebook_perplexity")),
                    100 * num(m.get("codebook_used"))));
            measures.forEach(measure -> md.append(measure.markdownCell(m)));
            md.append(String.format(Locale.ROOT, " %.2f |%n", a.reconstructionFd()));
        }
        return md.toString();
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static double tailMean(double[] v, int k) {
        int from = Math.max(0, v.length - k);
        return Arrays.stream(v, from, v.length).average().orElse(Double.NaN);
    }

    private static double[][] movingAverage(double[][] xy, int window) {
        double[] y = new double[xy[1].length];
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += xy[1][i];
            if (i >= window) {
                sum -= xy[1][i - window];
            }
            y[i] = sum / Math.min(i + 1, window);
        }
        return new double[][] {xy[0], y};
    }
}
