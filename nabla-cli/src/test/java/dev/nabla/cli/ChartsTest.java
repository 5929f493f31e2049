package dev.nabla.cli;

import dev.nabla.cli.plot.Charts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartsTest {

    @TempDir
    Path tmp;

    @Test
    void linesWritesAPngAndAnSvgOfTheChart() throws IOException {
        Charts.lines("Loss: lr=0.1", "epoch", "loss",
                Map.of("training", new double[]{2.0, 1.0, 0.5}), tmp.resolve("loss"));
        BufferedImage png = ImageIO.read(tmp.resolve("loss.png").toFile());
        assertNotNull(png);
        assertEquals(900, png.getWidth());
        assertEquals(560, png.getHeight());
        String svg = Files.readString(tmp.resolve("loss.svg"));
        assertTrue(svg.contains("<svg") && svg.strip().endsWith("</svg>"));
    }

    @Test
    void theChartHasTheTitleAxisLabelsAndOneSeriesPerLineWithoutNonFinitePoints() {
        XYChart c = Charts.chart("Accuracy: sweep", "learning rate", "accuracy", List.of(
                        new Charts.Series("run a", new double[]{1e-3, 1e-2, 1e-1}, new double[]{0.5, Double.NaN, 0.9}),
                        Charts.Series.indexed("run b", new double[]{0.4, 0.6})),
                Charts.Style.curves().withLogX(true));
        assertEquals("Accuracy: sweep", c.getTitle());
        assertEquals("learning rate", c.getXAxisTitle());
        assertEquals("accuracy", c.getYAxisTitle());
        assertEquals(2, c.getSeriesCollection().size());
        assertArrayEquals(new double[]{1e-3, 1e-1}, c.getSeries("run a").getXData());
        assertArrayEquals(new double[]{0.5, 0.9}, c.getSeries("run a").getYData());
        assertArrayEquals(new double[]{1, 2}, c.getSeries("run b").getXData());
    }

    @Test
    void theLegendSitsInTheEmptyCornerOfOneOrTwoCurvesAndBesideTheDataOfMore() {
        var rising = Charts.Series.indexed("accuracy", new double[]{0.4, 0.9});
        var falling = Charts.Series.indexed("loss", new double[]{2.0, 0.3});
        assertEquals(Styler.LegendPosition.InsideSE, Charts.legendPosition(List.of(rising)));
        assertEquals(Styler.LegendPosition.InsideNE, Charts.legendPosition(List.of(falling, falling)));
        assertEquals(Styler.LegendPosition.OutsideE, Charts.legendPosition(List.of(rising, rising, falling)));
    }
}
