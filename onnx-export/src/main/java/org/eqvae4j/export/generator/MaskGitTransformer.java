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
import org.eqvae4j.export.graph.Value;

/**
 * MaskGIT's bidirectional transformer ({@link MaskGitConfig}): token embedding with a mask token
 * ({@code tok_emb.weight} [K + 1, d]), learned positions ({@code pos_emb} [L, d]), class embedding with
 * a null class ({@code cls_emb.weight} [C + 1, d]) added to every position, pre-norm blocks
 * ({@code blocks.i.norm1}, multi-head self-attention {@code blocks.i.qkv} / {@code blocks.i.proj},
 * {@code blocks.i.norm2}, GELU MLP {@code blocks.i.fc1} / {@code blocks.i.fc2}), a final LayerNorm and a
 * linear head to K logits. No attention mask: every token sees every other.
 *
 * <p>Generator graph (the runtime's {@code MaskGitSampler} contract): {@code tokens} int64 [N, h, w],
 * {@code class_label} int64 [N] -> {@code logits} [N, h, w, K]. Training graph: the same plus
 * {@code targets} int64 [N, h, w] and {@code mask} float [N, h, w] (1 where the input was masked) ->
 * {@code loss}, the mean cross-entropy over masked positions.
 */
public final class MaskGitTransformer {
    public static final String TOKENS = "tokens";
    public static final String CLASS_LABEL = "class_label";
    public static final String LOGITS = "logits";
    public static final String TARGETS = "targets";
    public static final String MASK = "mask";
    public static final String LOSS = "loss";
    private static final float LN_EPS = 1e-5f;

    private MaskGitTransformer() {}

    /** tokens [N, h, w], labels [N] -> logits [N, L, K]. */
    public static Value logits(Layers l, MaskGitConfig cfg, Value tokens, Value labels) {
        GraphBuilder b = l.builder();
        int d = cfg.dim();
        int len = cfg.tokens();
        Value x;
        try (var s = b.scope("embed")) {
            Value flat = b.reshape(tokens, -1, len);
            Value tok = l.param("tok_emb.weight", Init.NORMAL_002, 0, cfg.codebookSize() + 1, d);
            Value pos = l.param("pos_emb", Init.NORMAL_002, 0, len, d);
            Value cls = l.param("cls_emb.weight", Init.NORMAL_002, 0, cfg.classes() + 1, d);
            x = b.add(b.op("Gather", List.of(tok, flat), Map.of("axis", 0)), pos);
            Value c = b.op("Gather", List.of(cls, labels), Map.of("axis", 0)); // [N, d]
            x = b.add(x, b.op("Unsqueeze", c, b.longs(1)));
        }
        for (int i = 0; i < cfg.depth(); i++) {
            x = block(l, cfg, "blocks." + i, x);
        }
        x = layerNorm(l, "norm", x, d);
        return l.linear("head", x, d, cfg.codebookSize(), true);
    }

    private static Value block(Layers l, MaskGitConfig cfg, String name, Value x) {
        GraphBuilder b = l.builder();
        int d = cfg.dim();
        int h = cfg.heads();
        int dh = d / h;
        Value y = layerNorm(l, name + ".norm1", x, d);
        Value qkv = l.linear(name + ".qkv", y, d, 3L * d, true);
        Value attended;
        try (var s = b.scope(name + ".attn")) {
            List<Value> parts = b.split(qkv, 2, d, d, d);
            Value q = heads(b, parts.get(0), h, dh);
            Value k = heads(b, parts.get(1), h, dh);
            Value v = heads(b, parts.get(2), h, dh);
            Value a = l.attention(q, k, v, (float) (1.0 / Math.sqrt(dh))); // [N, H, L, dh]
            attended = b.reshape(b.transpose(a, 0, 2, 1, 3), 0, 0, d);
        }
        x = add(b, name, x, l.linear(name + ".proj", attended, d, d, true));
        Value m = layerNorm(l, name + ".norm2", x, d);
        m = l.linear(name + ".fc1", m, d, (long) d * cfg.mlpRatio(), true);
        try (var s = b.scope(name + ".gelu")) {
            // exact GELU: 0.5 x (1 + erf(x / sqrt 2))
            m = b.mul(b.mul(m, b.scalar(0.5f)), b.add(b.scalar(1f), b.op("Erf", b.mul(m, b.scalar((float)
                    (1 / Math.sqrt(2)))))));
        }
        m = l.linear(name + ".fc2", m, (long) d * cfg.mlpRatio(), d, true);
        return add(b, name, x, m);
    }

