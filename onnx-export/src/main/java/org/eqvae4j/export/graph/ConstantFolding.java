package org.eqvae4j.export.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates at build time what a graph computes from constants alone, the way exporters such as
 * torch.onnx leave it: {@code Constant} nodes, and shape arithmetic ({@code Shape} of a value whose shape
 * is static, then Gather, Concat, Unsqueeze, Slice, Cast, integer arithmetic, Range, ...). Folded values
 * become initializers, so that later passes see a Reshape's target or a Resize's sizes as constants and
 * know the shapes that follow. Parameters are never folded into anything, and nothing larger than
 * {@link #MAX_ELEMENTS} elements is materialised.
 */
public final class ConstantFolding {
    /** Larger results stay computed at run time (a folded ConstantOfShape must not bloat the model). */
    public static final int MAX_ELEMENTS = 4096;

    private ConstantFolding() {}

    /** Ops with several outputs whose first output's shape {@link ShapeInference} knows. */
    private static final Set<String> MULTI_OUTPUT_INFERABLE =
            Set.of("Dropout", "MaxPool", "BatchNormalization", "LayerNormalization");

    private static long staticDims(Shape s) {
        return s.dims().stream().filter(Shape.Dim::isStatic).count();
    }

    /** The graph with constant computations replaced by initializers; unused folded intermediates are dropped. */
    public static Graph fold(Graph g) {
        Map<String, Tensor> initializers = new LinkedHashMap<>(g.initializers());
        Map<String, Tensor> constants = new HashMap<>();
        g.initializers().forEach((name, t) -> {
            if (!g.parameterNames().contains(name)) {
                constants.put(name, t);
            }
        });
        Map<String, Value> known = new HashMap<>();
        g.inputs().forEach(v -> known.put(v.name(), v));
        initializers.values().forEach(t -> known.put(t.name(), new Value(t.name(), t.dtype(), Shape.of(t.dims()))));
        Set<String> folded = new HashSet<>();
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            List<Value> in = new ArrayList<>();
            for (Value v : n.inputs()) {
                in.add(v == null ? null : known.getOrDefault(v.name(), v));
            }
            Tensor value = n.domain().isEmpty() && n.outputs().size() == 1 ? evaluate(n, in, constants) : null;
            if (value != null && value.numElements() <= MAX_ELEMENTS) {
                String name = n.output(0).name();
                Tensor t = value.renamed(name);
                initializers.put(name, t);
                constants.put(name, t);
                folded.add(name);
                known.put(name, new Value(name, t.dtype(), Shape.of(t.dims())));
                continue;
            }
            List<Value> outs = new ArrayList<>();
            for (int i = 0; i < n.outputs().size(); i++) {
                Value o = n.outputs().get(i);
                Shape shape = o.shape();
                boolean inferable = n.domain().isEmpty()
                        && (n.outputs().size() == 1 || (i == 0 && MULTI_OUTPUT_INFERABLE.contains(n.opType())));
                if ((shape == null || !shape.isStatic()) && inferable) {
                    // exporters write value_info with symbolic dimensions where their own inference gave up
                    Shape inferred = ShapeInference.infer(n.opType(), in, n.attributes(), constants);
                    if (inferred != null && (shape == null || staticDims(inferred) > staticDims(shape))) {
                        shape = inferred;
                    }
                }
                DType dtype = o.dtype() != null || !n.domain().isEmpty()
                        ? o.dtype()
                        : GraphBuilder.outputDType(n.opType(), in, n.attributes(), i);
                Value typed = new Value(o.name(), dtype, shape);
                outs.add(typed);
                known.put(o.name(), typed);
            }
            nodes.add(new Node(n.name(), n.opType(), n.domain(), in, outs, n.attributes()));
        }
        // folded values only some other folded value used are not needed any more
        Set<String> used = new HashSet<>();
        nodes.forEach(n -> n.inputs().forEach(v -> {
            if (v != null) {
                used.add(v.name());
            }
        }));
        g.outputs().forEach(v -> used.add(v.name()));
        initializers.keySet().removeIf(name -> folded.contains(name) && !used.contains(name));
        List<Value> outputs = new ArrayList<>();
        for (Value o : g.outputs()) {
            Value k = known.get(o.name());
            outputs.add(o.dtype() == null && k != null ? k : o);
        }
        return new Graph(g.name(), g.inputs(), outputs, initializers, nodes, g.opsetImports(), g.parameterNames());
    }

    /** The node's single output when it can be computed now, else null. */
    static Tensor evaluate(Node n, List<Value> in, Map<String, Tensor> constants) {
        String op = n.opType();
        if (op.equals("Constant")) {
            return constantNode(n);
        }
        if (op.equals("Shape") || op.equals("Size")) {
            Shape s = in.get(0).shape();
            if (s == null || !s.isStatic()) {
                return null;
            }
            if (op.equals("Size")) {
                return Tensor.ofLongs("", new long[0], s.numElements());
            }
            long[] dims = s.toArray();
            int rank = dims.length;
            int start = (int) clampAxis(n.attrLong("start", 0), rank);
            int end = (int) clampAxis(n.attrLong("end", rank), rank);
            long[] part = java.util.Arrays.copyOfRange(dims, start, Math.max(start, end));
            return Tensor.vector("", part);
        }
        List<Tensor> args = new ArrayList<>();
        for (Value v : in) {
            if (v == null) {
                args.add(null);
                continue;
            }
            Tensor t = constants.get(v.name());
            if (t == null) {
                return null;
            }
            args.add(t);
        }
        if (args.isEmpty()) {
            return null;
        }
        return ConstantOps.apply(n, args);
    }

    private static long clampAxis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        return Math.max(0, Math.min(a, rank));
    }

    private static Tensor constantNode(Node n) {
        if (n.attribute("value") != null) {
            return n.attribute("value").asTensor();
        }
        if (n.attribute("value_float") != null) {
            return Tensor.ofFloats("", new long[0], n.attrFloat("value_float", 0f));
        }
        if (n.attribute("value_int") != null) {
            return Tensor.ofLongs("", new long[0], n.attrLong("value_int", 0));
        }
        if (n.attribute("value_ints") != null) {
            return Tensor.vector("", n.attrLongs("value_ints", new long[0]));
        }
        if (n.attribute("value_floats") != null) {
            float[] f = n.attribute("value_floats").asFloats();
            return Tensor.ofFloats("", new long[] {f.length}, f);
        }
        return null;
    }

    /** Raw little-endian bytes of numbers in the given element type. */
    static Tensor tensor(DType dtype, long[] dims, double[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            switch (dtype) {
                case FLOAT -> b.putFloat((float) v);
                case DOUBLE -> b.putDouble(v);
                case INT64 -> b.putLong((long) v);
                case INT32 -> b.putInt((int) v);
                case INT8, UINT8 -> b.put((byte) (long) v);
                case BOOL -> b.put((byte) (v != 0 ? 1 : 0));
                default -> throw new IllegalArgumentException("cannot fold a " + dtype + " constant");
            }
        }
        return new Tensor("", dtype, dims, b.array());
    }
}
