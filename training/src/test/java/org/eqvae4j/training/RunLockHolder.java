package org.eqvae4j.training;

import java.nio.file.Path;

/** Child-JVM main: opens a run folder, says so on stderr, and holds it until killed. */
public final class RunLockHolder {
    private RunLockHolder() {}

    public static void main(String[] args) throws Exception {
        try (RunFolder run = RunFolder.open(Path.of(args[0]))) {
            System.err.println("holding " + run.dir());
            System.err.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
