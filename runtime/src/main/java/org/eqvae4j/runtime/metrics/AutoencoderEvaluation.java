package org.eqvae4j.runtime.metrics;

import static org.eqvae4j.runtime.metrics.AutoencoderMeasure.CENTRED_ERROR_ROTATION;
import static org.eqvae4j.runtime.metrics.AutoencoderMeasure.CENTRED_ERROR_SCALE;
import static org.eqvae4j.runtime.metrics.AutoencoderMeasure.EQUIVARIANCE_ERROR_ROTATION;
import static org.eqvae4j.runtime.metrics.AutoencoderMeasure.EQUIVARIANCE_ERROR_SCALE;
import static org.eqvae4j.runtime.metrics.AutoencoderMeasure.PSNR_TAU_ROTATION;
import static org.eqvae4j.runtime.metrics.AutoencoderMeasure.PSNR_TAU_SCALE;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.Interpolation;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.eqvae4j.runtime.transform.Resampler;

/**
 * The EQ-VAE paper's autoencoder measurements on a set of square images:
 * <ul>
 *   <li>reconstruction PSNR (8-bit, per image, averaged) and SSIM of D(E(x)) against x;</li>
 *   <li>equivariance error per transform tau: mean over images of
 *       ||tau(E(x)) - E(tau(x))||^2 / ||E(tau(x))||^2, with E(x) the deterministic latent (the posterior
 *       MEAN for KL models, not a sample), for rotations {90, 180, 270} and scales {0.25, 0.5, 0.75};</li>
 *   <li>the centred equivariance error: the same ratio after removing each latent's per-channel mean from it, so a
 *       change in the latents' mean (a large share of TAEF2's latent energy) cannot pass for a change in
 *       structure;</li>
 *   <li>PSNR of D(tau(E(x))) against tau(x) per transform (the paper's Figure 3 measure);</li>
 *   <li>TwoNN intrinsic dimension of latent patches (4x4 latent pixels x channels, non-overlapping);</li>
 *   <li>the latents' high-frequency share ({@link LatentSpectrum}), mean over images.</li>
 * </ul>
 */
public final class AutoencoderEvaluation {
    public static final int PATCH = 4;

    /**
     * Per-transform results.
     *
     * @param equivarianceError        the paper's ||tau(E(x)) - E(tau(x))||^2 / ||E(tau(x))||^2, averaged over images
     * @param centredEquivarianceError the same with each latent's per-channel mean removed ({@link #centredRelativeError})
     */
    public record TransformResult(
            String name, double equivarianceError, double centredEquivarianceError, double psnr) {}

    /**
     * @param perImage each image's value of the measures that are means over images, by {@link #asMap()}'s key
     *                 ({@link #PER_IMAGE}: PSNR, and for each group the mean over its transforms), in image order;
     *                 for paired comparisons of two models on the same images ({@link PairedDifferences}). Empty
     *                 when not kept.
     */
    public record Report(
            int images,
            int size,
            double psnr,
            double ssim,
            List<TransformResult> rotations,
            List<TransformResult> scales,
            double intrinsicDimension,
            double latentHighFrequency,
            Map<String, double[]> perImage) {

        /** The keys of the per-image measures ({@link AutoencoderMeasure#perImageMeasures()}), in table order. */
        public static final List<String> PER_IMAGE = AutoencoderMeasure.perImageMeasures().stream()
                .map(AutoencoderMeasure::key)
                .toList();

        public Report {
            perImage = Map.copyOf(perImage);
        }

        public double meanError(List<TransformResult> group) {
            return group.stream()
                    .mapToDouble(TransformResult::equivarianceError)
                    .average()
                    .orElse(Double.NaN);
        }

        public double meanCentredError(List<TransformResult> group) {
            return group.stream()
                    .mapToDouble(TransformResult::centredEquivarianceError)
                    .average()
                    .orElse(Double.NaN);
        }

        /**
         * This report's relative reductions of the group mean errors against {@code baseline}'s (see
         * {@link #relativeReduction}), under keys that sit beside {@link #asMap()}'s, with the baseline's id under
         * {@code "baseline"}.
         */
        public Map<String, Object> reductionsAgainst(String baselineId, Report baseline) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("baseline", baselineId);
            m.put(
                    "reduction_equivariance_error_rotation",
                    round(relativeReduction(baseline.meanError(baseline.rotations()), meanError(rotations))));
            m.put(
                    "reduction_equivariance_error_scale",
                    round(relativeReduction(baseline.meanError(baseline.scales()), meanError(scales))));
            m.put(
                    "reduction_centred_equivariance_error_rotation",
                    round(relativeReduction(
                            baseline.meanCentredError(baseline.rotations()), meanCentredError(rotations))));
            m.put(
                    "reduction_centred_equivariance_error_scale",
                    round(relativeReduction(baseline.meanCentredError(baseline.scales()), meanCentredError(scales))));
            return m;
        }

