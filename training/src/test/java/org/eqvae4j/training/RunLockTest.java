package org.eqvae4j.training;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One trainer per run folder: a second process is refused at once; a dead holder's lock is taken over. */
class RunLockTest {

    @Test
    void aSecondProcessIsRefusedAtOnceAndTheLockOfAKilledOneIsTakenOver(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        long holder;
        try (ChildJvm child = ChildJvm.start(RunLockHolder.class, List.of(), run.toString())) {
            child.awaitLine("holding");
            holder = child.pid();
            long t0 = System.nanoTime();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> RunFolder.open(run));
            assertTrue((System.nanoTime() - t0) / 1e9 < 5, "refused at once, not after waiting");
            assertTrue(
                    e.getMessage().contains("in use by another training process")
                            && e.getMessage().contains("pid " + holder)
                            && e.getMessage().contains(RunLock.hostName())
                            && e.getMessage().contains(RunLock.FILE),
                    e.getMessage());
            child.kill9();
        }
        List<String> notices = new ArrayList<>();
        try (RunFolder taken = RunFolder.open(run, notices::add)) {
            assertEquals(1, notices.size(), notices.toString());
            assertTrue(notices.get(0).contains("stale lock of pid " + holder), notices.get(0));
            assertTrue(Files.readString(run.resolve(RunLock.FILE))
                    .contains("pid " + ProcessHandle.current().pid()));
        }
        assertEquals("", Files.readString(run.resolve(RunLock.FILE)), "a clean release names no holder");
        List<String> none = new ArrayList<>();
        RunFolder.open(run, none::add).close();
        assertEquals(List.of(), none, "after a clean release nothing is taken over");
    }

    @Test
    void aSecondOpenInTheSameProcessIsRefused(@TempDir Path dir) throws Exception {
        try (RunFolder first = RunFolder.open(dir)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> RunFolder.open(dir));
            assertTrue(e.getMessage().contains("already in use by this process"), e.getMessage());
        }
        assertDoesNotThrow(() -> RunFolder.open(dir).close(), "released on close");
    }

    @Test
    void aLockOfAnotherHostOrOfARunningProcessIsNotTakenOver(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve(RunLock.FILE), "pid 4242 on host some-other-machine.example since 2026-01-01T00:00:00Z\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RunFolder.open(dir));
        assertTrue(
                e.getMessage().contains("some-other-machine.example")
                        && e.getMessage().contains("delete"),
                e.getMessage());
        // the OS lock is free but the named local process runs (a file system without locks, or a reused pid)
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(
                    dir.resolve(RunLock.FILE),
                    "pid " + sleeper.pid() + " on host " + RunLock.hostName() + " since now\n");
            e = assertThrows(IllegalStateException.class, () -> RunFolder.open(dir));
            assertTrue(e.getMessage().contains("still runs"), e.getMessage());
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
        List<String> notices = new ArrayList<>();
        RunFolder.open(dir, notices::add).close();
        assertTrue(notices.get(0).contains("stale lock of pid " + sleeper.pid()), notices.toString());
        Files.writeString(dir.resolve(RunLock.FILE), "\u0000garbage");
        notices.clear();
        RunFolder.open(dir, notices::add).close();
        assertTrue(notices.get(0).contains("unreadable"), notices.toString());
    }
}
