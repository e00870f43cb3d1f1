package org.eqvae4j.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import net.imagej.patcher.LegacyEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The macro a user records, replayed headless over a folder of mixed images as a Fiji batch job runs it
 * ({@code ImageJ --headless -macro ...}): ImageJ 1 patched by ij1-patcher (plain ij.jar cannot run headless
 * on Java 17), the plugin as a jar in the plugins folder, found through its plugins.config.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeadlessMacroTest {
    /** The line the macro recorder writes for Round Trip (checked against the macro recorder by the GUI test). */
    static final String RECORDED =
            "run(\"EQ-VAE Round Trip\", \"model=taef2 intensity=auto transform=[] result=same\");";

    @TempDir
    Path tmp;

    private Path plugins;
    private String oldPluginsDir;
    private LegacyEnvironment ij1;

    @Test
    void recordedLineRunsHeadlessOverAFolderOfMixedImages() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path out = Files.createDirectories(tmp.resolve("out"));
        writeMixedImages(in);
        String macro = String.join(
                "\n",
                "dir = getArgument();",
                "list = getFileList(dir + 'in/');",
                "setBatchMode(true);",
                "run('Clear Results');",
                "for (i = 0; i < list.length; i++) {",
                "  open(dir + 'in/' + list[i]);",
                "  " + RECORDED,
                "  saveAs('Tiff', dir + 'out/' + list[i] + '.recon.tif');",
                "  close('*');",
                "}",
                "saveAs('Results', dir + 'out/results.csv');");
        String log = runHeadless(macro, tmp.toString() + "/");

        String[] names = {"grey8.tif", "float32.tif", "rgb.tif", "hyper16.tif"};
        for (String name : names) {
            ImagePlus src = IJ.openImage(in.resolve(name).toString());
            ImagePlus rec = IJ.openImage(out.resolve(name + ".recon.tif").toString());
            assertTrue(rec != null, name + ": no output; log:\n" + log);
            assertEquals(src.getBitDepth(), rec.getBitDepth(), name + " bit depth");
            assertEquals(src.getNChannels(), rec.getNChannels(), name + " channels");
            assertEquals(src.getNSlices(), rec.getNSlices(), name + " slices");
            assertEquals(src.getNFrames(), rec.getNFrames(), name + " frames");
            assertEquals(src.getWidth() / 8 * 8, rec.getWidth(), name + " width (cropped to a multiple of 8)");
            assertEquals(src.getCalibration().pixelWidth, rec.getCalibration().pixelWidth, 1e-9, name + " pixel width");
            assertEquals(src.getCalibration().getUnit(), rec.getCalibration().getUnit(), name + " unit");
        }
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(1 + names.length, rows.size(), "one Results row per image:\n" + rows);
        assertTrue(rows.get(0).contains("psnr_db"), rows.get(0));
    }

    @Test
    void encodeTransformDecodeAndModelInfoByMacro() throws Exception {
        Path in = tmp.resolve("cells.tif");
        IJ.saveAsTiff(FijiTests.grey(16, 64, 64, 3000, "cells"), in.toString()); // 0.5 x 0.25 micron pixels
        Path out = tmp.resolve("cells-half.tif");
        Path latents = Files.createDirectories(tmp.resolve("latents/sub"));
        org.eqvae4j.runtime.latent.LatentFile.write(
                latents.resolve("a.latent.tif"),
                new org.eqvae4j.runtime.latent.Latent(
                        org.eqvae4j.runtime.tensor.FloatTensor.zeros(1, 32, 4, 4),
                        org.eqvae4j.runtime.latent.LatentHeader.of(
                                org.eqvae4j.runtime.bundle.ModelBundle.open(FijiTests.taef2())
                                        .manifest(),
                                new long[] {1, 32, 4, 4},
                                "a.png",
                                null)));
        Path halves = tmp.resolve("halves");
        String macro = String.join(
                "\n",
                "args = split(getArgument(), '|');",
                "run('EQ-VAE Batch Process Folder', 'input=[' + args[2] + '] output=[' + args[3] + '] operation=transform transform=scale=0.5');",
                "setBatchMode(true);",
                "open(args[0]);",
                "run('EQ-VAE Encode', 'model=taef2 intensity=auto');",
                "run('EQ-VAE Transform Latent', 'transform=scale=0.5');",
                "run('EQ-VAE Decode', 'model=taef2 result=same');",
                "saveAs('Tiff', args[1]);",
                "run('EQ-VAE Compare Equivariance', 'model=taef2 transform=rot=1');",
                "print('panel ' + getWidth() + 'x' + getHeight() + ' error ' + getResult('equivariance_error', nResults - 1));",
                "run('EQ-VAE Latent PCA View', 'model=taef2');",
                "print('pca ' + getTitle() + ' ' + getWidth() + 'x' + getHeight() + ' ' + bitDepth());",
                "run('EQ-VAE Model Info', 'model=eq-taef2');");
        String log = runHeadless(macro, in + "|" + out + "|" + latents.getParent() + "|" + halves);
        assertTrue(Files.isRegularFile(halves.resolve("sub/a.latent.tif")), "batch transform output; log:\n" + log);
        assertEquals(
                List.of(1L, 32L, 2L, 2L),
                java.util.Arrays.stream(
                                org.eqvae4j.runtime.latent.LatentFile.readHeader(halves.resolve("sub/a.latent.tif"))
                                        .shape())
                        .boxed()
                        .toList());
        assertTrue(log.contains("EQ-VAE Batch Process Folder: 1 done, 0 skipped, 0 failed"), log);
        ImagePlus half = IJ.openImage(out.toString());
        assertTrue(half != null, "no decoded image; log:\n" + log);
        assertEquals(16, half.getBitDepth());
        assertEquals(32, half.getWidth());
        assertEquals(1.0, half.getCalibration().pixelWidth, 1e-9, "half the pixels, each twice as wide");
        assertEquals(0.5, half.getCalibration().pixelHeight, 1e-9);
        assertTrue(log.contains("id: eq-taef2") && log.contains("latent_channels: 32"), log);
        // the Figure 2 panel of the 32 x 32 decoded image: 4 cells of 32 px and 5 gaps of 4
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("panel 148x40 error ([0-9.]+)").matcher(log);
        assertTrue(m.find(), log);
        assertTrue(Double.parseDouble(m.group(1)) > 0, log);
        // PCA of the panel, cropped to 144 x 40: 18 x 5 latent pixels, RGB
        assertTrue(log.contains("pca cells-half-equivariance rot=1-latent-pca 18x5 24"), log);
    }

    @Test
    void installModelByMacroFromABioimageioPackage() throws Exception {
        Path exported = Files.createDirectories(tmp.resolve("exported"));
        ModelInstallerTest.bioimageioPackage(exported, "kl-vae-small", "decoder");
        Path encoder = ModelInstallerTest.bioimageioPackage(exported, "kl-vae-small", "encoder");
        Path into = tmp.resolve("installed-models");
        String old = System.getProperty(Models.MODELS_PROPERTY);
        System.setProperty(Models.MODELS_PROPERTY, into.toString());
        try {
            String log = runHeadless(
                    String.join(
                            "\n",
                            "run('EQ-VAE Install Model...', 'source=[' + getArgument() + ']');",
                            "newImage('x', '8-bit ramp', 32, 32, 1);",
                            "run('EQ-VAE Round Trip', 'model=kl-vae-small intensity=auto result=same');",
                            "print('psnr ' + getResult('psnr_db', nResults - 1));"),
                    encoder.resolve("rdf.yaml").toString());
            assertTrue(
                    log.contains(
                            "EQ-VAE Install Model...: kl-vae-small installed into " + into.resolve("kl-vae-small")),
                    log);
            assertTrue(Files.isRegularFile(into.resolve("kl-vae-small/decoder.onnx")), log);
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("psnr ([0-9.]+)").matcher(log);
            assertTrue(m.find() && Double.parseDouble(m.group(1)) > 10, log);
        } finally {
            if (old == null) {
                System.clearProperty(Models.MODELS_PROPERTY);
            } else {
                System.setProperty(Models.MODELS_PROPERTY, old);
            }
        }
    }

    @Test
    void errorsAreLoggedAndAbortTheMacro() throws Exception {
        Path marker = tmp.resolve("reached.txt");
        String sample = runHeadless("run('EQ-VAE Sample', 'model=taef2 count=1 seed=0');", "");
        assertTrue(sample.contains("EQ-VAE Sample error: model bundle") && sample.contains("has no generator"), sample);
        String macro = String.join(
                "\n",
                "newImage('x', '8-bit ramp', 64, 64, 1);",
                "run('EQ-VAE Encode', 'model=no-such-model');",
                "File.saveString('reached', getArgument());");
        String log = runHeadless(macro, marker.toString());
        assertTrue(log.contains("EQ-VAE Encode error: model 'no-such-model' is neither a shipped bundle"), log);
        assertFalse(Files.exists(marker), "the macro must stop at the failed command");
    }

    private static void writeMixedImages(Path dir) {
        ImagePlus g8 = FijiTests.grey(8, 64, 48, 255, "grey8");
        ImagePlus f32 = FijiTests.grey(32, 48, 32, 2.5, "float32");
        ImagePlus rgb = FijiTests.photo();
        FijiTests.calibrate(rgb, 1.5, 1.5, "mm");
        ImagePlus hyper = FijiTests.hyperstack(16, 2, 2, 1, 32);
        IJ.saveAsTiff(g8, dir.resolve("grey8.tif").toString());
        IJ.saveAsTiff(f32, dir.resolve("float32.tif").toString());
        IJ.saveAsTiff(rgb, dir.resolve("rgb.tif").toString());
        IJ.saveAsTiff(hyper, dir.resolve("hyper16.tif").toString());
    }

    /** One patched, headless ImageJ 1 with the plugin jar for the class (patching takes seconds). */
    @BeforeAll
    void startImageJ() throws Exception {
        plugins = Files.createTempDirectory("eqvae-ij-plugins");
        Path jar = pluginJar(plugins.resolve("eqvae4j_fiji-test.jar"));
        oldPluginsDir = System.getProperty("plugins.dir");
        System.setProperty("plugins.dir", plugins.toString());
        ij1 = new LegacyEnvironment(
                new URLClassLoader(classpathWithoutPlugin(), ClassLoader.getPlatformClassLoader()), true);
        ij1.addPluginClasspath(jar.toFile());
    }

    @AfterAll
    void stopImageJ() {
        if (oldPluginsDir == null) {
            System.clearProperty("plugins.dir");
        } else {
            System.setProperty("plugins.dir", oldPluginsDir);
        }
        Models.deleteTree(plugins);
    }

    /** Runs a macro in the patched ImageJ; returns what it logged (headless, IJ.log and macro errors go to standard output and error). */
    private String runHeadless(String macro, String argument) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new TeeStream(stdout, captured), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new TeeStream(stderr, captured), true, StandardCharsets.UTF_8));
        try {
            ij1.runMacro(macro, argument);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** The test class path without this module's classes, which come from the plugin jar instead. */
    private static URL[] classpathWithoutPlugin() throws IOException {
        Path classes = Path.of(jarSource()).toAbsolutePath().normalize();
        Path testClasses = classes.resolveSibling("test-classes");
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath().normalize();
            if (!p.equals(classes) && !p.equals(testClasses)) {
                urls.add(p.toUri().toURL());
            }
        }
        return urls.toArray(URL[]::new);
    }

    /** This module's compiled classes (target/classes), which the plugin jar is made of. */
    static Path pluginClasses() {
        return Path.of(jarSource());
    }

    private static String jarSource() {
        try {
            return Path.of(EqvaeOps.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** target/classes (plugins.config and the plugin index included) as a plugin jar. */
    static Path pluginJar(Path jar) throws IOException {
        Path classes = Path.of(jarSource());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    private static final class TeeStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
