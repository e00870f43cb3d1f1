package org.eqvae4j.runtime.bundle;

/**
 * The {@code serving.properties} every bundle carries for DJL: DJL's model loader reads it from the model
 * folder, so {@code Criteria.builder().optModelPath(bundle)} finds the encoder graph on DJL's ONNX Runtime
 * engine (without it DJL looks for {@code <folder name>.onnx} or {@code model.onnx} and fails with
 * ".onnx file not found"). {@code optModelName("decoder")} still picks the decoder. The eqvae4j-djl
 * module's {@code EqvaeTranslatorFactory} turns DJL images into latents and back.
 */
public final class DjlServingProperties {
    public static final String FILE_NAME = "serving.properties";

    private DjlServingProperties() {}

    public static String of(ModelManifest m) {
        String encoder = m.files().get(ModelManifest.ENCODER);
        String name = encoder.endsWith(".onnx") ? encoder.substring(0, encoder.length() - ".onnx".length()) : encoder;
        return "# DJL (ai.djl): Criteria.builder().optModelPath(this folder) loads " + encoder + " on ONNX Runtime;\n"
                + "# optModelName(\"" + m.files().get(ModelManifest.DECODER).replaceFirst("\\.onnx$", "")
                + "\") loads the decoder. "
                + "Image <-> latent: org.eqvae4j.djl.EqvaeTranslatorFactory (eqvae4j-djl).\n"
                + "engine=OnnxRuntime\n"
                + "option.modelName=" + name + "\n";
    }
}
