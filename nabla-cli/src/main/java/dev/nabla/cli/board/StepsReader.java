package dev.nabla.cli.board;

import dev.nabla.cli.run.RunFolder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loss of every training step, from the {@value RunFolder#STEPS} a run trained with {@code --log-steps}
 * writes (columns step, epoch, batch, loss). Read like every run file ({@link RunFiles#csv}: bounded in size, a
 * half-written last line left out) and made small for the page: a long log is averaged over groups of
 * consecutive steps down to at most {@link #MAX_POINTS} points.
 */
final class StepsReader {

    /** Most points of the step chart sent to the page; 60 epochs of MNIST at batch 64 are about 50,000 steps. */
    static final int MAX_POINTS = 2000;

    private StepsReader() {
    }

    /**
     * {@code step} (the last step of each group), {@code loss} (the group's mean batch loss; NaN where a loss was
     * not finite, which the page leaves as a gap), {@code total} (steps in the file) and {@code per_point} (steps
     * averaged into one point); null when the run has no step log.
     */
    static Map<String, Object> read(Path dir) throws RunFiles.Damaged {
        Path f = dir.resolve(RunFolder.STEPS);
        Map<String, List<Object>> cols = RunFiles.csv(f);
        if (cols == null) return null;
        List<Object> steps = cols.get("step"), losses = cols.get("loss");
        if (steps == null || losses == null) {
            throw new RunFiles.Damaged(f.getFileName() + " has no step and loss columns (has " + cols.keySet() + ")");
        }
        int n = steps.size();
        for (int i = 0; i < n; i++) {
            if (!(steps.get(i) instanceof Number) || !(losses.get(i) instanceof Number)) {
                throw new RunFiles.Damaged(f.getFileName() + " row " + (i + 1) + ": step '" + steps.get(i)
                        + "' and loss '" + losses.get(i) + "' must be numbers");
            }
        }
        int perPoint = Math.max(1, (n + MAX_POINTS - 1) / MAX_POINTS);
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        for (int start = 0; start < n; start += perPoint) {
            int end = Math.min(n, start + perPoint);
            double sum = 0;
            for (int i = start; i < end; i++) sum += ((Number) losses.get(i)).doubleValue();
            x.add(((Number) steps.get(end - 1)).doubleValue());
            y.add(sum / (end - start));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("step", x);
        out.put("loss", y);
        out.put("total", n);
        out.put("per_point", perPoint);
        return out;
    }
}
