package org.eqvae4j.training;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {
    /** Stands for a trainer's config record: what it learns (learningRate, batch) and how long it runs (steps, threads). */
    record Settings(float learningRate, int batch, long steps, int threads) {
    }

    private static RunFolder resumable(Path dir, Settings started) throws Exception {
        RunFolder run = new RunFolder(dir);
        run.writeConfig(started);
        Files.writeString(dir.resolve(RunFolder.CHECKPOINT), "state");
        Files.writeString(dir.resolve(RunFolder.CHECKPOINT_STATE), "{\"step\": 5}");
        return run;
    }

    @Test
    void aResumedRunMayRunLongerButNotLearnSomethingElse(@TempDir Path dir) throws Exception {
        RunFolder run = resumable(dir, new Settings(1e-3f, 4, 10, 2));

        assertDoesNotThrow(() -> run.requireSameConfig(new Settings(1e-3f, 4, 10, 2)));
        run.requireSameConfig(new Settings(1e-3f, 4, 40, 1));
        String saved = Files.readString(dir.resolve(RunFolder.CONFIG));
        assertTrue(saved.contains("\"steps\" : 40"), "the allowed change is recorded: " + saved);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run.requireSameConfig(new Settings(2e-3f, 8, 40, 1)));
        assertTrue(e.getMessage().contains("learningRate 0.001 -> 0.002"), e.getMessage());
        assertTrue(e.getMessage().contains("batch 4 -> 8"), e.getMessage());
        assertTrue(e.getMessage().contains("new run folder"), e.getMessage());
        assertTrue(Files.readString(dir.resolve(RunFolder.CONFIG)).contains("\"batch\" : 4"), "a refused resume changes nothing");
    }

    /** The same run as {@link Settings}, written by a trainer version that had one setting more. */
    record NewerSettings(float learningRate, int batch, long steps, int threads, int padTo) {
    }

    @Test
    void settingsOneVersionDoesNotKnowAreNotDifferences(@TempDir Path dir) throws Exception {
        RunFolder run = resumable(dir, new Settings(1e-3f, 4, 10, 2));
        assertDoesNotThrow(() -> run.requireSameConfig(new NewerSettings(1e-3f, 4, 20, 2, 0)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run.requireSameConfig(new NewerSettings(1e-3f, 2, 20, 2, 0)));
        assertTrue(e.getMessage().contains("batch 4 -> 2"), e.getMessage());
    }

    @Test
    void aFreshRunTakesAnySettings(@TempDir Path dir) throws Exception {
        RunFolder run = new RunFolder(dir);
        run.writeConfig(new Settings(1e-3f, 4, 10, 2));
        assertDoesNotThrow(() -> run.requireSameConfig(new Settings(5e-3f, 16, 10, 2)), "no checkpoint yet: nothing to resume");
    }
}
