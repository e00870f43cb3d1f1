package org.eqvae4j.cli.train;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.eqvae4j.cli.options.DeviceOptions;
import org.eqvae4j.cli.options.ProgressBar;
import org.eqvae4j.cli.options.RunFolderOption;
import org.eqvae4j.cli.options.RunOptions;
import org.eqvae4j.export.arch.PatchGanConfig;
import org.eqvae4j.export.eqvae.AdversarialLoss;
import org.eqvae4j.export.eqvae.EqVaeLoss;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.eqvae4j.runtime.transform.Interpolation;
import org.eqvae4j.training.StepStages;
import org.eqvae4j.training.eqvae.EqVaeTrainConfig;
import org.eqvae4j.training.eqvae.EqVaeTrainer;
import org.eqvae4j.training.eqvae.TrainablePart;
import org.eqvae4j.training.report.TrainingReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        defaultValueProvider = TrainCommand.RunDefaults.class,
        description = {
            "EQ-VAE fine-tuning of an autoencoder bundle on ONNX Runtime's training API.",
            "Resumes when the run folder already holds a checkpoint; writes metrics.csv, checkpoints and",
            "finally <run>/bundle with its measured metrics in model.json. Options can also come from a file:",
            "eqvae train @run.args (one option per line, picocli's @-file syntax)."
        })
public final class TrainCommand implements Callable<Integer> {
    @Option(
            names = {"-m", "--model"},
            required = true,
            paramLabel = "BUNDLE",
            description = "Bundle to fine-tune.")
    Path model;

    @Option(
            names = {"-d", "--data"},
            required = true,
            paramLabel = "PATH",
            description = "Training images: folder, list file (.txt) or IDX file.")
    Path data;

    @picocli.CommandLine.Mixin
    RunFolderOption runFolder;

    @Option(names = "--eval", paramLabel = "DIR", description = "Held-out images for the final metrics.")
    Path eval;

    @Mixin
    RunOptions runOptions;

    @Option(
            names = "--keep-every",
            paramLabel = "N",
            defaultValue = "0",
            description = {
                "Keep the checkpoints of every N steps (a multiple of --checkpoint-every) in <run>/kept/, to",
                "evaluate the run on the way: eqvae snapshot --run DIR --all, then eqvae results (0: none)."
            })
    long keepEvery;

    @Option(names = "--crop", defaultValue = "128", description = "Crop side in pixels (default ${DEFAULT-VALUE}).")
    int crop;

    @Option(
            names = "--accumulate",
            defaultValue = "1",
            description = "Micro-batches per optimizer step (default ${DEFAULT-VALUE}).")
    int accumulate;

    @Option(
            names = "--p-eq",
            defaultValue = "0.5",
            description = "Probability of the equivariance branch (default ${DEFAULT-VALUE}).")
    double pEq;

    @Option(
            names = "--p-lowres",
            defaultValue = "0.25",
            description = "Probability of the low-resolution plain branch (default ${DEFAULT-VALUE}).")
    double pLowRes;

    @Option(
            names = "--uniform-scale",
            description = "Draw s ~ U(0.25, 1) (paper text) instead of the --scales set. Not with --scales.")
    boolean uniformScale;

    /** The scale set of the recipe that won issue 12's screen and long run: the evaluation's three scales. */
    static final String DEFAULT_SCALES = "0.25,0.5,0.75";

    @Option(
            names = "--scales",
            paramLabel = "S,S,...|grid",
            description = {
                "The scale factors of tau: a discrete set (each in (0, 1], equally likely; default " + DEFAULT_SCALES,
                ", the evaluation's scales), or grid: k/32 for k = 8..31 as the reference code draws them.",
                "Not with --uniform-scale."
            })
    String scales;

    @Option(
            names = "--lr-schedule",
            defaultValue = "cosine",
            paramLabel = "constant|cosine",
            description = {
                "The learning rate after the linear warm-up (--warmup-steps): constant, or a cosine from --lr",
                "down to --lr-min at the last step (default ${DEFAULT-VALUE}). A cosine run resumes only with the",
                "same --steps (the rate of every step depends on it)."
            })
    String lrSchedule;

    @Option(
            names = "--lr-min",
            defaultValue = "0",
            description = "Where the cosine schedule ends (default ${DEFAULT-VALUE}); needs --lr-schedule cosine.")
    float lrMin;

    @Option(
            names = "--ema",
            defaultValue = "0",
            paramLabel = "DECAY",
            description = {
                "Keep an exponential moving average of the autoencoder's weights with this decay, e.g. 0.999",
                "(starting from the base model's weights, saved with each checkpoint); the bundle then carries",
                "the average, and model.json's source says so. 0 (default) is off."
            })
    double ema;

    @Option(
            names = "--phases",
            paramLabel = "PART:STEPS,...",
            description = {
                "Which part trains in each phase: encoder, decoder or all, e.g. encoder:1500,decoder:500 (the",
                "decoder frozen while the encoder learns to be equivariant, then the decoder wins reconstruction",
                "back). A frozen part gets no update; the last phase continues past its steps. Each part has its",
                "own training artifacts (gradients of that part only); at a boundary the weights carry over and",
                "Adam starts afresh. Default: all weights train throughout."
            })
    String phases;

