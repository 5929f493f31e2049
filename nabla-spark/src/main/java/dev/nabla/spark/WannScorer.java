package dev.nabla.spark;

import dev.nabla.cli.experiment.wann.Genome;
import dev.nabla.cli.experiment.wann.Images;
import dev.nabla.cli.experiment.wann.Score;
import dev.nabla.cli.experiment.wann.Scorer;
import dev.nabla.io.Json;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores a weight agnostic network search's populations in Spark tasks: each call splits the genomes into one
 * contiguous slice per slot of the context ({@code defaultParallelism}), a task scores a slice on its executor
 * ({@link WannScoreTask}), and the slices' scores come back in order. A score depends only on the genome, the
 * images and the weight values, so the search gives the same genomes and scores as on local threads.
 */
final class WannScorer implements Scorer {
    private final JavaSparkContext spark;
    private final String master;

    WannScorer(JavaSparkContext spark, String master) {
        this.spark = spark;
        this.master = master;
    }

    @Override
    public List<Score> score(List<Genome> genomes, Images images, float[] weights, boolean ensemble) {
        if (genomes.isEmpty()) return List.of();
        int slices = Math.max(1, Math.min(genomes.size(), spark.defaultParallelism()));
        List<ArrayList<String>> parts = new ArrayList<>();
        for (int s = 0; s < slices; s++) {
            int from = (int) ((long) s * genomes.size() / slices), to = (int) ((long) (s + 1) * genomes.size() / slices);
            ArrayList<String> part = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) part.add(Json.write(genomes.get(i).toMap()));
            parts.add(part);
        }
        spark.setJobDescription("nabla wann: score " + genomes.size() + " networks on " + images.count() + " images");
        List<ArrayList<Score>> scored = spark.parallelize(parts, slices).map(new WannScoreTask(images, weights, ensemble)).collect();
        List<Score> out = new ArrayList<>(genomes.size());
        for (List<Score> part : scored) out.addAll(part);
        if (out.size() != genomes.size()) {
            throw new IllegalStateException(out.size() + " scores came back for " + genomes.size() + " networks");
        }
        return out;
    }

    @Override
    public String describe() {
        return "Spark " + master + " (" + spark.defaultParallelism() + " task slots)";
    }

    @Override
    public void close() {
        spark.close();
    }
}
