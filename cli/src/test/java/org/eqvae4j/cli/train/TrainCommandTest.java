package org.eqvae4j.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.eqvae4j.testsupport.RepositoryRoot;
import org.eqvae4j.training.RunSchedule;
import org.eqvae4j.training.eqvae.EqVaeTrainConfig;
import org.eqvae4j.training.eqvae.TauSampler;
import org.eqvae4j.training.eqvae.TrainablePart;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The recipe options of {@code train} as they reach the run's settings, and their usage errors. */
class TrainCommandTest {
    private static final Path ROOT = RepositoryRoot.get();

    private static EqVaeTrainConfig config(String... extra) throws Exception {
        TrainCommand cmd = new TrainCommand();
        List<String> args = new java.util.ArrayList<>(List.of("--model", "m", "--data", "d", "--run", "r"));
        args.addAll(List.of(extra));
        new CommandLine(cmd).parseArgs(args.toArray(String[]::new));
        ModelManifest base = ModelBundle.open(ROOT.resolve("models/taef2")).manifest();
        return cmd.config(base, ExecutionProvider.CPU);
    }

    @Test
    void theDefaultsAreTheRecipeThatWon() throws Exception {
        EqVaeTrainConfig c = config();
        assertEquals(128, c.cropSize());
        assertEquals(1e-4f, c.learningRate());
        assertEquals(50, c.warmupSteps());
        assertEquals(TauSampler.Scales.set(List.of(0.25, 0.5, 0.75)), c.scales());
        assertEquals(RunSchedule.Decay.WARMUP_COSINE, c.run().decay());
        assertEquals(0f, c.run().minLearningRate());
        assertEquals(0.0, c.recipeOptions().ema());
        assertTrue(c.recipeOptions().phases().isEmpty()
                && c.recipeOptions().crops().isEmpty());
        // the reference code's recipe stays one option away
        EqVaeTrainConfig reference = config("--scales", "grid", "--lr-schedule", "constant", "--warmup-steps", "0");
        assertEquals(TauSampler.Scales.grid(), reference.scales());
        assertEquals(RunSchedule.Decay.NONE, reference.run().decay());
        assertEquals(TauSampler.Scales.uniform(), config("--uniform-scale").scales());
    }

    @Test
    void everyRecipeOptionReachesTheSettings() throws Exception {
        EqVaeTrainConfig c = config(
                "--scales", "0.25,0.5,0.75",
                "--lr-schedule", "cosine",
                "--lr-min", "1e-6",
                "--warmup-steps", "50",
                "--ema", "0.999",
                "--phases", "encoder:1500,decoder:500",
                "--crops", "64:1500,192:500",
                "--steps", "2000",
                "--accumulate", "2");
        assertEquals(TauSampler.Scales.set(List.of(0.25, 0.5, 0.75)), c.scales());
        assertEquals(RunSchedule.Decay.WARMUP_COSINE, c.run().decay());
        assertEquals(1e-6f, c.run().minLearningRate());
        assertEquals(0.999, c.recipeOptions().ema());
        assertEquals(TrainablePart.ENCODER, c.phaseAt(1499));
        assertEquals(TrainablePart.DECODER, c.phaseAt(1500));
        assertEquals(64, c.cropAt(0));
        assertEquals(192, c.cropAt(1999));
        assertEquals(64, c.cropSize(), "the first stage's size stands for --crop");
        assertEquals(2, c.accumulate());
    }

    @Test
    void fashionMnistPreparationReachesTheSettings() throws Exception {
        EqVaeTrainConfig c = config("--pad-to", "32", "--resize-to", "64");
        assertEquals(32, c.padTo());
        assertEquals(64, c.resizeTo());
        assertEquals(0, config().resizeTo());
    }

    @Test
    void conflictingOrMalformedOptionsAreUsageErrorsNamingTheOption() {
        String[][] bad = {
            {"--scales", "0.5", "--uniform-scale"},
            {"--scales", "0.5,2"},
            {"--scales", "half"},
            {"--lr-schedule", "linear"},
            {"--lr-min", "1e-6", "--lr-schedule", "constant"},
            {"--ema", "1"},
            {"--phases", "encoder:10,middle:5"},
            {"--crops", "64:x"},
            {"--crops", "64:10", "--crop", "96"},
        };
        for (String[] args : bad) {
            CommandLine.ParameterException e =
                    assertThrows(CommandLine.ParameterException.class, () -> config(args), String.join(" ", args));
            String named = args[0].equals("--scales") ? "scales" : args[0];
            assertTrue(e.getMessage().contains(named), String.join(" ", args) + ": " + e.getMessage());
        }
    }

    @Test
    void theCommandLineReportsAConflictAsAUsageError() {
        CommandLine cl = org.eqvae4j.cli.EqvaeCli.commandLine();
        java.io.StringWriter err = new java.io.StringWriter();
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setOut(new java.io.PrintWriter(new java.io.StringWriter(), true));
        int code = cl.execute(
                "train",
                "--model",
                ROOT.resolve("models/taef2").toString(),
                "--data",
                "nowhere",
                "--run",
                "nowhere-run",
                "--crops",
                "64:10",
                "--crop",
                "96");
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("--crops replaces --crop"), err.toString());
    }
}