    @Option(
            names = "--crops",
            paramLabel = "PX:STEPS,...",
            description = {
                "Crop side in stages, e.g. 64:1500,192:500 (most steps small, finishing large); the last size",
                "continues past its steps. Replaces --crop."
            })
    String crops;

    @Option(names = "--anisotropic", description = "Independent scale per axis (ablation).")
    boolean anisotropic;

    @Option(names = "--l1", defaultValue = "1", description = "L1 weight (default ${DEFAULT-VALUE}).")
    float l1;

    @Option(names = "--l2", defaultValue = "0", description = "L2 weight (default ${DEFAULT-VALUE}).")
    float l2;

    @Option(
            names = "--kl",
            defaultValue = "1e-6",
            description = "KL weight for KL autoencoders (default ${DEFAULT-VALUE}).")
    float kl;

    @Option(
            names = "--perceptual",
            defaultValue = "0",
            description = "Perceptual loss weight (default ${DEFAULT-VALUE}); needs --perceptual-net.")
    float perceptual;

    @Option(
            names = "--perceptual-net",
            paramLabel = "FILE",
            description = "Frozen ONNX feature network (one image input, feature outputs) for the perceptual loss.")
    Path perceptualNet;

    @Option(
            names = "--explicit-eq",
            defaultValue = "0",
            description =
                    "Weight of the explicit latent loss ||tau(E(x)) - E(tau(x))||^2 (ablation; collapses the latent as the main objective) (default ${DEFAULT-VALUE}).")
    float explicitEq;

    @Option(
            names = "--disc-weight",
            defaultValue = "0",
            description = {
                "Weight of the hinge PatchGAN term on top of LDM's adaptive weight",
                "(0.5 in EQ-VAE / LDM); 0 (default) trains without a discriminator."
            })
    float discWeight;

    @Option(
            names = "--disc-start",
            defaultValue = "0",
            description =
                    "Optimizer step from which the discriminator trains and the adversarial term counts (default ${DEFAULT-VALUE}).")
    long discStart;

    @Option(
            names = "--disc-layers",
            defaultValue = "3",
            description = {
                "Stride-2 layers of the PatchGAN (default ${DEFAULT-VALUE}, 70 px patches); it needs targets of",
                "3 * 2^layers px, and targets go down to a quarter of the crop: use 2 for 64 px crops, 1 for 32 px."
            })
    int discLayers;

    @Option(
            names = "--disc-channels",
            defaultValue = "64",
            description = "Channels of the PatchGAN's first conv, ndf (default ${DEFAULT-VALUE}).")
    int discChannels;

    @Option(
            names = "--disc-norm",
            defaultValue = "batch",
            description =
                    "PatchGAN normalisation: batch (BatchNorm with batch statistics, as taming trains) or none (default ${DEFAULT-VALUE}).")
    String discNorm;

    @Option(
            names = "--interp",
            defaultValue = "bilinear",
            description =
                    "Resampling in tau: bilinear (reference code) or bicubic (paper text) (default ${DEFAULT-VALUE}).")
    String interp;

    @Mixin
    DeviceOptions device;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--cuda", hidden = true, description = "Same as --device cuda (kept for old scripts).")
    boolean cuda;

    @Option(names = "--id", description = "Id of the exported bundle (default: eq-<base id>).")
    String id;

    @Option(
            names = "--eval-size",
            defaultValue = "256",
            description = "Evaluation image size (default ${DEFAULT-VALUE}).")
    int evalSize;

    @Option(
            names = "--pad-to",
            defaultValue = "0",
            paramLabel = "PX",
            description =
                    "Centre smaller training images on a zero canvas of this side first, e.g. 32 for Fashion-MNIST (default: no padding).")
    int padTo;

    @Option(
            names = "--resize-to",
            defaultValue = "0",
            paramLabel = "PX",
            description = "Resize training images (after --pad-to) to this side, bicubically, clamped to [0, 1]: "
                    + "--pad-to 32 --resize-to 64 prepares Fashion-MNIST as experiment-generators --size 64 does"
                    + " (default: no resizing).")
    int resizeTo;

