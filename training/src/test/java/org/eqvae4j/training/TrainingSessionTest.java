package org.eqvae4j.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.training.Checkpoint;
import org.eqvae4j.export.training.CheckpointFile;
import org.eqvae4j.export.training.OptimizerConfig;
import org.eqvae4j.export.training.TrainingArtifacts;
import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.training.bench.ProfileTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Artifacts written by onnx-export, trained through ONNX Runtime's training API (CPU). */
class TrainingSessionTest {
    private static final RuntimeOptions ONE_THREAD = RuntimeOptions.DEFAULT.withThreads(1);

    @TempDir
    Path dir;

    private final Tensor x = TestModels.linearInput("x", 8, 11);
    private final Tensor t = TestModels.linearTarget(x);

    private Path linearArtifacts(OptimizerConfig optimizer) throws IOException {
        TestModels.Model m = TestModels.linear(1);
        Path folder = dir.resolve("linear-" + optimizer.getClass().getSimpleName());
        new TrainingArtifacts(m.gradient(), m.eval(), m.trainable(), optimizer).writeTo(folder);
        return folder;
    }

    private float step(TrainingSession s, Tensor... inputs) {
        float loss = s.trainStep(inputs);
        s.optimizerStep();
        return loss;
    }

    @Test
    void linearModelLossFalls() throws IOException {
        try (TrainingSession s = TrainingSession.open(linearArtifacts(OptimizerConfig.eqVaeAdam()), ONE_THREAD)) {
            assertEquals(List.of("x", "t"), s.trainInputNames());
            assertEquals(List.of("loss"), s.trainOutputNames());
            assertEquals(List.of("loss", "y"), s.evalOutputNames());
            assertEquals(ExecutionProvider.CPU, s.executionProvider());
            s.setLearningRate(0.1f);
            float first = step(s, x, t);
            float last = first;
            for (int i = 1; i < 20; i++) {
                last = step(s, x, t);
            }
            assertTrue(last < 0.5f * first, "loss " + first + " -> " + last);
        }
    }

    @Test
    void profiledSessionWritesTracesThatTabulateByPhase() throws IOException {
        Path profiles = Files.createDirectories(dir.resolve("profiles"));
        try (TrainingSession s = TrainingSession.openProfiled(
                linearArtifacts(OptimizerConfig.eqVaeAdam()), ONE_THREAD, profiles.resolve("ort"))) {
            s.setLearningRate(0.1f);
            for (int i = 0; i < 3; i++) {
                step(s, x, t);
            }
        }
        ProfileTable table = ProfileTable.readFolder(profiles);
        // kernels of this tiny model may take under a microsecond (dur 0): assert the nodes of each phase and
        // their run counts, not their times
        assertTrue(table.totalMicros() > 0, table.markdown(20));
        // ORT names a profile by the millisecond its session was created, and the three sessions of this tiny
        // model can start within one: then they share a file and the last one written wins
        long files;
        try (var list = Files.list(profiles)) {
            files = list.count();
        }
        assertTrue(files >= 1 && files <= 3, files + " profile files");
        List<ProfileTable.Phase> expected = files == 3
                ? List.of(ProfileTable.Phase.values())
                : List.of(ProfileTable.Phase.FORWARD, ProfileTable.Phase.BACKWARD);
        for (var phase : expected) {
            assertTrue(
                    table.nodes().stream().anyMatch(n -> n.phase() == phase && n.runs() == 3),
                    "no " + phase + " node run 3 times in " + files + " files:\n" + table.markdown(20));
        }
    }

    @Test
    void nonFiniteWeightsAreCounted() throws IOException {
        try (TrainingSession s = TrainingSession.open(linearArtifacts(OptimizerConfig.sgd()), ONE_THREAD)) {
            assertEquals(0, s.nonFiniteParameterCount(), "fresh weights are finite");
            step(s, x, t);
            assertEquals(0, s.nonFiniteParameterCount());
            s.setLearningRate(Float.MAX_VALUE); // SGD steps of ~1e38 times the gradient overflow the weights
            for (int i = 0; i < 3; i++) {
                step(s, x, t);
            }
            long bad = s.nonFiniteParameterCount();
            assertTrue(bad > 0, "weights after overflowing steps: " + bad + " non-finite");
        }
    }

