package dev.nabla.cli.experiment.wann;

import java.util.List;

/**
 * Scores a population: on the worker threads of this process ({@link ThreadScorer}) or in the tasks of a cluster
 * ({@code --spark}). A genome's {@link Score} depends only on the genome, the images and the weight values, so
 * every scorer gives the same scores and a search the same result wherever its populations are scored.
 */
public interface Scorer extends AutoCloseable {

    /** The score of each genome on {@code images} with each of {@code weights}, in the genomes' order. */
    List<Score> score(List<Genome> genomes, Images images, float[] weights, boolean ensemble);

    /** What scores the populations, for the log and the results ("2 threads", "Spark local[2]"). */
    String describe();

    @Override
    void close();
}
