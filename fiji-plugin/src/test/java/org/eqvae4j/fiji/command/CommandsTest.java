package org.eqvae4j.fiji.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import java.util.Map;
import org.eqvae4j.fiji.FijiTests;
import org.eqvae4j.fiji.LatentImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

/** The SciJava commands through the CommandService of a headless Context, as scripts and PyImageJ run them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandsTest {
    private Context context;
    private CommandService commands;

    @BeforeAll
    void start() {
        context = new Context();
        commands = context.service(CommandService.class);
    }

    @AfterAll
    void stop() {
        context.dispose();
    }

    private CommandModule run(Class<? extends org.scijava.command.Command> type, Object... inputs) throws Exception {
        return commands.run(type, true, inputs).get();
    }

    @Test
    void everyCommandIsDiscoveredFromThePluginIndex() {
        for (Class<?> c : new Class<?>[] {
            EncodeCommand.class,
            DecodeCommand.class,
            TransformLatentCommand.class,
            RoundTripCommand.class,
            SampleCommand.class,
            LatentPcaViewCommand.class,
            CompareEquivarianceCommand.class,
            BatchProcessFolderCommand.class,
            ModelInfoCommand.class
        }) {
            CommandInfo info = commands.getCommand(c.getName());
            assertNotNull(info, c.getSimpleName() + " must be in the plugin index");
            assertTrue(info.getLabel().startsWith("EQ-VAE "), info.getLabel());
        }
    }

    @Test
    void encodeTransformDecode() throws Exception {
        String model = FijiTests.taef2().toString();
        CommandModule enc = run(EncodeCommand.class, "image", FijiTests.photo(), "model", model, "intensity", "auto");
        assertFalse(enc.isCanceled(), enc.getCancelReason());
        ImagePlus latent = (ImagePlus) enc.getOutput("latent");
        assertEquals(32, latent.getNChannels());
        assertEquals(8, latent.getWidth());

        CommandModule tr = run(TransformLatentCommand.class, "latent", latent, "transform", "rot=1");
        ImagePlus turned = (ImagePlus) tr.getOutput("transformed");
        assertEquals(1, LatentImages.read(turned).latent().header().transforms().size());

        CommandModule dec =
                run(DecodeCommand.class, "latent", turned, "model", "taef2", "ignore", false, "result", "same");
        assertFalse(dec.isCanceled(), dec.getCancelReason());
        ImagePlus image = (ImagePlus) dec.getOutput("image");
        assertEquals(64, image.getWidth());
        assertEquals(ImagePlus.COLOR_RGB, image.getType());

        CommandModule rt = run(
                RoundTripCommand.class,
                "image",
                FijiTests.photo(),
                "model",
                "taef2",
                "intensity",
                "auto",
                "transform",
                "",
                "result",
                "same");
        double psnr = (Double) rt.getOutput("psnr");
        assertTrue(psnr > 22, "PSNR " + psnr);
    }

    @Test
    void failuresCancelTheModuleWithAClearReason() throws Exception {
        CommandModule noImage =
                run(EncodeCommand.class, "image", new ImagePlus(), "model", "taef2", "intensity", "auto");
        assertTrue(noImage.isCanceled());
        assertTrue(noImage.getCancelReason().contains("no image"), noImage.getCancelReason());

        CommandModule badModel =
                run(EncodeCommand.class, "image", FijiTests.photo(), "model", "no-such-model", "intensity", "auto");
        assertTrue(badModel.getCancelReason().contains("'no-such-model'"), badModel.getCancelReason());

        CommandModule sample = run(SampleCommand.class, "model", "taef2", "count", 1, "cls", -1, "seed", 0L);
        assertTrue(sample.isCanceled());
        assertTrue(sample.getCancelReason().contains("has no generator"), sample.getCancelReason());
    }

    @Test
    void modelInfoDescribesTheBundle() throws Exception {
        CommandModule info = run(ModelInfoCommand.class, "model", "eq-taef2");
        String text = (String) info.getOutput("info");
        assertTrue(
                text.contains("id: eq-taef2")
                        && text.contains("latent_channels: 32")
                        && text.contains("equivariance_error_rotation"),
                text);
        Map<String, Object> outputs = info.getOutputs();
        assertTrue(outputs.containsKey("info"));
    }
}
