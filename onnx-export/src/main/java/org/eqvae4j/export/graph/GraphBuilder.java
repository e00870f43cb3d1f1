package org.eqvae4j.export.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link Graph} op by op. Values carry dtype and (where derivable) shape; node and value
 * names follow the current {@link #scope(String) scope}, so a graph reads like the module tree it came
 * from ("encoder.3/conv.0/Conv"). Sub-blocks are plain Java methods that take the builder and a value
 * and return a value.
 *
 * <p>Opset: ai.onnx 17 (ReduceMean takes axes as an attribute; ReduceSum, Resize, Slice take them as
 * inputs), which is what ONNX Runtime's training contract was verified with.
 */
public final class GraphBuilder {
    public static final long OPSET = 17;

    private final String graphName;
    private final List<Value> inputs = new ArrayList<>();
    private final List<Value> outputs = new ArrayList<>();
    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    private final Set<String> parameters = new HashSet<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Long> opsets = new LinkedHashMap<>();
    private final Set<String> usedNames = new HashSet<>();
    private final Set<String> usedNodeNames = new HashSet<>();
    private final Map<String, Integer> counters = new HashMap<>();
    private final Deque<String> scopes = new ArrayDeque<>();
    /** Ops whose further outputs have the first output's shape (Dropout's mask, MaxPool's indices). */
    private static final Set<String> SAME_SHAPE_EXTRA_OUTPUTS = Set.of("Dropout", "MaxPool", "BatchNormalization");
    /** Outputs of Shape nodes and the shape they hold, so Reshape(x, Shape(y)) keeps y's shape. */
    private final Map<String, Shape> shapeOutputs = new HashMap<>();

    public GraphBuilder(String graphName) {
        this.graphName = graphName;
        opsets.put("", OPSET);
    }

    /**
     * A builder that continues an existing graph: its inputs, initializers (and which of them are
     * parameters), nodes and opsets are taken over; outputs are not, so the caller declares them anew.
     * Values without a shape get one from {@link ShapeInference} where it can tell.
     */
    public static GraphBuilder from(Graph g) {
        GraphBuilder b = new GraphBuilder(g.name());
        b.opsets.putAll(g.opsetImports());
        for (Value v : g.inputs()) {
            b.inputs.add(v);
            b.usedNames.add(v.name());
        }
        for (Tensor t : g.initializers().values()) {
            b.initializers.put(t.name(), t);
            b.usedNames.add(t.name());
        }
        b.parameters.addAll(g.parameterNames());
        java.util.Map<String, Value> known = new HashMap<>();
        g.inputs().forEach(v -> known.put(v.name(), v));
        g.initializers().values().forEach(t -> known.put(t.name(), new Value(t.name(), t.dtype(), Shape.of(t.dims()))));
        for (Node n : g.nodes()) {
            List<Value> in = new ArrayList<>();
            for (Value v : n.inputs()) {
                in.add(v == null ? null : known.getOrDefault(v.name(), v));
            }
            List<Value> outs = n.outputs();
            if (outs.size() == 1 && outs.get(0).shape() == null) {
                Shape s = ShapeInference.infer(n.opType(), in, n.attributes(), b.initializers);
                if (s != null) {
                    outs = List.of(new Value(outs.get(0).name(), outs.get(0).dtype(), s));
                }
            }
            if (outs.stream().anyMatch(o -> o.dtype() == null) && n.domain().isEmpty()) {
                // a model read from a file without value_info: infer the element types (Shape is int64, ...)
                List<Value> typed = new ArrayList<>();
                for (int i = 0; i < outs.size(); i++) {
                    Value o = outs.get(i);
                    typed.add(
                            o.dtype() != null
                                    ? o
                                    : new Value(o.name(), outputDType(n.opType(), in, n.attributes(), i), o.shape()));
                }
                outs = typed;
            }
            Node copy = new Node(n.name(), n.opType(), n.domain(), in, outs, n.attributes());
            b.nodes.add(copy);
            b.usedNodeNames.add(n.name());
            for (Value v : outs) {
                b.usedNames.add(v.name());
                known.put(v.name(), v);
            }
        }
        return b;
    }

    /** The value of this name as the builder knows it (input, initializer or node output), or null. */
    public Value value(String name) {
        for (Value v : inputs) {
            if (v.name().equals(name)) {
                return v;
            }
        }
        Tensor t = initializers.get(name);
        if (t != null) {
            return new Value(name, t.dtype(), Shape.of(t.dims()));
        }
        for (Node n : nodes) {
            for (Value v : n.outputs()) {
                if (v.name().equals(name)) {
                    return v;
                }
            }
        }
        return null;
    }

    public List<Node> nodes() {
        return java.util.Collections.unmodifiableList(nodes);
    }

    // ---------------------------------------------------------------- structure

    /** Opens a naming scope; close it (try-with-resources) to return to the enclosing one. */
    public Scope scope(String name) {
        scopes.push(scopes.isEmpty() ? name : scopes.peek() + "/" + name);
        return scopes::pop;
    }

    /** A scope that closes without checked exceptions. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    public Value input(String name, DType dtype, Shape shape) {
        Value v = new Value(claim(name), dtype, shape);
        inputs.add(v);
        return v;
    }

    /** Marks a value as a graph output under the given name (adding an Identity if it is named otherwise). */
    public Value output(Value v, String name) {
        Value out = v;
        if (!v.name().equals(name) || isInputOrInitializer(v)) {
            out = new Value(claim(name), v.dtype(), v.shape());
            nodes.add(new Node(uniqueNodeName("Identity_" + name), "Identity", "", List.of(v), List.of(out), Map.of()));
        }
        outputs.add(out);
        return out;
    }

    /**
     * A named weight (the name is kept exactly, e.g. a state-dict key). Asking again for an existing
     * parameter returns it, so a module applied twice (an encoder on x and on tau(x)) shares weights.
     */
    public Value parameter(String name, Tensor value) {
        if (parameters.contains(name)) {
            Tensor existing = initializers.get(name);
            if (!java.util.Arrays.equals(existing.dims(), value.dims())) {
                throw new IllegalArgumentException(
                        "parameter '" + name + "' reused with shape " + java.util.Arrays.toString(value.dims())
                                + ", first declared " + java.util.Arrays.toString(existing.dims()));
            }
            return new Value(name, existing.dtype(), Shape.of(existing.dims()));
        }
        Tensor t = value.renamed(claim(name));
        initializers.put(t.name(), t);
        parameters.add(t.name());
        return new Value(t.name(), t.dtype(), Shape.of(t.dims()));
    }

    /** A named non-learnable state tensor (e.g. BatchNorm running statistics), kept by exact name. */
    public Value buffer(String name, Tensor value) {
        Tensor t = value.renamed(claim(name));
        initializers.put(t.name(), t);
        return new Value(t.name(), t.dtype(), Shape.of(t.dims()));
    }

    /**
     * Copies another graph's computation into this one (e.g. a frozen feature network inside a loss):
     * its initializers become constants named {@code prefix + name} (shared by every inlining with the
     * same prefix), its nodes are added under the current scope, its inputs are bound to {@code inputs}
     * by name. An initializer whose name is also bound in {@code inputs} takes that value instead (e.g. a
     * parameter of this graph, so that several inlinings share trainable weights). Returns the copies of
     * its outputs by name.
     */
    public Map<String, Value> inline(Graph g, Map<String, Value> inputs, String prefix) {
        Map<String, Value> bound = new HashMap<>();
        for (Value in : g.inputs()) {
            Value v = inputs.get(in.name());
            if (v == null) {
                throw new IllegalArgumentException(
                        "inlining '" + g.name() + "': no value bound to its input '" + in.name() + "'");
            }
            bound.put(in.name(), v);
        }
        for (Tensor t : g.initializers().values()) {
            Value given = inputs.get(t.name());
            if (given != null) {
                bound.put(t.name(), given);
                continue;
            }
            String name = prefix + t.name();
            if (!initializers.containsKey(name)) {
                buffer(name, t);
            }
            bound.put(t.name(), new Value(name, t.dtype(), Shape.of(t.dims())));
        }
        for (Node n : g.nodes()) {
            List<Value> in = new ArrayList<>();
            for (Value v : n.inputs()) {
                if (v == null) {
                    in.add(null);
                } else {
                    Value b = bound.get(v.name());
                    if (b == null) {
                        throw new IllegalArgumentException("inlining '" + g.name() + "': node " + n.describe()
                                + " reads '" + v.name() + "' before it is computed");
                    }
                    in.add(b);
                }
            }
            List<Value> outs =
                    op(n.domain(), n.opType(), in, n.attributes(), n.outputs().size());
            for (int i = 0; i < outs.size(); i++) {
                bound.put(n.outputs().get(i).name(), outs.get(i));
            }
        }
        Map<String, Value> result = new LinkedHashMap<>();
        for (Value out : g.outputs()) {
            result.put(out.name(), bound.get(out.name()));
        }
        return result;
    }

    /**
     * Op name of the nodes {@link #stopGradient} adds: an ONNX Identity whose node name ends in
     * {@code /StopGradient} or {@code /StopGradient_<n>} (or is exactly that). ONNX has no stop-gradient
     * op; the node name carries the mark, so it survives writing and reading the model.
     */
    public static final String STOP_GRADIENT = "StopGradient";

    /**
     * The same value, treated as a constant by {@code Autodiff} (PyTorch's {@code detach()}): an Identity
     * node marked by its name (see {@link #STOP_GRADIENT}). Values computed from it carry no gradient back
     * through it.
     */
    public Value stopGradient(Value v) {
        String nodeName = uniqueNodeName(STOP_GRADIENT);
        Value out = new Value(claim(nodeName), v.dtype(), v.shape());
        nodes.add(new Node(nodeName, "Identity", "", List.of(v), List.of(out), Map.of()));
        return out;
    }

    /** Whether a node is a {@link #stopGradient} mark. */
    public static boolean isStopGradient(Node n) {
        if (!n.opType().equals("Identity") || !n.domain().isEmpty()) {
            return false;
        }
        String last = n.name().substring(n.name().lastIndexOf('/') + 1);
        return last.equals(STOP_GRADIENT) || last.matches(STOP_GRADIENT + "_[0-9]+");
    }

    /** An anonymous constant initializer, named after the current scope. */
    public Value constant(Tensor value) {
        String name = uniqueName(value.name() == null || value.name().isEmpty() ? "const" : value.name());
        Tensor t = value.renamed(name);
        initializers.put(name, t);
        return new Value(name, t.dtype(), Shape.of(t.dims()));
    }

    public Value scalar(float v) {
        return constant(Tensor.scalar("c", v));
    }

    public Value longs(long... v) {
        return constant(Tensor.vector("ints", v));
    }

    public void useOpset(String domain, long version) {
        opsets.put(domain, version);
    }

    /** The default-domain (ai.onnx) opset version the graph is built for. */
    public long opset() {
        return opsets.getOrDefault("", OPSET);
    }

    public Graph build() {
        if (outputs.isEmpty()) {
            throw new IllegalStateException("graph '" + graphName + "' has no outputs");
        }
        return new Graph(graphName, inputs, outputs, initializers, nodes, opsets, parameters);
    }

    /** Whether the value is one of this graph's parameters (learnable initializers). */
    public boolean isParameter(Value v) {
        return v != null && parameters.contains(v.name());
    }

    /** Tensor value of an initializer, or null when the value is computed. */
    public Tensor constantValue(Value v) {
        return v == null ? null : initializers.get(v.name());
    }

    // ---------------------------------------------------------------- generic op

    public Value op(String opType, List<Value> in, Map<String, ?> attrs) {
        return op("", opType, in, attrs, 1).get(0);
    }

    public Value op(String opType, Value... in) {
        return op(opType, List.of(in), Map.of());
    }

    /**
     * Adds a node and returns its outputs. Output dtype follows the first input except for ops that
     * say otherwise (Shape, Cast, comparisons); shape comes from {@link ShapeInference} where it can.
     */
    public List<Value> op(String domain, String opType, List<Value> in, Map<String, ?> attrs, int outputCount) {
        Map<String, Attribute> a = new LinkedHashMap<>();
        attrs.forEach((k, v) -> a.put(k, Attribute.of(v)));
        String nodeName = uniqueNodeName(opType);
        Shape shape = outputCount == 1 ? ShapeInference.infer(opType, in, a, initializers) : null;
        if (opType.equals("Reshape")
                && in.get(1) != null
                && shapeOutputs.containsKey(in.get(1).name())) {
            shape = shapeOutputs.get(in.get(1).name());
        }
        if (outputCount > 1 && SAME_SHAPE_EXTRA_OUTPUTS.contains(opType)) {
            shape = ShapeInference.infer(opType, in, a, initializers);
        }
        List<Value> outs = new ArrayList<>();
        for (int i = 0; i < outputCount; i++) {
            Shape s = outputCount == 1
                    ? shape
                    : SAME_SHAPE_EXTRA_OUTPUTS.contains(opType)
                            ? (i == 0 || !opType.equals("BatchNormalization") ? shape : null)
                            : splitShape(opType, in, a, i);
            DType dtype = domain.isEmpty() ? outputDType(opType, in, a, i) : outputDType(opType, in, a);
            outs.add(new Value(claim(outputCount == 1 ? nodeName : nodeName + ":" + i), dtype, s));
        }
        nodes.add(new Node(nodeName, opType, domain, in, outs, a));
        if (opType.equals("Shape") && in.get(0).shape() != null && a.isEmpty()) {
            shapeOutputs.put(outs.get(0).name(), in.get(0).shape());
        }
        return outs;
    }

    /**
     * Adds a node whose optional outputs may be left out: output i is computed only when
     * {@code wanted[i]}; the others are written with the empty name, which tells ONNX Runtime not to
     * produce them (e.g. the weight gradient of a ConvGrad whose weight is frozen). Returns the outputs,
     * null where left out.
     */
    public List<Value> opWithOptionalOutputs(
            String domain, String opType, List<Value> in, Map<String, ?> attrs, boolean[] wanted) {
        Map<String, Attribute> a = new LinkedHashMap<>();
        attrs.forEach((k, v) -> a.put(k, Attribute.of(v)));
        String nodeName = uniqueNodeName(opType);
        DType dtype = outputDType(opType, in, a);
        List<Value> outs = new ArrayList<>();
        List<Value> result = new ArrayList<>();
        for (int i = 0; i < wanted.length; i++) {
            Value v = wanted[i] ? new Value(claim(nodeName + ":" + i), dtype, null) : new Value("", dtype, null);
            outs.add(v);
            result.add(wanted[i] ? v : null);
        }
        nodes.add(new Node(nodeName, opType, domain, in, outs, a));
        return result;
    }

    /** Shape of output i of a Split with constant sizes. */
    private Shape splitShape(String opType, List<Value> in, Map<String, Attribute> a, int i) {
        Tensor sizes = opType.equals("Split") && in.size() > 1 ? constantValue(in.get(1)) : null;
        Shape x = in.get(0).shape();
        if (sizes == null || x == null) {
            return null;
        }
        int axis = (int) (a.containsKey("axis") ? a.get("axis").asLong() : 0);
        List<Shape.Dim> d = new ArrayList<>(x.dims());
        d.set(axis < 0 ? axis + x.rank() : axis, Shape.Dim.of(sizes.toLongs()[i]));
        return new Shape(d);
    }

    private static DType outputDType(String opType, List<Value> in, Map<String, Attribute> a) {
        return outputDType(opType, in, a, 0);
    }

    /** Element type of output {@code index} of a default-domain op; null when it follows an input of unknown type. */
    static DType outputDType(String opType, List<Value> in, Map<String, Attribute> a, int index) {
        return switch (opType) {
            case "Shape", "Size", "ArgMin", "ArgMax", "NonZero" -> DType.INT64;
            case "Cast" -> DType.fromOnnx((int) a.get("to").asLong());
            case "CastLike" -> in.get(1).dtype();
            case "OneHot" -> in.get(2).dtype();
            case "ConstantOfShape" ->
                a.containsKey("value") ? a.get("value").asTensor().dtype() : DType.FLOAT;
            case "Constant" ->
                a.containsKey("value")
                        ? a.get("value").asTensor().dtype()
                        : a.containsKey("value_float") || a.containsKey("value_floats") ? DType.FLOAT : DType.INT64;
            case "Equal",
                    "Greater",
                    "Less",
                    "GreaterOrEqual",
                    "LessOrEqual",
                    "IsNaN",
                    "IsInf",
                    "Not",
                    "And",
                    "Or",
                    "Xor" -> DType.BOOL;
            case "Where" -> in.get(1).dtype();
            // Dropout's mask; MaxPool's indices
            case "Dropout" -> index == 1 ? DType.BOOL : in.get(0).dtype();
            case "MaxPool" -> index == 1 ? DType.INT64 : in.get(0).dtype();
            default ->
                in.isEmpty() || in.get(0) == null ? DType.FLOAT : in.get(0).dtype();
        };
    }

    // ---------------------------------------------------------------- common ops

    public Value add(Value a, Value b) {
        return op("Add", a, b);
    }

    public Value sub(Value a, Value b) {
        return op("Sub", a, b);
    }

    public Value mul(Value a, Value b) {
        return op("Mul", a, b);
    }

    public Value div(Value a, Value b) {
        return op("Div", a, b);
    }

    public Value relu(Value x) {
        return op("Relu", x);
    }

    public Value sigmoid(Value x) {
        return op("Sigmoid", x);
    }

    public Value tanh(Value x) {
        return op("Tanh", x);
    }

    /** SiLU / swish, x * sigmoid(x), written with standard ops so every provider and autodiff handle it. */
    public Value silu(Value x) {
        return mul(x, sigmoid(x));
    }

    public Value leakyRelu(Value x, float alpha) {
        return op("LeakyRelu", List.of(x), Map.of("alpha", alpha));
    }

    public Value sqrt(Value x) {
        return op("Sqrt", x);
    }

    public Value exp(Value x) {
        return op("Exp", x);
    }

    public Value matmul(Value a, Value b) {
        return op("MatMul", a, b);
    }

    public Value softmax(Value x, int axis) {
        return op("Softmax", List.of(x), Map.of("axis", axis));
    }

    public Value clip(Value x, float min, float max) {
        return op("Clip", List.of(x, scalar(min), scalar(max)), Map.of());
    }

    public Value transpose(Value x, long... perm) {
        return op("Transpose", List.of(x), Map.of("perm", perm));
    }

    /** Reshape to a static target; 0 copies the input dimension and -1 is inferred, as in ONNX. */
    public Value reshape(Value x, long... shape) {
        return op("Reshape", x, longs(shape));
    }

    /** ReduceMean over {@code axes}, or over all axes when none are given. */
    public Value reduceMean(Value x, boolean keepDims, long... axes) {
        return reduce("ReduceMean", x, keepDims, axes);
    }

    /**
     * A Reduce* op over {@code axes} (all axes when none are given), in the form the graph's opset wants:
     * axes as an attribute before opset 18 (ReduceSum: 13), as an input from then on.
     */
    public Value reduce(String opType, Value x, boolean keepDims, long... axes) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("keepdims", keepDims ? 1 : 0);
        if (axes.length == 0) {
            return op(opType, List.of(x), attrs);
        }
        boolean axesInput = opset() >= (opType.equals("ReduceSum") ? 13 : 18);
        if (axesInput) {
            return op(opType, List.of(x, longs(axes)), attrs);
        }
        attrs.put("axes", axes);
        return op(opType, List.of(x), attrs);
    }

    public Value reduceSum(Value x, boolean keepDims, long... axes) {
        return reduce("ReduceSum", x, keepDims, axes);
    }

    /** Unsqueeze with axes as an input (opset 13 on) or an attribute (before). */
    public Value unsqueeze(Value x, long... axes) {
        return opset() >= 13 ? op("Unsqueeze", x, longs(axes)) : op("Unsqueeze", List.of(x), Map.of("axes", axes));
    }

    public Value concat(int axis, Value... parts) {
        return op("Concat", List.of(parts), Map.of("axis", axis));
    }

    public List<Value> split(Value x, int axis, long... sizes) {
        return op("", "Split", List.of(x, longs(sizes)), Map.of("axis", axis), sizes.length);
    }

    /** 2-D convolution (NCHW) with optional bias; pads are [top, left, bottom, right]. */
    public Value conv(Value x, Value weight, Value bias, long[] strides, long[] pads, long group) {
        List<Value> in = bias == null ? List.of(x, weight) : List.of(x, weight, bias);
        Map<String, Object> attrs = new LinkedHashMap<>();
        long[] w = weight.shape().toArray();
        attrs.put("kernel_shape", new long[] {w[2], w[3]});
        attrs.put("strides", strides);
        attrs.put("pads", pads);
        if (group != 1) {
            attrs.put("group", group);
        }
        return op("Conv", in, attrs);
    }

    /** Resize by integer/float factors on H and W (NCHW) with the given mode ("nearest" or "linear"). */
    public Value resizeByScale(Value x, float scaleH, float scaleW, String mode) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("mode", mode);
        if (mode.equals("nearest")) {
            // PyTorch's nn.Upsample(mode="nearest") indexing: floor(out_index / scale)
            attrs.put("coordinate_transformation_mode", "asymmetric");
            attrs.put("nearest_mode", "floor");
        } else {
            attrs.put("coordinate_transformation_mode", "half_pixel");
        }
        Value scales = constant(Tensor.ofFloats("scales", new long[] {4}, 1f, 1f, scaleH, scaleW));
        return op("Resize", java.util.Arrays.asList(x, null, scales), attrs);
    }

    // ---------------------------------------------------------------- naming

    private boolean isInputOrInitializer(Value v) {
        return initializers.containsKey(v.name()) || inputs.contains(v);
    }

    /** Node names live in their own namespace; a node's single output takes the node's name. */
    private String uniqueNodeName(String opType) {
        String prefix = scopes.isEmpty() ? opType : scopes.peek() + "/" + opType;
        int n = counters.merge(prefix, 1, Integer::sum);
        String name = n == 1 ? prefix : prefix + "_" + n;
        while (usedNodeNames.contains(name) || usedNames.contains(name)) {
            n = counters.merge(prefix, 1, Integer::sum);
            name = prefix + "_" + n;
        }
        usedNodeNames.add(name);
        return name;
    }

    private String uniqueName(String base) {
        String prefix = scopes.isEmpty() ? base : scopes.peek() + "/" + base;
        String name = prefix;
        int n = 1;
        while (usedNames.contains(name)) {
            name = prefix + "_" + (++n);
        }
        usedNames.add(name);
        return name;
    }

    private String claim(String name) {
        if (!usedNames.add(name)) {
            throw new IllegalArgumentException("graph '" + graphName + "' already has a value named '" + name + "'");
        }
        return name;
    }
}
