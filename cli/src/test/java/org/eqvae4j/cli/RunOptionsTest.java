package org.eqvae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqvae4j.cli.options.RunOptions;
import org.eqvae4j.training.RunSchedule;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The run flags every trainer command shares, each with its own defaults. */
class RunOptionsTest {

    @Test
    void everyTrainerCommandHasTheSameRunFlagsWithItsOwnDefaults() {
        // steps, batch, lr, warm-up, seed, checkpoint interval: the values each command had before the flags were
        // shared (train's warm-up became 50 with the recipe that won issue 12)
        Map<String, List<String>> defaults = new LinkedHashMap<>();
        defaults.put("train", List.of("1000", "4", "1e-4", "50", "0", "100"));
        defaults.put("train-vq", List.of("1000", "16", "5e-4", "50", "0", "200"));
        defaults.put("train-generator", List.of("2000", "128", "3e-4", "100", "0", "250"));
        defaults.put("train-maskgit", List.of("1500", "32", "1e-3", "100", "0", "250"));
        defaults.put("train-classifier", List.of("3000", "64", "2e-3", "0", "1", "0"));
        List<String> flags = List.of("--steps", "--batch", "--lr", "--warmup-steps", "--seed", "--checkpoint-every");
        defaults.forEach((command, values) -> {
            EqvaeCliTest.Run help = EqvaeCliTest.run(command, "--help");
            assertEquals(0, help.code(), help.err());
            String text = help.out().replaceAll("\\s+", " ");
            for (int i = 0; i < flags.size(); i++) {
                int at = text.lastIndexOf(flags.get(i) + "="); // the options list, after the synopsis
                assertTrue(at >= 0, command + " lacks " + flags.get(i) + ": " + help.out());
                java.util.regex.Matcher next =
                        java.util.regex.Pattern.compile(" -[-a-zA-Z]").matcher(text);
                String entry = next.find(at + 3) ? text.substring(at, next.start()) : text.substring(at);
                assertTrue(
                        entry.contains("(default " + values.get(i) + ")"),
                        command + " " + flags.get(i) + " should show default " + values.get(i) + ": " + entry);
            }
        });
    }

    @Command(name = "probe", defaultValueProvider = ProbeDefaults.class)
    static final class Probe {
        @Mixin
        RunOptions run;
    }

    public static final class ProbeDefaults extends RunOptions.Defaults {
        public ProbeDefaults() {
            super("40", "8", "2e-4", "5", "3", "10");
        }
    }

    @Test
    void flagsOverrideTheCommandsDefaultsAndMakeItsSchedule() {
        Probe p = new Probe();
        new CommandLine(p).parseArgs("--lr", "1e-3", "--checkpoint-every", "7");
        RunSchedule s = p.run.schedule(RunSchedule.Decay.NONE);
        assertEquals(new RunSchedule(40, 8, 1e-3f, 5, RunSchedule.Decay.NONE, 3, 7), s);
    }

    @Test
    void theClassifierRefusesACheckpointIntervalItCannotKeep() {
        EqvaeCliTest.Run r = EqvaeCliTest.run(
                "train-classifier", "--data", "nowhere", "-o", "nowhere-else", "--checkpoint-every", "5");
        assertEquals(2, r.code(), "a usage error: " + r.err());
        assertTrue(r.err().contains("keeps no checkpoints"), r.err());
    }
}
