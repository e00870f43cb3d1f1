package org.eqvae4j.training;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM on the test class path (a second process, as a user's second {@code train} would be), whose
 * stderr can be awaited line by line: it tells when it reached the point the test wants to kill it at.
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BufferedReader err;
    private final StringBuilder seen = new StringBuilder();

    private ChildJvm(Process process) {
        this.process = process;
        this.err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    }

    public static ChildJvm start(Class<?> main, List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start());
    }

    public long pid() {
        return process.pid();
    }

    /** Reads stderr until a line contains {@code marker}; fails with what it printed if it exits first. */
    public void awaitLine(String marker) throws IOException {
        String line;
        while ((line = err.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.contains(marker)) {
                return;
            }
        }
        throw new AssertionError("the child JVM ended before printing '" + marker + "'; it printed:\n" + seen);
    }

    /** SIGKILL on Unix (kill -9): no shutdown hook, no finally block runs. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the child JVM did not die");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
