package org.eqvae4j.training.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The loss curve of a run (metrics.csv) as a PNG: every step, and a moving average over {@code window} steps. */
public final class LossChart {
    private LossChart() {}

    /**
     * The metrics.csv column the chart plots: {@code loss}, or for a GAN run (whose loss adds the
     * discriminator's) {@code rec_loss}, the curve to watch there.
     */
    public static int plottedColumn(String header) {
        int rec = java.util.Arrays.asList(header.split(",")).indexOf("rec_loss");
        return rec < 0 ? 1 : rec;
    }

    public static void write(Path metricsCsv, Path png, int window) throws IOException {
        List<String> lines = Files.readAllLines(metricsCsv, StandardCharsets.UTF_8);
        XYSeries avg = new XYSeries("moving average (" + window + " steps)");
        double[] ring = new double[window];
        double sum = 0;
        int count = 0;
        int column = plottedColumn(lines.get(0));
        String what = column == 1 ? "loss" : "reconstruction loss";
        XYSeries raw = new XYSeries(what + " per step");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            long step = Long.parseLong(f[0]);
            double loss = Double.parseDouble(f[column]);
            raw.add(step, loss);
            sum += loss - ring[count % window];
            ring[count % window] = loss;
            count++;
            avg.add(step, sum / Math.min(count, window));
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(raw);
        data.addSeries(avg);
        JFreeChart chart = ChartFactory.createXYLineChart(
                "EQ-VAE fine-tuning " + what,
                "optimizer step",
                what,
                data,
                PlotOrientation.VERTICAL,
                true,
                false,
                false);
        chart.getXYPlot().getRenderer().setSeriesPaint(0, new java.awt.Color(170, 190, 220));
        chart.getXYPlot().getRenderer().setSeriesPaint(1, new java.awt.Color(20, 60, 150));
        AtomicFiles.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, 900, 500));
    }
}
