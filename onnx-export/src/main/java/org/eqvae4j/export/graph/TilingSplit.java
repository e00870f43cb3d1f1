package org.eqvae4j.export.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Cuts an encoder or decoder into a part that must see the whole image and a part that may run tile by
 * tile. Whole-image operations (GroupNorm statistics, any reduction) make a tile's output depend on the
 * rest of the image, so blended tiles never match an untiled run (TAEF2's mid blocks: about 29 dB).
 * When those operations all sit at the latent resolution (the decoder's start, the encoder's end), the
 * runtime runs that part on the whole latent-sized tensor, which is cheap, and tiles the rest, which is
 * local and holds almost all of the cost and memory.
 *
 * <p>The cut is a single tensor through which everything flows (no skip connection crosses it), found
 * after the last whole-image op of a decoder or before the first one of an encoder. No split is offered
 * when the model has no whole-image ops (it tiles as it is), or when the whole part would change the
 * resolution (the ops are spread through the model, as in SD-VAE).
 */
public final class TilingSplit {
    /** @param global run on the whole tensor; @param local run per tile; the cut value joins them */
    public record Parts(Graph global, Graph local, Value cut) {}

    private static final Set<String> GLOBAL_OPS = Set.of(
            "ReduceMean",
            "ReduceSum",
            "ReduceMax",
            "ReduceMin",
            "ReduceProd",
            "ReduceL1",
            "ReduceL2",
            "ReduceLogSum",
            "ReduceLogSumExp",
            "ReduceSumSquare",
            "GlobalAveragePool",
            "GlobalMaxPool",
            "GlobalLpPool",
            "GroupNormalization",
            "InstanceNormalization",
            "LayerNormalization",
            "MeanVarianceNormalization");
    private static final Set<String> RESAMPLING_OPS = Set.of(
            "Resize", "Upsample", "ConvTranspose", "DepthToSpace", "SpaceToDepth", "MaxPool", "AveragePool", "LpPool");

    private TilingSplit() {}

    /** latent -> global part -> cut -> local part -> image. */
    public static Optional<Parts> decoder(Graph g) {
        Analysis a = new Analysis(g);
        if (a.globalNodes.isEmpty()) {
            return Optional.empty();
        }
        int last = a.globalNodes.get(a.globalNodes.size() - 1);
        return a.cuts.keySet().stream().filter(i -> i > last).findFirst().flatMap(i -> a.parts(i, true));
    }

    /** image -> local part -> cut -> global part -> latent. */
    public static Optional<Parts> encoder(Graph g) {
        Analysis a = new Analysis(g);
        if (a.globalNodes.isEmpty()) {
            return Optional.empty();
        }
        int first = a.globalNodes.get(0);
        return a.cuts.keySet().stream()
                .filter(i -> i < first)
                .reduce((x, y) -> y)
                .flatMap(i -> a.parts(i, false));
    }

    /** Which nodes compute constants, where a single value carries everything, where the global ops are. */
    private static final class Analysis {
        final Graph g;
        final List<Node> nodes;
        final Set<String> constants = new HashSet<>();
        /** node index -> the only live value after that node */
        final Map<Integer, Value> cuts = new LinkedHashMap<>();

        final List<Integer> globalNodes = new ArrayList<>();

        Analysis(Graph g) {
            this.g = g;
            this.nodes = g.nodes();
            constants.addAll(g.initializers().keySet());
            Map<String, Integer> lastUse = new HashMap<>();
            for (int i = 0; i < nodes.size(); i++) {
                Node n = nodes.get(i);
                if (isConstant(n)) {
                    n.outputs().forEach(v -> constants.add(v.name()));
                    continue;
                }
                for (Value v : n.inputs()) {
                    if (v != null && !constants.contains(v.name())) {
                        lastUse.put(v.name(), i);
                    }
                }
                if (GLOBAL_OPS.contains(n.opType())) {
                    globalNodes.add(i);
                }
            }
            g.outputs().forEach(v -> lastUse.put(v.name(), Integer.MAX_VALUE));
            Map<String, Value> live = new LinkedHashMap<>();
            g.inputs().stream().filter(v -> !constants.contains(v.name())).forEach(v -> live.put(v.name(), v));
            for (int i = 0; i < nodes.size(); i++) {
                Node n = nodes.get(i);
                if (isConstant(n)) {
                    continue;
                }
                for (Value v : n.inputs()) {
                    if (v != null && lastUse.getOrDefault(v.name(), -1) == i) {
                        live.remove(v.name());
                    }
                }
                for (Value v : n.outputs()) {
                    if (lastUse.getOrDefault(v.name(), -1) > i) {
                        live.put(v.name(), v);
                    }
                }
                if (live.size() == 1) {
                    cuts.put(i, live.values().iterator().next());
                }
            }
        }

        private boolean isConstant(Node n) {
            return n.inputs().stream().allMatch(v -> v == null || constants.contains(v.name()));
        }

        /** Nodes up to and including {@code cut} form the first part. */
        Optional<Parts> parts(int cut, boolean globalFirst) {
            Value joint = cuts.get(cut);
            if (g.outputs().contains(joint)) {
                return Optional.empty();
            }
            List<Node> first = new ArrayList<>();
            List<Node> second = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                if (!isConstant(nodes.get(i))) {
                    (i <= cut ? first : second).add(nodes.get(i));
                }
            }
            List<Node> global = globalFirst ? first : second;
            if (global.stream().anyMatch(Analysis::resamples)) {
                return Optional.empty();
            }
            Graph a = subgraph(g.name() + (globalFirst ? ".global" : ".local"), first, g.inputs(), List.of(joint));
            Graph b = subgraph(g.name() + (globalFirst ? ".local" : ".global"), second, List.of(joint), g.outputs());
            return Optional.of(globalFirst ? new Parts(a, b, joint) : new Parts(b, a, joint));
        }

        private static boolean resamples(Node n) {
            if (RESAMPLING_OPS.contains(n.opType())) {
                return true;
            }
            long[] strides = n.attrLongs("strides", new long[0]);
            for (long s : strides) {
                if (s != 1) {
                    return true;
                }
            }
            return false;
        }

        /** The given nodes plus the constant nodes and initializers they read, in the original order. */
        private Graph subgraph(String name, List<Node> part, List<Value> inputs, List<Value> outputs) {
            Set<String> needed = new HashSet<>();
            part.forEach(n -> n.inputs().forEach(v -> {
                if (v != null) {
                    needed.add(v.name());
                }
            }));
            Set<Node> keep = new LinkedHashSet<>(part);
            for (int i = nodes.size() - 1; i >= 0; i--) { // constant nodes feeding the part, backwards
                Node n = nodes.get(i);
                if (isConstant(n) && n.outputs().stream().anyMatch(v -> needed.contains(v.name()))) {
                    keep.add(n);
                    n.inputs().forEach(v -> {
                        if (v != null) {
                            needed.add(v.name());
                        }
                    });
                }
            }
            List<Node> ordered = nodes.stream().filter(keep::contains).toList();
            Map<String, Tensor> inits = new LinkedHashMap<>();
            g.initializers().forEach((k, t) -> {
                if (needed.contains(k)) {
                    inits.put(k, t);
                }
            });
            Set<String> params = new HashSet<>(g.parameterNames());
            params.retainAll(inits.keySet());
            return new Graph(name, inputs, outputs, inits, ordered, g.opsetImports(), params);
        }
    }
}
