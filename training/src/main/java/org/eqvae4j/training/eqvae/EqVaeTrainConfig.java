package org.eqvae4j.training.eqvae;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.export.eqvae.AdversarialLoss;
import org.eqvae4j.export.eqvae.EqVaeLoss;
import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.eqvae4j.runtime.transform.Interpolation;
import org.eqvae4j.training.RunSchedule;
import org.eqvae4j.training.StepStages;
import org.eqvae4j.training.TrainingLoop;
import org.eqvae4j.training.data.ImageSet;

/**
 * One EQ-VAE fine-tuning run. Stored as {@code config.json} in the run folder so that a resumed run
 * continues with exactly these settings.
 *
 * @param baseModel        bundle to fine-tune (its manifest names the architecture; weights are read from its ONNX files)
 * @param trainImages      folder, list file (.txt) or IDX file of training images
 * @param evalImages       held-out images for the final metrics, or null
 * @param cropSize         square crop side in pixels (multiple of the downsampling factor)
 * @param batch            images per micro-batch
 * @param accumulate       micro-batches per optimizer step
 * @param steps            optimizer steps in total
 * @param learningRate     AdamW learning rate (betas 0.5, 0.9)
 * @param warmupSteps      linear learning-rate warm-up: Adam's first steps move every weight by about
 *                         the learning rate, a shock to a pretrained model that warm-up avoids (0: none)
 * @param seed             data, transform and noise seed
 * @param pEquivariance    probability of the equivariance branch (0.5)
 * @param pLowResolution   probability, on the plain branch, of downscaling the input first (0.25)
 * @param scaleGrid        s from {k/32 : k = 8..31} (reference code) instead of U(0.25, 1) (paper text)
 * @param anisotropic      independent scale per axis (ablation)
 * @param interpolation    resampling of latents and images in tau (bilinear in the reference code; bicubic in the paper text)
 * @param loss             weights of the objective's terms
 * @param perceptualNet    frozen ONNX feature network for the perceptual term, or null
 * @param checkpointEvery  optimizer steps between checkpoints
 * @param threads          ONNX Runtime threads (0 = default)
 * @param provider         CPU or CUDA
 * @param evalSize         evaluation image size (256 in the paper)
 * @param outputId         id of the exported bundle
 * @param adversarial      the PatchGAN term (hinge loss, adaptive weight), or null for none
 * @param discStart        first optimizer step (0-based) at which the discriminator trains and the
 *                         adversarial term counts; before it both are multiplied by 0 (taming's
 *                         {@code disc_start}; 0 for EQ-VAE fine-tuning)
 * @param padTo            training images smaller than this are centred on a zero canvas of this side
 *                         first (Fashion-MNIST 28 -> 32); 0: no padding
 * @param resizeTo         training images (after padding) are resized to this side, bicubically and clamped to
 *                         [0, 1], as the generator experiments prepare 64 px Fashion-MNIST
 *                         ({@link ImageSet#resized}); 0: no resizing
 * @param recipeOptions    the recipe options beyond the reference recipe (issue 12); in config.json their fields
 *                         sit beside the others, so a resume compares each by name
 */
