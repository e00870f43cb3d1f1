package org.eqvae4j.training.generator.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eqvae4j.export.training.Checkpoint;
import org.eqvae4j.export.training.CheckpointFile;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.training.ChildJvm;
import org.eqvae4j.training.RunFolder;
import org.eqvae4j.training.TrainingDivergedException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Resume guarantees of a run folder on a real trainer (flow matching: ONNX Runtime state plus EMA weights kept
 * in Java, so a checkpoint is two files and checkpoint.json): kill -9 at each point of a checkpoint resumes to
 * exactly the uninterrupted run; a divergence never declares a bad checkpoint good, and its advice (a lower
 * learning rate) resumes; settings are recorded only once a run trains.
 */
class RunFolderResumeTest {
    private static final int STEPS = 6;

    @TempDir
    static Path shared;

    static Path[] data;
    static Path cache;
    static Path straight;

    static GeneratorTrainConfig config(Path[] data, Path cache, long steps, float lr, int checkpointEvery) {
        return GeneratorFixtures.tinyDit(data, cache, steps, lr, checkpointEvery, 0, "resume-test");
    }

    @BeforeAll
    static void uninterrupted() throws Exception {
        data = GeneratorFixtures.idx(shared.resolve("data"), 16, 1);
        cache = shared.resolve("latents.bin");
        straight = shared.resolve("straight");
        new FlowMatchingTrainer(config(data, cache, STEPS, 1e-3f, 2), straight).train(ProgressListener.NONE);
    }

