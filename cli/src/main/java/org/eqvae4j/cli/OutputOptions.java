package org.eqvae4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eqvae4j.runtime.io.InputGuard;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command that writes: its output options (files or folders it writes) may not resolve to any of
 * its path-valued input options, checked on the parsed command line before the command runs, so a new
 * command is covered without code of its own. Folder-mirroring commands also refuse an output inside
 * the input tree ({@link org.eqvae4j.runtime.batch.FolderBatch}).
 */
final class OutputOptions {
    /** Options naming what a command writes; every other Path option is read. */
    static final Set<String> OUTPUT_NAMES = Set.of("--output", "--run", "--runs", "--report", "--work", "--cache", "--fiji");

    private OutputOptions() {
    }

    static void refuseInputsAsOutputs(CommandSpec command) throws IOException {
        List<OptionSpec> outputs = new ArrayList<>();
        List<OptionSpec> inputs = new ArrayList<>();
        for (OptionSpec o : command.options()) {
            if (o.typeInfo().getType() == Path.class && o.getValue() != null) {
                (OUTPUT_NAMES.contains(o.longestName()) ? outputs : inputs).add(o);
            }
        }
        for (OptionSpec out : outputs) {
            for (OptionSpec in : inputs) {
                InputGuard.requireNotInput(out.getValue(), out.longestName(), in.getValue(), "the " + in.longestName());
            }
        }
    }
}
