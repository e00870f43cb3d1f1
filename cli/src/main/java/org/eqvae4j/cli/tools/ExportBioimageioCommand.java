package org.eqvae4j.cli.tools;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.eqvae4j.export.bioimageio.BioimageioExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "export-bioimageio",
        mixinStandardHelpOptions = true,
        description = {
            "Write a bundle as two bioimage.io model packages (format 0.5): <id>-encoder (image -> latent) and",
            "<id>-decoder (latent -> image), each with rdf.yaml, the ONNX graph (sha256), test_input/test_output.npy",
            "from a test image, README.md, cover.png and the licence; for deepImageJ, JDLL and bioimageio.core."
        })
public final class ExportBioimageioCommand implements Callable<Integer> {
    @Option(
            names = {"-m", "--model"},
            required = true,
            paramLabel = "BUNDLE",
            description = "Model bundle folder (not VQ).")
    Path model;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "DIR",
            description = "Folder for the two package folders.")
    Path output;

    @Option(
            names = "--zip",
            description = "Also write <package>.zip beside each folder (what bioimage.io uploads take).")
    boolean zip;

    @Option(
            names = "--test-image",
            paramLabel = "FILE",
            description =
                    "Image the test tensors are made from (default: a bundled 96x96 crop of scikit-image's chelsea, CC0).")
    Path testImage;

    @Option(
            names = "--author",
            paramLabel = "NAME",
            defaultValue = "eqvae4j",
            description = "Author named in the packages; repeat for several (default: ${DEFAULT-VALUE}).")
    List<String> authors;

    @Option(
            names = "--threads",
            defaultValue = "0",
            description = "ONNX Runtime threads for the test run, 0 = all cores.")
    int threads;

    @Override
    public Integer call() throws Exception {
        for (BioimageioExport.Package p : BioimageioExport.export(
                model, output, new BioimageioExport.Options(testImage, authors, zip, threads))) {
            System.out.printf(
                    "%-8s %s%s  (test input %s -> output %s)%n",
                    p.role(),
                    p.folder(),
                    p.zip() == null ? "" : ", " + p.zip(),
                    java.util.Arrays.toString(p.testInput().shape()),
                    java.util.Arrays.toString(p.testOutput().shape()));
        }
        return 0;
    }
}
