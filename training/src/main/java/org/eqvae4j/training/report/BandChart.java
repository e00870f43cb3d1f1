package org.eqvae4j.training.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** Curves with a shaded interval around each (e.g. the mean over seeds and its bootstrap interval), as a PNG. */
public final class BandChart {
    private static final Color[] COLOURS = {
        new Color(90, 90, 90), new Color(200, 60, 30), new Color(30, 90, 180), new Color(40, 150, 60)
    };

    private BandChart() {}

    /** One curve: x, the central value and the band's bounds, all the same length. */
    public record Curve(String name, double[] x, double[] y, double[] low, double[] high) {
        public Curve {
            if (y.length != x.length || low.length != x.length || high.length != x.length) {
                throw new IllegalArgumentException("curve " + name + ": x, y, low and high differ in length");
            }
        }
    }

    public static void write(String title, String xLabel, String yLabel, List<Curve> curves, Path png)
            throws IOException {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        for (Curve c : curves) {
            YIntervalSeries s = new YIntervalSeries(c.name());
            for (int i = 0; i < c.x().length; i++) {
                s.add(c.x()[i], c.y()[i], c.low()[i], c.high()[i]);
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(
                title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        DeviationRenderer renderer = new DeviationRenderer(true, true);
        renderer.setAlpha(0.2f);
        for (int i = 0; i < curves.size(); i++) {
            Color c = COLOURS[i % COLOURS.length];
            renderer.setSeriesPaint(i, c);
            renderer.setSeriesFillPaint(i, c);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot plot = chart.getXYPlot();
        plot.setRenderer(renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        Files.createDirectories(png.toAbsolutePath().getParent());
        AtomicFiles.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, 900, 500));
    }
}
