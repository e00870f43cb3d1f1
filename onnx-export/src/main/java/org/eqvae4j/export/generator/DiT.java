package org.eqvae4j.export.generator;

import java.util.List;
import java.util.Map;
import org.eqvae4j.export.arch.Init;
import org.eqvae4j.export.arch.Layers;
import org.eqvae4j.export.arch.Weights;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;

/**
 * DiT (Peebles and Xie 2023) as a latent velocity model for flow matching (SiT, Ma et al. 2024):
 * patchify convolution, fixed 2-D sin-cos position embedding (a buffer), sinusoidal timestep features
 * and an MLP, a class embedding table with one extra row for the null class (classifier-free guidance),
 * adaLN-Zero blocks (multi-head self-attention and a GELU MLP whose LayerNorms are modulated by the
 * conditioning, with gates), and a modulated final layer; the modulation projections and the final
 * linear layer start at zero, so the freshly initialised model outputs zero velocity.
 *
 * <p>Graph contract (also the runtime's {@code generator.onnx}): inputs {@value #X_T} float [N, C, h, w],
 * {@value #T} float [N] in [0, 1] (0 = noise, 1 = data), {@value #CLASS} int64 [N] in [0, numClasses]
 * (numClasses = null class); output {@value #VELOCITY} float [N, C, h, w], the predicted
 * {@code x1 - eps}. Parameter names follow the reference implementation's state dict
 * ({@code x_embedder.proj.weight}, {@code blocks.0.attn.qkv.weight}, ...). The timestep enters the
 * sinusoidal features as {@code 1000 t}, DiT's timestep scale, so that t in [0, 1] spans the frequencies.
 */
public final class DiT {
    public static final String X_T = "x_t";
    public static final String T = "t";
    public static final String CLASS = "class";
    public static final String VELOCITY = "velocity";
    /** Factor applied to t before the sinusoidal features. */
    public static final float TIME_SCALE = 1000f;

    private final DiTConfig cfg;
    private final GraphBuilder b;
    private final Layers l;
    private final Value ones;

    private DiT(DiTConfig cfg, Weights weights, String name) {
        this.cfg = cfg;
        this.b = new GraphBuilder(name);
        this.l = new Layers(b, weights);
        float[] one = new float[cfg.hidden()];
        java.util.Arrays.fill(one, 1f);
        this.ones = b.constant(Tensor.ofFloats("ln_ones", new long[] {cfg.hidden()}, one));
    }

    /** The generator graph with parameters from {@code weights} (call {@link Weights#finish()} afterwards). */
    public static Graph build(DiTConfig cfg, Weights weights) {
        DiT d = new DiT(cfg, weights, "dit");
        return d.forward();
    }

    private Graph forward() {
        int c = cfg.latentChannels();
        int s = cfg.latentSize();
        int p = cfg.patchSize();
        int dim = cfg.hidden();
        int tokens = cfg.tokens();
        Value x = b.input(X_T, DType.FLOAT, Shape.symbolic("N", c, s, s));
        Value t = b.input(T, DType.FLOAT, Shape.symbolic("N"));
        Value y = b.input(CLASS, DType.INT64, Shape.symbolic("N"));

        Value h;
        try (var sc = b.scope("x_embedder")) {
            h = l.conv2d("x_embedder.proj", x, c, dim, p, p, 0, true);
            h = b.transpose(b.reshape(h, 0, dim, tokens), 0, 2, 1); // [N, T, D]
        }
        Value pos = b.buffer(
                "pos_embed", Tensor.ofFloats("pos_embed", new long[] {1, tokens, dim}, positionEmbedding(dim, s / p)));
        h = b.add(h, pos);
        Value cond = b.add(timestepEmbedding(t), classEmbedding(y)); // [N, D]
        Value condAct = b.silu(cond);
        for (int i = 0; i < cfg.depth(); i++) {
            try (var sc = b.scope("blocks." + i)) {
                h = block("blocks." + i, h, condAct);
            }
        }
        Value out;
        try (var sc = b.scope("final_layer")) {
            List<Value> mod = modulation("final_layer.adaLN_modulation.1", condAct, 2);
            Value normed = modulate(layerNorm(h), mod.get(0), mod.get(1));
            out = linear("final_layer.linear", normed, dim, (long) p * p * c, Init.ZEROS); // [N, T, p*p*C]
        }
        try (var sc = b.scope("unpatchify")) {
            int side = s / p;
            Value u = b.reshape(out, 0, side, side, p, p, c);
            u = b.transpose(u, 0, 5, 1, 3, 2, 4); // [N, C, side, p, side, p]
            out = b.reshape(u, 0, c, s, s);
        }
        b.output(out, VELOCITY);
        return b.build();
    }

    private Value timestepEmbedding(Value t) {
        try (var sc = b.scope("t_embedder")) {
            int half = cfg.frequencyDim() / 2;
            float[] freqs = new float[half];
            for (int i = 0; i < half; i++) {
                freqs[i] = (float) (TIME_SCALE * Math.exp(-Math.log(10000) * i / half));
            }
            Value f = b.constant(Tensor.ofFloats("freqs", new long[] {1, half}, freqs));
            Value args = b.mul(b.reshape(t, -1, 1), f); // [N, half]
            Value emb = b.concat(1, b.op("Cos", args), b.op("Sin", args));
            Value e = l.linear("t_embedder.mlp.0", emb, cfg.frequencyDim(), cfg.hidden(), true);
            return l.linear("t_embedder.mlp.2", b.silu(e), cfg.hidden(), cfg.hidden(), true);
        }
    }

