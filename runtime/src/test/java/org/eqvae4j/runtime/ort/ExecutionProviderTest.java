package org.eqvae4j.runtime.ort;

import static org.eqvae4j.runtime.TestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.model.Taef2;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CUDA requested: what happens on a machine without it (this one: no GPU, plain CPU ONNX Runtime jar).
 * Nothing here runs on a GPU; on a GPU build with a GPU the last test checks CUDA against the CPU instead.
 */
class ExecutionProviderTest {
    @TempDir
    Path tmp;

    @Test
    void namesParseInAnyCaseAndUnknownOnesAreListed() {
        assertEquals(ExecutionProvider.CUDA, ExecutionProvider.parse(" CUDA "));
        assertEquals(ExecutionProvider.CPU, ExecutionProvider.parse("cpu"));
        assertEquals("CUDAExecutionProvider", ExecutionProvider.CUDA.ortName());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExecutionProvider.parse("tpu"));
        assertTrue(e.getMessage().contains("'tpu'") && e.getMessage().contains("[cpu, cuda]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RuntimeOptions(0, ExecutionProvider.CUDA, -1));
        assertEquals(
                new RuntimeOptions(2, ExecutionProvider.CUDA, 1),
                RuntimeOptions.threads(2).withProvider(ExecutionProvider.CUDA).withCudaDevice(1));
    }

    @Test
    void cudaMissingFromTheLoadedRuntimeFallsBackToCpuNamingWhy() {
        SessionFactory f =
                new SessionFactory(new RuntimeOptions(1, ExecutionProvider.CUDA), EnumSet.of(OrtProvider.CPU));
        ProviderChoice c = f.choice();
        assertTrue(c.fellBack());
        assertEquals(ExecutionProvider.CPU, c.used());
        assertTrue(
                c.warning()
                        .startsWith("CUDA was requested, but the loaded ONNX Runtime has no CUDA execution provider"),
                c.warning());
        assertTrue(
                c.warning().contains("Maven profile 'cuda'") && c.warning().endsWith("running on the CPU"),
                c.warning());
        ProviderChoice cpu = new SessionFactory(RuntimeOptions.threads(1), EnumSet.of(OrtProvider.CPU)).choice();
        assertFalse(cpu.fellBack());
        assertEquals("", cpu.warning());
    }

    @Test
    void cudaThatCannotBeSetUpFallsBackToCpuWithOrtsReason() throws Exception {
        // Pretend the runtime offers CUDA: on this CPU-only build appending the provider then fails, as it
        // does on a GPU build without a GPU or without the CUDA libraries.
        ModelBundle taef2 = ModelBundle.open(Taef2.bundleDir());
        SessionFactory f = new SessionFactory(
                new RuntimeOptions(1, ExecutionProvider.CUDA), EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA));
        if (SessionFactory.availableProviders().contains(OrtProvider.CUDA)) {
            return; // a GPU build: the setup may succeed, which the last test covers
        }
        try (OrtSession s = f.create(taef2, ModelManifest.ENCODER)) {
            assertEquals(1, s.getInputNames().size());
        }
        assertTrue(f.choice().fellBack());
        assertTrue(
                f.choice().fallbackReason().startsWith("setting up CUDA device 0 failed ("),
                f.choice().fallbackReason());
    }

    @Test
    void aBrokenModelIsStillABundleErrorWhenCudaWasRequested() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("b"));
        for (Path p : Files.list(Taef2.bundleDir()).toList()) {
            Files.copy(p, dir.resolve(p.getFileName()));
        }
        Files.writeString(dir.resolve("encoder.onnx"), "not an onnx model");
        ModelBundle broken = ModelBundle.open(dir);
        SessionFactory f = new SessionFactory(
                new RuntimeOptions(1, ExecutionProvider.CUDA), EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA));
        BundleException e = assertThrows(BundleException.class, () -> f.create(broken, ModelManifest.ENCODER));
        assertTrue(
                e.getMessage().contains("encoder.onnx") && e.getMessage().contains("not a loadable ONNX model"),
                e.getMessage());
    }

    @Test
    void anAutoencoderOpenedForCudaRunsAndMatchesTheCpu() throws Exception {
        FloatTensor x = Taef2.photoCrop("astronaut.png", 96, 192, 64, 64);
        ModelBundle b = ModelBundle.open(Taef2.bundleDir());
        try (Autoencoder cuda = Autoencoder.open(b, new RuntimeOptions(2, ExecutionProvider.CUDA));
                Autoencoder cpu = Autoencoder.open(b, RuntimeOptions.threads(2))) {
            ProviderChoice c = cuda.providerChoice();
            assertEquals(ExecutionProvider.CUDA, c.requested());
            assertFalse(cpu.providerChoice().fellBack());
            if (c.used() == ExecutionProvider.CPU) {
                assertTrue(c.fellBack() && !c.fallbackReason().isBlank());
                if (SessionFactory.availableProviders()
                        .contains(OrtProvider.CUDA)) { // GPU build (-Pcuda) without a usable GPU
                    assertTrue(c.fallbackReason().startsWith("setting up CUDA device 0 failed ("), c.warning());
                }
                assertClose(cpu.encode(x), cuda.encode(x), 0);
            } else { // only on a GPU build with a working GPU
                assertClose(cpu.encode(x), cuda.encode(x), 1e-3);
            }
        }
    }
}
