package org.eqvae4j.runtime.metrics;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * The comparison of several bundles on the same images ({@code eqvae results}, models/RESULTS.md): each bundle evaluated by
 * {@link AutoencoderEvaluation}, one Markdown row of means per bundle and one of per-transform values.
 */
public final class ResultsTable {
    private ResultsTable() {}

    /** A paired comparison the table should also show: two bundles by id. */
    public record Pair(String model, String reference) {
        /** {@code MODEL=REFERENCE}, as the command line gives it. */
        public static Pair parse(String text) {
            String[] p = text.split("=", -1);
            if (p.length != 2 || p[0].isBlank() || p[1].isBlank()) {
                throw new IllegalArgumentException(
                        "a pair must be MODEL=REFERENCE (two bundle ids of the table), got '" + text + "'");
            }
            return new Pair(p[0].trim(), p[1].trim());
        }
    }

    /**
     * @param baseline   the bundle (one of {@code models}) whose errors the reductions are relative to; null for none
     * @param regenerate the command line that regenerates the table, quoted in its header
     * @param record     also store each bundle's metrics in its model.json
     * @param progress   a fresh progress listener for each bundle's evaluation
     * @param out        one line per bundle as it is done
     * @param log        skipped (unreadable) images
     * @return the Markdown document
     */
    public static String evaluate(
            List<Path> models,
            Path baseline,
            List<Pair> pairs,
            Path images,
            int size,
            boolean record,
            String regenerate,
            RuntimeOptions runtime,
            Supplier<ProgressListener> progress,
            PrintStream out,
            PrintStream log)
            throws BundleException, IOException, OrtException {
        int baselineIndex = baseline == null ? -1 : baselineIndex(models, baseline);
        List<String> known = new ArrayList<>();
        for (Path m : models) {
            known.add(ModelBundle.open(m).manifest().id());
        }
        for (Pair p : pairs) {
            for (String id : List.of(p.model(), p.reference())) {
                if (!known.contains(id)) {
                    throw new IllegalArgumentException("pair " + p.model() + "=" + p.reference()
                            + ": no bundle of --models has the id " + id + " (their ids: " + known + ")");
                }
            }
        }
        List<String> ids = new ArrayList<>();
        List<ModelBundle> bundles = new ArrayList<>();
        List<AutoencoderEvaluation.Report> reports = new ArrayList<>();
        for (Path m : models) {
            ModelBundle bundle = ModelBundle.open(m);
            try (Autoencoder ae = Autoencoder.open(bundle, runtime)) {
                List<FloatTensor> prepared =
                        EvaluationImages.prepare(images, ae.manifest().imageChannels(), size, log);
                AutoencoderEvaluation.Report r = AutoencoderEvaluation.evaluate(ae, prepared, progress.get());
                ids.add(bundle.manifest().id());
                reports.add(r);
                bundles.add(bundle);
                out.printf(
                        Locale.ROOT,
                        "%s: PSNR %.2f, eq. error rot %.3f scale %.3f%n",
                        bundle.manifest().id(),
                        r.psnr(),
                        r.meanError(r.rotations()),
                        r.meanError(r.scales()));
            }
        }
        if (record) {
            // after all evaluations, so every bundle can store its reductions whatever the baseline's position
            for (int i = 0; i < bundles.size(); i++) {
                Map<String, Object> metrics = new LinkedHashMap<>(reports.get(i).asMap());
                if (baselineIndex >= 0 && i != baselineIndex) {
                    metrics.putAll(
                            reports.get(i).reductionsAgainst(ids.get(baselineIndex), reports.get(baselineIndex)));
                }
                bundles.get(i).withMetrics(metrics);
            }
        }
        return markdown(ids, reports, baselineIndex, pairs, size, regenerate);
    }

    /** The position of {@code baseline} in {@code models} (compared as normalised absolute paths). */
    static int baselineIndex(List<Path> models, Path baseline) {
        Path b = baseline.toAbsolutePath().normalize();
        for (int i = 0; i < models.size(); i++) {
            if (models.get(i).toAbsolutePath().normalize().equals(b)) {
                return i;
            }
        }
        throw new IllegalArgumentException("--baseline " + baseline + " is not one of --models " + models);
    }

    /**
     * The document for these bundles' reports (in table order).
     *
     * @param baselineIndex the report the relative reductions are against, or -1 for no reductions table
     */
    public static String markdown(
            List<String> ids,
            List<AutoencoderEvaluation.Report> reports,
            int baselineIndex,
            int size,
            String regenerate) {
        return markdown(ids, reports, baselineIndex, List.of(), size, regenerate);
    }

