package org.eqvae4j.training.generator.flow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.eqvae4j.runtime.metrics.AutoencoderMeasure;
import org.eqvae4j.runtime.metrics.LatentSpectrum;
import org.eqvae4j.training.eval.KernelDistance;
import org.eqvae4j.training.generator.SeedReport;

/** The experiment's Markdown report: setup, floors, final scores with intervals, iteration ratios, figures. */
final class GeneratorReport {
    /** The final-score table's columns. */
    private static final List<String> TABLE = List.of(
            GeneratorExperiment.FD,
            GeneratorExperiment.FD_OWN,
            GeneratorExperiment.KD,
            GeneratorExperiment.PRECISION,
            GeneratorExperiment.RECALL,
            "class_accuracy");

    private GeneratorReport() {}

    static String markdown(GeneratorExperiment.Config cfg, GeneratorExperiment.Result result) throws IOException {
        GeneratorTrainConfig t = cfg.template();
        StringBuilder md = new StringBuilder();
        md.append("# Latent generators on the latents of ")
                .append(cfg.arms().stream().map(GeneratorExperiment.Arm::label).collect(Collectors.joining(", ")))
                .append(" (Fashion-MNIST, flow-matching DiT)\n\n");
        md.append("Regenerate (trains what is missing, then scores every EMA snapshot; resumable):\n\n```bash\n")
                .append(command(cfg))
                .append("\n```\n\n");
        md.append("## Setup\n\n");
        md.append("- Arms (autoencoders; everything else identical): ");
        md.append(cfg.arms().stream()
                        .map(a -> "`" + a.label() + "` = `" + a.autoencoder() + "`")
                        .collect(Collectors.joining(", ")))
                .append(String.format(
                        Locale.ROOT,
                        "; %d seeds per arm (%s), a seed pair = the same seed in two arms.%n",
                        cfg.seeds().size(),
                        cfg.seeds().stream().map(String::valueOf).collect(Collectors.joining(", "))));
        md.append(String.format(
                Locale.ROOT,
                "- Data: the first %s Fashion-MNIST training images (%s), labels as classes; latents encoded once per arm by "
                        + "its frozen encoder and cached.%n",
                t.limit() == 0 ? "60000" : String.valueOf(t.limit()),
                FashionMnistImages.preprocessing(t.imageSize(), 3)));
        md.append(String.format(
                Locale.ROOT,
                "- Generator: DiT with patch %d, width %d, %d blocks, %d heads, adaLN-Zero, 10 classes + null class; flow matching "
                        + "x_t = t x1 + (1 - t) eps, target x1 - eps; latents normalised per channel; %d steps of batch %d, AdamW lr %s "
                        + "(warm-up %d), class dropout %s, EMA %s; ONNX Runtime training API.%n",
                t.patchSize(),
                t.hidden(),
                t.depth(),
                t.heads(),
                t.steps(),
                t.batch(),
                t.learningRate(),
                t.warmupSteps(),
                t.classDropout(),
                t.emaDecay()));
        md.append(String.format(
                Locale.ROOT,
                "- Scores, all **in the FMNIST-classifier feature space** (the 128 pooled features of `models/fmnist-classifier`; "
                        + "not Inception, so never FID or KID): FD-FMNIST-CNN (Frechet distance) against the 10,000 test images and "
                        + "against the arm's own reconstructions of the first %d test images (FD own); KD-FMNIST-CNN (KID's unbiased "
                        + "MMD^2, cubic kernel, %d subsets of up to %d) and precision/recall (Kynkaanniemi et al., k = %d) against "
                        + "as many test images as samples; the classifier's accuracy on the conditioning class. %d samples per "
                        + "snapshot on the way, %d at the last (classes in turn, %s %d steps, guidance %s, noise seed %d).%n",
                Math.max(GeneratorExperiment.OWN_REFERENCE_IMAGES, cfg.finalSamples()),
                KernelDistance.DEFAULT_SUBSETS,
                KernelDistance.DEFAULT_SUBSET_SIZE,
                org.eqvae4j.training.eval.PrecisionRecall.DEFAULT_K,
                cfg.evalSamples(),
                cfg.finalSamples(),
                cfg.solver(),
                cfg.sampleSteps(),
                String.valueOf(cfg.cfgScale()),
                cfg.sampleSeed()));
        md.append(
                "- Intervals: 95 % percentile bootstrap over seeds (10,000 resamples, seeded): of the mean for scores, of the "
                        + "geometric mean for iteration ratios.\n\n");

        Map<String, Path> sources = new LinkedHashMap<>();
        cfg.arms().forEach(a -> sources.put(a.label(), a.autoencoder()));
        md.append("## Where each arm's autoencoder comes from\n\n").append(SeedReport.armSources(sources));
        md.append("## The arms' autoencoders on the test images\n\n").append(autoencoders(result.autoencoders()));
        md.append("## Reconstruction floors\n\n").append(SeedReport.floors(result.floorCheck()));
        md.append("## Final scores (mean over seeds [95 % interval])\n\n")
                .append(SeedReport.finalScores(result.statistics(), TABLE, "samples"));
        md.append(
                "\nEvery score of every snapshot and seed: `runs.csv`; means and intervals per step: `bands.csv`.\n\n");
        md.append("## Iteration ratios\n\n")
                .append(SeedReport.RATIO_DEFINITION)
                .append(SeedReport.ratios(result.ratios()));
        md.append("\n## Figures\n\n![loss](loss.png)\n\n");
        for (SeedReport.Chart c : GeneratorExperiment.CHARTS) {
            md.append("![").append(c.metric()).append("](").append(c.file()).append(")\n\n");
        }
        for (GeneratorExperiment.Arm a : cfg.arms()) {
            md.append("Samples of the final EMA generator of ")
                    .append(a.label())
                    .append(", seed ")
                    .append(cfg.seeds().get(0))
                    .append(" (rows: classes 0-9):\n\n![")
                    .append(a.label())
                    .append("](samples-")
                    .append(a.label())
                    .append(".png)\n\n");
        }
        return md.toString();
    }

