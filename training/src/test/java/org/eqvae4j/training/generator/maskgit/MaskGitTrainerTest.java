package org.eqvae4j.training.generator.maskgit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.export.bundle.BundleExporter;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.generator.LatentSampler;
import org.eqvae4j.runtime.generator.MaskGitSampler;
import org.eqvae4j.runtime.generator.MaskSchedule;
import org.eqvae4j.runtime.generator.Solver;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.tensor.TokenGrid;
import org.eqvae4j.testsupport.RepositoryRoot;
import org.eqvae4j.training.data.IdxFile;
import org.eqvae4j.training.data.Image8;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token cache, MaskGIT training (steps, evaluation hook, resume, exported bundle) and the runtime's
 * discrete sampler on the generator it exports: seeded determinism, class and shape errors.
 */
class MaskGitTrainerTest {
    @TempDir
    static Path dir;

    static Path vq;
    static Path tokens;
    static Path trained;

    private static MaskGitTrainConfig config(long steps) {
        return new MaskGitTrainConfig(
                vq,
                tokens,
                steps,
                8,
                1e-3f,
                2,
                3,
                0.1,
                MaskSchedule.ARCCOS,
                16,
                1,
                2,
                2,
                2,
                1,
                "maskgit-test",
                org.eqvae4j.runtime.ort.ExecutionProvider.CPU);
    }

    @BeforeAll
    static void setUp() throws Exception {
        vq = BundleExporter.export(
                        new BundleExporter.Request(
                                Architectures.standard().get("vq-small"),
                                null,
                                1,
                                null,
                                "vq-test",
                                "vq test",
                                "MIT",
                                null,
                                32,
                                0),
                        dir.resolve("vq"),
                        false)
                .root();
        Path fm = RepositoryRoot.get().resolve("test-images/fashion-mnist");
        List<Image8> images =
                IdxFile.readImages(fm.resolve("t10k-1000-images-idx3-ubyte.gz")).subList(0, 40);
        int[] labels = Arrays.copyOf(IdxFile.readLabels(fm.resolve("t10k-1000-labels-idx1-ubyte.gz")), 40);
        try (Autoencoder ae = Autoencoder.open(ModelBundle.open(vq), RuntimeOptions.threads(1))) {
            TokenCache c = TokenCache.encode(ae, images, labels, 10, 32, 16, "t10k-1000");
            tokens = dir.resolve("train.tokens");
            c.write(tokens);
            // tokens equal a direct encoding of the padded image
            TokenGrid direct = ae.encodeIndices(toTensor(images.get(3).padded(32)));
            for (int i = 0; i < 64; i++) {
                assertEquals(direct.get(0, i), c.token(3, i));
            }
        }
        trained = dir.resolve("run");
        List<Long> evaluated = new ArrayList<>();
        new MaskGitTrainer(config(4), trained, evaluator(evaluated)).train(ProgressListener.NONE);
        assertEquals(List.of(2L, 4L), evaluated);
    }

    private static MaskGitTrainer.Evaluator evaluator(List<Long> calls) {
        return new MaskGitTrainer.Evaluator() {
            @Override
            public List<String> columns() {
                return List.of("tokens_used");
            }

            @Override
            public double[] evaluate(ModelBundle generator, long step) throws Exception {
                calls.add(step);
                try (MaskGitSampler s = MaskGitSampler.open(generator, RuntimeOptions.threads(1))) {
                    TokenGrid g = s.sample(new int[] {0, 1}, s.defaults().withSteps(2), 0);
                    return new double[] {Arrays.stream(g.tokens()).distinct().count()};
                }
            }
        };
    }

    private static FloatTensor toTensor(Image8 img) {
        float[] v = new float[img.data().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (img.data()[i] & 0xff) / 255f;
        }
        return new FloatTensor(1, 1, img.height(), img.width(), v);
    }

