package org.eqvae4j.export.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.export.onnx.OnnxReader;
import org.eqvae4j.export.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The artifact contract checked structurally (ONNX Runtime itself loads and trains artifacts in the
 * training module's tests). The graph: loss = sum(x * w * c) + sum(f) with a trainable w, a frozen f and
 * a constant c; w_grad = sum over the batch of x, times c.
 */
class TrainingArtifactsTest {

    private static Graph gradientGraph(boolean withGradient) {
        GraphBuilder b = new GraphBuilder("grad");
        Value x = b.input("x", DType.FLOAT, Shape.symbolic("n", 3));
        Value w = b.parameter("w", Tensor.ofFloats("w", new long[] {3}, 1f, 2f, 3f));
        Value f = b.parameter("f", Tensor.ofFloats("f", new long[] {3}, 0.5f, 0.5f, 0.5f));
        Value c = b.constant(Tensor.ofFloats("c", new long[] {3}, 2f, 2f, 2f));
        Value loss = b.add(b.reduceSum(b.mul(b.mul(x, w), c), false, 0, 1), b.reduceSum(f, false, 0));
        b.output(loss, "loss");
        if (withGradient) {
            b.output(b.mul(b.reduceSum(x, false, 0), c), "w_grad");
        }
        return b.build();
    }

    private static Graph evalGraph() {
        GraphBuilder b = new GraphBuilder("eval");
        Value x = b.input("x", DType.FLOAT, Shape.symbolic("n", 3));
        Value w = b.parameter("w", Tensor.ofFloats("w", new long[] {3}, 9f, 9f, 9f));
        b.output(b.mul(x, w), "y");
        return b.build();
    }

    private static TrainingArtifacts artifacts() {
        return new TrainingArtifacts(gradientGraph(true), evalGraph(), List.of("w"), OptimizerConfig.eqVaeAdam());
    }

    private static List<String> names(List<Value> values) {
        return values.stream().map(Value::name).toList();
    }

    @Test
    void trainingModelFollowsTheContract() {
        Graph g = artifacts().trainingModel();
        assertEquals(List.of("x", "w", "f", "w_grad.accumulation.buffer", "lazy_reset_grad"), names(g.inputs()));
        assertEquals(DType.BOOL, g.input("lazy_reset_grad").dtype());
        assertEquals(Shape.of(1), g.input("lazy_reset_grad").shape());
        assertEquals(Shape.of(3), g.input("w_grad.accumulation.buffer").shape());
        assertEquals(List.of("loss", "w_grad.accumulation.out"), names(g.outputs()));
        assertEquals(DType.BOOL, g.output("w_grad.accumulation.out").dtype());
        assertFalse(g.initializers().containsKey("w") || g.initializers().containsKey("f"), "parameters are inputs");
        assertTrue(g.initializers().keySet().stream().anyMatch(n -> n.startsWith("c")), "constants stay initializers");
        Node acc = g.nodes().get(g.nodes().size() - 1);
        assertEquals("com.microsoft", acc.domain());
        assertEquals("InPlaceAccumulatorV2", acc.opType());
        assertEquals(List.of("w_grad.accumulation.buffer", "w_grad", "lazy_reset_grad"), names(acc.inputs()));
        assertEquals(Map.of("", 17L, "com.microsoft", 1L), g.opsetImports());
    }

    @Test
    void evalModelTakesParametersAsInputs() {
        Graph g = artifacts().evalModel();
        assertEquals(List.of("x", "w"), names(g.inputs()));
        assertEquals(List.of("y"), names(g.outputs()));
        assertTrue(g.initializers().isEmpty());
    }

    @Test
    void evalInitializerNamedLikeAParameterIsTreatedAsOne() {
        GraphBuilder b = new GraphBuilder("eval");
        Value x = b.input("x", DType.FLOAT, Shape.symbolic("n", 3));
        // a graph read from a file may not know which initializers are learnable
        b.output(b.mul(x, b.constant(Tensor.ofFloats("w", new long[] {3}, 0f, 0f, 0f))), "y");
        Graph eval = b.build();
        assertEquals(Set.of(), eval.parameterNames());
        Graph model = new TrainingArtifacts(gradientGraph(true), eval, List.of("w"), OptimizerConfig.sgd()).evalModel();
        assertEquals(List.of("x", "w"), names(model.inputs()));
    }

    @Test
    void adamWOptimizerModel() {
        Onnx.ModelProto m = artifacts().optimizerModel();
        assertEquals(8, m.getIrVersion());
        assertEquals(
                List.of("learning_rate", "step", "params", "gradients", "first_order_moments", "second_order_moments"),
                m.getGraph().getInputList().stream()
                        .map(Onnx.ValueInfoProto::getName)
                        .toList());
        assertEquals(
                DType.INT64.onnxCode(),
                m.getGraph().getInput(1).getType().getTensorType().getElemType());
        assertTrue(m.getGraph().getInput(2).getType().hasSequenceType());
        Onnx.NodeProto node = m.getGraph().getNode(0);
        assertEquals("AdamWOptimizer", node.getOpType());
        assertEquals("com.microsoft", node.getDomain());
        Map<String, Onnx.AttributeProto> attrs =
                node.getAttributeList().stream().collect(Collectors.toMap(Onnx.AttributeProto::getName, a -> a));
        assertEquals(0.5f, attrs.get("alpha").getF());
        assertEquals(0.9f, attrs.get("beta").getF());
        assertEquals(0f, attrs.get("weight_decay").getF());
        assertEquals(1, attrs.get("correct_bias").getI());
        assertEquals(0, attrs.get("adam_mode").getI());
        assertEquals(
                DType.BOOL.onnxCode(),
                m.getGraph().getOutput(0).getType().getTensorType().getElemType(),
                "ONNX Runtime 1.28 wants the updated flag as bool");
    }

    @Test
    void sgdOptimizerModel() {
        Onnx.ModelProto m = new TrainingArtifacts(gradientGraph(true), evalGraph(), List.of("w"), OptimizerConfig.sgd())
                .optimizerModel();
        assertEquals(
                List.of("learning_rate", "step", "params", "gradients", "first_order_moments"),
                m.getGraph().getInputList().stream()
                        .map(Onnx.ValueInfoProto::getName)
                        .toList());
        assertEquals("SGDOptimizerV2", m.getGraph().getNode(0).getOpType());
        assertEquals(
                List.of("learning_rate", "params", "gradients"),
                m.getGraph().getNode(0).getInputList());
    }

    @Test
    void initialCheckpointSplitsTrainableAndFrozen() {
        TrainingArtifacts a = artifacts();
        assertEquals(List.of("f"), a.frozenParameters());
        Checkpoint c = a.initialCheckpoint();
        assertEquals(List.of("w"), List.copyOf(c.trainable().keySet()));
        assertEquals(List.of("f"), List.copyOf(c.frozen().keySet()));
        assertTrue(c.optimizer().isEmpty());
    }

    @Test
    void invalidInputsAreNamed() {
        Graph grad = gradientGraph(true);
        Graph eval = evalGraph();
        OptimizerConfig adam = OptimizerConfig.adamW();
        assertMessage("'x' is not a parameter", () -> new TrainingArtifacts(grad, eval, List.of("x"), adam));
        assertMessage(
                "no output 'w_grad'", () -> new TrainingArtifacts(gradientGraph(false), eval, List.of("w"), adam));
        assertMessage("no output 'f_grad'", () -> new TrainingArtifacts(grad, eval, List.of("w", "f"), adam));
        assertMessage("listed twice", () -> new TrainingArtifacts(grad, eval, List.of("w", "w"), adam));
        assertMessage("no trainable parameters", () -> new TrainingArtifacts(grad, eval, List.of(), adam));

        GraphBuilder b = new GraphBuilder("ints");
        Value x = b.input("x", DType.INT64, Shape.of(3));
        Value k = b.parameter("k", Tensor.ofLongs("k", new long[] {3}, 1, 2, 3));
        b.output(
                b.op("Cast", List.of(b.reduceSum(b.mul(x, k), false, 0)), Map.of("to", DType.FLOAT.onnxCode())),
                "loss");
        b.output(b.op("Cast", List.of(x), Map.of("to", DType.INT64.onnxCode())), "k_grad");
        assertMessage("'k' is INT64", () -> new TrainingArtifacts(b.build(), eval, List.of("k"), adam));

        GraphBuilder e = new GraphBuilder("eval");
        Value ex = e.input("x", DType.FLOAT, Shape.symbolic("n", 3));
        e.output(e.mul(ex, e.parameter("w", Tensor.ofFloats("w", new long[] {1}, 1f))), "y");
        assertMessage(
                "differs from the gradient graph's", () -> new TrainingArtifacts(grad, e.build(), List.of("w"), adam));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable code) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, code);
        assertTrue(e.getMessage().contains(expected), "message: " + e.getMessage());
    }

    @Test
    void writesACompleteSetOrNothing(@TempDir Path dir) throws IOException {
        Path folder = dir.resolve("artifacts");
        artifacts().writeTo(folder);
        try (var files = Files.list(folder)) {
            assertEquals(
                    Set.of("training_model.onnx", "eval_model.onnx", "optimizer_model.onnx", "checkpoint"),
                    files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(folder), files.toList(), "no staging folder left behind");
        }
        Graph read = OnnxReader.read(folder.resolve("training_model.onnx"));
        assertEquals(List.of("x", "w", "f", "w_grad.accumulation.buffer", "lazy_reset_grad"), names(read.inputs()));
        assertEquals(
                List.of("w"),
                List.copyOf(CheckpointFile.read(folder.resolve("checkpoint"))
                        .trainable()
                        .keySet()));

        IOException e = assertThrows(IOException.class, () -> artifacts().writeTo(folder));
        assertTrue(
                e.getMessage().contains(folder.toString()) && e.getMessage().contains("not an empty folder"),
                e.getMessage());

        Path empty = Files.createDirectory(dir.resolve("empty"));
        artifacts().writeTo(empty);
        assertTrue(Files.isRegularFile(empty.resolve("checkpoint")));
    }
}
