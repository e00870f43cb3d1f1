package org.eqvae4j.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.testsupport.RepositoryRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ArmsAndSeedsTest {

    private static ArmsAndSeeds parse(String... args) {
        ArmsAndSeeds a = new ArmsAndSeeds();
        new CommandLine(a).parseArgs(args);
        return a;
    }

    @Test
    void labelledAndBareBundlesAndSeeds(@TempDir Path dir) throws Exception {
        Path control = Files.createDirectories(dir.resolve("control-bundle"));
        Path taef2 = RepositoryRoot.get().resolve("models/taef2");
        ArmsAndSeeds a = parse("--arms", "control=" + control + "," + taef2, "--seeds", "4,5,6");
        List<ArmsAndSeeds.Labelled> arms = a.arms(List.of());
        assertEquals(new ArmsAndSeeds.Labelled("control", control), arms.get(0));
        assertEquals(new ArmsAndSeeds.Labelled("taef2", taef2), arms.get(1), "a bare bundle is labelled by its id");
        assertEquals(List.of(4L, 5L, 6L), a.seeds);
        assertEquals(List.of(0L, 1L, 2L), parse().seeds, "three seeds by default");
    }

    @Test
    void defaultsApplyOnlyWithoutArmsAndMissingFoldersAreNamed(@TempDir Path dir) throws Exception {
        Path base = Files.createDirectories(dir.resolve("b"));
        assertEquals(List.of(new ArmsAndSeeds.Labelled("base", base)), parse().arms(List.of("base=" + base)));
        var e = assertThrows(IllegalArgumentException.class, () -> parse().arms(List.of()));
        assertTrue(e.getMessage().contains("--arms is required"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> parse("--arms", "eq=" + dir.resolve("nope")).arms(List.of()));
        assertTrue(e.getMessage().contains("eq=") && e.getMessage().contains("does not exist"), e.getMessage());
    }
}
