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
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.visual.ImageGrid;
import org.eqvae4j.training.generator.maskgit.MaskGitExperiment.Arm;
import org.eqvae4j.training.report.CurveChart;

/**
 * The report of a {@link MaskGitExperiment}: README.md (the VQ models' metrics, FD-FMNIST-CNN over training, the
 * iteration ratio on single and smoothed evaluations), loss.png, fd.png, samples per arm and results.json. Only
 * writes what the experiment measured; nothing here runs a model.
 */
final class MaskGitReport {
    private MaskGitReport() {}

    /**
     * The first evaluation step at which {@code fd} is at or below {@code target}, or -1. The iteration
     * ratio of the report is the baseline's last step over this step of the EQ run for the baseline's final FD.
     */
    public static long firstStepReaching(long[] steps, double[] fd, double target) {
        for (int i = 0; i < steps.length; i++) {
            if (fd[i] <= target) {
                return steps[i];
            }
        }
        return -1;
    }

    /**
     * Writes {@code cfg.report()}: README.md, loss.png, fd.png, samples-ARM.png (from {@code samples}: per arm 80 decoded
     * images, sample k * 10 + c of class c) and results.json.
     */
    static void write(MaskGitExperiment.Config cfg, List<Arm> arms, Map<String, FloatTensor> samples)
            throws IOException {
        Path out = cfg.report();
        Files.createDirectories(out);
        Arm base = arms.get(0);
        Arm eq = arms.get(1);
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
                "FD-FMNIST-CNN of " + cfg.evalSamples() + " samples vs the test set (lower is better)",
                "step",
                "FD-FMNIST-CNN",
                fdCurves,
                out.resolve("fd.png"));
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
        // single evaluations are noisy (500 samples, a model still moving): the ratio is given on the raw
        // curves and on trailing means of SMOOTH evaluations
        Ratio raw = ratio(base.evalSteps(), base.fd(), eq.evalSteps(), eq.fd());
        Ratio smooth =
                ratio(base.evalSteps(), trailingMean(base.fd(), SMOOTH), eq.evalSteps(), trailingMean(eq.fd(), SMOOTH));
        StringBuilder md = new StringBuilder();
        md.append("# Discrete generators on baseline vs EQ-VAE latents (VQ + MaskGIT, Fashion-MNIST)\n\n");
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
                .append("), seed ")
                .append(cfg.seed())
                .append(", arccos masking, class dropout 0.1, ")
                .append("the first ")
                .append(base.loss()[0].length > 0 ? cfg.trainImages() : 0)
                .append(" Fashion-MNIST training images (28x28 centred on 32x32 -> 8x8 tokens); ")
                .append("only the VQ autoencoder differs.\n\n");
        md.append("Sample quality is **FD-FMNIST-CNN**: the Frechet distance between ")
                .append(cfg.evalSamples())
                .append(" generated images (classes 0-9 in turn, fixed seeds, ")
                .append(cfg.decodeSteps())
                .append(
                        " decoding steps, no guidance) and the 10,000 test images, in the feature space of the project's Fashion-MNIST classifier (`")
                .append(cfg.classifier().getFileName())
                .append("`). It is not FID (no Inception network); values are comparable only with each other. ")
                .append("With ")
                .append(cfg.evalSamples())
                .append(" samples the estimate carries a positive bias, the same for both arms.\n\n");
        md.append("## VQ autoencoders\n\n");
        md.append("Measured on the first ")
                .append(cfg.vqEvalImages())
                .append(" test images (32x32) by the runtime's metrics library; codebook usage over their tokens.\n\n");
        md.append(
                "| arm | bundle | PSNR dB | codebook perplexity | codebook used | equivariance error rot | equivariance error scale | PSNR D(tau z) rot | PSNR D(tau z) scale | FD-FMNIST-CNN of reconstructions |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Arm a : arms) {
            Map<String, Object> m = a.vqMetrics();
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | `%s` | %.2f | %.1f | %.1f %% | %.3f | %.3f | %.2f | %.2f | %.2f |%n",
                    a.name(),
                    a.vqId(),
                    num(m.get("psnr")),
                    num(m.get("codebook_perplexity")),
                    100 * num(m.get("codebook_used")),
                    num(m.get("equivariance_error_rotation")),
                    num(m.get("equivariance_error_scale")),
                    num(m.get("psnr_transformed_latent_rotation")),
                    num(m.get("psnr_transformed_latent_scale")),
                    a.reconstructionFd()));
        }
        double bp = num(base.vqMetrics().get("codebook_perplexity"));
        double ep = num(eq.vqMetrics().get("codebook_perplexity"));
        if (Math.abs(bp - ep) > 0.1 * Math.max(bp, ep)) {
            md.append(String.format(
                    Locale.ROOT,
                    "%nThe two VQ models use their codebooks differently (perplexity %.1f vs %.1f): a token distribution "
                            + "of lower entropy is easier to model by itself, so the generators' cross-entropy losses are not comparable across arms, "
                            + "and part of any difference in sample quality may come from the codebook usage rather than from equivariance.%n",
                    bp,
                    ep));
        }
        md.append("\n## MaskGIT: FD-FMNIST-CNN over training\n\n| step |");
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
        md.append("\n## Iteration ratio\n\n");
        md.append(
                        "The step at which the EQ run first reaches the baseline's final FD-FMNIST-CNN, as baseline steps / EQ steps ")
                .append("(resolution: the evaluation interval of ")
                .append(cfg.evalEvery())
                .append(" steps).\n\n");
        md.append(
                "| curves | baseline final | EQ final | EQ reaches baseline final at | ratio | baseline reaches EQ final at |\n|---|---|---|---|---|---|\n");
        md.append(raw.row("single evaluations"));
        md.append(smooth.row("trailing mean of " + SMOOTH + " evaluations"));
        md.append("\nSingle evaluations fluctuate (")
                .append(cfg.evalSamples())
                .append(" samples; constant learning rate after warm-up, no weight ")
                .append(
                        "averaging), so the smoothed row is the more robust reading; both are one run per arm with one seed.\n");
        md.append(
                        "\nThe paper reports x2-x7 faster convergence for diffusion/autoregressive generators on EQ-VAE latents at ImageNet scale; ")
                .append("this is one small CPU run per arm (one seed), so the ratio is indicative only.\n\n");
        md.append(
                "![loss](loss.png)\n\n![FD](fd.png)\n\nSamples after the last step (rows: classes 0-9, T-shirt/top ... ankle boot; 8 seeds each):\n\n");
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
        json.put("iterationRatio", raw.ratio());
        json.put("iterationRatioSmoothed", smooth.ratio());
        json.put("eqStepReachingBaselineFinal", raw.eqReach());
        json.put("eqStepReachingBaselineFinalSmoothed", smooth.eqReach());
        json.put("command", cfg.command());
        AtomicFiles.write(
                out.resolve("results.json"),
                o -> new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValue(o, json));
    }

    /** Evaluations averaged for the smoothed iteration ratio. */
    static final int SMOOTH = 3;

    /** How the two FD curves compare: finals, the step where each reaches the other's final, the ratio (NaN when not reached). */
    record Ratio(double baseFinal, double eqFinal, long baseLast, long eqLast, long eqReach, long baseReach) {
        Double ratio() {
            return eqReach > 0 ? (double) baseLast / eqReach : null;
        }

        String row(String what) {
            return String.format(
                    Locale.ROOT,
                    "| %s | %.2f (step %d) | %.2f (step %d) | %s | %s | %s |%n",
                    what,
                    baseFinal,
                    baseLast,
                    eqFinal,
                    eqLast,
                    eqReach > 0 ? "step " + eqReach : "not reached",
                    eqReach > 0 ? String.format(Locale.ROOT, "**%.2f**", ratio()) : "-",
                    baseReach > 0 ? "step " + baseReach : "not reached");
        }
    }

    static Ratio ratio(long[] baseSteps, double[] baseFd, long[] eqSteps, double[] eqFd) {
        double baseFinal = baseFd[baseFd.length - 1];
        double eqFinal = eqFd[eqFd.length - 1];
        return new Ratio(
                baseFinal,
                eqFinal,
                baseSteps[baseSteps.length - 1],
                eqSteps[eqSteps.length - 1],
                firstStepReaching(eqSteps, eqFd, baseFinal),
                firstStepReaching(baseSteps, baseFd, eqFinal));
    }

    /** Mean of each value and up to {@code k - 1} values before it. */
    static double[] trailingMean(double[] v, int k) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            int from = Math.max(0, i - k + 1);
            out[i] = Arrays.stream(v, from, i + 1).average().orElse(Double.NaN);
        }
        return out;
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
