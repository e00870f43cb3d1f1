package org.eqvae4j.runtime.bundle;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * model.json's {@code generator} section: how to drive the bundle's {@code generator.onnx}, a
 * flow-matching velocity model over normalised latents.
 *
 * <p>Contract of the file: inputs {@code x_t} float [N, C, h, w], {@code t} float [N] in [0, 1]
 * ({@code t = 0} is standard normal noise, {@code t = 1} is data: {@code x_t = t x1 + (1 - t) eps}),
 * {@code class} int64 [N] in [0, numClasses] where {@code numClasses} is the null (unconditional) class;
 * output {@code velocity} [N, C, h, w], the model's estimate of {@code x1 - eps}. The generator works on
 * {@code g = ((raw - latentShift) * latentScale - latentMean[c]) / latentStd[c]}, per latent channel c.
 *
 * @param architecture  the velocity model (e.g. "dit")
 * @param numClasses    conditioning classes (the null class is {@code numClasses})
 * @param classNames    optional names of the classes, {@code numClasses} of them
 * @param latentSize    [h, w] of the latents it was trained on
 * @param latentMean    per-channel mean of the scaled training latents (C values)
 * @param latentStd     per-channel standard deviation of the scaled training latents (C values, > 0)
 * @param sampler       default ODE solver, "euler" or "heun" (the ids of {@code runtime.generator.Solver})
 * @param steps         default number of solver steps
 * @param cfgScale      default classifier-free guidance scale (1 = plain conditional)
 * @param training      how it was trained (free-form)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record GeneratorSpec(
        String architecture,
        int numClasses,
        String[] classNames,
        int[] latentSize,
        double[] latentMean,
        double[] latentStd,
        String sampler,
        int steps,
        double cfgScale,
        Map<String, Object> training) {

    public static final String EULER = "euler";
    public static final String HEUN = "heun";

    public GeneratorSpec {
        classNames = classNames == null ? null : classNames.clone();
        latentSize = latentSize == null ? null : latentSize.clone();
        latentMean = latentMean == null ? null : latentMean.clone();
        latentStd = latentStd == null ? null : latentStd.clone();
        training = training == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(training));
    }

    /** Throws IllegalArgumentException naming the field ("generator.x") that is wrong for a bundle with {@code latentChannels}. */
    public GeneratorSpec validate(int latentChannels) {
        require(architecture != null && !architecture.isBlank(), "architecture is missing");
        require(numClasses >= 1, "numClasses must be >= 1, got " + numClasses);
        require(
                classNames == null || classNames.length == numClasses,
                "classNames must name all " + numClasses + " classes, got "
                        + (classNames == null ? 0 : classNames.length));
        require(
                latentSize != null && latentSize.length == 2 && latentSize[0] >= 1 && latentSize[1] >= 1,
                "latentSize must be [h, w] with positive sizes, got " + Arrays.toString(latentSize));
        require(
                latentMean != null
                        && latentMean.length == latentChannels
                        && Arrays.stream(latentMean).allMatch(Double::isFinite),
                "latentMean must hold " + latentChannels + " finite values (one per latent channel), got "
                        + (latentMean == null ? "none" : latentMean.length));
        require(
                latentStd != null
                        && latentStd.length == latentChannels
                        && Arrays.stream(latentStd).allMatch(s -> Double.isFinite(s) && s > 0),
                "latentStd must hold " + latentChannels + " positive finite values (one per latent channel)");
        require(EULER.equals(sampler) || HEUN.equals(sampler), "sampler must be \"euler\" or \"heun\", got " + sampler);
        require(steps >= 1, "steps must be >= 1, got " + steps);
        require(Double.isFinite(cfgScale) && cfgScale >= 0, "cfgScale must be finite and >= 0, got " + cfgScale);
        return this;
    }

    /** The index of the null (unconditional) class. */
    public int nullClass() {
        return numClasses;
    }

    @Override
    public String[] classNames() {
        return classNames == null ? null : classNames.clone();
    }

    @Override
    public int[] latentSize() {
        return latentSize == null ? null : latentSize.clone();
    }

    @Override
    public double[] latentMean() {
        return latentMean == null ? null : latentMean.clone();
    }

    @Override
    public double[] latentStd() {
        return latentStd == null ? null : latentStd.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GeneratorSpec g
                && Objects.equals(architecture, g.architecture)
                && numClasses == g.numClasses
                && Arrays.equals(classNames, g.classNames)
                && Arrays.equals(latentSize, g.latentSize)
                && Arrays.equals(latentMean, g.latentMean)
                && Arrays.equals(latentStd, g.latentStd)
                && Objects.equals(sampler, g.sampler)
                && steps == g.steps
                && Double.compare(cfgScale, g.cfgScale) == 0
                && training.equals(g.training);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                architecture,
                numClasses,
                Arrays.hashCode(classNames),
                Arrays.hashCode(latentSize),
                Arrays.hashCode(latentMean),
                Arrays.hashCode(latentStd),
                sampler,
                steps,
                cfgScale,
                training);
    }

    @Override
    public String toString() {
        return "GeneratorSpec[architecture=" + architecture + ", numClasses=" + numClasses + ", latentSize="
                + Arrays.toString(latentSize) + ", sampler=" + sampler + ", steps=" + steps + ", cfgScale=" + cfgScale
                + "]";
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("model.json: generator." + message);
        }
    }
}
