package dev.nabla.cli.plot;

import dev.nabla.io.AtomicFiles;
import org.knowm.xchart.ChartEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Line charts for reports, written as PNG and SVG side by side: learning curves of one run, or many runs
 * overlaid (a sweep). White background, light grid, a title, axis labels and a legend; colours from a
 * palette that stays distinguishable in print. Files are written whole (temporary name, then rename).
 */
public final class Charts {

    static {
        // charts are drawn off screen; without this a JVM on a machine with no display may refuse to start AWT
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** One line: points (x[i], y[i]); non-finite y values are left out (e.g. the loss of a diverged epoch). */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but "
                        + y.length + " y values");
            }
        }

        /** A series over x = 1, 2, ..., y.length (e.g. epochs). */
        public static Series indexed(String name, double[] y) {
            double[] x = new double[y.length];
            for (int i = 0; i < x.length; i++) x[i] = i + 1;
            return new Series(name, x, y);
        }
    }

    /**
     * Size and axes.
     *
     * @param integerX label only whole numbers on the x axis (epochs)
     * @param markers  mark each point (useful for few points; off for long curves)
     */
    public record Style(int width, int height, boolean logX, boolean logY, boolean integerX, boolean markers) {
        /** 900 x 560 pixels, linear axes, whole-number x labels, point markers. */
        public static Style curves() {
            return new Style(900, 560, false, false, true, true);
        }

        public Style withLogX(boolean on) {
            return new Style(width, height, on, logY, integerX && !on, markers);
        }

        public Style withLogY(boolean on) {
            return new Style(width, height, logX, on, integerX, markers);
        }

        public Style withIntegerX(boolean on) {
            return new Style(width, height, logX, logY, on, markers);
        }

        public Style withMarkers(boolean on) {
            return new Style(width, height, logX, logY, integerX, on);
        }
    }

    // matplotlib's "tab10" colours: distinct on screen and in print
    private static final Color[] PALETTE = {
            new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
            new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private static volatile Thread warmUp;

    private Charts() {
    }

    /**
     * Starts drawing a throw-away chart on a background thread, once per JVM: the first chart pays for loading
     * AWT and its fonts (seconds), which this moves off the critical path (e.g. to while data loads).
     */
    public static void warmUp() {
        if (warmUp != null) return;
        synchronized (Charts.class) {
            if (warmUp != null) return;
            Thread t = new Thread(() -> {
                try {
                    XChartWarm.draw();
                } catch (RuntimeException | IOException | LinkageError e) {
                    // only a head start; the real chart reports any problem
                }
            }, "nabla-chart-warm-up");
            t.setDaemon(true);
            t.start();
            warmUp = t;
        }
    }

    private static final class XChartWarm {
        static void draw() throws IOException {
            XYChart c = chart("warm-up", "x", "y", List.of(Series.indexed("a", new double[]{1, 2})), Style.curves());
            ChartEncoder.getBytes(c, "png");
            ChartEncoder.saveChart(c, java.io.OutputStream.nullOutputStream(), "svg");
        }
    }

    /**
     * Lines over x = 1..n (one per entry of {@code series}, in map order), written to {@code base + ".png"} and
     * {@code base + ".svg"}.
     */
    public static void lines(String title, String xLabel, String yLabel, Map<String, double[]> series, Path base) {
        List<Series> list = new ArrayList<>();
        series.forEach((name, y) -> list.add(Series.indexed(name, y)));
        lines(title, xLabel, yLabel, list, Style.curves(), base);
    }

    /** Lines with their own x values, written to {@code base + ".png"} and {@code base + ".svg"}. */
    public static void lines(String title, String xLabel, String yLabel, List<Series> series, Style style, Path base) {
        XYChart chart = chart(title, xLabel, yLabel, series, style);
        Path png = sibling(base, ".png");
        Path svg = sibling(base, ".svg");
        try {
            byte[] bytes = ChartEncoder.getBytes(chart, "png");
            AtomicFiles.write(png, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
        AtomicFiles.write(svg, out -> ChartEncoder.saveChart(chart, out, "svg"));
    }

    /** The chart itself, for callers that want another format or to compose it. */
    public static XYChart chart(String title, String xLabel, String yLabel, List<Series> series, Style style) {
        XYChart chart = new XYChartBuilder().width(style.width()).height(style.height())
                .title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        var st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotBorderColor(new Color(0x999999));
        st.setPlotGridLinesColor(new Color(0xe4e4e4));
        st.setPlotGridLinesStroke(new BasicStroke(1f));
        st.setChartTitleBoxVisible(false);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setLegendBorderColor(new Color(0xcccccc));
        st.setLegendPosition(legendPosition(series));
        st.setChartPadding(12);
        st.setPlotMargin(6);
        st.setSeriesColors(PALETTE);
        st.setMarkerSize(style.markers() ? 7 : 0);
        st.setXAxisLogarithmic(style.logX());
        st.setYAxisLogarithmic(style.logY());
        st.setAntiAlias(true);
        if (style.integerX()) {
            st.setXAxisTickLabelsFormattingFunction(x -> x == Math.rint(x) ? Long.toString(Math.round(x)) : "");
        }
        int i = 0;
        for (Series s : series) {
            double[][] pts = finitePoints(s, style);
            if (pts[0].length == 0) continue; // XChart cannot draw an empty series
            XYSeries xy = chart.addSeries(s.name(), pts[0], pts[1]);
            xy.setLineWidth(2f);
            xy.setMarker(style.markers() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            xy.setLineColor(PALETTE[i % PALETTE.length]);
            xy.setMarkerColor(PALETTE[i % PALETTE.length]);
            i++;
        }
        if (i == 0) st.setLegendVisible(false);
        return chart;
    }

    /**
     * Beside the plot for overlays of more than two curves (a sweep's trials spread over the whole height, so
     * no corner stays empty); inside, in the empty corner, for one or two curves: falling curves (losses) leave
     * the upper right empty, rising ones (accuracies) the lower right.
     */
    public static Styler.LegendPosition legendPosition(List<Series> series) {
        if (series.size() > 2) return Styler.LegendPosition.OutsideE;
        int falling = 0, rising = 0;
        for (Series s : series) {
            double first = Double.NaN, last = Double.NaN;
            for (double y : s.y()) {
                if (!Double.isFinite(y)) continue;
                if (Double.isNaN(first)) first = y;
                last = y;
            }
            if (last < first) falling++;
            else if (last > first) rising++;
        }
        return rising > falling ? Styler.LegendPosition.InsideSE : Styler.LegendPosition.InsideNE;
    }

    private static double[][] finitePoints(Series s, Style style) {
        List<double[]> keep = new ArrayList<>();
        for (int k = 0; k < s.x().length; k++) {
            double x = s.x()[k], y = s.y()[k];
            if (!Double.isFinite(x) || !Double.isFinite(y)) continue;
            if ((style.logX() && x <= 0) || (style.logY() && y <= 0)) continue;
            keep.add(new double[]{x, y});
        }
        double[][] out = new double[2][keep.size()];
        for (int k = 0; k < keep.size(); k++) {
            out[0][k] = keep.get(k)[0];
            out[1][k] = keep.get(k)[1];
        }
        return out;
    }

    private static Path sibling(Path base, String ext) {
        return base.resolveSibling(base.getFileName() + ext);
    }

    /** Convenience for two named series over epochs (e.g. train and validation loss). */
    public static Map<String, double[]> pair(String a, double[] ya, String b, double[] yb) {
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put(a, ya);
        m.put(b, yb);
        return m;
    }
}
