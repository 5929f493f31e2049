package dev.nabla.cli.experiment.wann;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Scores genomes on {@code threads} worker threads of this process, thread t taking a fixed range of them. */
public final class ThreadScorer implements Scorer {

    private final int threads;
    private final ExecutorService pool;

    public ThreadScorer(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "nabla-wann");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public List<Score> score(List<Genome> genomes, Images images, float[] weights, boolean ensemble) {
        Score[] out = new Score[genomes.size()];
        if (pool == null) {
            for (int i = 0; i < out.length; i++) out[i] = Score.of(genomes.get(i), images, weights, ensemble);
            return Arrays.asList(out);
        }
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int from = (int) ((long) t * out.length / threads), to = (int) ((long) (t + 1) * out.length / threads);
            futures.add(pool.submit(() -> {
                for (int i = from; i < to; i++) out[i] = Score.of(genomes.get(i), images, weights, ensemble);
            }));
        }
        try {
            for (Future<?> f : futures) f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return Arrays.asList(out);
    }

    @Override
    public String describe() {
        return threads + (threads == 1 ? " thread" : " threads");
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
