package org.eqvae4j.training.generator.flow;

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** The experiment's Markdown report. */
final class GeneratorReport {
    private GeneratorReport() {}

    static String markdown(
            GeneratorExperiment.Config cfg, GeneratorExperiment exp, List<GeneratorExperiment.ArmResult> results) {
        GeneratorTrainConfig t = cfg.template();
        GeneratorExperiment.ArmResult base = results.get(0);
        StringBuilder md = new StringBuilder();
        md.append("# Latent generators on baseline vs EQ-VAE latents (Fashion-MNIST, flow-matching DiT)\n\n");
        md.append("Regenerate (trains what is missing, then scores every EMA snapshot):\n\n```bash\n")
                .append(command(cfg))
                .append("\n```\n\n");
        md.append("## Setup\n\n");
        md.append(String.format(
                Locale.ROOT,
                "- Data: the first %s Fashion-MNIST training images (28x28 grey, zero-padded to 32x32, grey repeated to RGB), "
                        + "labels as classes; latents encoded once by each frozen encoder and cached.%n",
                t.limit() == 0 ? "60000" : String.valueOf(t.limit())));
        md.append(String.format(
                Locale.ROOT,
                "- Generator (identical for every arm): DiT with patch %d, width %d, %d blocks, %d heads, adaLN-Zero, "
                        + "10 classes + null class; flow matching x_t = t x1 + (1 - t) eps, target x1 - eps, t ~ U(0, 1); latents normalised "
                        + "per channel; %d steps of batch %d, AdamW lr %s (warm-up %d), class dropout %s, EMA %s, seed %d; ONNX Runtime "
                        + "training API on CPU.%n",
                t.patchSize(),
                t.hidden(),
                t.depth(),
                t.heads(),
                t.steps(),
                t.batch(),
                t.learningRate(),
                t.warmupSteps(),
                t.classDropout(),
                t.emaDecay(),
                t.seed()));
        md.append(String.format(
                Locale.ROOT,
                "- Score: **FD-FMNIST-CNN**, the Frechet distance between Gaussians fitted to the 128 pooled features "
                        + "of the project's Fashion-MNIST classifier (`models/fmnist-classifier`, 85.75 %% test accuracy) for %d generated images "
                        + "(classes in turn, %s %d steps, guidance %s, noise seed %d, the same for every snapshot) and for the 10,000 test images. "
                        + "Not FID: no Inception network, values comparable only with each other. Also the classifier's accuracy on the "
                        + "conditioning class of the samples.%n",
                cfg.samples(),
                cfg.solver(),
                cfg.sampleSteps(),
                String.valueOf(cfg.cfgScale()),
                cfg.sampleSeed()));
        md.append(
                "- Reconstruction floor: FD-FMNIST-CNN of each autoencoder's own reconstructions of the first "
                        + cfg.samples()
                        + " test images (what a perfect generator of that latent space would approach, at this sample count).\n\n");

        md.append("## Results\n\n| step |");
        for (var r : results) {
            md.append(" loss ").append(r.arm().label()).append(" |");
        }
        for (var r : results) {
            md.append(" FD test ").append(r.arm().label()).append(" |");
        }
        for (var r : results) {
            md.append(" FD own ").append(r.arm().label()).append(" |");
        }
        for (var r : results) {
            md.append(" acc ").append(r.arm().label()).append(" |");
        }
        md.append("\n|---|").append("---:|".repeat(4 * results.size())).append("\n");
        TreeSet<Long> steps = new TreeSet<>();
        results.forEach(r -> r.points().forEach(p -> steps.add(p.step())));
        for (long s : steps) {
            md.append("| ").append(s).append(" |");
            for (var r : results) {
                md.append(String.format(Locale.ROOT, " %.4f |", GeneratorExperiment.meanLoss(r.loss(), s, 100)));
            }
            for (java.util.function.ToDoubleFunction<GeneratorExperiment.Point> f :
                    List.<java.util.function.ToDoubleFunction<GeneratorExperiment.Point>>of(
                            GeneratorExperiment.Point::fd, GeneratorExperiment.Point::fdOwn)) {
                for (var r : results) {
                    md.append(r.points().stream()
                            .filter(p -> p.step() == s)
                            .findFirst()
                            .map(p -> String.format(Locale.ROOT, " %.2f |", f.applyAsDouble(p)))
                            .orElse(" |"));
                }
            }
            for (var r : results) {
                md.append(r.points().stream()
                        .filter(p -> p.step() == s)
                        .findFirst()
                        .map(p -> String.format(Locale.ROOT, " %.1f %% |", 100 * p.accuracy()))
                        .orElse(" |"));
            }
            md.append("\n");
        }
        md.append("| reconstruction floor |").append(" |".repeat(results.size()));
        for (var r : results) {
            md.append(String.format(Locale.ROOT, " %.2f |", r.reconstructionFd()));
        }
        md.append(" |".repeat(2 * results.size())).append("\n\n");
        md.append(
                "- loss: mean over the 100 steps up to the row's step (normalised latents, so comparable across arms).\n");
        md.append(
                "- FD test: FD-FMNIST-CNN of the decoded samples against the 10,000 real test images (the paper's gFID protocol).\n");
        md.append("- FD own: FD-FMNIST-CNN against the arm's own autoencoder reconstructions of the first "
                + GeneratorExperiment.OWN_REFERENCE_IMAGES
                + " test images: what the generator has learned of its latent distribution, with the decoder's error taken out "
                + "(both sides go through the same decoder).\n");
        md.append("- acc: the classifier's accuracy on the samples' conditioning classes.\n");
        md.append(
                "- reconstruction floor: FD test of each autoencoder's reconstructions of the first " + cfg.samples()
                        + " test images, the best FD test a generator of that latent space could reach at this sample count.\n\n");

        md.append("## Convergence\n\n");
        convergence(md, results, "FD test", GeneratorExperiment.Point::fd);
        convergence(md, results, "FD own", GeneratorExperiment.Point::fdOwn);
        md.append("\nThe FD of a few hundred samples is noisy (compare neighbouring snapshots).\n\n");
        md.append("## Reading the numbers\n\n");
        md.append(
                "The arms decode through different decoders, and FD-FMNIST-CNN charges a decoder's own error to its generator: the "
                        + "reconstruction floors above (");
        for (int i = 0; i < results.size(); i++) {
            md.append(String.format(
                    Locale.ROOT,
                    "%s%s %.2f",
                    i == 0 ? "" : ", ",
                    results.get(i).arm().label(),
                    results.get(i).reconstructionFd()));
        }
        md.append(
                ") bound what FD test can show. When they differ a lot, FD test mostly ranks the decoders, and FD own "
                        + "(samples against the same decoder's reconstructions of real images) is the fairer measure of how fast each generator "
                        + "learns its latent distribution, which is the paper's claim. FD own is not decoder-free either: a decoder that smooths "
                        + "textures away also shrinks the feature differences it lets through, so read it together with the loss (same normalised "
                        + "target scale in every arm) and the class accuracy, which do not depend on a reference set.\n\n");
        md.append("## Figures\n\n![loss](loss.png)\n\n![FD test](fd.png)\n\n![FD own](fd-own.png)\n\n");
        for (var r : results) {
            md.append("Samples of the final EMA generator, ")
                    .append(r.arm().label())
                    .append(" latents (rows: classes 0-9):\n\n![")
                    .append(r.arm().label())
                    .append("](samples-")
                    .append(r.arm().label())
                    .append(".png)\n\n");
        }
        return md.toString();
    }

