package org.eqvae4j.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eqvae4j.runtime.io.AtomicFiles;

/**
 * The resumable run folder every trainer uses: {@code config.json}, {@code checkpoint} (ONNX Runtime
 * training state) + {@code checkpoint.json} (the step it holds), {@code metrics.csv} with one row per
 * optimizer step. The checkpoint is written first and the step that names it second, so a crash between
 * the two resumes one interval early, never from a state newer than its step.
 */
public final class RunFolder {
    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.csv";
    public static final String CHECKPOINT = "checkpoint";
    public static final String CHECKPOINT_STATE = "checkpoint.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public RunFolder(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    public Path dir() {
        return dir;
    }

    public Path resolve(String name) {
        return dir.resolve(name);
    }

    /** Writes the run's settings (once, when the run starts). */
    public void writeConfig(Object config) throws IOException {
        AtomicFiles.write(dir.resolve(CONFIG), out -> JSON.writeValue(out, config));
    }

    /**
     * Settings a resumed run may change: how long, where and how fast it runs and what it writes beside the
     * weights, not what it learns. Any other difference from {@code config.json} is refused by
     * {@link #requireSameConfig}.
     */
    public static final Set<String> MAY_CHANGE_ON_RESUME = Set.of("steps", "threads", "provider", "checkpointEvery",
            "snapshotEvery", "evalEvery", "evalImages", "evalSize", "outputId", "sampleSteps", "cfgScale");

    /**
     * On a resumed run (a checkpoint exists), refuses settings that differ from the run's {@code config.json} in a
     * field outside {@link #MAY_CHANGE_ON_RESUME}, naming each field with both values: resuming a run with another
     * learning rate, loss or data would silently train something that neither configuration describes.
     * The changes that are allowed are recorded in {@code config.json}.
     */
    public void requireSameConfig(Object config) throws IOException {
        Path file = dir.resolve(CONFIG);
        if (resumedStep() == 0 || !Files.isRegularFile(file)) {
            return;
        }
        JsonNode saved = JSON.readTree(file.toFile());
        // through bytes, so numbers are typed as when config.json is read (a float field reads back as a double)
        JsonNode now = JSON.readTree(JSON.writeValueAsBytes(config));
        List<String> differences = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        saved.fieldNames().forEachRemaining(names::add);
        now.fieldNames().forEachRemaining(names::add);
        boolean allowedChange = false;
        for (String name : names) {
            JsonNode a = saved.get(name);
            JsonNode b = now.get(name);
            if (a == null || b == null || java.util.Objects.equals(a, b)) {
                continue; // a setting only one version of the trainer knows (a run started before it existed) cannot differ
            }
            if (MAY_CHANGE_ON_RESUME.contains(name)) {
                allowedChange = true;
            } else {
                differences.add(name + " " + a + " -> " + b);
            }
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("run folder " + dir + " was started with other settings (" + file + "); resuming it with "
                    + String.join(", ", differences) + " would train something neither describes. Resume with the same settings"
                    + " (only " + new TreeSet<>(MAY_CHANGE_ON_RESUME) + " may change) or start a new run folder.");
        }
        if (allowedChange) {
            writeConfig(config);
        }
    }

    /** The step of the saved checkpoint, 0 when there is none (a fresh run). */
    public long resumedStep() throws IOException {
        Path state = dir.resolve(CHECKPOINT_STATE);
        if (!Files.isRegularFile(state) || !Files.isRegularFile(dir.resolve(CHECKPOINT))) {
            return 0;
        }
        return JSON.readTree(state.toFile()).get("step").asLong();
    }

    /** The checkpoint to open: the run's own when resuming, else the artifacts' initial one. */
    public Path checkpointToOpen(long resumedStep, Path initialCheckpoint) {
        return resumedStep > 0 ? dir.resolve(CHECKPOINT) : initialCheckpoint;
    }

    /**
     * Saves the session's state and then {@code checkpoint.json} naming {@code step}. {@code beforeState} runs
     * between the two (e.g. writing state kept outside ONNX Runtime, such as EMA weights).
     */
    public void saveCheckpoint(TrainingSession session, long step, ExtraState beforeState) throws IOException {
        session.saveCheckpoint(dir.resolve(CHECKPOINT));
        if (beforeState != null) {
            beforeState.save();
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("step", step);
        state.put("learningRate", session.learningRate());
        AtomicFiles.write(dir.resolve(CHECKPOINT_STATE), out -> JSON.writeValue(out, state));
    }

    /** State a trainer keeps outside ONNX Runtime, saved with each checkpoint. */
    @FunctionalInterface
    public interface ExtraState {
        void save() throws IOException;
    }

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

        MetricsLog(Path file, String header, long keepUpTo) throws IOException {
            this.file = file;
            List<String> keep = new ArrayList<>();
            keep.add(header);
            if (Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isEmpty() && Character.isDigit(line.charAt(0)) && Long.parseLong(line.substring(0, line.indexOf(','))) <= keepUpTo) {
                        keep.add(line);
                    }
                }
            }
            String text = String.join("\n", keep) + "\n";
            AtomicFiles.write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
        }

        public void append(String row) throws IOException {
            Files.writeString(file, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }
    }
}