    @Test
    void inputsAreMatchedByNameNotPosition() throws IOException {
        try (TrainingSession s = TrainingSession.open(linearArtifacts(OptimizerConfig.sgd()), ONE_THREAD)) {
            assertEquals(s.trainStep(x, t), s.trainStep(t, x));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.trainStep(x));
            assertTrue(e.getMessage().contains("needs input 't'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> s.trainStep(x, t, x.renamed("z")));
            assertTrue(e.getMessage().contains("'z' is not an input"), e.getMessage());
            Tensor wrongShape = Tensor.ofFloats("x", new long[] {8, 2}, new float[16]);
            TrainingException failed = assertThrows(TrainingException.class, () -> s.trainStep(wrongShape, t));
            assertTrue(failed.getMessage().startsWith("train step failed: "), failed.getMessage());
        }
    }

    @Test
    void convNetLossFalls() throws IOException {
        TestModels.Model m = TestModels.convNet(2);
        Path folder = dir.resolve("conv");
        new TrainingArtifacts(m.gradient(), m.eval(), m.trainable(), OptimizerConfig.eqVaeAdam()).writeTo(folder);
        Tensor images = TestModels.convInput("x", 16, 3);
        Tensor targets = TestModels.convTarget(images);
        long openStart = System.nanoTime();
        try (TrainingSession s = TrainingSession.open(folder, ONE_THREAD)) {
            long openNanos = System.nanoTime() - openStart;
            s.setLearningRate(0.01f);
            float first = step(s, images, targets);
            float last = first;
            long trainNanos = 0;
            long optimizerNanos = 0;
            int steps = 20;
            for (int i = 1; i < steps; i++) {
                long t0 = System.nanoTime();
                last = s.trainStep(images, targets);
                long t1 = System.nanoTime();
                s.optimizerStep();
                trainNanos += t1 - t0;
                optimizerNanos += System.nanoTime() - t1;
            }
            System.out.printf(
                    "conv net, batch 16 x 1x8x8, 1 thread: open %.1f ms, trainStep %.3f ms, optimizerStep %.3f ms;"
                            + " loss %.5f -> %.5f%n",
                    openNanos / 1e6, trainNanos / 1e6 / (steps - 1), optimizerNanos / 1e6 / (steps - 1), first, last);
            assertTrue(last < 0.5f * first, "loss " + first + " -> " + last);
        }
    }

    @Test
    void resumingFromACheckpointContinuesExactly() throws IOException {
        Path folder = linearArtifacts(OptimizerConfig.eqVaeAdam());
        Path checkpoint = dir.resolve("saved/checkpoint");
        float afterSave;
        float afterOneMoreStep;
        try (TrainingSession s = TrainingSession.open(folder, ONE_THREAD)) {
            assertEquals(1e-3f, s.learningRate(), "ONNX Runtime's default until set");
            s.setLearningRate(0.0123f);
            for (int i = 0; i < 3; i++) {
                step(s, x, t);
            }
            s.saveCheckpoint(checkpoint);
            afterSave = step(s, x, t);
            afterOneMoreStep = s.trainStep(x, t);
        }
        try (TrainingSession resumed = TrainingSession.open(folder, checkpoint, ONE_THREAD)) {
            assertEquals(0.0123f, resumed.learningRate(), "learning rate restored from the checkpoint");
            // the first loss checks the parameters, the second also the optimizer's moments and step
            assertEquals(afterSave, step(resumed, x, t), 1e-6f);
            assertEquals(afterOneMoreStep, resumed.trainStep(x, t), 1e-6f);
        }
    }

    @Test
    void accumulatedHalfBatchesEqualOneFullBatch() throws IOException {
        Path folder = linearArtifacts(OptimizerConfig.sgd());
        Tensor x1 = TestModels.rows(x, 0, 4);
        Tensor x2 = TestModels.rows(x, 4, 8);
        Tensor t1 = TestModels.rows(t, 0, 4);
        Tensor t2 = TestModels.rows(t, 4, 8);
        try (TrainingSession full = TrainingSession.open(folder, ONE_THREAD);
                TrainingSession halves = TrainingSession.open(folder, ONE_THREAD)) {
            float[] initial = full.parameter("W").toFloats();
            full.setLearningRate(0.1f);
            step(full, x, t);
            // each half's loss is a mean over its 4 rows: the two gradients sum to twice the full batch's
            halves.setLearningRate(0.05f);
            halves.trainStep(x1, t1);
            halves.trainStep(x2, t2);
            halves.optimizerStep();
            assertFalse(Arrays.equals(initial, full.parameter("W").toFloats()), "the step moved the weights");
            assertParametersClose(full, halves, 1e-6f);

            // optimizerStep cleared the buffers: one more full-batch step stays in lockstep
            halves.setLearningRate(0.1f);
            step(full, x, t);
            step(halves, x, t);
            assertParametersClose(full, halves, 1e-6f);
        }
    }

    private static void assertParametersClose(TrainingSession a, TrainingSession b, float tolerance) {
        for (String p : List.of("W", "b")) {
            assertArrayEquals(a.parameter(p).toFloats(), b.parameter(p).toFloats(), tolerance, p);
        }
    }

    @Test
    void exportedInferenceModelMatchesEvalAndFrozenParametersStayFixed() throws Exception {
        Path folder = linearArtifacts(OptimizerConfig.eqVaeAdam());
        TestModels.Model m = TestModels.linear(1);
        Path exported = dir.resolve("inference/linear.onnx");
        try (TrainingSession s = TrainingSession.open(folder, ONE_THREAD)) {
            s.setLearningRate(0.1f);
            for (int i = 0; i < 5; i++) {
                step(s, x, t);
            }
            assertArrayEquals(
                    m.gradient().initializers().get("s").rawData(),
                    s.parameter("s").rawData(),
                    "the frozen scale is bit-identical");
            assertFalse(
                    Arrays.equals(
                            m.gradient().initializers().get("W").rawData(),
                            s.parameter("W").rawData()),
                    "the trainable weights changed");

            Tensor evalY = s.evalStep(x, t).get("y");
            s.exportModelForInference(exported, List.of("y"));
            Map<String, Tensor> inferred = OrtInference.run(Files.readAllBytes(exported), x);
            assertEquals(List.of("y"), List.copyOf(inferred.keySet()));
            assertArrayEquals(evalY.toFloats(), inferred.get("y").toFloats(), 1e-6f);

            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> s.exportModelForInference(dir.resolve("x.onnx"), List.of("nope")));
            assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
        }
    }

