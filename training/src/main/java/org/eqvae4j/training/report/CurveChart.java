package org.eqvae4j.training.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Several named curves (x, y) in one line chart, written as a PNG. */
public final class CurveChart {
    private CurveChart() {}

    /** @param curves name -> points as {x[], y[]} */
    public static void write(String title, String xLabel, String yLabel, Map<String, double[][]> curves, Path png)
            throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, double[][]> e : curves.entrySet()) {
            XYSeries s = new XYSeries(e.getKey());
            double[] x = e.getValue()[0];
            double[] y = e.getValue()[1];
            for (int i = 0; i < x.length; i++) {
                s.add(x[i], y[i]);
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(
                title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        java.awt.Color[] colours = {
            new java.awt.Color(90, 90, 90),
            new java.awt.Color(200, 60, 30),
            new java.awt.Color(30, 90, 180),
            new java.awt.Color(40, 150, 60)
        };
        for (int i = 0; i < curves.size(); i++) {
            chart.getXYPlot().getRenderer().setSeriesPaint(i, colours[i % colours.length]);
        }
        AtomicFiles.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, 900, 500));
    }
}
