package org.eqvae4j.training.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComputeBudgetTest {

    @Test
    void theBudgetIsRunsTimesStepsTimesTheMeasuredMedianStep(@TempDir Path dir) throws Exception {
        Path metrics = dir.resolve("metrics.csv");
        StringBuilder sb = new StringBuilder("step,loss,ms\n");
        for (int s = 1; s <= 20; s++) {
            sb.append(s).append(",1.0,").append(s <= 5 ? 900 : 100 + s).append('\n');
        }
        Files.writeString(metrics, sb);
        Path short5 = dir.resolve("short.csv");
        Files.writeString(short5, "step,loss,ms\n1,1,50\n2,1,60\n");
        List<Double> ms = ComputeBudget.stepMillis(List.of(metrics, dir.resolve("absent.csv")));
        assertEquals(15, ms.size(), "the first 5 steps (session start-up) are left out, an absent file is skipped");
        assertEquals(113, ComputeBudget.median(ms), 1e-12);
        assertEquals(List.of(50.0, 60.0), ComputeBudget.stepMillis(List.of(short5)), "short files are kept whole");
        var budget = new ComputeBudget(3, 3, 2000, 120, "test", 8, 2000, 5000);
        assertEquals(3 * 3 * 2000 * 120 / 3.6e6, budget.trainingHours(), 1e-12);
        assertTrue(budget.describe().contains("3 arms x 3 seeds x 2000 steps x 120.0 ms/step"), budget.describe());
        assertTrue(budget.describe().contains("= 0.60 h"), budget.describe());
        Files.writeString(short5, "step,loss\n1,1\n");
        var e = assertThrows(java.io.IOException.class, () -> ComputeBudget.stepMillis(List.of(short5)));
        assertTrue(e.getMessage().contains("no ms column"), e.getMessage());
    }
}
