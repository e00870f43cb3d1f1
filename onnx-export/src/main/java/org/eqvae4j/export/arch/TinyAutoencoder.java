package org.eqvae4j.export.arch;

import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Value;

/**
 * TAESD-family encoder and decoder graphs. Parameter names are the published state-dict names
 * (nn.Sequential indices), so the released weight files load without renaming.
 *
 * <pre>
 * encoder: 0 conv(C,64) | 1 Block | 2 conv s2 | 3..5 Block | 6 conv s2 | 7..9 Block | 10 conv s2 | 11..13 Block(+pool) | 14 conv(64,Z)
 * decoder: 0 clamp | 1 conv(Z,64) | 2 ReLU | 3..5 Block(+pool) | 6 up | 7 conv | 8..10 Block | 11 up | 12 conv |
 *          13..15 Block | 16 up | 17 conv | 18 Block | 19 conv(64,C)
 * </pre>
 */
public final class TinyAutoencoder {
    private TinyAutoencoder() {}

    /**
     * image [N,C,H,W] in [0,1] -> latent [N,Z,H/8,W/8]; H and W are symbolic. Parameters are looked up
     * by their plain state-dict names ("0.weight"); pass a prefixed view for combined files.
     */
    public static Graph encoder(TinyAutoencoderConfig cfg, Weights weights) {
        GraphBuilder b = new GraphBuilder("encoder");
        Value x = b.input("image", DType.FLOAT, Shape.symbolic("batch", cfg.imageChannels(), "height", "width"));
        b.output(encode(new Layers(b, weights), cfg, x), "latent");
        return b.build();
    }

    /** latent [N,Z,h,w] -> image [N,C,8h,8w] (not clamped; clamp to [0,1] when writing pixels). */
    public static Graph decoder(TinyAutoencoderConfig cfg, Weights weights) {
        GraphBuilder b = new GraphBuilder("decoder");
        Value z = b.input(
                "latent", DType.FLOAT, Shape.symbolic("batch", cfg.latentChannels(), "latent_height", "latent_width"));
        b.output(decode(new Layers(b, weights), cfg, z), "image");
        return b.build();
    }

    /** The encoder body, for composing into larger (training) graphs. */
    public static Value encode(Layers l, TinyAutoencoderConfig cfg, Value x) {
        int c = cfg.width();
        int i = 0;
        x = l.conv2d(Integer.toString(i++), x, cfg.imageChannels(), c, 3, 1, true);
        x = block(l, cfg, Integer.toString(i++), x, false);
        for (int stage = 0; stage < 3; stage++) {
            x = l.conv2d(Integer.toString(i++), x, c, c, 3, 2, false);
            boolean pool = cfg.midPool() && stage == 2;
            for (int k = 0; k < cfg.blocksPerStage(); k++) {
                x = block(l, cfg, Integer.toString(i++), x, pool);
            }
        }
        return l.conv2d(Integer.toString(i), x, c, cfg.latentChannels(), 3, 1, true);
    }

    /** The decoder body, for composing into larger (training) graphs. */
    public static Value decode(Layers l, TinyAutoencoderConfig cfg, Value z) {
        var b = l.builder();
        int c = cfg.width();
        Value x;
        try (var s = b.scope("0")) {
            Value k = b.scalar(cfg.latentClamp());
            x = b.mul(b.tanh(b.div(z, k)), k);
        }
        x = b.relu(l.conv2d("1", x, cfg.latentChannels(), c, 3, 1, true));
        int i = 3;
        int[] blocks = {cfg.blocksPerStage(), cfg.blocksPerStage(), cfg.blocksPerStage(), 1};
        for (int stage = 0; stage < 4; stage++) {
            for (int k = 0; k < blocks[stage]; k++) {
                x = block(l, cfg, Integer.toString(i++), x, cfg.midPool() && stage == 0);
            }
            if (stage < 3) {
                try (var s = b.scope(Integer.toString(i++))) {
                    x = l.upsampleNearest2x(x);
                }
                x = l.conv2d(Integer.toString(i++), x, c, c, 3, 1, false);
            }
        }
        return l.conv2d(Integer.toString(i), x, c, cfg.imageChannels(), 3, 1, true);
    }

    /** TAESD Block: relu(conv4(relu(conv2(relu(conv0(x))))) + x), with TAEF2's optional pool branch first. */
    static Value block(Layers l, TinyAutoencoderConfig cfg, String name, Value x, boolean pool) {
        var b = l.builder();
        int c = cfg.width();
        if (pool) {
            int hidden = c * cfg.poolExpansion();
            Value p = l.conv2d(name + ".pool.0", x, c, hidden, 1, 1, false);
            p = b.relu(l.groupNorm(name + ".pool.1", p, cfg.poolGroups(), hidden, 1e-5f, true));
            x = b.add(x, l.conv2d(name + ".pool.3", p, hidden, c, 1, 1, false));
        }
        Value h = b.relu(l.conv2d(name + ".conv.0", x, c, c, 3, 1, true));
        h = b.relu(l.conv2d(name + ".conv.2", h, c, c, 3, 1, true));
        h = l.conv2d(name + ".conv.4", h, c, c, 3, 1, true);
        try (var s = b.scope(name)) {
            return b.relu(b.add(h, x));
        }
    }
}