        public double meanPsnr(List<TransformResult> group) {
            return group.stream().mapToDouble(TransformResult::psnr).average().orElse(Double.NaN);
        }

        /** Flat name -> value map, the form stored in a bundle's model.json metrics. */
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("images", images);
            m.put("size", size);
            for (AutoencoderMeasure measure : AutoencoderMeasure.values()) {
                if (!measure.ofLatents()) {
                    m.put(measure.key(), round(measure.of(this)));
                }
            }
            for (List<TransformResult> group : List.of(rotations, scales)) {
                for (TransformResult t : group) {
                    m.put("equivariance_error_" + t.name(), round(t.equivarianceError()));
                    m.put("centred_equivariance_error_" + t.name(), round(t.centredEquivarianceError()));
                    m.put("psnr_transformed_latent_" + t.name(), round(t.psnr()));
                }
            }
            // after the per-transform values, where model.json files have always had the intrinsic dimension
            for (AutoencoderMeasure measure : AutoencoderMeasure.values()) {
                if (measure.ofLatents()) {
                    m.put(measure.key(), round(measure.of(this)));
                }
            }
            return m;
        }

        private static double round(double v) {
            return Math.round(v * 10000) / 10000.0;
        }
    }

    private AutoencoderEvaluation() {}

    /** Centre square crop, then area-resize to size x size (the paper evaluates at 256). */
    public static FloatTensor prepare(FloatTensor image, int size) {
        int side = Math.min(image.height(), image.width());
        FloatTensor square = LatentTransform.crop((image.height() - side) / 2, (image.width() - side) / 2, side, side)
                .apply(image);
        return Resampler.resize(square, size, size, side >= size ? Interpolation.AREA : Interpolation.BICUBIC);
    }

    /** @param images prepared [1,C,size,size] images in [0,1] with the model's channel count */
    public static Report evaluate(Autoencoder ae, List<FloatTensor> images, ProgressListener progress)
            throws OrtException {
        int f = ae.manifest().downsamplingFactor();
        Map<String, LatentTransform> rotations = new LinkedHashMap<>();
        rotations.put("rot90", LatentTransform.rotate90(1));
        rotations.put("rot180", LatentTransform.rotate90(2));
        rotations.put("rot270", LatentTransform.rotate90(3));
        Map<String, LatentTransform> scales = new LinkedHashMap<>();
        for (double s : new double[] {0.25, 0.5, 0.75}) {
            scales.put("scale" + s, LatentTransform.scale(s, Interpolation.BILINEAR));
        }
        double psnr = 0;
        double ssim = 0;
        double highFrequency = 0;
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<String, double[]> perImage = new LinkedHashMap<>();
        for (String key : Report.PER_IMAGE) {
            perImage.put(key, new double[images.size()]);
        }
        List<float[]> patches = new ArrayList<>();
        int done = 0;
        for (FloatTensor x : images) {
            progress.progress(done, images.size(), "image " + (done + 1));
            FloatTensor z = ae.encode(x);
            FloatTensor recon = ae.decode(z);
            double imagePsnr = ImageMetrics.psnrUint8(x, recon);
            psnr += imagePsnr;
            perImage.get(AutoencoderMeasure.PSNR.key())[done] = imagePsnr;
            ssim += Ssim.of(x, recon);
            collectPatches(z, patches);
            highFrequency += LatentSpectrum.highFrequencyShare(z);
            Map<String, LatentTransform> all = new LinkedHashMap<>(rotations);
            all.putAll(scales);
            for (Map.Entry<String, LatentTransform> e : all.entrySet()) {
                LatentTransform tau = e.getValue();
                FloatTensor tauX = tau.imageCounterpart(f).apply(x);
                FloatTensor tauZ = tau.apply(z);
                FloatTensor zTauX = ae.encode(tauX);
                double[] s = sums.computeIfAbsent(e.getKey(), k -> new double[3]);
                double error = relativeError(tauZ, zTauX);
                double centred = centredRelativeError(tauZ, zTauX);
                double psnrTau = ImageMetrics.psnrUint8(tauX, ae.decode(tauZ));
                s[0] += error;
                s[1] += centred;
                s[2] += psnrTau;
                boolean rotation = rotations.containsKey(e.getKey());
                int count = rotation ? rotations.size() : scales.size();
                add(perImage, rotation ? EQUIVARIANCE_ERROR_ROTATION : EQUIVARIANCE_ERROR_SCALE, done, error / count);
                add(perImage, rotation ? CENTRED_ERROR_ROTATION : CENTRED_ERROR_SCALE, done, centred / count);
                add(perImage, rotation ? PSNR_TAU_ROTATION : PSNR_TAU_SCALE, done, psnrTau / count);
            }
            done++;
        }
        progress.progress(done, images.size(), "intrinsic dimension");
        int n = images.size();
        List<TransformResult> rot = new ArrayList<>();
        List<TransformResult> sc = new ArrayList<>();
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            TransformResult r =
                    new TransformResult(e.getKey(), e.getValue()[0] / n, e.getValue()[1] / n, e.getValue()[2] / n);
            (rotations.containsKey(e.getKey()) ? rot : sc).add(r);
        }
        double id = patches.size() >= 3 ? TwoNN.estimate(patches.toArray(float[][]::new)) : Double.NaN;
        return new Report(
                n,
                images.isEmpty() ? 0 : images.get(0).height(),
                psnr / n,
                ssim / n,
                rot,
                sc,
                id,
                highFrequency / n,
                perImage);
    }

    private static void add(Map<String, double[]> perImage, AutoencoderMeasure measure, int image, double value) {
        perImage.get(measure.key())[image] += value;
    }

    /** ||a - b||^2 / ||b||^2. */
    public static double relativeError(FloatTensor a, FloatTensor b) {
        if (a.data().length != b.data().length) {
            throw new IllegalArgumentException("latents of different size: " + a + " and " + b);
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.data().length; i++) {
            double d = a.data()[i] - b.data()[i];
            num += d * d;
            den += b.data()[i] * (double) b.data()[i];
        }
        return num / den;
    }

    /**
     * ||a' - b'||^2 / ||b'||^2 where a' and b' are a and b ([N,C,H,W]) each with its own per-channel mean (over N, H
     * and W) subtracted: latents that differ only by a constant per channel score 0.
     */
    public static double centredRelativeError(FloatTensor a, FloatTensor b) {
        if (!java.util.Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException("latents of different shape: " + a + " and " + b);
        }
        double[] meanA = channelMeans(a);
        double[] meanB = channelMeans(b);
        int c = a.channels();
        int plane = a.height() * a.width();
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.data().length; i++) {
            int ch = (i / plane) % c;
            double ca = a.data()[i] - meanA[ch];
            double cb = b.data()[i] - meanB[ch];
            num += (ca - cb) * (ca - cb);
            den += cb * cb;
        }
        return num / den;
    }

    /**
     * (baseline - value) / baseline: the share of a baseline's error that a model removes (0.33 = 33% lower; negative
     * when the model is worse).
     */
    public static double relativeReduction(double baseline, double value) {
        if (!(baseline > 0) || Double.isInfinite(baseline)) {
            throw new IllegalArgumentException(
                    "baseline error must be positive and finite for a relative reduction, got " + baseline);
        }
        return (baseline - value) / baseline;
    }

    private static double[] channelMeans(FloatTensor z) {
        int c = z.channels();
        int plane = z.height() * z.width();
        double[] mean = new double[c];
        for (int i = 0; i < z.data().length; i++) {
            mean[(i / plane) % c] += z.data()[i];
        }
        double count = (double) z.data().length / c;
        for (int ch = 0; ch < c; ch++) {
            mean[ch] /= count;
        }
        return mean;
    }

    private static void collectPatches(FloatTensor z, List<float[]> out) {
        int c = z.channels();
        for (int py = 0; py + PATCH <= z.height(); py += PATCH) {
            for (int px = 0; px + PATCH <= z.width(); px += PATCH) {
                float[] v = new float[c * PATCH * PATCH];
                int k = 0;
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < PATCH; y++) {
                        for (int x = 0; x < PATCH; x++) {
                            v[k++] = z.get(0, ch, py + y, px + x);
                        }
                    }
                }
                out.add(v);
            }
        }
    }
}
