package org.eqvae4j.fiji;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.Menus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.gui.ImageWindow;
import ij.plugin.frame.Recorder;
import java.awt.Button;
import java.awt.EventQueue;
import java.awt.Menu;
import java.awt.MenuBar;
import java.awt.MenuItem;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.TextField;
import java.awt.Toolkit;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.awt.event.KeyEvent;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;

/**
 * Runs in its own JVM on an X display (Xvfb) for {@code GuiTest}: starts ImageJ with the plugin jar in
 * its plugins folder, turns the macro recorder on, opens an image, opens Plugins > EQ-VAE with the keyboard
 * to EQ-VAE Round Trip (screenshot), chooses it with Enter, fills and OKs the dialog as a user would, waits for the result window, and
 * takes a screenshot. Writes {@code report.properties}, {@code menu.png} (the open menus),
 * {@code screenshot.png}, {@code dialog.png} and {@code output.png} into the output folder given as the second
 * argument.
 *
 * <p>Arguments: image file, output folder, model.
 */
public final class GuiDriver {
    private GuiDriver() {}

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        Path out = Path.of(args[1]);
        String model = args[2];
        Properties report = new Properties();
        try {
            run(image, out, model, report);
            report.setProperty("status", "ok");
        } catch (Throwable e) {
            report.setProperty("status", "failed: " + e);
            e.printStackTrace();
            try { // what the screen showed when it failed
                ImageIO.write(
                        new Robot()
                                .createScreenCapture(new Rectangle(
                                        Toolkit.getDefaultToolkit().getScreenSize())),
                        "png",
                        out.resolve("failure.png").toFile());
            } catch (Exception ignored) {
                // no screenshot: the report says what failed
            }
        } finally {
            try (OutputStream o = Files.newOutputStream(out.resolve("report.properties"))) {
                report.store(o, "GuiDriver");
            }
            System.exit(0);
        }
    }

    private static void run(Path image, Path out, String model, Properties report) throws Exception {
        new ImageJ();
        waitFor(
                "the ImageJ window",
                () -> IJ.getInstance() != null && IJ.getInstance().isShowing());
        // the menu: Plugins > EQ-VAE and its commands, as the menu bar holds them
        List<String> items = new ArrayList<>();
        MenuBar bar = Menus.getMenuBar();
        int pluginsMenu = -1;
        int eqvaeItem = -1; // position among the Plugins menu's items, separators not counted (keys skip them)
        int roundTrip = -1;
        for (int i = 0; i < bar.getMenuCount(); i++) {
            Menu m = bar.getMenu(i);
            if (!m.getLabel().equals("Plugins")) {
                continue;
            }
            pluginsMenu = i;
            int position = 0;
            for (int j = 0; j < m.getItemCount(); j++) {
                MenuItem it = m.getItem(j);
                if (it.getLabel().equals("-")) {
                    continue;
                }
                if (it instanceof Menu sub && sub.getLabel().equals("EQ-VAE")) {
                    eqvaeItem = position;
                    for (int k = 0; k < sub.getItemCount(); k++) {
                        items.add(sub.getItem(k).getLabel());
                        if (sub.getItem(k).getLabel().equals("EQ-VAE Round Trip")) {
                            roundTrip = k;
                        }
                    }
                }
                position++;
            }
        }
        report.setProperty("menu", String.join(";", items));
        if (roundTrip < 0) {
            throw new IllegalStateException(
                    "Plugins > EQ-VAE > EQ-VAE Round Trip is not in the menu bar; found " + items);
        }

        IJ.run("Record...");
        waitFor("the macro recorder", () -> Recorder.getInstance() != null);
        ImagePlus imp = IJ.openImage(image.toString());
        imp.show();
        waitFor(
                "the input window",
                () -> imp.getWindow() != null && imp.getWindow().isShowing());

        Robot robot = new Robot();
        Rectangle screenRect = new Rectangle(Toolkit.getDefaultToolkit().getScreenSize());
        // open the menus with the keyboard, as a user can: F10 opens the first menu, Right moves to the next one
        // (first entering a first item that is a submenu), Down walks the items, Right opens a submenu, Enter chooses
        AtomicReference<GenericDialog> dialog = new AtomicReference<>();
        // keys sent while AWT is still opening a menu can be lost (seen once in CI on an idle machine): a walk whose
        // Enter opened nothing is closed with Escape and walked again, at most three times
        for (int attempt = 1; dialog.get() == null; attempt++) {
            EventQueue.invokeAndWait(() -> {
                IJ.getInstance().toFront();
                IJ.getInstance().requestFocus();
            });
            Thread.sleep(500);
            key(robot, KeyEvent.VK_F10);
            for (int i = 0; i < pluginsMenu; i++) {
                key(robot, KeyEvent.VK_RIGHT);
                if (bar.getMenu(i).getItemCount() > 0 && bar.getMenu(i).getItem(0) instanceof Menu) {
                    key(robot, KeyEvent.VK_RIGHT);
                }
            }
            for (int i = 0; i < eqvaeItem; i++) {
                key(robot, KeyEvent.VK_DOWN);
            }
            key(robot, KeyEvent.VK_RIGHT);
            for (int i = 0; i < roundTrip; i++) {
                key(robot, KeyEvent.VK_DOWN);
            }
            Thread.sleep(300);
            ImageIO.write(
                    robot.createScreenCapture(screenRect),
                    "png",
                    out.resolve("menu.png").toFile());
            key(robot, KeyEvent.VK_ENTER);
            try {
                waitFor("the Round Trip dialog", attempt < 3 ? 15 : 60, () -> {
                    for (Window w : Window.getWindows()) {
                        if (w instanceof GenericDialog gd
                                && gd.isShowing()
                                && "EQ-VAE Round Trip".equals(gd.getTitle())) {
                            dialog.set(gd);
                            return true;
                        }
                    }
                    return false;
                });
            } catch (IllegalStateException e) {
                if (attempt >= 3) {
                    throw e;
                }
                System.err.println(
                        "attempt " + attempt + ": " + e.getMessage() + "; closing the menus and walking again");
                for (int i = 0; i < 3; i++) {
                    key(robot, KeyEvent.VK_ESCAPE);
                }
            }
        }
        GenericDialog gd = dialog.get();
        EventQueue.invokeAndWait(() -> ((TextField) gd.getStringFields().get(0)).setText(model));
        Thread.sleep(300);
        robot.waitForIdle();
        Rectangle d = new Rectangle(gd.getLocationOnScreen(), gd.getSize());
        ImageIO.write(
                robot.createScreenCapture(d), "png", out.resolve("dialog.png").toFile());
        Button ok = gd.getButtons()[0];
        EventQueue.invokeAndWait(
                () -> gd.actionPerformed(new ActionEvent(ok, ActionEvent.ACTION_PERFORMED, ok.getLabel())));

        String title = imp.getTitle().replaceFirst("\\.[A-Za-z0-9]+$", "") + "-recon"; // EqvaeOps names it so
        waitFor("the output window " + title, () -> {
            ImagePlus o = WindowManager.getImage(title);
            return o != null && o.getWindow() != null && o.getWindow().isShowing();
        });
        ImagePlus result = WindowManager.getImage(title);
        ImageWindow win = result.getWindow();
        // where ImageJ places the window depends on the windows before it (a CI run once found the result at the
        // screen's corner under another window): move it to the bottom-right corner, where no other window opens,
        // so the capture tests what the window paints, not ImageJ's placement
        EventQueue.invokeAndWait(() -> {
            win.setLocation(screenRect.width - win.getWidth() - 40, screenRect.height - win.getHeight() - 40);
            win.toFront();
        });
        // the window manager-less X server paints when it gets to it (seconds on a loaded machine): capture the whole
        // screen until the canvas shows the result, asking for a repaint each time, up to 20 s; the test checks that
        // same capture
        java.awt.image.BufferedImage expected = result.getBufferedImage();
        java.awt.image.BufferedImage screenshot;
        long deadline = System.currentTimeMillis() + 20_000;
        do {
            Thread.sleep(200);
            EventQueue.invokeAndWait(() -> {
                win.toFront();
                result.getCanvas().repaint();
            });
            robot.waitForIdle();
            Point at = result.getCanvas().getLocationOnScreen();
            screenshot = robot.createScreenCapture(screenRect);
            java.awt.image.BufferedImage shown =
                    screenshot.getSubimage(at.x, at.y, expected.getWidth(), expected.getHeight());
            if (meanDifference(expected, shown) < 2) { // GuiTest's threshold
                break;
            }
        } while (System.currentTimeMillis() < deadline);
        Point canvas = result.getCanvas().getLocationOnScreen();
        report.setProperty("output.title", result.getTitle());
        report.setProperty("output.width", Integer.toString(result.getWidth()));
        report.setProperty("output.height", Integer.toString(result.getHeight()));
        report.setProperty("output.type", Integer.toString(result.getType()));
        report.setProperty(
                "output.magnification", Double.toString(result.getCanvas().getMagnification()));
        report.setProperty("canvas.x", Integer.toString(canvas.x));
        report.setProperty("canvas.y", Integer.toString(canvas.y));
        report.setProperty("window.showing", Boolean.toString(win.isShowing()));
        List<String> titles = new ArrayList<>();
        for (int id : WindowManager.getIDList()) {
            titles.add(WindowManager.getImage(id).getTitle());
        }
        report.setProperty("images", String.join(";", titles));
        List<String> windows = new ArrayList<>(); // for the test's message when the capture does not match
        for (Window w : Window.getWindows()) {
            if (w.isShowing()) {
                Rectangle b = w.getBounds();
                windows.add(w.getClass().getSimpleName() + " '" + title(w) + "' at " + b.x + "," + b.y + " size "
                        + b.width + "x" + b.height);
            }
        }
        report.setProperty("windows", String.join("; ", windows));
        report.setProperty("recorded", Recorder.getInstance().getText());
        ImageIO.write(
                result.getBufferedImage(), "png", out.resolve("output.png").toFile());
        ImageIO.write(screenshot, "png", out.resolve("screenshot.png").toFile());
    }

    private static String title(Window w) {
        return w instanceof java.awt.Frame f ? f.getTitle() : w instanceof java.awt.Dialog d ? d.getTitle() : "";
    }

    /** Mean absolute difference per colour sample of two images of the same size. */
    private static double meanDifference(java.awt.image.BufferedImage a, java.awt.image.BufferedImage b) {
        double diff = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int s = 0; s <= 16; s += 8) {
                    diff += Math.abs(((p >> s) & 0xff) - ((q >> s) & 0xff));
                }
            }
        }
        return diff / (3.0 * a.getWidth() * a.getHeight());
    }

    private static void key(Robot robot, int code) throws InterruptedException {
        robot.keyPress(code);
        robot.keyRelease(code);
        robot.waitForIdle();
        Thread.sleep(400); // menus open asynchronously; a key sent before would go to the previous one
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void waitFor(String what, Condition c) throws Exception {
        waitFor(what, 60, c);
    }

    private static void waitFor(String what, int seconds, Condition c) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (!c.holds()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
