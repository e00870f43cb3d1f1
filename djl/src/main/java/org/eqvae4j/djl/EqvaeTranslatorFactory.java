package org.eqvae4j.djl;

import ai.djl.Model;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;

/**
 * DJL translators for an eqvae4j bundle folder loaded by plain {@code Criteria}:
 *
 * <pre>{@code
 * Criteria<Image, NDArray> enc = Criteria.builder().setTypes(Image.class, NDArray.class)
 *         .optModelPath(Path.of("models/taef2")).optTranslatorFactory(new EqvaeTranslatorFactory()).build();
 * Criteria<NDArray, Image> dec = Criteria.builder().setTypes(NDArray.class, Image.class)
 *         .optModelPath(Path.of("models/taef2")).optModelName("decoder")
 *         .optArgument("translatorFactory", EqvaeTranslatorFactory.class.getName()).build();
 * }</pre>
 *
 * The bundle's {@code serving.properties} names DJL's ONNX Runtime engine and the encoder graph, so
 * {@code optModelPath} alone finds a model; {@code optModelName("decoder")} picks the decoder. Image to
 * latent needs the encoder graph and latent to image the decoder: the other way round is refused naming
 * the fix. Registered for {@link java.util.ServiceLoader} in
 * {@code META-INF/services/ai.djl.translate.TranslatorFactory}; DJL 0.38's Criteria does not search
 * that service itself, so name the factory as above (an instance or the {@code translatorFactory}
 * argument). Tiling arguments: see {@link RuntimeTiling}.
 */
public class EqvaeTranslatorFactory implements TranslatorFactory {
    private static final Set<Pair<Type, Type>> TYPES =
            Set.of(new Pair<>(Image.class, NDArray.class), new Pair<>(NDArray.class, Image.class));

    @Override
    public Set<Pair<Type, Type>> getSupportedTypes() {
        return TYPES;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <I, O> Translator<I, O> newInstance(Class<I> input, Class<O> output, Model model, Map<String, ?> arguments)
            throws TranslateException {
        if (!isSupported(input, output)) {
            throw new IllegalArgumentException(
                    "eqvae4j translates Image -> NDArray (encode) and NDArray -> Image (decode), not " + input.getName()
                            + " -> " + output.getName());
        }
        Path folder = model.getModelPath();
        ModelBundle bundle;
        try {
            bundle = ModelBundle.open(folder);
        } catch (BundleException e) {
            throw new TranslateException(
                    "DJL model folder " + folder + " is not an eqvae4j bundle: " + e.getMessage(), e);
        }
        ModelManifest m = bundle.manifest();
        boolean encode = input == Image.class;
        String role = encode ? ModelManifest.ENCODER : ModelManifest.DECODER;
        String wanted = m.files().get(role);
        String loaded = model.getName() + ".onnx";
        if (!loaded.equals(wanted)) {
            throw new TranslateException((encode ? "Image -> NDArray encodes" : "NDArray -> Image decodes")
                    + ", but DJL loaded " + loaded + " of " + folder + "; load " + wanted
                    + " with Criteria.optModelName(\"" + wanted.replaceFirst("\\.onnx$", "") + "\")");
        }
        RuntimeTiling tiling = new RuntimeTiling(model, bundle, arguments);
        return (Translator<I, O>)
                (encode ? new ImageToLatentTranslator(m, tiling) : new LatentToImageTranslator(m, tiling));
    }
}