    private static Value add(GraphBuilder b, String name, Value x, Value y) {
        try (var s = b.scope(name)) {
            return b.add(x, y);
        }
    }

    /** [N, L, d] -> [N, H, L, dh]. */
    private static Value heads(GraphBuilder b, Value x, int h, int dh) {
        return b.transpose(b.reshape(x, 0, 0, h, dh), 0, 2, 1, 3);
    }

    private static Value layerNorm(Layers l, String name, Value x, int d) {
        GraphBuilder b = l.builder();
        try (var s = b.scope(name)) {
            Value g = l.param(name + ".weight", Init.ONES, 0, d);
            Value beta = l.param(name + ".bias", Init.ZEROS, 0, d);
            return b.op("LayerNormalization", List.of(x, g, beta), Map.of("axis", -1, "epsilon", LN_EPS));
        }
    }

    /** The generator graph of the runtime contract. */
    public static Graph generator(MaskGitConfig cfg, Weights weights) {
        GraphBuilder b = new GraphBuilder("maskgit");
        Value tokens = b.input(TOKENS, DType.INT64, Shape.symbolic("batch", cfg.height(), cfg.width()));
        Value labels = b.input(CLASS_LABEL, DType.INT64, Shape.symbolic("batch"));
        Value logits = logits(new Layers(b, weights), cfg, tokens, labels);
        b.output(b.reshape(logits, -1, cfg.height(), cfg.width(), cfg.codebookSize()), LOGITS);
        return b.build();
    }

    /** The training graph: mean cross-entropy of the targets at the masked positions. */
    public static Graph objective(MaskGitConfig cfg, Weights weights) {
        GraphBuilder b = new GraphBuilder("maskgit_objective");
        Value tokens = b.input(TOKENS, DType.INT64, Shape.symbolic("batch", cfg.height(), cfg.width()));
        Value labels = b.input(CLASS_LABEL, DType.INT64, Shape.symbolic("batch"));
        Value targets = b.input(TARGETS, DType.INT64, Shape.symbolic("batch", cfg.height(), cfg.width()));
        Value mask = b.input(MASK, DType.FLOAT, Shape.symbolic("batch", cfg.height(), cfg.width()));
        Value logits = logits(new Layers(b, weights), cfg, tokens, labels); // [N, L, K]
        try (var s = b.scope("loss")) {
            Value logp = b.op("LogSoftmax", List.of(logits), Map.of("axis", -1));
            Value t = b.reshape(targets, -1, cfg.tokens());
            Value oneHot = b.op(
                    "OneHot",
                    List.of(
                            t,
                            b.longs(cfg.codebookSize()),
                            b.constant(org.eqvae4j.export.graph.Tensor.ofFloats("off_on", new long[] {2}, 0f, 1f))),
                    Map.of("axis", -1));
            Value nll = b.op("Neg", b.reduceSum(b.mul(oneHot, logp), false, 2)); // [N, L]
            Value m = b.reshape(mask, -1, cfg.tokens());
            Value total = b.reduceSum(b.mul(nll, m), false, 0, 1);
            Value count = b.op("Max", b.reduceSum(m, false, 0, 1), b.scalar(1f));
            b.output(b.div(total, count), LOSS);
        }
        return b.build();
    }
}
