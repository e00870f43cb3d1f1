package org.eqvae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eqvae4j.cli.EqvaeCliTest.Run;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.testsupport.RepositoryRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --keep-every keeps checkpoints; snapshot --all turns each into a bundle; their usage errors. */
class SnapshotCommandTest {
    private static final Path ROOT = RepositoryRoot.get();

    private static Run train(Path run, String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "train",
                "--model",
                ROOT.resolve("models/taef2").toString(),
                "--data",
                ROOT.resolve("test-images/photos").toString(),
                "--run",
                run.toString(),
                "--crop",
                "32",
                "--batch",
                "1",
                "--threads",
                "1"));
        args.addAll(java.util.List.of(extra));
        return EqvaeCliTest.run(args.toArray(String[]::new));
    }

    @Test
    void keptCheckpointsBecomeSnapshotBundles(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Run t = train(run, "--steps", "2", "--checkpoint-every", "1", "--keep-every", "1");
        assertEquals(0, t.code(), t.err());
        Run s = EqvaeCliTest.run("snapshot", "--run", run.toString(), "--all");
        assertEquals(0, s.code(), s.err());
        for (String step : new String[] {"000001", "000002"}) {
            ModelBundle b = ModelBundle.open(run.resolve("snapshots/step-" + step));
            assertEquals("eq-taef2-step-" + step, b.manifest().id());
        }
        assertTrue(s.out().contains("./eqvae results --models"), s.out());

        Path one = dir.resolve("one");
        Run single = EqvaeCliTest.run(
                "snapshot",
                "--run",
                run.toString(),
                "--checkpoint",
                run.resolve("kept/checkpoint-000001").toString(),
                "--output",
                one.toString());
        assertEquals(0, single.code(), single.err());
        assertTrue(Files.isRegularFile(one.resolve("model.json")));
    }

    @Test
    void badOptionsAndFoldersAreNamed(@TempDir Path dir) {
        Run odd = train(dir.resolve("odd"), "--steps", "1", "--checkpoint-every", "2", "--keep-every", "3");
        assertEquals(2, odd.code(), odd.err());
        assertTrue(odd.err().contains("--keep-every must be 0 or a multiple of --checkpoint-every 2"), odd.err());
        Run both = EqvaeCliTest.run("snapshot", "--run", dir.toString(), "--all", "--output", "x");
        assertEquals(2, both.code(), both.err());
        assertTrue(both.err().contains("--all"), both.err());
        Run empty = EqvaeCliTest.run("snapshot", "--run", dir.resolve("nothing").toString());
        assertEquals(3, empty.code(), empty.err()); // a wrong input, as README documents
        assertTrue(empty.err().contains("has no committed checkpoint"), empty.err());
    }
}
