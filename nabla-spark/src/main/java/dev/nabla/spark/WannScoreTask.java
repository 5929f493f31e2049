package dev.nabla.spark;

import dev.nabla.cli.experiment.wann.Genome;
import dev.nabla.cli.experiment.wann.Images;
import dev.nabla.cli.experiment.wann.Score;
import dev.nabla.io.Json;
import org.apache.spark.api.java.function.Function;

import java.util.ArrayList;

/**
 * What one Spark task of {@link WannScorer} runs: scores a slice of genomes, sent as the JSON of
 * {@link Genome#toMap()}, on the images and weight values the task carries.
 */
final class WannScoreTask implements Function<ArrayList<String>, ArrayList<Score>> {
    private final Images images;
    private final float[] weights;
    private final boolean ensemble;

    WannScoreTask(Images images, float[] weights, boolean ensemble) {
        this.images = images;
        this.weights = weights.clone();
        this.ensemble = ensemble;
    }

    @Override
    public ArrayList<Score> call(ArrayList<String> genomes) {
        ArrayList<Score> out = new ArrayList<>(genomes.size());
        for (String json : genomes) out.add(Score.of(Genome.fromMap(Json.parseObject(json, "genome")), images, weights, ensemble));
        return out;
    }
}
