package org.eqvae4j.export.training;

import java.util.ArrayList;
import java.util.List;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.onnx.OnnxWriter;
import org.eqvae4j.export.onnx.proto.Onnx;

/**
 * The optimizer model: one com.microsoft optimizer node over tensor sequences. ONNX Runtime feeds it the
 * inputs in exactly this order: {@code learning_rate} (float [1]), {@code step} (int64 [1]), then the
 * sequences {@code params}, {@code gradients}, {@code first_order_moments} and, for AdamW,
 * {@code second_order_moments}. The graph's single output is the "updated" flag, which ONNX Runtime 1.28
 * reads as bool [1] (int64, as older generators declared it, is rejected). SGDOptimizerV2's schema
 * infers a scalar flag but its kernel returns [1], so ONNX Runtime warns once when it loads an SGD model,
 * harmlessly; declaring a scalar would move the warning to every step. SGD takes the same inputs as
 * ONNX Runtime's checks demand but uses only the learning rate, parameters and gradients.
 *
 * <p>Sequences cannot be expressed in the graph IR (its values are tensors), so this class writes
 * protobuf directly.
 */
final class OptimizerModel {
    static final String LEARNING_RATE = "learning_rate";
    static final String STEP = "step";
    static final String PARAMS = "params";
    static final String GRADIENTS = "gradients";
    static final String FIRST_ORDER_MOMENTS = "first_order_moments";
    static final String SECOND_ORDER_MOMENTS = "second_order_moments";
    static final String UPDATED_FLAG = "updated_flag";

    private OptimizerModel() {}

    static Onnx.ModelProto build(OptimizerConfig config) {
        List<String> sequences = new ArrayList<>(List.of(PARAMS, GRADIENTS, FIRST_ORDER_MOMENTS));
        Onnx.NodeProto.Builder node = Onnx.NodeProto.newBuilder()
                .setDomain(TrainingModel.MICROSOFT_DOMAIN)
                .addOutput(UPDATED_FLAG);
        if (config instanceof OptimizerConfig.AdamW adam) {
            sequences.add(SECOND_ORDER_MOMENTS);
            node.setName("AdamWOptimizer")
                    .setOpType("AdamWOptimizer")
                    .addAllInput(
                            List.of(LEARNING_RATE, STEP, PARAMS, GRADIENTS, FIRST_ORDER_MOMENTS, SECOND_ORDER_MOMENTS))
                    .addAttribute(floatAttribute("alpha", adam.beta1()))
                    .addAttribute(floatAttribute("beta", adam.beta2()))
                    .addAttribute(floatAttribute("epsilon", adam.epsilon()))
                    .addAttribute(floatAttribute("weight_decay", adam.weightDecay()))
                    .addAttribute(intAttribute("correct_bias", adam.correctBias() ? 1 : 0))
                    .addAttribute(intAttribute("adam_mode", adam.mode().attributeValue()));
        } else {
            node.setName("SGDOptimizerV2")
                    .setOpType("SGDOptimizerV2")
                    .addAllInput(List.of(LEARNING_RATE, PARAMS, GRADIENTS));
        }
        Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder()
                .setName("optimizer")
                .addInput(tensorInfo(LEARNING_RATE, DType.FLOAT))
                .addInput(tensorInfo(STEP, DType.INT64))
                .addNode(node)
                .addOutput(tensorInfo(UPDATED_FLAG, DType.BOOL));
        for (String name : sequences) {
            graph.addInput(floatSequenceInfo(name));
        }
        return Onnx.ModelProto.newBuilder()
                .setIrVersion(OnnxWriter.IR_VERSION)
                .setProducerName("eqvae4j")
                .addOpsetImport(
                        Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(GraphBuilder.OPSET))
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder()
                        .setDomain(TrainingModel.MICROSOFT_DOMAIN)
                        .setVersion(1))
                .setGraph(graph)
                .build();
    }

    /** A tensor of shape [1]. */
    private static Onnx.ValueInfoProto tensorInfo(String name, DType dtype) {
        Onnx.TensorShapeProto shape = Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                .build();
        return Onnx.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(Onnx.TypeProto.newBuilder()
                        .setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                                .setElemType(dtype.onnxCode())
                                .setShape(shape)))
                .build();
    }

    private static Onnx.ValueInfoProto floatSequenceInfo(String name) {
        Onnx.TypeProto element = Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(DType.FLOAT.onnxCode()))
                .build();
        return Onnx.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(Onnx.TypeProto.newBuilder()
                        .setSequenceType(Onnx.TypeProto.Sequence.newBuilder().setElemType(element)))
                .build();
    }

    private static Onnx.AttributeProto floatAttribute(String name, float value) {
        return Onnx.AttributeProto.newBuilder()
                .setName(name)
                .setType(Onnx.AttributeProto.AttributeType.FLOAT)
                .setF(value)
                .build();
    }

    private static Onnx.AttributeProto intAttribute(String name, long value) {
        return Onnx.AttributeProto.newBuilder()
                .setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }
}
