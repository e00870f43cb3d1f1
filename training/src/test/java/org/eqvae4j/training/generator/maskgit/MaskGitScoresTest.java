package org.eqvae4j.training.generator.maskgit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaskGitScoresTest {

    @Test
    void anEvalCsvBecomesASeedRunAndAnOldOneIsRefused(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("eval.csv");
        Files.writeString(
                csv,
                "step," + String.join(",", MaskGitExperiment.SCORES) + "\n"
                        + "10,80.5,0.25,0.01,0.5,0.25,100\n"
                        + "20,60.25,0.125,0.02,0.75,0.5,200\n");
        var run = MaskGitExperiment.readScores("eq", 3, csv);
        assertEquals("eq", run.arm());
        assertEquals(3, run.seed());
        assertEquals(2, run.evaluations().size());
        assertEquals(20, run.evaluations().get(1).step());
        assertEquals(60.25, run.evaluations().get(1).metrics().get(MaskGitExperiment.FD), 0);
        assertEquals(0.125, run.evaluations().get(1).metrics().get(MaskGitExperiment.KD), 0);
        assertEquals(200, run.evaluations().get(1).metrics().get("samples"), 0);
        Files.writeString(csv, "step,fd_fmnist_cnn\n250,107.9\n");
        var e = assertThrows(IOException.class, () -> MaskGitExperiment.readScores("eq", 0, csv));
        assertTrue(e.getMessage().contains("older version"), e.getMessage());
    }

    @Test
    void theConfigRefusesRepeatedArmsOrSeeds() {
        var a = new MaskGitExperiment.VqArm("base", Path.of("vq"));
        var e = assertThrows(IllegalArgumentException.class, () -> config(List.of(a, a), List.of(0L)));
        assertTrue(e.getMessage().contains("--arms"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config(List.of(a), List.of()));
        assertTrue(e.getMessage().contains("--seeds"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MaskGitExperiment.VqArm("", Path.of("vq")));
    }

    private static MaskGitExperiment.Config config(List<MaskGitExperiment.VqArm> arms, List<Long> seeds) {
        return new MaskGitExperiment.Config(
                arms, seeds, null, null, null, null, 100, 10, 4, 1e-3f, 0, 5, 100, 200, 4, 32, 1, 2, 1, 10, "", null);
    }
}