public record EqVaeTrainConfig(
        Path baseModel,
        Path trainImages,
        Path evalImages,
        int cropSize,
        int batch,
        int accumulate,
        long steps,
        float learningRate,
        int warmupSteps,
        long seed,
        double pEquivariance,
        double pLowResolution,
        boolean scaleGrid,
        boolean anisotropic,
        Interpolation interpolation,
        EqVaeLoss loss,
        Path perceptualNet,
        int checkpointEvery,
        int threads,
        ExecutionProvider provider,
        int evalSize,
        String outputId,
        AdversarialLoss adversarial,
        long discStart,
        int padTo,
        int resizeTo,
        @JsonUnwrapped RecipeOptions recipeOptions) {

    /**
     * Options of the recipe beyond the reference code's, each off (today's behaviour) by default.
     *
     * @param scales     a discrete set for the scale factor s of tau (e.g. 0.25, 0.5, 0.75); empty: the grid k/32
     *                   or U(0.25, 1) as {@code scaleGrid} says
     * @param lrSchedule the learning rate after warm-up: constant, or a cosine down to {@code lrMin} at the last step
     * @param lrMin      where the cosine ends (0 for a constant rate)
     * @param ema        decay of an exponential moving average of the autoencoder's weights, updated after every
     *                   optimizer step from the base model's weights on; the bundle then carries the average
     *                   (0: off, the bundle carries the trained weights)
     * @param phases     which part trains in each phase, e.g. {@code encoder:1500,decoder:500}; none: all of it
     * @param crops      the crop side in stages, e.g. {@code 64:1500,192:500}; none: {@code cropSize} throughout
     */
    public record RecipeOptions(
            List<Double> scales,
            LrSchedule lrSchedule,
            float lrMin,
            double ema,
            StepStages<TrainablePart> phases,
            StepStages<Integer> crops) {
        public static final RecipeOptions DEFAULT =
                new RecipeOptions(List.of(), LrSchedule.CONSTANT, 0f, 0, StepStages.none(), StepStages.none());

        /** The learning rate's course after the linear warm-up. */
        public enum LrSchedule {
            CONSTANT,
            COSINE
        }

        public RecipeOptions {
            scales = List.copyOf(scales);
            if (!scales.isEmpty()) {
                TauSampler.Scales.set(scales); // validates the values
            }
            require(lrSchedule != null, "lrSchedule is required (constant or cosine)");
            require(
                    lrMin == 0 || lrSchedule == LrSchedule.COSINE && lrMin > 0 && Float.isFinite(lrMin),
                    "a minimum learning rate (" + lrMin + ") needs the cosine schedule and must be positive");
            require(ema >= 0 && ema < 1, "the EMA decay must be in [0, 1) (0: off), got " + ema);
            require(phases != null && crops != null, "phases and crops are required (StepStages.none() for none)");
            for (int side : crops.values()) {
                require(side >= 8, "crop sizes must be >= 8, got " + side + " in " + crops);
            }
        }

        public RecipeOptions withScales(List<Double> s) {
            return new RecipeOptions(s, lrSchedule, lrMin, ema, phases, crops);
        }

        public RecipeOptions withLrSchedule(LrSchedule schedule, float min) {
            return new RecipeOptions(scales, schedule, min, ema, phases, crops);
        }

        public RecipeOptions withEma(double decay) {
            return new RecipeOptions(scales, lrSchedule, lrMin, decay, phases, crops);
        }

        public RecipeOptions withPhases(StepStages<TrainablePart> p) {
            return new RecipeOptions(scales, lrSchedule, lrMin, ema, p, crops);
        }

        public RecipeOptions withCrops(StepStages<Integer> c) {
            return new RecipeOptions(scales, lrSchedule, lrMin, ema, phases, c);
        }
    }

    public EqVaeTrainConfig {
        require(cropSize >= 8, "cropSize must be >= 8, got " + cropSize);
        require(batch >= 1, "batch must be >= 1, got " + batch);
        require(accumulate >= 1, "accumulate must be >= 1, got " + accumulate);
        require(steps >= 1, "steps must be >= 1, got " + steps);
        require(warmupSteps >= 0, "warmupSteps must be >= 0, got " + warmupSteps);
        require(learningRate > 0 && Float.isFinite(learningRate), "learningRate must be positive, got " + learningRate);
        require(pEquivariance >= 0 && pEquivariance <= 1, "pEquivariance must be in [0, 1], got " + pEquivariance);
        require(pLowResolution >= 0 && pLowResolution <= 1, "pLowResolution must be in [0, 1], got " + pLowResolution);
        require(checkpointEvery >= 1, "checkpointEvery must be >= 1, got " + checkpointEvery);
        require(evalSize >= 16, "evalSize must be >= 16, got " + evalSize);
        require(interpolation != Interpolation.AREA, "interpolation must be bilinear, bicubic or nearest");
        require(loss.perceptual() == 0 || perceptualNet != null, "a perceptual weight needs --perceptual-net");
        require(discStart >= 0, "discStart must be >= 0, got " + discStart);
        require(padTo >= 0, "padTo must be >= 0, got " + padTo);
        require(
                resizeTo == 0 || resizeTo >= 8,
                "resizeTo (--resize-to) must be 0 (off) or >= 8 pixels, got " + resizeTo);
        require(recipeOptions != null, "recipeOptions are required (RecipeOptions.DEFAULT for none)");
        require(
                recipeOptions.scales().isEmpty() || scaleGrid,
                "a scale set replaces the grid; it cannot be combined with U(0.25, 1)");
    }

    /**
     * The recipe options that differ from the reference recipe, as the bundle's provenance names them (empty when
     * none do); starts with ", ".
     */
    public String recipeDescription() {
        StringBuilder d = new StringBuilder();
        if (!recipeOptions.scales().isEmpty()) {
            d.append(", scales ").append(scales());
        }
        if (recipeOptions.lrSchedule() == RecipeOptions.LrSchedule.COSINE) {
            d.append(", lr cosine to ").append(recipeOptions.lrMin());
        }
        if (!recipeOptions.phases().isEmpty()) {
            d.append(", phases ").append(recipeOptions.phases());
        }
        if (!recipeOptions.crops().isEmpty()) {
            d.append(", crops ").append(recipeOptions.crops());
        }
        if (recipeOptions.ema() > 0) {
            d.append(", weights: EMA with decay ").append(recipeOptions.ema());
        }
        return d.toString();
    }

    /** The part that trains at optimizer step {@code step} (0-based). */
    public TrainablePart phaseAt(long step) {
        return recipeOptions.phases().isEmpty()
                ? TrainablePart.ALL
                : recipeOptions.phases().valueAt(step);
    }

    /** The crop side at optimizer step {@code step} (0-based). */
    public int cropAt(long step) {
        return recipeOptions.crops().isEmpty()
                ? cropSize
                : recipeOptions.crops().valueAt(step);
    }

    /** Every crop side the run uses. */
    public List<Integer> cropSizes() {
        return recipeOptions.crops().isEmpty()
                ? List.of(cropSize)
                : recipeOptions.crops().values();
    }

    /** Where tau's scale factor comes from. */
    public TauSampler.Scales scales() {
        if (!recipeOptions.scales().isEmpty()) {
            return TauSampler.Scales.set(recipeOptions.scales());
        }
        return scaleGrid ? TauSampler.Scales.grid() : TauSampler.Scales.uniform();
    }

    /**
     * Checks that the discriminator accepts the smallest training target this run makes with a model of
     * downsampling factor {@code f}; the message says what to change.
     */
    public void requireDiscriminatorFits(int f, int imageChannels) {
        if (adversarial == null) {
            return;
        }
        require(
                adversarial.discriminator().inChannels() == imageChannels,
                "the discriminator takes " + adversarial.discriminator().inChannels()
                        + " channels but the model's images have " + imageChannels);
        int smallestCrop =
                cropSizes().stream().mapToInt(Integer::intValue).min().orElseThrow();
        int smallest = smallestTargetSide(smallestCrop, f, scales().smallest());
        int needed = adversarial.discriminator().minInputSize();
        require(
                smallest >= needed,
                "with " + smallestCrop + " px crops the training targets can be as small as " + smallest
                        + " px (scale " + scales().smallest() + "), but a PatchGAN discriminator with "
                        + adversarial.discriminator().nLayers()
                        + " layers needs at least " + needed
                        + " px: use fewer discriminator layers or crops of at least "
                        + (int) Math.ceil(needed / scales().smallest()) + " px");
    }

    /**
     * The smallest target side a crop of this size gives for downsampling factor f: the smallest scale
     * (0.25 for both the reference grid and U(0.25, 1)) maps the latent side h to floor(h * s), the image to
     * f times that.
     */
    public static int smallestTargetSide(int cropSize, int f, double smallestScale) {
        return f * (int) Math.floor(cropSize / f * smallestScale);
    }

    /** Whether the discriminator trains, and the adversarial term counts, at optimizer step {@code step} (0-based). */
    public boolean discriminatorActiveAt(long step) {
        return adversarial != null && step >= discStart;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Steps, micro-batch size, learning rate and warm-up (then constant, or a cosine down to {@code lrMin}), seed and
     * checkpoint cadence, as {@link TrainingLoop} reads them.
     */
    public RunSchedule run() {
        boolean cosine = recipeOptions.lrSchedule() == RecipeOptions.LrSchedule.COSINE;
        return new RunSchedule(
                steps,
                batch,
                learningRate,
                warmupSteps,
                cosine ? RunSchedule.Decay.WARMUP_COSINE : RunSchedule.Decay.NONE,
                seed,
                checkpointEvery,
                recipeOptions.lrMin());
    }

    /**
     * The length of the cosine, recorded in config.json beside the settings: a resume may change {@code steps}
     * (how long a run goes), but with a cosine that would bend the rate of steps already taken, so there the
     * resume is refused under this name. Absent for a constant rate.
     */
    @JsonProperty("cosineSteps")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Long cosineSteps() {
        return recipeOptions.lrSchedule() == RecipeOptions.LrSchedule.COSINE ? steps : null;
    }

    public StepInputs.Recipe recipe() {
        return new StepInputs.Recipe(
                pEquivariance, pLowResolution, new TauSampler(scales(), anisotropic, interpolation));
    }
}
