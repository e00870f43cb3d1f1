package org.eqvae4j.training.generator.flow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The experiment's curves: training loss (moving average) and FD-FMNIST-CNN over steps, one series per arm. */
final class GeneratorCharts {
    private static final java.awt.Color[] COLORS = {
        new java.awt.Color(200, 80, 40),
        new java.awt.Color(20, 60, 150),
        new java.awt.Color(40, 140, 60),
        new java.awt.Color(120, 40, 140)
    };

    private GeneratorCharts() {}

    static void loss(List<GeneratorExperiment.ArmResult> results, Path png, int window) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (GeneratorExperiment.ArmResult r : results) {
            XYSeries s = new XYSeries(r.arm().label() + " (mean of " + window + " steps)");
            for (Map.Entry<Long, Double> e : r.loss().entrySet()) {
                if (e.getKey() >= window) {
                    s.add(e.getKey().doubleValue(), GeneratorExperiment.meanLoss(r.loss(), e.getKey(), window));
                }
            }
            data.addSeries(s);
        }
        write(
                ChartFactory.createXYLineChart(
                        "Flow-matching loss (normalised latents)",
                        "optimizer step",
                        "loss",
                        data,
                        PlotOrientation.VERTICAL,
                        true,
                        false,
                        false),
                png,
                false);
    }

    static void fd(
            List<GeneratorExperiment.ArmResult> results,
            Path png,
            java.util.function.ToDoubleFunction<GeneratorExperiment.Point> score,
            String title)
            throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (GeneratorExperiment.ArmResult r : results) {
            XYSeries s = new XYSeries(r.arm().label());
            r.points().forEach(p -> s.add(p.step(), score.applyAsDouble(p)));
            data.addSeries(s);
        }
        write(
                ChartFactory.createXYLineChart(
                        title + " (lower is better)",
                        "optimizer step",
                        "FD-FMNIST-CNN",
                        data,
                        PlotOrientation.VERTICAL,
                        true,
                        false,
                        false),
                png,
                true);
    }

    private static void write(JFreeChart chart, Path png, boolean shapes) throws IOException {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, shapes);
        for (int i = 0; i < COLORS.length; i++) {
            renderer.setSeriesPaint(i, COLORS[i]);
            renderer.setSeriesStroke(i, new java.awt.BasicStroke(2f));
        }
        chart.getXYPlot().setRenderer(renderer);
        chart.getXYPlot().setBackgroundPaint(java.awt.Color.WHITE);
        chart.getXYPlot().setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
        chart.getXYPlot().setDomainGridlinePaint(java.awt.Color.LIGHT_GRAY);
        ((org.jfree.chart.axis.NumberAxis) chart.getXYPlot().getRangeAxis()).setAutoRangeIncludesZero(false);
        java.nio.file.Files.createDirectories(png.toAbsolutePath().getParent());
        AtomicFiles.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, 900, 500));
    }
}