    /**
     * The document, with paired differences (over images, {@link PairedDifferences}) of every bundle against the
     * baseline when the reports keep per-image values, and of the given pairs.
     */
    public static String markdown(
            List<String> ids,
            List<AutoencoderEvaluation.Report> reports,
            int baselineIndex,
            List<Pair> pairs,
            int size,
            String regenerate) {
        if (baselineIndex < -1 || baselineIndex >= reports.size()) {
            throw new IllegalArgumentException(
                    "baseline index " + baselineIndex + " for " + reports.size() + " reports");
        }
        if (ids.size() != reports.size()) {
            throw new IllegalArgumentException(ids.size() + " bundle ids for " + reports.size() + " reports");
        }
        StringBuilder md = new StringBuilder("# Measured results\n\n");
        md.append(String.format(Locale.ROOT, "Regenerate with `%s` (%s).%n%n", regenerate, LocalDate.now()));
        md.append("Images are centre-cropped and area-resized to ")
                .append(size)
                .append("x")
                .append(size)
                .append(". PSNR on 8-bit pixels per image, averaged; equivariance error = mean over images of ")
                .append(
                        "||tau(E(x)) - E(tau(x))||^2 / ||E(tau(x))||^2 with E(x) the deterministic latent (posterior mean for KL); ")
                .append(
                        "'PSNR tau' compares D(tau(E(x))) with tau(x); rotations {90,180,270}, scales {0.25,0.5,0.75}; ")
                .append("intrinsic dimension by TwoNN over 4x4 latent patches; 'latent HF share': ")
                .append(LatentSpectrum.legend())
                .append(". ")
                .append("'Centred' is the same error after removing each latent's per-channel mean from both ")
                .append(
                        "tau(E(x)) and E(tau(x)), so a shift of the latents' mean cannot pass for a change in structure.\n\n");
        md.append("| model |").append(AutoencoderMeasure.headerCells(List.of(AutoencoderMeasure.values())));
        md.append("\n|---|")
                .append("---|".repeat(AutoencoderMeasure.values().length))
                .append('\n');
        List<String> perTransform = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            AutoencoderEvaluation.Report r = reports.get(i);
            md.append("| ").append(ids.get(i)).append(" |");
            for (AutoencoderMeasure m : AutoencoderMeasure.values()) {
                md.append(' ').append(m.format(m.of(r))).append(" |");
            }
            md.append('\n');
            StringBuilder row = new StringBuilder("| " + ids.get(i));
            for (List<AutoencoderEvaluation.TransformResult> group : List.of(r.rotations(), r.scales())) {
                for (AutoencoderEvaluation.TransformResult t : group) {
                    row.append(String.format(
                            Locale.ROOT,
                            " | %.3f / %.3f / %.2f",
                            t.equivarianceError(),
                            t.centredEquivarianceError(),
                            t.psnr()));
                }
            }
            perTransform.add(row.append(" |").toString());
        }
        if (baselineIndex >= 0) {
            AutoencoderEvaluation.Report base = reports.get(baselineIndex);
            md.append("\nRelative reduction of the mean errors against ")
                    .append(ids.get(baselineIndex))
                    .append(" ((baseline - model) / baseline; negative = worse than the baseline):\n\n");
            md.append(
                    "| model | eq. error rot | eq. error scale | centred rot | centred scale |\n|---|---|---|---|---|\n");
            for (int i = 0; i < ids.size(); i++) {
                if (i == baselineIndex) {
                    continue;
                }
                Map<String, Object> m = reports.get(i).reductionsAgainst(ids.get(baselineIndex), base);
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %+.1f%% | %+.1f%% | %+.1f%% | %+.1f%% |%n",
                        ids.get(i),
                        100 * (double) m.get("reduction_equivariance_error_rotation"),
                        100 * (double) m.get("reduction_equivariance_error_scale"),
                        100 * (double) m.get("reduction_centred_equivariance_error_rotation"),
                        100 * (double) m.get("reduction_centred_equivariance_error_scale")));
            }
        }
        List<PairedDifferences.Row> paired = new ArrayList<>();
        if (baselineIndex >= 0) {
            for (int i = 0; i < ids.size(); i++) {
                if (i != baselineIndex
                        && !reports.get(i).perImage().isEmpty()
                        && !reports.get(baselineIndex).perImage().isEmpty()) {
                    paired.add(PairedDifferences.of(
                            ids.get(i), reports.get(i), ids.get(baselineIndex), reports.get(baselineIndex)));
                }
            }
        }
        for (Pair p : pairs) {
            int a = ids.indexOf(p.model());
            int b = ids.indexOf(p.reference());
            if (a < 0 || b < 0) {
                throw new IllegalArgumentException("pair " + p + ": ids " + ids + " do not include both");
            }
            paired.add(PairedDifferences.of(p.model(), reports.get(a), p.reference(), reports.get(b)));
        }
        if (!paired.isEmpty()) {
            md.append('\n').append(PairedDifferences.markdown(paired));
        }
        md.append("\nPer transform (equivariance error / centred error / PSNR tau in dB):\n\n");
        md.append(
                "| model | rot90 | rot180 | rot270 | scale 0.25 | scale 0.5 | scale 0.75 |\n|---|---|---|---|---|---|---|\n");
        perTransform.forEach(r -> md.append(r).append('\n'));
        return md.toString();
    }
}
