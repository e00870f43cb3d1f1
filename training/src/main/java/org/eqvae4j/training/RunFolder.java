package org.eqvae4j.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.io.AtomicFolders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resumable run folder every trainer uses, held exclusively ({@link RunLock}) while it is open.
 *
 * <p>A checkpoint is committed in one step: its files are written under step-stamped names
 * ({@code checkpoint-000060}, the ONNX Runtime training state, and {@code checkpoint-000060-ema.onnx}
 * for state a trainer keeps outside it), then {@code checkpoint.json} naming them is written last by an
 * atomic rename, then the previous checkpoint's files are deleted. A process killed at any moment leaves a
 * {@code checkpoint.json} naming complete files of one step; files it does not name and hidden temp files are
 * removed on the next start. {@code checkpoint.json} also holds the settings the checkpoint was trained with
 * (so deleting {@code config.json}, the readable copy, does not switch the settings check off).
 *
 * <p>A checkpoint is declared good only when it is: its weights are all finite when saved, and it is
 * committed when the next step's loss, computed from those weights, is finite too ({@link #checkLoss});
 * the run's final checkpoint is committed by {@link #finish}. A divergence ({@link #diverged}) keeps the
 * last good checkpoint and lets the run resume from it with a lower learning rate.
 *
 * <p>With {@link #keepEvery} set, a committed checkpoint whose step is a multiple of it is moved into {@value #KEPT}/
 * (with its state files, under the same names) instead of being deleted when the next one is committed, so a run can
 * be evaluated on the way ({@link #keptCheckpoints}); the run itself never reads them.
 *
 * <p>Folders written before this format ({@code checkpoint} + {@code checkpoint.json} holding only the step)
 * stay resumable; their first new checkpoint converts them.
 */
public final class RunFolder implements AutoCloseable {
    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.csv";
    /** The checkpoint's name in folders of the first format, and the prefix of step-stamped checkpoint files. */
    public static final String CHECKPOINT = "checkpoint";

    public static final String CHECKPOINT_STATE = "checkpoint.json";
    public static final String ARTIFACTS = "artifacts";
    /** The subfolder of checkpoints kept for evaluation ({@link #keepEvery}). */
    public static final String KEPT = "kept";
    /**
     * Test-only failpoint: {@code -Deqvae4j.failpoint=NAME@STEP} stops the process at that point of a checkpoint
     * (NAME: {@code checkpoint-saved}, {@code state-saved}, {@code committed}), printing a line to stderr and
     * waiting to be killed, so a test can kill -9 it exactly there.
     */
    public static final String FAILPOINT_PROPERTY = "eqvae4j.failpoint";
    /** Recorded in config.json each time a divergence was resumed with a lower learning rate. */
    public static final String LEARNING_RATE_CHANGES = "learningRateChanges";

    private static final String LEARNING_RATE = "learningRate";
    private static final int FORMAT = 2;
    private static final Pattern STAMPED = Pattern.compile("checkpoint-(\\d{6,18})");
    private static final Pattern STAMPED_FILE = Pattern.compile("checkpoint-\\d{6,18}(-[A-Za-z0-9._-]+)?");
    private static final Pattern STATE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}");
    private static final Pattern TEMP_FILE = Pattern.compile("\\..+\\.tmp");
    private static final Pattern STAGING_FOLDER = Pattern.compile("\\..+\\.staging-.*");
    private static final Pattern OLD_FOLDER = Pattern.compile("\\.(.+)\\.old-.*");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Logger LOG = LoggerFactory.getLogger(RunFolder.class);

    /**
     * Settings a resumed run may change: how long, where and how fast it runs and what it writes beside the
     * weights, not what it learns. Any other difference from the run's settings is refused by
     * {@link #requireSameConfig}, except a lower learning rate after a divergence.
     */
    public static final Set<String> MAY_CHANGE_ON_RESUME = Set.of(
            "steps",
            "threads",
            "provider",
            "checkpointEvery",
            "snapshotEvery",
            "evalEvery",
            "evalImages",
            "evalSize",
            "outputId",
            "sampleSteps",
            "cfgScale");

    /** A committed (or staged) checkpoint: its step and the files that hold it. */
    private record Commit(
            long step,
            float learningRate,
            String checkpoint,
            Map<String, String> state,
            JsonNode config,
            JsonNode diverged,
            boolean legacy) {
        Commit withDiverged(JsonNode d) {
            return new Commit(step, learningRate, checkpoint, state, config, d, legacy);
        }

        Commit withConfig(JsonNode c) {
            return new Commit(step, learningRate, checkpoint, state, c, diverged, legacy);
        }
    }

    /** Writes a piece of state a trainer keeps outside ONNX Runtime (e.g. EMA weights) to the given file. */
    @FunctionalInterface
    public interface StateWriter {
        void write(Path file) throws IOException;
    }

    private final Path dir;
    private final RunLock lock;
    private final String failpoint;
    private Commit committed;
    private Commit pending;
    private JsonNode config;
    private long keepEvery;

    private RunFolder(Path dir, RunLock lock, Commit committed) {
        this.dir = dir;
        this.lock = lock;
        this.committed = committed;
        this.failpoint = System.getProperty(FAILPOINT_PROPERTY);
    }

    /** Opens {@code dir} (created if needed) for a trainer; notices (a stale lock taken over, files cleaned) go to the log. */
    public static RunFolder open(Path dir) throws IOException {
        return open(dir, LOG::warn);
    }

    /**
     * Opens {@code dir} (created if needed) for a trainer: locks it, reads its last checkpoint and removes what
     * an interrupted run left (hidden temp files, staging folders, checkpoint files {@code checkpoint.json} does
     * not name).
     *
     * @param notices told what was taken over or cleaned up
     * @throws IllegalStateException when another process trains in the folder
     * @throws IOException when {@code checkpoint.json} is damaged (the message names it; nothing is deleted then)
     */
    public static RunFolder open(Path dir, Consumer<String> notices) throws IOException {
        Files.createDirectories(dir);
        RunLock lock = RunLock.acquire(dir, notices);
        try {
            Commit committed = readCommit(dir);
            cleanUp(dir, committed, notices);
            return new RunFolder(dir, lock, committed);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    public Path dir() {
        return dir;
    }

    public Path resolve(String name) {
        return dir.resolve(name);
    }

    /**
     * Keeps the checkpoints of steps that are multiples of {@code every} in {@value #KEPT}/ (0: keep none, the
     * default). Only where and what the run writes beside its weights: not a setting of the run.
     */
    public RunFolder keepEvery(long every) {
        if (every < 0) {
            throw new IllegalArgumentException("the interval of kept checkpoints must be >= 0 (0: none), got " + every);
        }
        this.keepEvery = every;
        return this;
    }

    /**
     * The checkpoints kept in {@code dir}/{@value #KEPT}/ by {@link #keepEvery}, by step (their state files sit beside
     * them under the same stamped names); empty when there are none. Does not lock the folder.
     */
    public static java.util.SortedMap<Long, Path> keptCheckpoints(Path dir) throws IOException {
        java.util.SortedMap<Long, Path> kept = new java.util.TreeMap<>();
        Path folder = dir.resolve(KEPT);
        if (!Files.isDirectory(folder)) {
            return kept;
        }
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = STAMPED.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    kept.put(Long.parseLong(m.group(1)), p);
                }
            }
        }
        return kept;
    }

    /**
     * The settings {@code dir}'s committed checkpoint was trained with (as {@link #requireSameConfig} recorded them),
     * for readers outside a trainer; does not lock the folder.
     *
     * @throws IOException when the folder has no committed checkpoint or it records no settings
     */
    public static JsonNode committedSettings(Path dir) throws IOException {
        Commit c = readCommit(dir);
        if (c == null) {
            throw new IOException("run folder " + dir + " has no committed checkpoint (" + CHECKPOINT_STATE + ")");
        }
        if (c.config() == null) {
            throw new IOException("run folder " + dir + " records no settings with its checkpoint (" + CHECKPOINT_STATE
                    + " of the first format); resume it for one checkpoint to convert it");
        }
        return c.config();
    }

    /** The step of {@code dir}'s committed checkpoint; does not lock the folder. */
    public static long committedStep(Path dir) throws IOException {
        Commit c = readCommit(dir);
        if (c == null) {
            throw new IOException("run folder " + dir + " has no committed checkpoint (" + CHECKPOINT_STATE + ")");
        }
        return c.step();
    }

    // ---------------------------------------------------------------- settings

    /**
     * Checks this start's settings against the run's and records them. While no checkpoint was committed, any
     * settings are accepted (they are recorded in {@code config.json} with the first checkpoint). Once one was,
     * a field outside {@link #MAY_CHANGE_ON_RESUME} that differs is refused, naming each field with both values:
     * resuming a run with another learning rate, loss or data would silently train something that neither
     * configuration describes. The one exception is a lower learning rate after the run diverged: what the
     * divergence message advises; the change and its step are recorded in {@code config.json}
     * ({@value #LEARNING_RATE_CHANGES}).
     */
    public void requireSameConfig(Object settings) throws IOException {
        // through bytes, so numbers are typed as when config.json is read (a float field reads back as a double)
        JsonNode now = JSON.readTree(JSON.writeValueAsBytes(settings));
        if (!now.isObject()) {
            throw new IllegalArgumentException("run settings must be a JSON object, got " + now);
        }
        if (committed == null) {
            config = now;
            return;
        }
        Path file = dir.resolve(CONFIG);
        JsonNode saved = committed.config() != null ? committed.config() : readLegacyConfig(file);
        List<String> differences = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        saved.fieldNames().forEachRemaining(names::add);
        now.fieldNames().forEachRemaining(names::add);
        ObjectNode recorded = ((ObjectNode) now).deepCopy();
        if (saved.has(LEARNING_RATE_CHANGES)) {
            recorded.set(LEARNING_RATE_CHANGES, saved.get(LEARNING_RATE_CHANGES).deepCopy());
        }
        for (String name : names) {
            JsonNode a = saved.get(name);
            JsonNode b = now.get(name);
            if (a == null || b == null || Objects.equals(a, b) || MAY_CHANGE_ON_RESUME.contains(name)) {
                continue; // a setting only one version of the trainer knows (a run started before it existed) cannot
                // differ
            }
            if (name.equals(LEARNING_RATE)
                    && committed.diverged() != null
                    && a.isNumber()
                    && b.isNumber()
                    && b.doubleValue() < a.doubleValue()) {
                ArrayNode changes = recorded.has(LEARNING_RATE_CHANGES)
                                && recorded.get(LEARNING_RATE_CHANGES).isArray()
                        ? (ArrayNode) recorded.get(LEARNING_RATE_CHANGES)
                        : recorded.putArray(LEARNING_RATE_CHANGES);
                changes.addObject()
                        .put("fromStep", committed.step())
                        .put("from", a.doubleValue())
                        .put("to", b.doubleValue())
                        .put(
                                "reason",
                                "resumed after the run diverged at step "
                                        + committed.diverged().path("step").asLong());
                continue;
            }
            differences.add(name + " " + a + " -> " + b
                    + (name.equals(LEARNING_RATE) && committed.diverged() != null
                            ? " (after a divergence only a lower rate may resume)"
                            : ""));
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("run folder " + dir + " was started with other settings (" + file
                    + "); resuming it with "
                    + String.join(", ", differences)
                    + " would train something neither describes. Resume with the same settings"
                    + " (only " + new TreeSet<>(MAY_CHANGE_ON_RESUME) + " may change) or start a new run folder.");
        }
        config = recorded;
        if (!recorded.equals(saved)) {
            committed = committed.withConfig(recorded);
            writeManifest(committed);
        }
        writeConfigIfChanged(recorded);
    }

    /** Folders of the first format keep the settings only in config.json. */
    private JsonNode readLegacyConfig(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "run folder " + dir + " has a checkpoint (step " + committed.step() + ") but no " + CONFIG
                            + ", so its settings cannot be checked; restore " + file + " or start a new run folder");
        }
        JsonNode saved;
        try {
            saved = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(
                    file + " is not valid JSON (" + jsonError(e) + "); restore it or start a new run folder", e);
        }
        if (saved == null || !saved.isObject()) {
            throw new IOException(
                    file + " does not hold a JSON object of settings; restore it or start a new run folder");
        }
        return saved;
    }

    private void writeConfigIfChanged(JsonNode settings) throws IOException {
        Path file = dir.resolve(CONFIG);
        byte[] bytes = JSON.writeValueAsBytes(settings);
        if (Files.isRegularFile(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
            return;
        }
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /**
     * The run's training-artifacts folder ({@code artifacts/}), to write when it holds no checkpoint. While no
     * checkpoint was committed it is removed first: a start that failed before its first checkpoint (an empty data
     * folder, a kill) may have left artifacts built from other settings, and this start's settings are the run's.
     */
    public Path artifacts() throws IOException {
        Path artifacts = dir.resolve(ARTIFACTS);
        if (committed == null && Files.exists(artifacts)) {
            AtomicFolders.deleteTree(artifacts);
        }
        return artifacts;
    }

    /**
     * A further training-artifacts folder of the run ({@code artifacts-NAME/}, e.g. one per training phase's trainable
     * part), kept and removed under the same rule as {@link #artifacts()}.
     */
    public Path artifacts(String name) throws IOException {
        if (!STATE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("artifacts name '" + name + "' is not a plain file name");
        }
        Path artifacts = dir.resolve(ARTIFACTS + "-" + name);
        if (committed == null && Files.exists(artifacts)) {
            AtomicFolders.deleteTree(artifacts);
        }
        return artifacts;
    }

    // ---------------------------------------------------------------- checkpoints

    /** The step of the committed checkpoint, 0 when there is none (a fresh run). */
    public long resumedStep() {
        return committed == null ? 0 : committed.step();
    }

    /** The checkpoint to open: the run's own when resuming, else the artifacts' initial one. */
    public Path checkpointToOpen(long resumedStep, Path initialCheckpoint) {
        return resumedStep > 0 && committed != null ? dir.resolve(committed.checkpoint()) : initialCheckpoint;
    }

    /** The committed file of a piece of state saved with the checkpoint ({@link #saveCheckpoint}'s key). */
    public Path stateFile(String name) throws IOException {
        if (committed == null) {
            throw new IllegalStateException("run folder " + dir + " has no checkpoint yet");
        }
        return committedFile(dir, committed, name);
    }

    /**
     * The committed checkpoint file ({@link #CHECKPOINT}) or state file (its key) of a run folder, for readers
     * outside a trainer (reports, tests); does not lock the folder.
     *
     * @throws IOException when the folder has no checkpoint or the file is missing
     */
    public static Path committedFile(Path dir, String name) throws IOException {
        Commit c = readCommit(dir);
        if (c == null) {
            throw new IOException("run folder " + dir + " has no committed checkpoint (" + CHECKPOINT_STATE + ")");
        }
        return committedFile(dir, c, name);
    }

    private static Path committedFile(Path dir, Commit c, String name) throws IOException {
        if (name.equals(CHECKPOINT)) {
            return dir.resolve(c.checkpoint());
        }
        Path file = c.legacy()
                ? dir.resolve(name)
                : c.state().containsKey(name) ? dir.resolve(c.state().get(name)) : null;
        if (file == null || !Files.isRegularFile(file)) {
            throw new IOException(dir.resolve(CHECKPOINT_STATE) + " (step " + c.step() + ") has no " + name
                    + (file == null ? "" : " (" + file + " is missing)") + "; the run folder is inconsistent");
        }
        return file;
    }

    /**
     * Saves the session's state and the trainer's {@code state} files under names stamped with {@code step},
     * after checking every weight is finite. The checkpoint is committed (named by {@code checkpoint.json})
     * when the next step's loss, computed from these weights, is found finite by {@link #checkLoss}, or by
     * {@link #finish} at the end of the run.
     *
     * @param state files kept outside ONNX Runtime (e.g. {@code "ema.onnx"} -> its writer); may be null
     * @throws TrainingDivergedException when a weight is NaN or infinite (nothing is saved then)
     */
    public void saveCheckpoint(TrainingSession session, long step, Map<String, StateWriter> state) throws IOException {
        long bad = session.nonFiniteParameterCount();
        if (bad > 0) {
            throw diverged(step, bad + " weight values became NaN or infinite");
        }
        discard(pending);
        pending = null;
        String name = String.format(java.util.Locale.ROOT, "%s-%06d", CHECKPOINT, step);
        Path checkpoint = dir.resolve(name);
        session.saveCheckpoint(checkpoint);
        durable(checkpoint);
        failpoint("checkpoint-saved", step);
        Map<String, String> files = new LinkedHashMap<>();
        if (state != null) {
            for (Map.Entry<String, StateWriter> e : state.entrySet()) {
                if (!STATE_NAME.matcher(e.getKey()).matches()) {
                    throw new IllegalArgumentException("state name '" + e.getKey() + "' is not a plain file name");
                }
                String file = name + "-" + e.getKey();
                e.getValue().write(dir.resolve(file));
                durable(dir.resolve(file));
                files.put(e.getKey(), file);
            }
        }
        failpoint("state-saved", step);
        pending = new Commit(step, session.learningRate(), name, Map.copyOf(files), config, null, false);
    }

    /**
     * Checks the loss of step {@code step} (1-based): a non-finite one is a divergence; a finite one proves
     * the weights it was computed from, so a checkpoint saved before it is committed.
     *
     * @throws TrainingDivergedException when the loss is NaN or infinite
     */
    public void checkLoss(long step, double loss) throws IOException {
        if (!Double.isFinite(loss)) {
            throw diverged(step, "loss became " + loss);
        }
        if (pending != null && pending.step() < step) {
            commit(pending);
        }
    }

    /** Commits the run's last checkpoint (its weights were checked when saved; no step follows to check them). */
    public void finish() throws IOException {
        if (pending != null) {
            commit(pending);
        }
    }

    /**
     * Records that the run diverged at {@code step} and returns the exception to throw: the last good checkpoint
     * is kept, a checkpoint saved since is discarded, and the next start may lower the learning rate.
     */
    public TrainingDivergedException diverged(long step, String what) throws IOException {
        discard(pending);
        pending = null;
        String advice;
        if (committed != null) {
            ObjectNode d = JSON.createObjectNode().put("step", step).put("what", what);
            committed = committed.withDiverged(d);
            writeManifest(committed);
            advice = "; the last good checkpoint (step " + committed.step() + ") is kept in "
                    + dir.resolve(committed.checkpoint())
                    + ". Run again with a lower learning rate (--lr) to resume from step " + committed.step()
                    + " (the change is recorded in " + dir.resolve(CONFIG) + ")";
        } else {
            advice = "; no checkpoint was written yet. Run again with a lower learning rate (--lr) to start over";
        }
        return new TrainingDivergedException(what + " at step " + step + advice + ".");
    }

    private void commit(Commit c) throws IOException {
        Commit toCommit = c.config() == null && config != null ? c.withConfig(config) : c;
        if (toCommit.config() != null) {
            writeConfigIfChanged(toCommit.config());
        }
        writeManifest(toCommit);
        failpoint("committed", toCommit.step());
        Commit previous = committed;
        committed = toCommit;
        pending = null;
        if (previous != null) {
            List<String> old = new ArrayList<>();
            if (previous.legacy()) {
                old.add(CHECKPOINT);
                old.addAll(toCommit.state().keySet());
            } else {
                old.add(previous.checkpoint());
                old.addAll(previous.state().values());
            }
            old.removeAll(referenced(toCommit));
            boolean keep = keepEvery > 0 && !previous.legacy() && previous.step() % keepEvery == 0;
            if (keep) {
                Files.createDirectories(dir.resolve(KEPT));
            }
            for (String name : old) {
                if (keep && Files.exists(dir.resolve(name))) {
                    Files.move(dir.resolve(name), dir.resolve(KEPT).resolve(name), StandardCopyOption.REPLACE_EXISTING);
                } else {
                    Files.deleteIfExists(dir.resolve(name));
                }
            }
        }
    }

    private void writeManifest(Commit c) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        if (!c.legacy()) {
            n.put("format", FORMAT);
        }
        n.put("step", c.step());
        n.put(LEARNING_RATE, c.learningRate());
        if (!c.legacy()) {
            n.put("checkpoint", c.checkpoint());
            ObjectNode s = n.putObject("state");
            c.state().forEach(s::put);
        }
        if (c.diverged() != null) {
            n.set("diverged", c.diverged());
        }
        if (c.config() != null) {
            n.set("config", c.config());
        }
        byte[] bytes = JSON.writeValueAsBytes(n);
        durable(dir); // the renames that put the checkpoint's files in place reach the disk before the record naming
        // them
        Path target = dir.resolve(CHECKPOINT_STATE);
        AtomicFiles.writePath(target, tmp -> {
            try (FileChannel ch =
                    FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true); // the content before the rename, so a power loss cannot leave an empty record
            }
        });
        durable(dir);
    }

    private void discard(Commit c) throws IOException {
        if (c == null) {
            return;
        }
        List<String> names = new ArrayList<>(referenced(c));
        if (committed != null) {
            names.removeAll(referenced(committed));
        }
        for (String name : names) {
            Files.deleteIfExists(dir.resolve(name));
        }
    }

    private static List<String> referenced(Commit c) {
        List<String> names = new ArrayList<>();
        names.add(c.checkpoint());
        names.addAll(c.state().values());
        return names;
    }

    /** Flushes a file (or folder entry) to the disk, so a commit survives a power loss as well as a kill. */
    private static void durable(Path p) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // folders cannot be opened for syncing on every platform; the rename order still holds for a kill
        }
    }

    private void failpoint(String name, long step) {
        if (failpoint == null || !failpoint.equals(name + "@" + step)) {
            return;
        }
        System.err.println("eqvae4j failpoint " + failpoint + " reached");
        System.err.flush();
        try {
            Thread.sleep(Long.MAX_VALUE); // wait to be killed: the point of a failpoint
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- reading and cleaning

    /** The checkpoint {@code checkpoint.json} names, null when there is none; a damaged one is an IOException. */
    private static Commit readCommit(Path dir) throws IOException {
        Path file = dir.resolve(CHECKPOINT_STATE);
        if (!Files.exists(file)) {
            return null;
        }
        String fix = "; restore it, or delete it to start the run over from step 0";
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + " is not valid JSON (" + jsonError(e) + ")" + fix, e);
        }
        if (n == null || !n.isObject()) {
            throw new IOException(file + " does not hold a JSON object" + fix);
        }
        JsonNode stepNode = n.get("step");
        if (stepNode == null || !stepNode.isIntegralNumber() || !stepNode.canConvertToLong() || stepNode.asLong() < 1) {
            throw new IOException(file + ": \"step\" must be a whole number >= 1, got " + stepNode + fix);
        }
        long step = stepNode.asLong();
        JsonNode lrNode = n.get(LEARNING_RATE);
        if (lrNode != null && (!lrNode.isNumber() || !Double.isFinite(lrNode.asDouble()) || lrNode.asDouble() < 0)) {
            throw new IOException(
                    file + ": \"" + LEARNING_RATE + "\" must be a finite number >= 0, got " + lrNode + fix);
        }
        float lr = lrNode == null ? 0f : (float) lrNode.asDouble();
        JsonNode config = n.get("config");
        if (config != null && !config.isObject()) {
            throw new IOException(
                    file + ": \"config\" must be a JSON object of settings, got " + abbreviate(config) + fix);
        }
        JsonNode diverged = n.get("diverged");
        if (diverged != null && !diverged.isObject()) {
            throw new IOException(file + ": \"diverged\" must be a JSON object, got " + abbreviate(diverged) + fix);
        }
        JsonNode cp = n.get("checkpoint");
        boolean legacy = cp == null;
        String checkpoint;
        Map<String, String> state = new LinkedHashMap<>();
        if (legacy) {
            checkpoint = CHECKPOINT;
        } else {
            Matcher m = cp.isTextual() ? STAMPED.matcher(cp.asText()) : null;
            if (m == null || !m.matches()) {
                throw new IOException(
                        file + ": \"checkpoint\" must name a file checkpoint-NNNNNN in the run folder, got "
                                + abbreviate(cp) + fix);
            }
            checkpoint = cp.asText();
            JsonNode s = n.get("state");
            if (s != null && !s.isObject()) {
                throw new IOException(
                        file + ": \"state\" must be a JSON object of file names, got " + abbreviate(s) + fix);
            }
            if (s != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String expected = checkpoint + "-" + e.getKey();
                    if (!STATE_NAME.matcher(e.getKey()).matches()
                            || !e.getValue().isTextual()
                            || !e.getValue().asText().equals(expected)) {
                        throw new IOException(file + ": state file \"" + abbreviate(e.getKey()) + "\" must be "
                                + expected + ", got " + abbreviate(e.getValue()) + fix);
                    }
                    state.put(e.getKey(), expected);
                }
            }
        }
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(dir.resolve(checkpoint))) {
            missing.add(checkpoint);
        }
        for (String f : state.values()) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                missing.add(f);
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException(file + " names step " + step + " but " + missing + " "
                    + (missing.size() == 1 ? "is" : "are") + " missing from " + dir + fix);
        }
        return new Commit(step, lr, checkpoint, Map.copyOf(state), config, diverged, legacy);
    }

    private static String jsonError(IOException e) {
        return abbreviate(
                e instanceof JsonProcessingException j ? j.getOriginalMessage() : String.valueOf(e.getMessage()));
    }

    private static String abbreviate(Object o) {
        String s = String.valueOf(o);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /**
     * Removes what an interrupted run left: hidden temp files and staging folders of atomic writes (a replaced
     * folder that was moved aside but not yet replaced is moved back), and checkpoint files not committed.
     */
    private static void cleanUp(Path dir, Commit committed, Consumer<String> notices) throws IOException {
        List<String> removed = new ArrayList<>();
        List<Path> found;
        try (Stream<Path> s = Files.walk(dir, 4)) {
            found = s.filter(p -> !p.equals(dir)).toList();
        }
        for (Path p : found) {
            String name = p.getFileName().toString();
            if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue; // inside a folder removed already
            }
            Matcher old = OLD_FOLDER.matcher(name);
            if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && old.matches()) {
                Path target = p.resolveSibling(old.group(1));
                Path previous = p.resolve("previous");
                if (!Files.exists(target) && Files.exists(previous)) {
                    Files.move(previous, target);
                    notices.accept("restored " + target + " (an interrupted replacement had moved it aside)");
                }
                AtomicFolders.deleteTree(p);
                removed.add(dir.relativize(p).toString());
            } else if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    && STAGING_FOLDER.matcher(name).matches()) {
                AtomicFolders.deleteTree(p);
                removed.add(dir.relativize(p).toString());
            } else if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    && TEMP_FILE.matcher(name).matches()) {
                Files.delete(p);
                removed.add(dir.relativize(p).toString());
            } else if (p.getParent().equals(dir)
                    && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    && STAMPED_FILE.matcher(name).matches()
                    && (committed == null || !referenced(committed).contains(name))) {
                Files.delete(p);
                removed.add(name);
            }
        }
        if (!removed.isEmpty()) {
            notices.accept("removed what an interrupted run left in " + dir + ": " + removed);
        }
    }

    /** Releases the folder's lock. A checkpoint saved but not committed stays uncommitted (removed on the next start). */
    @Override
    public void close() throws IOException {
        lock.close();
    }

    // ---------------------------------------------------------------- per-step logs

    /** metrics.csv with this header; on resume, rows past {@code keepUpTo} are dropped first. */
    public MetricsLog metrics(String header, long keepUpTo) throws IOException {
        return log(METRICS, header, keepUpTo);
    }

    /**
     * Another per-step CSV file of the run (e.g. evaluations), kept in step with the checkpoint the same way:
     * rows past {@code keepUpTo} (written after the checkpoint a resumed run starts from) are dropped.
     */
    public MetricsLog log(String fileName, String header, long keepUpTo) throws IOException {
        return new MetricsLog(dir.resolve(fileName), header, keepUpTo);
    }

    /** Appends step rows (the first column is the step). */
    public static final class MetricsLog {
        private final Path file;

        /**
         * Keeps the complete rows up to {@code keepUpTo}: a last line without its newline (a write torn by a
         * kill) and lines whose first field is not a step are dropped, not fatal.
         */
        MetricsLog(Path file, String header, long keepUpTo) throws IOException {
            this.file = file;
            List<String> keep = new ArrayList<>();
            keep.add(header);
            if (Files.isRegularFile(file)) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
                String[] lines = text.split("\n", -1);
                // the piece after the last newline is empty for a complete file, else a torn row
                for (int i = 0; i < lines.length - 1; i++) {
                    long step = stepOf(lines[i]);
                    if (step >= 1 && step <= keepUpTo) {
                        keep.add(lines[i]);
                    }
                }
            }
            String text = String.join("\n", keep) + "\n";
            AtomicFiles.write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
        }

        /** The step of a row, -1 for a header or a damaged line. */
        private static long stepOf(String line) {
            int comma = line.indexOf(',');
            String first = comma < 0 ? line : line.substring(0, comma);
            if (first.isEmpty() || first.length() > 18 || !first.chars().allMatch(Character::isDigit)) {
                return -1;
            }
            return Long.parseLong(first);
        }

        public void append(String row) throws IOException {
            Files.writeString(file, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }
    }
}
