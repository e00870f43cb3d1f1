package org.eqvae4j.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.training.OptimizerConfig;
import org.eqvae4j.export.training.TrainingArtifacts;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared loop on the small linear model: learning rates, hook order, checkpoint cadence, divergence. */
class TrainingLoopTest {
    @TempDir
    Path dir;

    private final Tensor x = TestModels.linearInput("x", 8, 11);
    private final Tensor t = TestModels.linearTarget(x);

    private TrainingSession open() throws IOException {
        TestModels.Model m = TestModels.linear(1);
        Path artifacts = dir.resolve("artifacts");
        if (!Files.isDirectory(artifacts)) {
            new TrainingArtifacts(m.gradient(), m.eval(), m.trainable(), OptimizerConfig.eqVaeAdam())
                    .writeTo(artifacts);
        }
        return TrainingSession.open(artifacts, RuntimeOptions.DEFAULT.withThreads(1));
    }

    /** Records every hook call as "hook:step" and each step's learning rate. */
    private final class Recorder implements TrainingLoop.Hooks {
        final List<String> calls = new ArrayList<>();
        final List<Float> rates = new ArrayList<>();
        final long divergeAt;

        Recorder(long divergeAt) {
            this.divergeAt = divergeAt;
        }

        @Override
        public double step(TrainingSession s, long step) {
            calls.add("step:" + step);
            rates.add(s.learningRate());
            float loss = s.trainStep(x, t);
            return step == divergeAt ? Double.NaN : loss;
        }

        @Override
        public void afterStep(TrainingSession s, long step) {
            calls.add("after:" + step);
        }

        @Override
        public String log(long step, double loss, double millis) {
            calls.add("log:" + step);
            return "loss " + loss;
        }

        @Override
        public void evaluate(TrainingSession s, long step, boolean last) {
            if (last) {
                calls.add("eval:" + step);
            }
        }

        @Override
        public Map<String, RunFolder.StateWriter> checkpointState() {
            return Map.of("state.txt", file -> {
                calls.add("state");
                Files.writeString(file, "state");
            });
        }
    }

    @Test
    void warmsUpLogsEvaluatesAndCheckpointsOnSchedule() throws Exception {
        RunSchedule schedule = new RunSchedule(5, 8, 0.01f, 2, RunSchedule.Decay.NONE, 1, 2);
        Recorder hooks = new Recorder(-1);
        List<String> progress = new ArrayList<>();
        try (RunFolder run = RunFolder.open(dir.resolve("run"));
                TrainingSession s = open()) {
            TrainingLoop.run(s, schedule, run, 0, hooks, (done, total, message) -> progress.add(done + "/" + total));
            assertEquals(5, run.resumedStep());
        }
        assertEquals(List.of(0.005f, 0.01f, 0.01f, 0.01f, 0.01f), hooks.rates);
        assertEquals(
                List.of(
                        "step:0", "after:0", "log:1", "step:1", "after:1", "log:2", "state", "step:2", "after:2",
                        "log:3", "step:3", "after:3", "log:4", "state", "step:4", "after:4", "log:5", "eval:5",
                        "state"),
                hooks.calls);
        assertEquals(List.of("1/5", "2/5", "3/5", "4/5", "5/5"), progress);
    }

    @Test
    void aNonFiniteLossStopsBeforeTheOptimizerStepNamingTheLastGoodCheckpoint() throws Exception {
        RunSchedule schedule = new RunSchedule(10, 8, 0.01f, 0, RunSchedule.Decay.NONE, 1, 2);
        Recorder hooks = new Recorder(4);
        try (RunFolder run = RunFolder.open(dir.resolve("run"));
                TrainingSession s = open()) {
            TrainingDivergedException e = assertThrows(
                    TrainingDivergedException.class,
                    () -> TrainingLoop.run(s, schedule, run, 0, hooks, ProgressListener.NONE));
            assertTrue(e.getMessage().contains("loss became NaN at step 5"), e.getMessage());
            // the step-4 checkpoint's weights gave the NaN: the last good one is step 2's
            assertTrue(
                    e.getMessage().contains("last good checkpoint (step 2)")
                            && e.getMessage()
                                    .contains(run.resolve("checkpoint-000002").toString()),
                    e.getMessage());
            assertEquals(2, run.resumedStep());
            assertFalse(Files.exists(run.resolve("checkpoint-000004")), "the bad checkpoint is discarded");
        }
        assertEquals(
                "step:4", hooks.calls.get(hooks.calls.size() - 1), "nothing runs after the diverged step's passes");
        assertFalse(hooks.calls.contains("after:4"));
    }

    @Test
    void withoutARunFolderNothingIsCheckpointed() throws Exception {
        RunSchedule schedule = new RunSchedule(3, 8, 0.01f, 0, RunSchedule.Decay.COSINE, 1, 1);
        Recorder hooks = new Recorder(-1);
        try (TrainingSession s = open()) {
            TrainingLoop.run(s, schedule, null, 0, hooks, ProgressListener.NONE);
        }
        assertFalse(hooks.calls.contains("state"));
        assertEquals(
                List.of(schedule.learningRateAt(0), schedule.learningRateAt(1), schedule.learningRateAt(2)),
                hooks.rates);
    }
}