    private Value classEmbedding(Value y) {
        try (var sc = b.scope("y_embedder")) {
            Value table = l.param(
                    "y_embedder.embedding_table.weight", Init.NORMAL_002, 0, cfg.numClasses() + 1, cfg.hidden());
            return b.op("Gather", List.of(table, y), Map.of("axis", 0));
        }
    }

    private Value block(String name, Value x, Value condAct) {
        int dim = cfg.hidden();
        List<Value> mod = modulation(name + ".adaLN_modulation.1", condAct, 6);
        Value h = modulate(layerNorm(x), mod.get(0), mod.get(1));
        x = b.add(x, b.mul(mod.get(2), attention(name + ".attn", h)));
        h = modulate(layerNorm(x), mod.get(3), mod.get(4));
        long mlp = (long) dim * cfg.mlpRatio();
        try (var sc = b.scope("mlp")) {
            Value m = l.linear(name + ".mlp.fc1", h, dim, mlp, true);
            m = l.linear(name + ".mlp.fc2", gelu(m), mlp, dim, true);
            return b.add(x, b.mul(mod.get(5), m));
        }
    }

    /** Multi-head self-attention over [N, T, D]. */
    private Value attention(String name, Value x) {
        int dim = cfg.hidden();
        int heads = cfg.heads();
        int dh = dim / heads;
        int tokens = cfg.tokens();
        try (var sc = b.scope("attn")) {
            Value qkv = l.linear(name + ".qkv", x, dim, 3L * dim, true);
            List<Value> parts = b.split(qkv, 2, dim, dim, dim);
            Value q = heads(parts.get(0), tokens, heads, dh);
            Value k = heads(parts.get(1), tokens, heads, dh);
            Value v = heads(parts.get(2), tokens, heads, dh);
            Value a = l.attention(q, k, v, (float) (1 / Math.sqrt(dh))); // [N, H, T, dh]
            a = b.reshape(b.transpose(a, 0, 2, 1, 3), 0, tokens, dim);
            return l.linear(name + ".proj", a, dim, dim, true);
        }
    }

    private Value heads(Value x, int tokens, int heads, int dh) {
        return b.transpose(b.reshape(x, 0, tokens, heads, dh), 0, 2, 1, 3);
    }

    /** Linear(SiLU(c)) to {@code chunks} x D, zero-initialised, split into [N, 1, D] pieces. */
    private List<Value> modulation(String name, Value condAct, int chunks) {
        int dim = cfg.hidden();
        try (var sc = b.scope("adaLN_modulation")) {
            Value weight = l.param(name + ".weight", Init.ZEROS, dim, (long) chunks * dim, dim);
            Value bias = l.param(name + ".bias", Init.ZEROS, dim, (long) chunks * dim);
            Value m = b.add(b.matmul(condAct, b.transpose(weight, 1, 0)), bias);
            long[] sizes = new long[chunks];
            java.util.Arrays.fill(sizes, dim);
            return b.split(b.reshape(m, 0, 1, (long) chunks * dim), 2, sizes);
        }
    }

    /** nn.Linear with a chosen weight initialisation (the bias starts at zero). */
    private Value linear(String name, Value x, long in, long out, Init init) {
        try (var sc = b.scope(name)) {
            Value weight = l.param(name + ".weight", init, in, out, in);
            Value bias = l.param(name + ".bias", Init.ZEROS, in, out);
            return b.add(b.matmul(x, b.transpose(weight, 1, 0)), bias);
        }
    }

    private Value modulate(Value x, Value shift, Value scale) {
        return b.add(b.mul(x, b.add(scale, b.scalar(1f))), shift);
    }

    /** LayerNorm over D without affine parameters, eps 1e-6 (DiT's elementwise_affine=False). */
    private Value layerNorm(Value x) {
        return b.op("LayerNormalization", List.of(x, ones), Map.of("axis", -1, "epsilon", 1e-6f));
    }

    /** GELU, tanh approximation (DiT's MLP): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    private Value gelu(Value x) {
        Value cube = b.mul(b.mul(x, x), x);
        Value inner = b.mul(b.add(x, b.mul(cube, b.scalar(0.044715f))), b.scalar((float) Math.sqrt(2 / Math.PI)));
        return b.mul(b.mul(x, b.scalar(0.5f)), b.add(b.tanh(inner), b.scalar(1f)));
    }

    /**
     * MAE / DiT 2-D sin-cos position embedding for a {@code side} x {@code side} token grid, row-major:
     * the first D/2 features encode the column, the last D/2 the row, each as [sin(pos w), cos(pos w)]
     * with w_i = 10000^(-i / (D/4)).
     */
    public static float[] positionEmbedding(int dim, int side) {
        int quarter = dim / 4;
        float[] out = new float[side * side * dim];
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                int base = (r * side + c) * dim;
                for (int i = 0; i < quarter; i++) {
                    double omega = Math.pow(10000, -(double) i / quarter);
                    out[base + i] = (float) Math.sin(c * omega);
                    out[base + quarter + i] = (float) Math.cos(c * omega);
                    out[base + 2 * quarter + i] = (float) Math.sin(r * omega);
                    out[base + 3 * quarter + i] = (float) Math.cos(r * omega);
                }
            }
        }
        return out;
    }
}
