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

/** The training loss (moving average) of every run, one series per arm and seed (the scores are band charts). */
final class GeneratorCharts {
    private static final java.awt.Color[] COLORS = {
        new java.awt.Color(200, 80, 40),
        new java.awt.Color(20, 60, 150),
        new java.awt.Color(40, 140, 60),
        new java.awt.Color(120, 40, 140)
    };

    private GeneratorCharts() {}

    static void loss(List<GeneratorExperiment.RunResult> results, Path png, int window) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        java.util.List<String> arms =
                results.stream().map(r -> r.arm().label()).distinct().toList();
        for (GeneratorExperiment.RunResult r : results) {
            XYSeries s = new XYSeries(r.arm().label() + " seed " + r.seed() + " (mean of " + window + " steps)");
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
                results.stream().mapToInt(r -> arms.indexOf(r.arm().label())).toArray());
    }

    /** @param armOfSeries the arm index of each series: the seeds of one arm share its colour */
    private static void write(JFreeChart chart, Path png, int[] armOfSeries) throws IOException {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < armOfSeries.length; i++) {
            renderer.setSeriesPaint(i, COLORS[armOfSeries[i] % COLORS.length]);
            renderer.setSeriesStroke(i, new java.awt.BasicStroke(1.5f));
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
