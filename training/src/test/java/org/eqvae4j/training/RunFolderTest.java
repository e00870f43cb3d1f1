package org.eqvae4j.training;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run folders without ONNX Runtime: settings checks, the commit record (checkpoint.json) in both formats,
 * what an interrupted run leaves and how it is cleaned, per-step logs with torn rows. Checkpoints written by a
 * real session, divergence and kill -9 are in {@link RunFolderTrainingTest}.
 */
class RunFolderTest {
    /** Stands for a trainer's config record: what it learns (learningRate, batch) and how long it runs (steps, threads). */
    record Settings(float learningRate, int batch, long steps, int threads) {}

    /** A trainer version with one more setting. */
    record NewerSettings(float learningRate, int batch, long steps, int threads, int extra) {}

    /** A folder as trainers wrote it before checkpoint.json named its files: {@code checkpoint} + the step only. */
    private static void legacyFolder(Path dir, String config) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(RunFolder.CONFIG), config);
        Files.writeString(dir.resolve(RunFolder.CHECKPOINT), "state");
        Files.writeString(dir.resolve("ema.onnx"), "ema");
        Files.writeString(dir.resolve(RunFolder.CHECKPOINT_STATE), "{\"step\": 5, \"learningRate\": 0.001}");
    }

    private static final String STARTED = "{\"learningRate\": 1.0E-3, \"batch\": 4, \"steps\": 10, \"threads\": 2}";

    /** A folder of this format, committed at step 5, optionally marked diverged. */
    private static void committedFolder(Path dir, boolean diverged) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("checkpoint-000005"), "state");
        Files.writeString(dir.resolve("checkpoint-000005-ema.onnx"), "ema");
        Files.writeString(
                dir.resolve(RunFolder.CHECKPOINT_STATE),
                "{\"format\": 2, \"step\": 5, \"learningRate\": 0.001,"
                        + " \"checkpoint\": \"checkpoint-000005\", \"state\": {\"ema.onnx\": \"checkpoint-000005-ema.onnx\"},"
                        + (diverged ? " \"diverged\": {\"step\": 7, \"what\": \"loss became NaN\"}," : "")
                        + " \"config\": " + STARTED + "}");
        Files.writeString(dir.resolve(RunFolder.CONFIG), STARTED);
    }

    @Test
    void resumeMayChangeHowLongAndWhereButNotWhatALegacyRunLearns(@TempDir Path dir) throws Exception {
        legacyFolder(dir, STARTED);
        try (RunFolder run = RunFolder.open(dir)) {
            assertEquals(5, run.resumedStep());
            assertEquals(dir.resolve(RunFolder.CHECKPOINT), run.checkpointToOpen(5, dir.resolve("initial")));
            assertEquals(dir.resolve("ema.onnx"), run.stateFile("ema.onnx"));
            assertDoesNotThrow(() -> run.requireSameConfig(new Settings(1e-3f, 4, 10, 2)));
            run.requireSameConfig(new Settings(1e-3f, 4, 40, 1));
            String saved = Files.readString(dir.resolve(RunFolder.CONFIG));
            assertTrue(
                    saved.contains("\"steps\" : 40") && saved.contains("\"threads\" : 1"),
                    "allowed changes are recorded: " + saved);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> run.requireSameConfig(new Settings(2e-3f, 8, 40, 1)));
            assertTrue(
                    e.getMessage().contains("learningRate") && e.getMessage().contains("batch 4 -> 8"), e.getMessage());
            assertTrue(
                    Files.readString(dir.resolve(RunFolder.CONFIG)).contains("\"batch\" : 4"),
                    "a refused resume changes nothing");
        }
    }

    @Test
    void aSettingOnlyOneVersionKnowsIsNotADifference(@TempDir Path dir) throws Exception {
        legacyFolder(dir, STARTED);
        try (RunFolder run = RunFolder.open(dir)) {
            assertDoesNotThrow(() -> run.requireSameConfig(new NewerSettings(1e-3f, 4, 20, 2, 0)));
            assertThrows(
                    IllegalArgumentException.class, () -> run.requireSameConfig(new NewerSettings(1e-3f, 2, 20, 2, 0)));
        }
    }

    @Test
    void anySettingsAreAcceptedWhileNoStepWasCommitted(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(RunFolder.CONFIG), STARTED); // e.g. a start that failed on an empty data folder
        try (RunFolder run = RunFolder.open(dir)) {
            assertEquals(0, run.resumedStep());
            assertEquals(dir.resolve("initial"), run.checkpointToOpen(0, dir.resolve("initial")));
            assertDoesNotThrow(
                    () -> run.requireSameConfig(new Settings(5e-3f, 16, 10, 2)),
                    "no checkpoint yet: nothing to resume");
        }
    }

    @Test
    void deletingConfigJsonDoesNotSwitchTheCheckOff(@TempDir Path dir) throws Exception {
        committedFolder(dir, false);
        Files.delete(dir.resolve(RunFolder.CONFIG));
        try (RunFolder run = RunFolder.open(dir)) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> run.requireSameConfig(new Settings(1e-3f, 8, 10, 2)));
            assertTrue(e.getMessage().contains("batch 4 -> 8"), e.getMessage());
            run.requireSameConfig(new Settings(1e-3f, 4, 10, 2));
            assertTrue(
                    Files.readString(dir.resolve(RunFolder.CONFIG)).contains("\"batch\" : 4"),
                    "config.json is restored from checkpoint.json");
        }
        // a legacy folder keeps its settings only in config.json: without it, resuming is refused, not unchecked
        Path legacy = dir.resolve("legacy");
        legacyFolder(legacy, STARTED);
        Files.delete(legacy.resolve(RunFolder.CONFIG));
        try (RunFolder run = RunFolder.open(legacy)) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> run.requireSameConfig(new Settings(1e-3f, 4, 10, 2)));
            assertTrue(
                    e.getMessage().contains("no config.json") && e.getMessage().contains("step 5"), e.getMessage());
        }
    }

    @Test
    void afterADivergenceALowerLearningRateResumesAndIsRecorded(@TempDir Path dir) throws Exception {
        committedFolder(dir, true);
        try (RunFolder run = RunFolder.open(dir)) {
            IllegalArgumentException higher = assertThrows(
                    IllegalArgumentException.class, () -> run.requireSameConfig(new Settings(2e-3f, 4, 10, 2)));
            assertTrue(higher.getMessage().contains("only a lower rate"), higher.getMessage());
            run.requireSameConfig(new Settings(1e-4f, 4, 10, 2));
            String config = Files.readString(dir.resolve(RunFolder.CONFIG));
            assertTrue(
                    config.contains(RunFolder.LEARNING_RATE_CHANGES)
                            && config.contains("\"fromStep\" : 5")
                            && config.contains("diverged at step 7"),
                    config);
            assertTrue(
                    Files.readString(dir.resolve(RunFolder.CHECKPOINT_STATE)).contains("1.0E-4"),
                    "checkpoint.json carries the new rate");
        }
        // once resumed with it, the lower rate is the run's rate (resuming again with it is the same settings)
        try (RunFolder run = RunFolder.open(dir)) {
            assertDoesNotThrow(() -> run.requireSameConfig(new Settings(1e-4f, 4, 10, 2)));
        }
        // without a divergence the learning rate stays fixed
        Path healthy = dir.resolve("healthy");
        committedFolder(healthy, false);
        try (RunFolder run = RunFolder.open(healthy)) {
            assertThrows(IllegalArgumentException.class, () -> run.requireSameConfig(new Settings(1e-4f, 4, 10, 2)));
        }
    }

    @Test
    void divergenceWithoutACheckpointSaysSoAndRecordsNothing(@TempDir Path dir) throws Exception {
        try (RunFolder run = RunFolder.open(dir)) {
            TrainingDivergedException e = run.diverged(3, "loss became NaN");
            assertTrue(
                    e.getMessage().contains("no checkpoint was written yet")
                            && e.getMessage().contains("at step 3"),
                    e.getMessage());
        }
        assertFalse(Files.exists(dir.resolve(RunFolder.CHECKPOINT_STATE)));
        committedFolder(dir.resolve("c"), false);
        try (RunFolder run = RunFolder.open(dir.resolve("c"))) {
            TrainingDivergedException e = run.diverged(7, "loss became NaN");
            assertTrue(
                    e.getMessage().contains("last good checkpoint (step 5)")
                            && e.getMessage().contains("--lr"),
                    e.getMessage());
        }
        assertTrue(Files.readString(dir.resolve("c").resolve(RunFolder.CHECKPOINT_STATE))
                .contains("\"diverged\""));
    }

    @Test
    void whatAnInterruptedRunLeftIsCleanedOnStart(@TempDir Path dir) throws Exception {
        committedFolder(dir, false);
        // a kill while writing, or between saving a checkpoint's files and committing them
        Files.writeString(dir.resolve(".checkpoint-00000612345.tmp"), "half a checkpoint");
        Files.writeString(dir.resolve("checkpoint-000006"), "uncommitted");
        Files.writeString(dir.resolve("checkpoint-000006-ema.onnx"), "uncommitted");
        Files.createDirectories(dir.resolve(".bundle.staging-42/sub"));
        Files.writeString(dir.resolve(".bundle.staging-42/sub/decoder.onnx"), "x");
        Files.createDirectories(dir.resolve("snapshots"));
        Files.writeString(dir.resolve("snapshots/.step-000006.onnx99.tmp"), "x");
        // a folder replacement killed after moving the old folder aside and before moving the new one in
        Files.createDirectories(dir.resolve(".artifacts.old-7/previous"));
        Files.writeString(dir.resolve(".artifacts.old-7/previous/checkpoint"), "initial");
        Files.writeString(dir.resolve("notes.txt"), "the user's");
        List<String> notices = new ArrayList<>();
        try (RunFolder run = RunFolder.open(dir, notices::add)) {
            assertEquals(5, run.resumedStep());
            assertEquals(dir.resolve("checkpoint-000005-ema.onnx"), run.stateFile("ema.onnx"));
        }
        try (var s = Files.list(dir)) {
            assertEquals(
                    List.of(
                            "artifacts",
                            "checkpoint-000005",
                            "checkpoint-000005-ema.onnx",
                            RunFolder.CHECKPOINT_STATE,
                            RunFolder.CONFIG,
                            "notes.txt",
                            RunLock.FILE,
                            "snapshots"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(
                "initial",
                Files.readString(dir.resolve("artifacts/checkpoint")),
                "the moved-aside folder is moved back");
        try (var s = Files.list(dir.resolve("snapshots"))) {
            assertEquals(0, s.count());
        }
        assertTrue(
                notices.stream()
                        .anyMatch(n -> n.contains("checkpoint-000006-ema.onnx") && n.contains(".bundle.staging-42")),
                notices.toString());
    }

    @Test
    void aDamagedCheckpointJsonIsNamedAndNothingIsDeleted(@TempDir Path dir) throws Exception {
        committedFolder(dir, false);
        Files.writeString(
                dir.resolve(RunFolder.CHECKPOINT_STATE),
                "{\"format\": 2, \"step\": 5, \"checkpoint\": \"../../etc/passwd\"}");
        IOException e = assertThrows(IOException.class, () -> RunFolder.open(dir));
        assertTrue(
                e.getMessage().contains(RunFolder.CHECKPOINT_STATE)
                        && e.getMessage().contains("\"checkpoint\""),
                e.getMessage());
        assertTrue(
                Files.exists(dir.resolve("checkpoint-000005-ema.onnx")),
                "no cleaning from a record that cannot be read");
        Files.writeString(
                dir.resolve(RunFolder.CHECKPOINT_STATE),
                "{\"format\": 2, \"step\": 9, \"checkpoint\": \"checkpoint-000009\"}");
        e = assertThrows(IOException.class, () -> RunFolder.open(dir));
        assertTrue(e.getMessage().contains("[checkpoint-000009] is missing"), e.getMessage());
        assertDoesNotThrow(() -> RunFolder.open(dir.resolve("other")).close(), "the failed opens released the lock");
        assertDoesNotThrow(
                () -> {
                    Files.writeString(dir.resolve(RunFolder.CHECKPOINT_STATE), "{\"step\": 5}");
                    Files.writeString(dir.resolve(RunFolder.CHECKPOINT), "legacy");
                    RunFolder.open(dir).close();
                },
                "the failed opens released the lock");
    }

    @Test
    void tornAndDamagedRowsOfAPerStepLogAreDropped(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir);
        Path metrics = dir.resolve(RunFolder.METRICS);
        Files.writeString(metrics, "step,loss,ms\n1,0.5,3\n2,0.4,3\ngarbage\n,,\n3,0.3,3\n4,0.2,3\n5,0.1");
        try (RunFolder run = RunFolder.open(dir)) {
            RunFolder.MetricsLog log = run.metrics("step,loss,ms", 4);
            assertEquals("step,loss,ms\n1,0.5,3\n2,0.4,3\n3,0.3,3\n4,0.2,3\n", Files.readString(metrics));
            log.append("5,0.1,3");
            run.log("eval.csv", "step,fd", 4);
        }
        assertEquals(
                List.of("step,loss,ms", "1,0.5,3", "2,0.4,3", "3,0.3,3", "4,0.2,3", "5,0.1,3"),
                Files.readAllLines(metrics));
        Files.writeString(metrics, "step,loss,ms\n1,0.5,3\n2,0.4,3\n3");
        try (RunFolder run = RunFolder.open(dir)) {
            run.metrics("step,loss,ms", 2);
        }
        assertEquals(
                List.of("step,loss,ms", "1,0.5,3", "2,0.4,3"),
                Files.readAllLines(metrics),
                "a torn last row (no comma) is no error");
    }
}
