package dev.nabla.cli.experiment.wann;

import java.util.Locale;

/**
 * A genome drawn as SVG: the inputs as a square grid of pixels on the left (a pixel the network reads is dark),
 * the bias below it, hidden nodes in columns by depth (the longest path from an input) labelled with their
 * activation, and the outputs (the classes) on the right labelled with theirs. Enabled links only, all the same
 * colour: every link carries the same weight.
 */
public final class NetworkSvg {

    private NetworkSvg() {
    }

    /** The drawing of {@code g}, whose inputs form a {@code side x side} image, titled {@code title}. */
    public static String draw(Genome g, int side, String title) {
        int inputs = g.inputs();
        if (side * side != inputs) throw new IllegalArgumentException(inputs + " inputs are not a " + side + "x" + side + " grid");
        int[] hidden = g.hidden();
        int[] depth = new int[g.nodeCount()];
        int maxDepth = 0;
        for (int h : hidden) { // the order is topological, so sources are final when h is reached
            for (Genome.Link l : g.links()) if (l.enabled() && l.to() == h) depth[h] = Math.max(depth[h], depth[l.from()] + 1);
            maxDepth = Math.max(maxDepth, depth[h]);
        }
        double cell = 14, gridX = 30, gridY = 60, gridSize = side * cell;
        double colGap = 110, firstCol = gridX + gridSize + 90;
        double outX = firstCol + maxDepth * colGap + (maxDepth > 0 ? 40 : 0);
        double height = Math.max(gridY + gridSize + 70, gridY + 10 * 46 + 20);
        int[] perDepth = new int[maxDepth + 1];
        for (int h : hidden) perDepth[depth[h]]++;
        int[] placed = new int[maxDepth + 1];
        double[] x = new double[g.nodeCount()], y = new double[g.nodeCount()];
        for (int i = 0; i < inputs; i++) {
            x[i] = gridX + (i % side + 0.5) * cell;
            y[i] = gridY + (i / side + 0.5) * cell;
        }
        x[g.bias()] = gridX + gridSize / 2;
        y[g.bias()] = gridY + gridSize + 30;
        double usable = height - gridY - 40;
        for (int h : hidden) {
            int d = depth[h];
            x[h] = firstCol + (d - 1) * colGap;
            y[h] = gridY + usable * (placed[d]++ + 0.5) / perDepth[d];
        }
        for (int k = 0; k < g.outputs(); k++) {
            x[g.output(k)] = outX;
            y[g.output(k)] = gridY + usable * (k + 0.5) / g.outputs();
        }
        boolean[] used = new boolean[g.nodeCount()];
        for (Genome.Link l : g.links()) if (l.enabled()) used[l.from()] = true;

        double width = outX + 90;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\""
                + " viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">%n", width, height, width, height));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"white\"/>%n", width, height));
        sb.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"28\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                gridX, escape(title)));
        sb.append("<g stroke=\"#1f77b4\" stroke-opacity=\"0.25\" stroke-width=\"1\">\n");
        for (Genome.Link l : g.links()) {
            if (!l.enabled()) continue;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>%n",
                    x[l.from()], y[l.from()], x[l.to()], y[l.to()]));
        }
        sb.append("</g>\n<g stroke=\"#999\" stroke-width=\"0.5\">\n");
        for (int i = 0; i < inputs; i++) {
            sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.0f\" fill=\"%s\"/>%n",
                    x[i] - cell / 2, y[i] - cell / 2, cell, cell, used[i] ? "#333" : "#f4f4f4"));
        }
        sb.append("</g>\n");
        node(sb, x[g.bias()], y[g.bias()], "bias", used[g.bias()] ? "#333" : "#ccc");
        for (int h : hidden) node(sb, x[h], y[h], g.activation(h).label(), "#ff7f0e");
        for (int k = 0; k < g.outputs(); k++) {
            int o = g.output(k);
            node(sb, x[o], y[o], g.activation(o).label(), "#2ca02c");
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" font-weight=\"bold\">%d</text>%n",
                    x[o] + 22, y[o] + 5, k));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static void node(StringBuilder sb, double x, double y, String label, String colour) {
        sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"15\" fill=\"white\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                x, y, colour));
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" text-anchor=\"middle\">%s</text>%n",
                x, y + 3, escape(label)));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
