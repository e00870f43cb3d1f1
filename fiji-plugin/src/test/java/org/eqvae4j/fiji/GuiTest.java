package org.eqvae4j.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ij.IJ;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin in a real ImageJ window on a virtual X display: starts Xvfb on a free display (skipped, with
 * the reason, when Xvfb is not installed: {@code apt-get install xvfb}), runs {@link GuiDriver} in a JVM
 * of its own with the plugin jar in ImageJ's plugins folder (which opens Plugins > EQ-VAE with the keyboard
 * and chooses Round Trip), then inspects what it saw: the menu, the recorded macro line, the result
 * window, and the screenshot, whose pixels where the window's canvas is must be the result image.
 */
class GuiTest {
    @TempDir
    Path tmp;

    @Test
    void menuDialogResultWindowAndScreenshot() throws Exception {
        assumeTrue(onPath("Xvfb"), "Xvfb is not installed (apt-get install xvfb); the GUI test needs an X display");
        assumeTrue(
                Files.exists(Path.of(System.getProperty("java.home"), "lib", "libawt_xawt.so")),
                "this Java is a headless runtime without X11 support (install openjdk-17-jre, not only -headless)");
        int display = freeDisplay();
        Process xvfb = new ProcessBuilder("Xvfb", ":" + display, "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("xvfb.log").toFile())
                .start();
        try {
            waitForDisplay(display, xvfb);
            Path plugins = Files.createDirectories(tmp.resolve("Fiji.app/plugins"));
            HeadlessMacroTest.pluginJar(plugins.resolve("eqvae4j_fiji-test.jar"));
            Path image = tmp.resolve("astronaut.tif");
            IJ.saveAsTiff(FijiTests.photo(), image.toString());
            Path out = Files.createDirectories(tmp.resolve("out"));
            Process ij = driver(display, plugins, image, out);
            assertTrue(ij.waitFor(150, TimeUnit.SECONDS), "ImageJ did not finish in 150 s; log:\n" + log());
            Properties report = new Properties();
            try (InputStream in = Files.newInputStream(out.resolve("report.properties"))) {
                report.load(in);
            }
            String keep = System.getProperty("eqvae.gui.out"); // -Deqvae.gui.out=DIR keeps the screenshots to look at
            if (keep != null) {
                Files.createDirectories(Path.of(keep));
                Files.writeString(Path.of(keep, "imagej.log"), log());
                for (String f : new String[] {
                    "menu.png", "screenshot.png", "dialog.png", "output.png", "failure.png", "report.properties"
                }) {
                    if (Files.exists(out.resolve(f))) {
                        Files.copy(out.resolve(f), Path.of(keep, f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            assertEquals("ok", report.getProperty("status"), "driver log:\n" + log());

            List<String> menu = List.of(report.getProperty("menu").split(";"));
            for (String c : new String[] {
                "Encode",
                "Decode",
                "Transform Latent",
                "Round Trip",
                "Sample",
                "Latent PCA View",
                "Compare Equivariance",
                "Batch Process Folder",
                "Model Info",
                "Install Model..."
            }) {
                assertTrue(menu.contains("EQ-VAE " + c), "Plugins > EQ-VAE lacks " + c + ": " + menu);
            }
            assertTrue(
                    report.getProperty("recorded").contains(HeadlessMacroTest.RECORDED),
                    "the recorder wrote:\n" + report.getProperty("recorded"));
            assertEquals("true", report.getProperty("window.showing"));
            assertTrue(
                    List.of(report.getProperty("images").split(";")).contains("astronaut-recon"),
                    report.getProperty("images"));
            assertEquals("64", report.getProperty("output.width"));
            assertEquals("64", report.getProperty("output.height"));

            BufferedImage screen = ImageIO.read(out.resolve("screenshot.png").toFile());
            assertEquals(1280, screen.getWidth());
            assertEquals(1024, screen.getHeight());
            assertTrue(Files.size(out.resolve("dialog.png")) > 0);
            assertTrue(Files.size(out.resolve("menu.png")) > 0);
            BufferedImage output = ImageIO.read(out.resolve("output.png").toFile());
            assertEquals(1.0, Double.parseDouble(report.getProperty("output.magnification")));
            int x0 = Integer.parseInt(report.getProperty("canvas.x"));
            int y0 = Integer.parseInt(report.getProperty("canvas.y"));
            double diff = 0;
            for (int y = 0; y < output.getHeight(); y++) {
                for (int x = 0; x < output.getWidth(); x++) {
                    int a = output.getRGB(x, y);
                    int b = screen.getRGB(x0 + x, y0 + y);
                    for (int s = 0; s <= 16; s += 8) {
                        diff += Math.abs(((a >> s) & 0xff) - ((b >> s) & 0xff));
                    }
                }
            }
            diff /= 3.0 * output.getWidth() * output.getHeight();
            assertTrue(
                    diff < 2,
                    "the screenshot at the result window's canvas (" + x0 + ", " + y0 + ") differs from the result"
                            + " by " + diff + " grey levels on average; see " + out.resolve("screenshot.png")
                            + "; the windows showing: " + report.getProperty("windows"));
        } finally {
            xvfb.destroy();
            xvfb.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Path logFile() {
        return tmp.resolve("imagej.log");
    }

    private String log() throws IOException {
        return Files.exists(logFile()) ? Files.readString(logFile()) : "(no log)";
    }

    private Process driver(int display, Path plugins, Path image, Path out) throws IOException {
        List<String> cp = new ArrayList<>();
        Path pluginClasses = HeadlessMacroTest.pluginClasses().toAbsolutePath().normalize();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            // the plugin's own classes come from the jar in plugins/, as in Fiji (other modules' classes stay)
            if (!Path.of(entry).toAbsolutePath().normalize().equals(pluginClasses)) {
                cp.add(entry);
            }
        }
        Path home = Files.createDirectories(tmp.resolve("home"));
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=false",
                "-Dplugins.dir=" + plugins,
                "-Duser.home=" + home,
                "-D" + Models.HOME_PROPERTY + "=" + FijiTests.repoRoot(),
                "-cp",
                String.join(File.pathSeparator, cp),
                GuiDriver.class.getName(),
                image.toString(),
                out.toString(),
                "taef2");
        pb.environment().put("DISPLAY", ":" + display);
        pb.redirectErrorStream(true).redirectOutput(logFile().toFile());
        return pb.start();
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** A display number without an X server (no lock file, no socket). */
    private static int freeDisplay() {
        for (int n = 90 + (int) (ProcessHandle.current().pid() % 50); n < 400; n++) {
            if (!Files.exists(Path.of("/tmp/.X" + n + "-lock")) && !Files.exists(Path.of("/tmp/.X11-unix/X" + n))) {
                return n;
            }
        }
        throw new IllegalStateException("no free X display number between 90 and 400");
    }

    private void waitForDisplay(int display, Process xvfb) throws Exception {
        Path socket = Path.of("/tmp/.X11-unix/X" + display);
        long end = System.nanoTime() + 20_000_000_000L;
        while (!Files.exists(socket)) {
            if (!xvfb.isAlive()) {
                throw new IllegalStateException(
                        "Xvfb :" + display + " exited: " + Files.readString(tmp.resolve("xvfb.log")));
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("Xvfb :" + display + " did not start in 20 s");
            }
            Thread.sleep(100);
        }
    }
}
