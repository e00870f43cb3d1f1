package org.eqvae4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
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
    static final Set<String> OUTPUT_NAMES =
            Set.of("--output", "--run", "--runs", "--report", "--work", "--cache", "--fiji");

    private record Named(String option, Path path) {}

    private OutputOptions() {}

    static void refuseInputsAsOutputs(CommandSpec command) throws IOException {
        List<Named> outputs = new ArrayList<>();
        List<Named> inputs = new ArrayList<>();
        for (OptionSpec o : command.options()) {
            Object value = o.getValue();
            List<Path> paths = new ArrayList<>();
            if (value instanceof Path p) {
                paths.add(p);
            } else if (value instanceof Collection<?> c) { // e.g. --weights a.pth,b.pth
                c.stream().filter(Path.class::isInstance).map(Path.class::cast).forEach(paths::add);
            }
            for (Path p : paths) {
                (OUTPUT_NAMES.contains(o.longestName()) ? outputs : inputs).add(new Named(o.longestName(), p));
            }
        }
        for (Named out : outputs) {
            for (Named in : inputs) {
                InputGuard.requireNotInput(out.path(), out.option(), in.path(), "the " + in.option());
            }
        }
    }
}