    /** Child-JVM main: trains the test's run with a failpoint set (-Deqvae4j.failpoint), to be killed there. */
    public static final class Child {
        private Child() {}

        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            Path[] d = {dir.resolve("data/images-idx3-ubyte"), dir.resolve("data/labels-idx1-ubyte")};
            new FlowMatchingTrainer(config(d, dir.resolve("latents.bin"), STEPS, 1e-3f, 2), Path.of(args[1]))
                    .train(ProgressListener.NONE);
            System.err.println("finished without reaching the failpoint");
        }
    }

    private static List<String> rows(Path run) throws Exception {
        return Files.readAllLines(run.resolve(RunFolder.METRICS)).stream()
                .skip(1)
                .map(l -> l.split(",")[0] + ":" + l.split(",")[1])
                .toList();
    }

    private static void assertSameState(Path expected, Path actual) throws Exception {
        assertEquals(rows(expected), rows(actual), "the same steps and losses");
        assertArrayEquals(
                Files.readAllBytes(RunFolder.committedFile(expected, FlowMatchingTrainer.EMA)),
                Files.readAllBytes(RunFolder.committedFile(actual, FlowMatchingTrainer.EMA)),
                "the same EMA weights");
        Checkpoint a = CheckpointFile.read(RunFolder.committedFile(expected, RunFolder.CHECKPOINT));
        Checkpoint b = CheckpointFile.read(RunFolder.committedFile(actual, RunFolder.CHECKPOINT));
        for (String k : a.trainable().keySet()) {
            assertArrayEquals(
                    a.trainable().get(k).toFloats(), b.trainable().get(k).toFloats(), k);
        }
        assertArrayEquals(
                Files.readAllBytes(expected.resolve("bundle/generator.onnx")),
                Files.readAllBytes(actual.resolve("bundle/generator.onnx")));
    }

    /**
     * Killed with SIGKILL at a point of the step-4 checkpoint: after its ONNX Runtime file (the audit's case: new
     * weights on disk, checkpoint.json still naming step 2), after its EMA file, after checkpoint.json named it.
     */
    @Test
    void killedBetweenSavingACheckpointAndCommittingItResumesToTheUninterruptedRun(@TempDir Path dir) throws Exception {
        killAndResume("checkpoint-saved", 2, dir);
    }

    /** The other points of a checkpoint (a child JVM each, about 10 s on a busy 2-core machine: -Pslow). */
    @Tag("slow")
    @ParameterizedTest
    @CsvSource({"state-saved, 2", "committed, 4"})
    void killedAtAnyPointOfACheckpointResumesToTheUninterruptedRun(String point, long committedStep, @TempDir Path dir)
            throws Exception {
        killAndResume(point, committedStep, dir);
    }

    private static void killAndResume(String point, long committedStep, Path dir) throws Exception {
        Path run = dir.resolve("run");
        try (var child = ChildJvm.start(
                Child.class,
                List.of("-D" + RunFolder.FAILPOINT_PROPERTY + "=" + point + "@4"),
                shared.toString(),
                run.toString())) {
            child.awaitLine("failpoint " + point + "@4 reached");
            child.kill9();
        }
        assertTrue(Files.readString(run.resolve(RunFolder.CHECKPOINT_STATE)).contains("\"step\" : " + committedStep));
        List<String> notices = new ArrayList<>();
        new FlowMatchingTrainer(config(data, cache, STEPS, 1e-3f, 2), run)
                .train((done, total, message) -> notices.add(message));
        assertTrue(
                notices.stream().anyMatch(n -> n.contains("stale lock")),
                "the killed process's lock is taken over: " + notices);
        if (!point.equals("committed")) {
            assertTrue(
                    notices.stream().anyMatch(n -> n.contains("removed") && n.contains("checkpoint-000004")),
                    "the uncommitted step-4 files are removed: " + notices);
        }
        assertSameState(straight, run);
        try (var s = Files.list(run)) {
            assertEquals(
                    List.of("checkpoint-000006", "checkpoint-000006-ema.onnx"),
                    s.map(p -> p.getFileName().toString())
                            .filter(n -> n.startsWith("checkpoint-"))
                            .sorted()
                            .toList(),
                    "only the last checkpoint is kept");
        }
    }

    @Test
    void aFolderOfTheFirstFormatResumesExactly(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        new FlowMatchingTrainer(config(data, cache, 2, 1e-3f, 2), run).train(ProgressListener.NONE);
        // rewrite it as trainers wrote it before: fixed names, checkpoint.json holding the step and learning rate only
        Path checkpoint = RunFolder.committedFile(run, RunFolder.CHECKPOINT);
        Path ema = RunFolder.committedFile(run, FlowMatchingTrainer.EMA);
        Files.move(checkpoint, run.resolve(RunFolder.CHECKPOINT));
        Files.move(ema, run.resolve(FlowMatchingTrainer.EMA));
        Files.writeString(run.resolve(RunFolder.CHECKPOINT_STATE), "{\n  \"step\" : 2,\n  \"learningRate\" : 0.001\n}");
        new FlowMatchingTrainer(config(data, cache, STEPS, 1e-3f, 2), run).train(ProgressListener.NONE);
        assertSameState(straight, run);
        assertFalse(
                Files.exists(run.resolve(RunFolder.CHECKPOINT)) || Files.exists(run.resolve(FlowMatchingTrainer.EMA)),
                "converted: the old fixed-name files are gone");
    }

    /**
     * The audit's case: a huge rate with a checkpoint every step. A checkpoint is committed only once the loss
     * computed from its weights is finite, so the one saved just before the divergence is never called good; the
     * advice in the message (a lower learning rate) then resumes from the last good one.
     */
    @Test
    void aDivergenceNeverDeclaresABadCheckpointGoodAndALowerRateResumes(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        TrainingDivergedException e = assertThrows(
                TrainingDivergedException.class,
                () -> new FlowMatchingTrainer(config(data, cache, 40, 1e9f, 1), run).train(ProgressListener.NONE));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "at step (\\d+); the last good checkpoint \\(step (\\d+)\\)")
                .matcher(e.getMessage());
        assertTrue(m.find() && e.getMessage().contains("--lr"), e.getMessage());
        long divergedAt = Long.parseLong(m.group(1));
        long good = Long.parseLong(m.group(2));
        assertEquals(
                divergedAt - 2,
                good,
                "the checkpoint saved after step " + (divergedAt - 1) + " gave the non-finite loss: not good");
        assertEquals(divergedAt - 1, rows(run).size(), "every step before the divergence is logged");
        try (var s = Files.list(run)) {
            assertEquals(
                    List.of(String.format("checkpoint-%06d", good), String.format("checkpoint-%06d-ema.onnx", good)),
                    s.map(p -> p.getFileName().toString())
                            .filter(n -> n.startsWith("checkpoint-"))
                            .sorted()
                            .toList(),
                    "the bad one is discarded");
        }
        IllegalArgumentException higher = assertThrows(
                IllegalArgumentException.class,
                () -> new FlowMatchingTrainer(config(data, cache, 40, 2e9f, 1), run).train(ProgressListener.NONE));
        assertTrue(higher.getMessage().contains("only a lower rate"), higher.getMessage());
        new FlowMatchingTrainer(config(data, cache, good + 2, 1e-4f, 1), run).train(ProgressListener.NONE);
        assertEquals(good + 2, rows(run).size());
        assertTrue(
                Files.readString(run.resolve(RunFolder.CHECKPOINT_STATE)).contains("\"learningRate\" : 1.0E-4"),
                "the session trained on at the lower rate: "
                        + Files.readString(run.resolve(RunFolder.CHECKPOINT_STATE)));
        assertTrue(Files.readString(run.resolve(RunFolder.CONFIG)).contains(RunFolder.LEARNING_RATE_CHANGES));
    }

    @Test
    void aDivergenceBeforeAnyCheckpointAcceptsCorrectedSettings(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertThrows(
                TrainingDivergedException.class,
                () -> new FlowMatchingTrainer(config(data, cache, 40, 1e9f, 40), run).train(ProgressListener.NONE));
        assertFalse(Files.exists(run.resolve(RunFolder.CHECKPOINT_STATE)), "nothing committed");
        new FlowMatchingTrainer(config(data, cache, 2, 1e-3f, 2), run).train(ProgressListener.NONE);
        assertTrue(
                Files.readString(run.resolve(RunFolder.CONFIG)).contains("\"learningRate\" : 0.001"),
                "the corrected rate is recorded");
    }

    @Test
    void settingsAreRecordedOnlyOnceARunTrains(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Path[] missing = {dir.resolve("nothing-here/images"), data[1]};
        assertThrows(
                Exception.class,
                () -> new FlowMatchingTrainer(config(missing, dir.resolve("c.bin"), 2, 1e-3f, 2), run)
                        .train(ProgressListener.NONE));
        assertFalse(Files.exists(run.resolve(RunFolder.CONFIG)), "a failed first start records no settings");
        new FlowMatchingTrainer(config(data, cache, 2, 1e-3f, 2), run).train(ProgressListener.NONE);
        assertTrue(Files.readString(run.resolve(RunFolder.CONFIG))
                .contains(data[0].getFileName().toString()));
    }
}
