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
    private LossChart() {
    }

    public static void write(Path metricsCsv, Path png, int window) throws IOException {
        List<String> lines = Files.readAllLines(metricsCsv, StandardCharsets.UTF_8);
        XYSeries raw = new XYSeries("loss per step");
        XYSeries avg = new XYSeries("moving average (" + window + " steps)");
        double[] ring = new double[window];
        double sum = 0;
        int count = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            long step = Long.parseLong(f[0]);
            double loss = Double.parseDouble(f[1]);
            raw.add(step, loss);
            sum += loss - ring[count % window];
            ring[count % window] = loss;
            count++;
            avg.add(step, sum / Math.min(count, window));
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(raw);
        data.addSeries(avg);
        JFreeChart chart = ChartFactory.createXYLineChart("EQ-VAE fine-tuning loss", "optimizer step", "loss",
                data, PlotOrientation.VERTICAL, true, false, false);
        chart.getXYPlot().getRenderer().setSeriesPaint(0, new java.awt.Color(170, 190, 220));
        chart.getXYPlot().getRenderer().setSeriesPaint(1, new java.awt.Color(20, 60, 150));
        AtomicFiles.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, 900, 500));
    }
}
