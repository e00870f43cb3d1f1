package org.eqvae4j.export.arch;

import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Value;

/**
 * taming-transformers' NLayerDiscriminator (pix2pix PatchGAN), with its {@code nn.Sequential} state-dict
 * names ({@code main.<index>.*}); an LDM training checkpoint's discriminator loads through
 * {@code weights.withPrefix("loss.discriminator.")}. The caller calls {@link Weights#finish()}.
 *
 * <pre>
 * main.0  Conv(in, ndf, 4, s2, p1)             main.1  LeakyReLU(0.2)
 * for n in 1..nLayers-1 (index 3n-1):          Conv(ndf*mult(n-1), ndf*mult(n), 4, s2, p1, no bias), BatchNorm, LeakyReLU
 * index 3*nLayers-1:                           Conv(ndf*mult(nLayers-1), ndf*mult(nLayers), 4, s1, p1, no bias), BatchNorm, LeakyReLU
 * index 3*nLayers+2:                           Conv(ndf*mult(nLayers), 1, 4, s1, p1)
 * mult(n) = min(2^n, 8)
 * </pre>
 *
 * BatchNorm follows {@link PatchGanConfig#norm()}: inference form (running statistics as initializers,
 * what loads an LDM checkpoint for evaluation) or train form (batch statistics, what taming's training
 * computes, and what the GAN term of EQ-VAE fine-tuning uses). Fresh weights follow
 * taming's {@code weights_init}: conv weights N(0, 0.02), BatchNorm scales N(1, 0.02) and shifts 0; conv
 * biases keep PyTorch's default.
 */
public final class PatchGanDiscriminator {
    private PatchGanDiscriminator() {}

    /**
     * image [N,C,H,W] (in the autoencoder's value range) -> {@code logits} [N,1,H',W'] with
     * H' = {@link PatchGanConfig#outputSize(int)}; H and W are symbolic, check them with that method.
     */
    public static Graph discriminator(PatchGanConfig cfg, Weights weights) {
        GraphBuilder b = new GraphBuilder("discriminator");
        Value x = b.input("image", DType.FLOAT, Shape.symbolic("batch", cfg.inChannels(), "height", "width"));
        b.output(discriminate(new Layers(b, weights), cfg, x), "logits");
        return b.build();
    }

    /** The discriminator body, for composing into larger (training) graphs. */
    public static Value discriminate(Layers l, PatchGanConfig cfg, Value x) {
        GraphBuilder b = l.builder();
        long[] pads = {1, 1, 1, 1};
        int k = PatchGanConfig.KERNEL;
        long ndf = cfg.ndf();
        x = l.conv2d("main.0", x, cfg.inChannels(), ndf, k, 2, pads, true, Init.NORMAL_002);
        x = leaky(b, "main.1", x);
        int index = 2;
        for (int n = 1; n <= cfg.nLayers(); n++) {
            long in = ndf * PatchGanConfig.nfMult(n - 1);
            long out = ndf * PatchGanConfig.nfMult(n);
            int stride = n < cfg.nLayers() ? 2 : 1;
            boolean norm = cfg.norm() != PatchGanConfig.Norm.NONE;
            x = l.conv2d("main." + index, x, in, out, k, stride, pads, !norm, Init.NORMAL_002);
            String bn = "main." + (index + 1);
            switch (cfg.norm()) {
                case RUNNING_STATISTICS -> x = l.batchNorm(bn, x, out, PatchGanConfig.BN_EPS, Init.NORMAL_ONE_002);
                case BATCH_STATISTICS ->
                    x = l.batchNormBatchStatistics(bn, x, out, PatchGanConfig.BN_EPS, Init.NORMAL_ONE_002);
                case NONE -> {}
            }
            x = leaky(b, "main." + (index + 2), x);
            index += 3;
        }
        long last = ndf * PatchGanConfig.nfMult(cfg.nLayers());
        return l.conv2d("main." + index, x, last, 1, k, 1, pads, true, Init.NORMAL_002);
    }

    private static Value leaky(GraphBuilder b, String name, Value x) {
        try (var s = b.scope(name)) {
            return b.leakyRelu(x, PatchGanConfig.LEAKY_SLOPE);
        }
    }
}
