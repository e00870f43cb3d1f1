package org.eqvae4j.training.eqvae;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.export.arch.AutoencoderArchitecture;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.onnx.OnnxReader;
import org.eqvae4j.export.training.Checkpoint;
import org.eqvae4j.export.training.CheckpointFile;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.training.RunFolder;
import org.eqvae4j.training.WeightEma;

/**
 * Bundles from the checkpoints of an EQ-VAE run folder: the weights of an unfinished run carried forward, or the
 * checkpoints a run kept ({@link EqVaeTrainer#EqVaeTrainer(EqVaeTrainConfig, Path, long)}) evaluated on the way, e.g.
 * with {@code eqvae results} over the base and each snapshot.
 *
 * <p>A snapshot holds the autoencoder's weights as the checkpoint has them (the EMA saved beside it when the run
 * averages its weights, as the run's own bundle would); an adversarial run's discriminator is left out. The run's
 * settings come from its {@code checkpoint.json}, so the folder is only read, never locked: a snapshot can be taken
 * while the run trains.
 */
public final class CheckpointBundles {
    /** The run folder's subfolder of snapshot bundles, {@code step-NNNNNN} each. */
    public static final String SNAPSHOTS = "snapshots";

    private static final Pattern STAMPED = Pattern.compile("checkpoint-(\\d{6,18})");

    private CheckpointBundles() {}

    /** Where {@link #export} writes the snapshot of step {@code step} by default. */
    public static Path defaultOutput(Path runDir, long step) {
        return runDir.resolve(SNAPSHOTS).resolve(String.format(Locale.ROOT, "step-%06d", step));
    }

    /**
     * The run's checkpoints by step: those kept in {@value RunFolder#KEPT}/ and the committed one.
     *
     * @throws IOException when the folder has no committed checkpoint
     */
    public static SortedMap<Long, Path> checkpoints(Path runDir) throws IOException {
        SortedMap<Long, Path> all = new TreeMap<>(RunFolder.keptCheckpoints(runDir));
        all.put(RunFolder.committedStep(runDir), RunFolder.committedFile(runDir, RunFolder.CHECKPOINT));
        return all;
    }

    /**
     * Writes the bundle of one checkpoint of {@code runDir} (a file {@code checkpoint-NNNNNN}, kept or committed,
     * or a copy of one under that name) to {@code output}, replacing what is there.
     *
     * @throws IllegalArgumentException when the file is not a stamped checkpoint, or its weights do not fit the base
     *                                  model the run names
     */
    public static ModelBundle export(Path runDir, Path checkpoint, Path output) throws IOException {
        long step = stepOf(checkpoint);
        requireSafeOutput(runDir, output);
        JsonNode settings = RunFolder.committedSettings(runDir);
        ModelBundle base = ModelBundle.open(pathSetting(settings, "baseModel", runDir));
        ModelManifest bm = base.manifest();
        AutoencoderArchitecture arch = Architectures.standard().get(bm.architecture());
        Map<String, Tensor> like =
                arch.stateDict(OnnxReader.read(base.file("encoder")), OnnxReader.read(base.file("decoder")));
        double ema = settings.path("ema").asDouble(0);
        Map<String, Tensor> weights;
        if (ema > 0) {
            Path averaged = checkpoint.resolveSibling(checkpoint.getFileName() + "-" + EqVaeTrainer.EMA);
            if (!Files.isRegularFile(averaged)) {
                throw new IllegalArgumentException("run folder " + runDir + " averages its weights (EMA " + ema
                        + ") but " + averaged + ", the average saved with " + checkpoint + ", is missing");
            }
            weights = WeightEma.read(averaged, like).tensors();
        } else {
            weights = autoencoderWeights(CheckpointFile.read(checkpoint), like, checkpoint);
        }
        boolean eq = settings.path("pEquivariance").asDouble(0) > 0;
        long steps = settings.path("steps").asLong(0);
        String source = String.format(
                Locale.ROOT,
                "%s of %s, weights after %d of %d steps (%s of run folder %s, a snapshot: not the run's final"
                        + " bundle)%s; the run's settings: %s",
                eq ? "EQ-VAE fine-tune" : "plain autoencoder training (no equivariance branch)",
                bm.id(),
                step,
                steps,
                checkpoint.getFileName(),
                runDir.toAbsolutePath().normalize(),
                ema > 0 ? ", weights: EMA with decay " + ema : "",
                settings);
        String id =
                settings.path("outputId").asText(bm.id() + "-trained") + String.format(Locale.ROOT, "-step-%06d", step);
        String name = String.format(
                Locale.ROOT,
                "%s, %s (step %d of %d)",
                bm.name(),
                eq ? "EQ-VAE fine-tuned" : "trained without the equivariance branch (p_eq 0)",
                step,
                steps);
        return EqVaeTrainer.writeBundle(base, arch, weights, Map.of(), source, id, name, output);
    }

    /**
     * The bundle replaces what is at {@code output}, so it must not be the run folder, a folder holding it, or a
     * place inside it other than {@value #SNAPSHOTS}/: the run's checkpoints and artifacts are never overwritten.
     */
    static void requireSafeOutput(Path runDir, Path output) {
        Path run = runDir.toAbsolutePath().normalize();
        Path out = output.toAbsolutePath().normalize();
        if (run.startsWith(out) || out.startsWith(run) && !out.startsWith(run.resolve(SNAPSHOTS))) {
            throw new IllegalArgumentException("snapshot output " + output + " would replace run folder " + runDir
                    + (run.startsWith(out) ? "" : "'s own files")
                    + "; write it outside the run folder or under " + run.resolve(SNAPSHOTS));
        }
    }

    /** The step a stamped checkpoint file's name carries. */
    public static long stepOf(Path checkpoint) {
        Matcher m = STAMPED.matcher(String.valueOf(checkpoint.getFileName()));
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    checkpoint + " is not a run's checkpoint file (checkpoint-NNNNNN, the step in six or more digits)");
        }
        if (!Files.isRegularFile(checkpoint)) {
            throw new IllegalArgumentException("checkpoint " + checkpoint + " does not exist");
        }
        return Long.parseLong(m.group(1));
    }

    /** The checkpoint's autoencoder weights (trained or frozen in its phase), checked against the base model's. */
    private static Map<String, Tensor> autoencoderWeights(Checkpoint c, Map<String, Tensor> like, Path file) {
        Map<String, Tensor> all = new LinkedHashMap<>(c.frozen());
        all.putAll(c.trainable());
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : like.entrySet()) {
            Tensor t = all.get(e.getKey());
            if (t == null || !Arrays.equals(t.dims(), e.getValue().dims())) {
                throw new IllegalArgumentException(file + " does not hold the base model's weight " + e.getKey()
                        + (t == null
                                ? ""
                                : " with its shape "
                                        + Arrays.toString(e.getValue().dims()) + " (it has " + Arrays.toString(t.dims())
                                        + ")")
                        + ": not a checkpoint of this run");
            }
            out.put(e.getKey(), t);
        }
        return out;
    }

    /** A path setting as config.json records it (a file: URI, or a plain path relative to the working folder). */
    private static Path pathSetting(JsonNode settings, String name, Path runDir) {
        String text = settings.path(name).asText("");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("run folder " + runDir + " records no " + name);
        }
        return text.startsWith("file:") ? Path.of(URI.create(text)) : Path.of(text);
    }
}
