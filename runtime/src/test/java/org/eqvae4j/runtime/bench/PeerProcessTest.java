package org.eqvae4j.runtime.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The peer runner with small shell scripts as peers: output, failures, and a hung peer stopped with its children. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class PeerProcessTest {
    private static PeerProcess.Result sh(String script, Duration timeout) {
        return PeerProcess.run(List.of("/bin/sh", "-c", script), timeout, false);
    }

    @Test
    void collectsOneJsonObjectPerLine() {
        PeerProcess.Result r = sh(
                "echo '{\"size\": 64, \"ms\": 1.5}'; echo; echo '{\"size\": 128, \"ms\": 3}'", Duration.ofSeconds(30));
        assertTrue(r.ok(), r.failure());
        assertEquals(2, r.lines().size());
        assertEquals(128, r.lines().get(1).get("size").asInt());
        assertEquals(1.5, r.lines().get(0).get("ms").asDouble());
    }

    @Test
    void aFailingPeerSaysWhy() {
        PeerProcess.Result exit = sh("echo '{\"a\": 1}'; exit 3", Duration.ofSeconds(30));
        assertFalse(exit.ok());
        assertEquals("exit 3", exit.failure());
        assertTrue(exit.lines().isEmpty());

        PeerProcess.Result text = sh("echo 'Traceback: no module named torch'", Duration.ofSeconds(30));
        assertTrue(
                text.failure().contains("not JSON") && text.failure().contains("no module named torch"),
                text.failure());

        PeerProcess.Result missing =
                PeerProcess.run(List.of("/no/such/python3", "x.py"), Duration.ofSeconds(30), false);
        assertTrue(missing.failure().startsWith("cannot start /no/such/python3"), missing.failure());
    }

    @Test
    void usableLinesHaveEveryFieldOrTheFailureIsSaid() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream logStream = new PrintStream(log, true, StandardCharsets.UTF_8);
        PeerProcess.Result r = sh("echo '{\"size\": 64, \"ms\": 2}'; echo '{\"size\": 128}'", Duration.ofSeconds(30));
        assertEquals(2, r.usable("peer", List.of("size"), "advice", logStream).size());
        assertTrue(
                r.usable("peer", List.of("size", "ms"), "try again", logStream).isEmpty());
        assertEquals(
                "peer failed (a line without size and ms: {\"size\":128}); try again\n",
                log.toString(StandardCharsets.UTF_8));
        assertTrue(sh("exit 4", Duration.ofSeconds(30))
                .usable("PyTorch peer", List.of(), PeerProcess.INSTALL_TORCH, logStream)
                .isEmpty());
        assertTrue(log.toString(StandardCharsets.UTF_8)
                .endsWith("PyTorch peer failed (exit 4); " + PeerProcess.INSTALL_TORCH + "\n"));
    }

    /** The bug this runner fixes: a timed-out peer was left running (and exitValue() threw). */
    @Test
    void aPeerPastItsTimeLimitIsKilledWithItsChildren(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("child.pid");
        long t0 = System.nanoTime();
        PeerProcess.Result r =
                sh("sleep 60 & echo $! > '" + pidFile + "'; echo '{\"started\": true}'; wait", Duration.ofSeconds(2));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertFalse(r.ok());
        assertTrue(r.failure().contains("timed out after 2 s"), r.failure());
        assertTrue(seconds < 30, "returned after " + seconds + " s");
        long child = Long.parseLong(Files.readString(pidFile).trim());
        Optional<ProcessHandle> h = ProcessHandle.of(child);
        for (int i = 0; i < 50 && h.isPresent() && h.get().isAlive(); i++) {
            Thread.sleep(100);
        }
        assertFalse(h.isPresent() && h.get().isAlive(), "the peer's child " + child + " still runs");
    }
}