    private static Interpolation interpolation(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "bilinear" -> Interpolation.BILINEAR;
            case "bicubic" -> Interpolation.BICUBIC;
            default -> throw new IllegalArgumentException("--interp must be bilinear or bicubic, got '" + s + "'");
        };
    }

    private AdversarialLoss adversarial(int imageChannels) {
        if (discWeight == 0) {
            return null;
        }
        PatchGanConfig.Norm norm = switch (discNorm.toLowerCase(java.util.Locale.ROOT)) {
            case "batch" -> PatchGanConfig.Norm.BATCH_STATISTICS;
            case "none" -> PatchGanConfig.Norm.NONE;
            default -> throw new IllegalArgumentException("--disc-norm must be batch or none, got '" + discNorm + "'");
        };
        return new AdversarialLoss(new PatchGanConfig(imageChannels, discChannels, discLayers, norm), discWeight);
    }

    /** The recipe options of issue 12, checked against each other; a conflict is a usage error. */
    private EqVaeTrainConfig.RecipeOptions recipeOptions() {
        EqVaeTrainConfig.RecipeOptions o = EqVaeTrainConfig.RecipeOptions.DEFAULT;
        if (scales != null && uniformScale) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--scales and --uniform-scale exclude each other: give one");
        }
        String set = scales != null ? scales.trim() : uniformScale ? "grid" : DEFAULT_SCALES;
        if (!set.equals("grid")) {
            java.util.List<Double> values = new java.util.ArrayList<>();
            for (String v : set.split(",")) {
                try {
                    values.add(Double.valueOf(v.trim()));
                } catch (NumberFormatException e) {
                    throw new picocli.CommandLine.ParameterException(
                            spec.commandLine(),
                            "--scales must be numbers in (0, 1] separated by commas, or grid; got '" + scales + "'");
                }
            }
            o = o.withScales(values);
        }
        EqVaeTrainConfig.RecipeOptions.LrSchedule schedule = switch (lrSchedule.toLowerCase(java.util.Locale.ROOT)) {
            case "constant" -> EqVaeTrainConfig.RecipeOptions.LrSchedule.CONSTANT;
            case "cosine" -> EqVaeTrainConfig.RecipeOptions.LrSchedule.COSINE;
            default ->
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--lr-schedule must be constant or cosine, got '" + lrSchedule + "'");
        };
        if (lrMin != 0 && schedule != EqVaeTrainConfig.RecipeOptions.LrSchedule.COSINE) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--lr-min " + lrMin + " needs --lr-schedule cosine");
        }
        if (lrMin < 0 || lrMin > runOptions.lr) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--lr-min must be in [0, --lr " + runOptions.lr + "], got " + lrMin);
        }
        o = o.withLrSchedule(schedule, lrMin);
        if (ema < 0 || ema >= 1) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--ema must be in [0, 1) (0: off), got " + ema);
        }
        o = o.withEma(ema);
        if (phases != null) {
            o = o.withPhases(StepStages.parse(phases, "--phases", TrainablePart::parse));
        }
        if (crops != null) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--crop")) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--crops replaces --crop: give one");
            }
            o = o.withCrops(StepStages.parse(crops, "--crops", Integer::valueOf));
        }
        return o;
    }

    /** The run's settings from the options; conflicting options are usage errors. */
    EqVaeTrainConfig config(org.eqvae4j.runtime.bundle.ModelManifest base, ExecutionProvider provider) {
        EqVaeTrainConfig.RecipeOptions options;
        try {
            options = recipeOptions();
        } catch (IllegalArgumentException e) { // a value the settings refuse, e.g. a scale outside (0, 1]
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return new EqVaeTrainConfig(
                model,
                data,
                eval,
                options.crops().isEmpty() ? crop : options.crops().valueAt(0),
                runOptions.batch,
                accumulate,
                runOptions.steps,
                runOptions.lr,
                runOptions.warmupSteps,
                runOptions.seed,
                pEq,
                pLowRes,
                !uniformScale,
                anisotropic,
                interpolation(interp),
                new EqVaeLoss(l1, l2, kl, perceptual, explicitEq),
                perceptualNet,
                runOptions.checkpointEvery,
                device.threads,
                provider,
                evalSize,
                id == null ? "eq-" + base.id() : id,
                adversarial(base.imageChannels()),
                discStart,
                padTo,
                resizeTo,
                options);
    }

    @Override
    public Integer call() throws Exception {
        ExecutionProvider provider = cuda ? ExecutionProvider.CUDA : device.trainingProvider(spec.commandLine());
        EqVaeTrainConfig cfg = config(ModelBundle.open(model).manifest(), provider);
        if (keepEvery < 0 || keepEvery > 0 && keepEvery % runOptions.checkpointEvery != 0) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(),
                    "--keep-every must be 0 or a multiple of --checkpoint-every " + runOptions.checkpointEvery
                            + ", got " + keepEvery);
        }
        new EqVaeTrainer(cfg, runFolder.run, keepEvery).train(new ProgressBar(System.err));
        ModelBundle trained = ModelBundle.open(runFolder.run.resolve(EqVaeTrainer.BUNDLE));
        if (eval != null) {
            System.out.println("report: "
                    + TrainingReport.evaluateAndWrite(
                            ModelBundle.open(model),
                            trained,
                            eval,
                            runFolder.run.resolve(EqVaeTrainer.METRICS),
                            runFolder.run.resolve("report"),
                            evalSize,
                            cuda
                                    ? device.runtimeOptions().withProvider(ExecutionProvider.CUDA)
                                    : device.runtimeOptions(),
                            true,
                            () -> new ProgressBar(System.err),
                            System.out,
                            System.err));
        }
        System.out.println("trained bundle: " + trained.root());
        return 0;
    }

    /** The run flags' defaults of this command. */
    public static final class RunDefaults extends RunOptions.Defaults {
        public RunDefaults() {
            super("1000", "4", "1e-4", "50", "0", "100");
        }
    }
}