    @Test
    void cacheRoundTripsAndNamesItsBundle() throws Exception {
        TokenCache c = TokenCache.read(tokens);
        assertEquals(new TokenCache.Header("vq-test", 256, 8, 8, 40, 10, "t10k-1000"), c.header());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> c.requireBundle("other", tokens));
        assertTrue(e.getMessage().contains("'vq-test'") && e.getMessage().contains("'other'"), e.getMessage());
        Path broken = dir.resolve("broken.tokens");
        byte[] all = Files.readAllBytes(tokens);
        Files.write(broken, Arrays.copyOf(all, all.length - 10));
        assertTrue(assertThrows(java.io.IOException.class, () -> TokenCache.read(broken))
                .getMessage()
                .contains("truncated"));
    }

    @Test
    void trainingWritesMetricsEvaluationsAndABundleTheSamplerOpens() throws Exception {
        List<String> metrics = Files.readAllLines(trained.resolve("metrics.csv"));
        assertEquals("step,loss,ms", metrics.get(0));
        assertEquals(5, metrics.size());
        List<String> eval = Files.readAllLines(trained.resolve(MaskGitTrainer.EVAL_CSV));
        assertEquals(List.of("step,tokens_used"), eval.subList(0, 1));
        assertEquals(3, eval.size());
        ModelBundle b = ModelBundle.open(trained.resolve(MaskGitTrainer.BUNDLE));
        assertEquals("maskgit-test", b.manifest().id());
        assertTrue(MaskGitSampler.handles(b));
        try (MaskGitSampler s = MaskGitSampler.open(b, RuntimeOptions.threads(1));
                Autoencoder ae = Autoencoder.open(b, RuntimeOptions.threads(1))) {
            assertEquals(10, s.numClasses());
            assertEquals(8, s.gridHeight());
            TokenGrid g = s.sample(new int[] {2, 10}, s.defaults(), 5);
            assertEquals(2, g.count());
            assertTrue(Arrays.stream(g.tokens()).allMatch(t -> t >= 0 && t < 256), "no mask token is left");
            FloatTensor img = ae.decodeIndices(g);
            assertArrayEquals(new long[] {2, 1, 32, 32}, img.shape());
        }
    }

    @Test
    void decodingIsDeterministicForASeedAndIndependentOfTheBatch() throws Exception {
        ModelBundle b = ModelBundle.open(trained.resolve(MaskGitTrainer.BUNDLE));
        try (MaskGitSampler s = MaskGitSampler.open(b, RuntimeOptions.threads(1))) {
            MaskGitSampler.Settings set = s.defaults().withSteps(4).withCfgScale(2.0);
            TokenGrid a = s.sample(new int[] {1, 4, 7}, set, 42);
            TokenGrid again = s.sample(new int[] {1, 4, 7}, set, 42);
            assertArrayEquals(a.tokens(), again.tokens());
            TokenGrid other = s.sample(new int[] {1, 4, 7}, set, 43);
            assertFalse(Arrays.equals(a.tokens(), other.tokens()), "another seed gives other samples");
            TokenGrid first = s.sample(new int[] {1}, set, 42);
            assertArrayEquals(
                    a.sample(0).tokens(), first.tokens(), "sample 0 does not depend on the others in its batch");
        }
    }

    @Test
    void theDispatchTurnsMaskGitTokensIntoLatentsAndRefusesFlowSettings() throws Exception {
        ModelBundle b = ModelBundle.open(trained.resolve(MaskGitTrainer.BUNDLE));
        assertEquals(LatentSampler.Kind.MASKGIT, LatentSampler.kindOf(b));
        try (MaskGitSampler s = MaskGitSampler.open(b, RuntimeOptions.threads(1));
                Autoencoder ae = Autoencoder.open(b, RuntimeOptions.threads(1));
                LatentSampler latents = LatentSampler.open(
                        b, ae, RuntimeOptions.threads(1), new LatentSampler.Overrides(4, null, null, 0.8))) {
            int[] labels = {3, 10};
            FloatTensor expected =
                    ae.vectors(s.sample(labels, s.defaults().withSteps(4).withTemperature(0.8), 7));
            assertArrayEquals(
                    expected.data(),
                    latents.sample(labels, 7).data(),
                    "the tokens' codebook vectors, what the decoder takes");
            assertTrue(latents.describe().startsWith("MaskGIT, 4 steps"), latents.describe());
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> LatentSampler.open(
                            b,
                            ae,
                            RuntimeOptions.threads(1),
                            new LatentSampler.Overrides(null, null, Solver.EULER, null)));
            assertTrue(e.getMessage().contains("--sampler is for flow-matching generators"), e.getMessage());
        }
    }

    @Test
    void classAndShapeErrorsAreNamed() throws Exception {
        ModelBundle b = ModelBundle.open(trained.resolve(MaskGitTrainer.BUNDLE));
        try (MaskGitSampler s = MaskGitSampler.open(b, RuntimeOptions.threads(1));
                Autoencoder ae = Autoencoder.open(b, RuntimeOptions.threads(1))) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> s.sample(new int[] {0, 11}, s.defaults(), 0));
            assertTrue(e.getMessage().contains("class 11 of sample 1"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.sample(new int[] {-1}, s.defaults(), 0));
            assertThrows(IllegalArgumentException.class, () -> s.defaults().withSteps(0));
            IllegalArgumentException t = assertThrows(
                    IllegalArgumentException.class,
                    () -> ae.decodeIndices(new TokenGrid(1, 2, 2, new int[] {0, 1, 256, 3})));
            assertTrue(t.getMessage().contains("token 256 at position 2"), t.getMessage());
        }
        // a bundle without a generator, and a generator that predicts another codebook size
        BundleException none = assertThrows(
                BundleException.class, () -> MaskGitSampler.open(ModelBundle.open(vq), RuntimeOptions.threads(1)));
        assertTrue(none.getMessage().contains("no token generator"), none.getMessage());
        Path other = dir.resolve("mismatch");
        copyTree(trained.resolve(MaskGitTrainer.BUNDLE), other);
        Path json = other.resolve("model.json");
        Files.writeString(json, Files.readString(json).replace("\"codebookSize\" : 256", "\"codebookSize\" : 128"));
        BundleException mismatch = assertThrows(
                BundleException.class, () -> MaskGitSampler.open(ModelBundle.open(other), RuntimeOptions.threads(1)));
        assertTrue(
                mismatch.getMessage().contains("predicts 256 codes")
                        && mismatch.getMessage().contains("128"),
                mismatch.getMessage());
    }

    @Test
    void resumedRunEndsWhereAnUninterruptedOneDoes() throws Exception {
        Path resumed = dir.resolve("resumed");
        new MaskGitTrainer(config(2), resumed, null).train(ProgressListener.NONE);
        new MaskGitTrainer(config(4), resumed, null).train(ProgressListener.NONE);
        List<String> a = Files.readAllLines(trained.resolve("metrics.csv")).stream()
                .map(l -> l.split(",")[1])
                .toList();
        List<String> r = Files.readAllLines(resumed.resolve("metrics.csv")).stream()
                .map(l -> l.split(",")[1])
                .toList();
        assertEquals(a, r);
    }

    private static void copyTree(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }
}