    private static void convergence(
            StringBuilder md,
            List<GeneratorExperiment.ArmResult> results,
            String name,
            java.util.function.ToDoubleFunction<GeneratorExperiment.Point> score) {
        GeneratorExperiment.ArmResult base = results.get(0);
        if (base.points().isEmpty()) {
            return;
        }
        var last = base.points().get(base.points().size() - 1);
        double target = score.applyAsDouble(last);
        for (var r : results.subList(1, results.size())) {
            double reach = GeneratorExperiment.stepReaching(r.points(), target, score);
            var rl = r.points().get(r.points().size() - 1);
            double own = score.applyAsDouble(rl);
            md.append(String.format(
                    Locale.ROOT,
                    "- **%s**: %s's final score (step %d) is %.2f. ",
                    name,
                    base.arm().label(),
                    last.step(),
                    target));
            if (Double.isNaN(reach)) {
                md.append(String.format(
                        Locale.ROOT,
                        "%s does **not** reach it within %d steps (its final: %.2f).",
                        r.arm().label(),
                        rl.step(),
                        own));
                double back = GeneratorExperiment.stepReaching(base.points(), own, score);
                if (!Double.isNaN(back)) {
                    md.append(String.format(
                            Locale.ROOT,
                            " Conversely %s reaches %s's final score at step %.0f: ratio %.2fx in %s's favour.",
                            base.arm().label(),
                            r.arm().label(),
                            back,
                            rl.step() / back,
                            base.arm().label()));
                }
            } else {
                md.append(String.format(
                        Locale.ROOT,
                        "%s reaches it at step %.0f (linear interpolation between scored snapshots): "
                                + "**iteration ratio %.2fx** (the paper: x2-x7 on ImageNet 256 px). Its own final: %.2f.",
                        r.arm().label(),
                        reach,
                        last.step() / reach,
                        own));
            }
            md.append("\n");
        }
    }

    private static String command(GeneratorExperiment.Config cfg) {
        GeneratorTrainConfig t = cfg.template();
        return String.format(
                Locale.ROOT,
                "./eqvae experiment-generators --work WORKDIR --data FASHION_MNIST_DIR --limit %d --steps %d --batch %d "
                        + "--hidden %d --depth %d --heads %d --lr %s --ema %s --snapshot-every %d --samples %d --sample-steps %d --seed %d",
                t.limit(),
                t.steps(),
                t.batch(),
                t.hidden(),
                t.depth(),
                t.heads(),
                t.learningRate(),
                t.emaDecay(),
                t.snapshotEvery(),
                cfg.samples(),
                cfg.sampleSteps(),
                t.seed());
    }
}
