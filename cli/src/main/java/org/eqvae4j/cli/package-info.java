/**
 * The {@code eqvae} command line's entry point ({@link org.eqvae4j.cli.EqvaeCli}: the subcommand list, exit codes
 * and the one error handler). The commands live in subpackages by what they are for: {@code infer} (run a bundle),
 * {@code train} (write a new bundle), {@code experiment} (measure, compare, report, benchmark) and {@code tools}
 * (export, inspect, install); the picocli mixins and the progress bar they share live in {@code options}.
 * Commands are thin: they parse options and call the library modules, which hold the workflows and their tests.
 */
package org.eqvae4j.cli;