    @Test
    void checkpointsSavedByOnnxRuntimeReadBackAndRewrittenOnesResume() throws IOException {
        Path folder = linearArtifacts(OptimizerConfig.eqVaeAdam());
        Path saved = dir.resolve("ort-checkpoint");
        Map<String, Tensor> parameters;
        try (TrainingSession s = TrainingSession.open(folder, ONE_THREAD)) {
            s.setLearningRate(0.02f);
            step(s, x, t);
            step(s, x, t);
            s.saveCheckpoint(saved);
            parameters = Map.of("W", s.parameter("W"), "b", s.parameter("b"), "s", s.parameter("s"));
        }
        Checkpoint read = CheckpointFile.read(saved);
        assertEquals(java.util.Set.of("W", "b"), read.trainable().keySet());
        assertEquals(java.util.Set.of("s"), read.frozen().keySet());
        read.trainable()
                .forEach((name, value) -> assertArrayEquals(parameters.get(name).rawData(), value.rawData(), name));
        assertArrayEquals(parameters.get("s").rawData(), read.frozen().get("s").rawData());
        Checkpoint.OptimizerState optimizer = read.optimizer().orElseThrow();
        assertEquals(2, optimizer.step());
        assertEquals(
                List.of("momentum0", "momentum1"),
                optimizer.moments().get("W").stream().map(Tensor::name).toList());
        assertArrayEquals(
                read.trainable().get("W").dims(),
                optimizer.moments().get("W").get(1).dims());
        assertEquals(0.02f, read.properties().floats().get(TrainingSession.LEARNING_RATE_PROPERTY));

        Path rewritten = dir.resolve("rewritten-checkpoint");
        CheckpointFile.write(read, rewritten);
        float[] losses = new float[2];
        for (int i = 0; i < 2; i++) {
            try (TrainingSession s = TrainingSession.open(folder, i == 0 ? saved : rewritten, ONE_THREAD)) {
                step(s, x, t);
                losses[i] = s.trainStep(x, t);
            }
        }
        assertEquals(losses[0], losses[1], 0f, "our rewrite of ONNX Runtime's checkpoint resumes identically");
    }

