package org.eqvae4j.runtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a benchmark peer (e.g. the PyTorch scripts in {@code bench/}) as a child process that prints one JSON object
 * per line on stdout. A peer that outlives its time limit is killed with every process it started, so a hung peer
 * neither blocks the benchmark nor keeps running after it.
 */
public final class PeerProcess {
    /** What a failed PyTorch peer's message advises (the peers in bench/ run on Debian's PyTorch). */
    public static final String INSTALL_TORCH = "install Debian's python3-torch to compare";

    /** What the peer printed, or why it failed ({@code failure} null when it ran to a zero exit). */
    public record Result(List<JsonNode> lines, String failure) {
        public Result {
            lines = List.copyOf(lines);
        }

        public boolean ok() {
            return failure == null;
        }

        /**
         * The lines, when the peer ran and every line has all of {@code fields}; otherwise none, and one line on {@code log}:
         * "{@code peer} failed (why); {@code advice}".
         */
        List<JsonNode> usable(String peer, List<String> fields, String advice, PrintStream log) {
            String why = failure;
            for (int i = 0; why == null && i < lines.size(); i++) {
                JsonNode n = lines.get(i);
                if (!fields.stream().allMatch(n::hasNonNull)) {
                    why = "a line without " + String.join(" and ", fields) + ": " + n;
                }
            }
            if (why != null) {
                log.println(peer + " failed (" + why + "); " + advice);
                return List.of();
            }
            return lines;
        }

        /**
         * {@link #usable} with each line's {@code fields} as numbers: the form for callers outside the runtime, which
         * must not see Jackson's types (the runtime jar carries Jackson relocated).
         */
        public List<Map<String, Double>> usableNumbers(
                String peer, List<String> fields, String advice, PrintStream log) {
            List<Map<String, Double>> out = new ArrayList<>();
            for (JsonNode n : usable(peer, fields, advice, log)) {
                Map<String, Double> row = new LinkedHashMap<>();
                fields.forEach(f -> row.put(f, n.get(f).asDouble()));
                out.add(row);
            }
            return out;
        }
    }

    private PeerProcess() {}

    /**
     * @param command       the program and its arguments
     * @param timeout       how long the peer may run
     * @param inheritStderr show the peer's stderr (its progress) on ours; otherwise it is discarded
     */
    public static Result run(List<String> command, Duration timeout, boolean inheritStderr) {
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .redirectError(inheritStderr ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            return new Result(List.of(), "cannot start " + command.get(0) + ": " + e.getMessage());
        }
        List<JsonNode> lines = new ArrayList<>();
        String[] readFailure = new String[1];
        // stdout is read on its own thread: a peer that hangs without closing it must not block the time limit
        Thread reader = new Thread(
                () -> {
                    ObjectMapper json = new ObjectMapper();
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            if (line.isBlank()) {
                                continue;
                            }
                            try {
                                JsonNode n = json.readTree(line);
                                synchronized (lines) {
                                    lines.add(n);
                                }
                            } catch (IOException e) {
                                readFailure[0] = "printed a line that is not JSON: '" + abbreviate(line) + "'";
                            }
                        }
                    } catch (IOException | UncheckedIOException e) {
                        if (readFailure[0] == null) {
                            readFailure[0] = "stdout could not be read: " + e.getMessage();
                        }
                    }
                },
                "peer-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                reader.join(5000);
                return new Result(List.of(), "timed out after " + timeout.toSeconds() + " s and was stopped");
            }
            reader.join();
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            return new Result(List.of(), "interrupted");
        }
        if (p.exitValue() != 0) {
            return new Result(List.of(), "exit " + p.exitValue());
        }
        if (readFailure[0] != null) {
            return new Result(List.of(), readFailure[0]);
        }
        synchronized (lines) {
            return new Result(lines, null);
        }
    }

    /** Kills the peer's descendants (a script's workers) and then the peer, and waits for the peer to end. */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }
}
