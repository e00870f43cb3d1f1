package org.eqvae4j.training;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged {@code checkpoint.json} and {@code config.json} (a fixed seed, a few thousand cases of byte and
 * structure mutations of valid files): opening and resuming the run folder either works or fails with an
 * {@link IOException} / {@link IllegalArgumentException} whose message names the file, never with another
 * exception (no NullPointerException, ClassCastException, NumberFormatException, ...), and never deletes a
 * committed checkpoint it could not read.
 */
class RunFolderFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = "{\"learningRate\": 0.001, \"batch\": 4, \"steps\": 10, \"threads\": 2}";
    private static final String MANIFEST =
            "{\"format\": 2, \"step\": 5, \"learningRate\": 0.001, \"checkpoint\": \"checkpoint-000005\","
                    + " \"state\": {\"ema.onnx\": \"checkpoint-000005-ema.onnx\"}, \"diverged\": {\"step\": 7, \"what\": \"loss became NaN\"},"
                    + " \"config\": " + CONFIG + "}";
    private static final String LEGACY_MANIFEST = "{\"step\": 5, \"learningRate\": 0.001}";
    private static final int CASES = 2000;

    record Settings(float learningRate, int batch, long steps, int threads) {}

    @Test
    void damagedRecordsGiveCleanErrorsNamingTheFile(@TempDir Path dir) throws Exception {
        SplittableRandom r = new SplittableRandom(20261201L);
        TreeMap<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < CASES; i++) {
            Path run = dir.resolve("run" + (i % 4));
            boolean legacy = r.nextInt(3) == 0;
            boolean mutateConfig = r.nextInt(3) == 0;
            String manifest = legacy ? LEGACY_MANIFEST : MANIFEST;
            String config = CONFIG;
            if (mutateConfig) {
                config = mutate(config, r);
            } else {
                manifest = mutate(manifest, r);
            }
            fixture(run, manifest, config);
            String outcome = attempt(run, i, manifest, config);
            outcomes.merge(outcome, 1, Integer::sum);
        }
        // the corpus reaches both sides: accepted resumes and refusals of each kind
        assertTrue(
                outcomes.getOrDefault("ok", 0) > 100
                        && outcomes.getOrDefault("IOException", 0) > 100
                        && outcomes.getOrDefault("IllegalArgumentException", 0) > 20,
                outcomes.toString());
    }

    private static String attempt(Path run, int i, String manifest, String config) throws IOException {
        try (RunFolder folder = RunFolder.open(run, notice -> {})) {
            folder.requireSameConfig(new Settings(1e-3f, 4, 10, 2));
            if (folder.resumedStep() > 0) {
                assertTrue(Files.isRegularFile(folder.checkpointToOpen(folder.resumedStep(), run.resolve("initial"))));
            }
            return "ok";
        } catch (IOException | IllegalArgumentException e) {
            String m = e.getMessage();
            if (m == null || !(m.contains(RunFolder.CHECKPOINT_STATE) || m.contains(RunFolder.CONFIG))) {
                fail("case " + i + ": the message does not name the file: " + m + "\n" + manifest + "\n" + config, e);
            }
            boolean unreadableRecord = m.contains(RunFolder.CHECKPOINT_STATE);
            for (String f : List.of("checkpoint-000005", "checkpoint-000005-ema.onnx", RunFolder.CHECKPOINT)) {
                if (unreadableRecord && !Files.isRegularFile(run.resolve(f))) {
                    fail("case " + i + ": " + f + " was deleted although checkpoint.json could not be read: " + m);
                }
            }
            return e.getClass().getSimpleName();
        } catch (RuntimeException e) {
            throw new AssertionError("case " + i + ": " + e + "\n" + manifest + "\n" + config, e);
        }
    }

    private static void fixture(Path run, String manifest, String config) throws IOException {
        Files.createDirectories(run);
        Files.writeString(run.resolve("checkpoint-000005"), "state");
        Files.writeString(run.resolve("checkpoint-000005-ema.onnx"), "ema");
        Files.writeString(run.resolve(RunFolder.CHECKPOINT), "legacy state");
        Files.writeString(run.resolve(RunFolder.CHECKPOINT_STATE), manifest);
        Files.writeString(run.resolve(RunFolder.CONFIG), config);
    }

    /** One or two mutations: bytes (flip, cut, insert, truncate) or structure (a value replaced, removed, added). */
    static String mutate(String valid, SplittableRandom r) throws IOException {
        String s = valid;
        int n = 1 + r.nextInt(2);
        for (int k = 0; k < n; k++) {
            s = r.nextInt(3) == 0 ? mutateBytes(s, r) : mutateTree(s, r);
        }
        return s;
    }

    private static String mutateBytes(String s, SplittableRandom r) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0) {
            return "{";
        }
        int at = r.nextInt(b.length);
        switch (r.nextInt(4)) {
            case 0 -> b[at] = (byte) r.nextInt(256);
            case 1 -> {
                int end = Math.min(b.length, at + 1 + r.nextInt(12));
                byte[] c = new byte[b.length - (end - at)];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(b, end, c, at, b.length - end);
                b = c;
            }
            case 2 -> {
                String[] pieces = {
                    "\"",
                    "{",
                    "}",
                    "[",
                    "]",
                    ",",
                    ":",
                    "null",
                    "-1",
                    "1e999",
                    "\\u0000",
                    "\uFFFF",
                    "\u00e9",
                    "9999999999999999999999"
                };
                String ins = pieces[r.nextInt(pieces.length)];
                int cut = Math.min(at, s.length());
                return s.substring(0, cut) + ins + s.substring(cut);
            }
            default -> b = java.util.Arrays.copyOf(b, at);
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String mutateTree(String s, SplittableRandom r) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(s);
        } catch (IOException e) {
            return mutateBytes(s, r);
        }
        if (!(root instanceof ContainerNode<?>)) {
            return JSON.writeValueAsString(randomValue(r, 0));
        }
        List<ContainerNode<?>> containers = new ArrayList<>();
        collect(root, containers);
        ContainerNode<?> target = containers.get(r.nextInt(containers.size()));
        if (target instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            int op = r.nextInt(3);
            if (op == 0 && !names.isEmpty()) {
                o.remove(names.get(r.nextInt(names.size())));
            } else if (op == 1 && !names.isEmpty()) {
                o.set(names.get(r.nextInt(names.size())), randomValue(r, 0));
            } else {
                String[] keys = {
                    "step",
                    "checkpoint",
                    "state",
                    "config",
                    "diverged",
                    "format",
                    "learningRate",
                    "batch",
                    "ema.onnx",
                    "../x",
                    ""
                };
                o.set(keys[r.nextInt(keys.length)], randomValue(r, 0));
            }
        } else if (target instanceof ArrayNode a) {
            a.add(randomValue(r, 0));
        }
        return JSON.writeValueAsString(root);
    }

    private static void collect(JsonNode n, List<ContainerNode<?>> out) {
        if (n instanceof ContainerNode<?> c) {
            out.add(c);
            n.elements().forEachRemaining(e -> collect(e, out));
        }
    }

    private static JsonNode randomValue(SplittableRandom r, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (r.nextInt(depth > 2 ? 9 : 11)) {
            case 0 -> f.nullNode();
            case 1 -> f.numberNode(r.nextLong());
            case 2 -> f.numberNode(-1);
            case 3 -> f.numberNode(r.nextDouble() * 1e6);
            case 4 -> f.numberNode(Double.NaN);
            case 5 -> f.booleanNode(r.nextBoolean());
            case 6 ->
                f.textNode(new String[] {
                            "",
                            "checkpoint-000005",
                            "checkpoint-000006",
                            "../../etc/passwd",
                            "/tmp/x",
                            "checkpoint-000005-ema.onnx",
                            "checkpoint",
                            "x".repeat(300)
                        }
                        [r.nextInt(8)]);
            case 7 -> f.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
            case 8 -> f.numberNode(5);
            case 9 -> {
                ArrayNode a = f.arrayNode();
                for (int i = 0; i < r.nextInt(3); i++) {
                    a.add(randomValue(r, depth + 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = f.objectNode();
                o.set(
                        new String[] {"step", "ema.onnx", "what", "learningRate"}[r.nextInt(4)],
                        randomValue(r, depth + 1));
                yield o;
            }
        };
    }
}