    @Test
    void brokenOrMissingFilesAreNamed() throws IOException {
        Path folder = linearArtifacts(OptimizerConfig.sgd());
        byte[] checkpoint = Files.readAllBytes(folder.resolve(TrainingArtifacts.CHECKPOINT));
        Path truncated = Files.write(dir.resolve("truncated"), Arrays.copyOf(checkpoint, checkpoint.length / 2));
        IOException e = assertThrows(IOException.class, () -> TrainingSession.open(folder, truncated, ONE_THREAD));
        assertTrue(
                e.getMessage().contains(truncated.toString()) && e.getMessage().contains("truncated"), e.getMessage());

        Path text = Files.writeString(dir.resolve("notes.txt"), "not a checkpoint at all");
        e = assertThrows(IOException.class, () -> TrainingSession.open(folder, text, ONE_THREAD));
        assertTrue(e.getMessage().contains(text.toString()), e.getMessage());

        Path broken = Files.createDirectory(dir.resolve("broken"));
        try (var files = Files.list(folder)) {
            for (Path f : files.toList()) {
                Files.copy(f, broken.resolve(f.getFileName()));
            }
        }
        Files.writeString(broken.resolve(TrainingArtifacts.TRAINING_MODEL), "garbage, not protobuf");
        e = assertThrows(IOException.class, () -> TrainingSession.open(broken, ONE_THREAD));
        assertTrue(
                e.getMessage()
                        .contains(
                                broken.resolve(TrainingArtifacts.TRAINING_MODEL).toString()),
                e.getMessage());

        Files.delete(broken.resolve(TrainingArtifacts.EVAL_MODEL));
        e = assertThrows(NoSuchFileException.class, () -> TrainingSession.open(broken, ONE_THREAD));
        assertTrue(e.getMessage().contains(TrainingArtifacts.EVAL_MODEL), e.getMessage());
    }

    @Test
    void cudaRequestWithoutAGpuFallsBackToCpu() throws IOException {
        // covers both builds: CPU natives (no CUDA provider at all) and, with -Pcuda, CUDA natives on a
        // machine without a GPU or CUDA libraries (appending the provider fails)
        org.junit.jupiter.api.Assumptions.assumeFalse(
                Files.exists(Path.of("/dev/nvidiactl")), "this machine has an NVIDIA GPU");
        RuntimeOptions cuda = ONE_THREAD.withProvider(ExecutionProvider.CUDA);
        try (TrainingSession s = TrainingSession.open(linearArtifacts(OptimizerConfig.sgd()), cuda)) {
            assertEquals(ExecutionProvider.CPU, s.executionProvider());
            assertTrue(Float.isFinite(step(s, x, t)));
        }
    }

    @Test
    void closedSessionSaysSo() throws IOException {
        TrainingSession s = TrainingSession.open(linearArtifacts(OptimizerConfig.sgd()), ONE_THREAD);
        s.close();
        s.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.trainStep(x, t));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