    /** PSNR and equivariance errors of each arm's autoencoder, in the generator's domain and image size. */
    static String autoencoders(Map<String, Map<String, Object>> arms) {
        List<AutoencoderMeasure> measures = List.of(
                AutoencoderMeasure.PSNR,
                AutoencoderMeasure.EQUIVARIANCE_ERROR_ROTATION,
                AutoencoderMeasure.EQUIVARIANCE_ERROR_SCALE,
                AutoencoderMeasure.PSNR_TAU_ROTATION,
                AutoencoderMeasure.PSNR_TAU_SCALE,
                AutoencoderMeasure.INTRINSIC_DIMENSION,
                AutoencoderMeasure.LATENT_HIGH_FREQUENCY);
        StringBuilder md = new StringBuilder("| arm |").append(AutoencoderMeasure.headerCells(measures));
        md.append("\n|---|").append("---:|".repeat(measures.size())).append('\n');
        for (var e : arms.entrySet()) {
            md.append("| ").append(e.getKey()).append(" |");
            measures.forEach(m -> md.append(m.markdownCell(e.getValue())));
            md.append('\n');
        }
        Object images =
                arms.values().stream().findFirst().map(m -> m.get("images")).orElse(0);
        return md.append(String.format(
                        Locale.ROOT,
                        "%nMeasured on the first %s test images, prepared as the generator's training images; rotations by "
                                + "90/180/270 degrees, scales 0.25/0.5/0.75 (the paper's relative error of E(tau x) "
                                + "against tau(E(x))); PSNR tau: D(tau(E(x))) against tau(x). Lower errors = more equivariant; a lower intrinsic "
                                + "dimension (TwoNN over 4x4 latent patches) = a simpler latent space (the paper's Figure 2 measure); latent HF share = "
                                + LatentSpectrum.legend()
                                + ", the detail reported to make latents harder for diffusion models to learn. Each transform's values: `autoencoders.csv`.%n%n",
                        images))
                .toString();
    }

    private static String command(GeneratorExperiment.Config cfg) {
        GeneratorTrainConfig t = cfg.template();
        return String.format(
                Locale.ROOT,
                "./eqvae experiment-generators --work WORKDIR --data FASHION_MNIST_DIR --arms %s --seeds %s --size %d --patch %d --limit %d "
                        + "--steps %d --batch %d --hidden %d --depth %d --heads %d --lr %s --ema %s --snapshot-every %d "
                        + "--eval-samples %d --final-samples %d --sample-steps %d",
                cfg.arms().stream().map(a -> a.label() + "=" + a.autoencoder()).collect(Collectors.joining(",")),
                cfg.seeds().stream().map(String::valueOf).collect(Collectors.joining(",")),
                t.imageSize(),
                t.patchSize(),
                t.limit(),
                t.steps(),
                t.batch(),
                t.hidden(),
                t.depth(),
                t.heads(),
                t.learningRate(),
                t.emaDecay(),
                t.snapshotEvery(),
                cfg.evalSamples(),
                cfg.finalSamples(),
                cfg.sampleSteps());
    }
}
