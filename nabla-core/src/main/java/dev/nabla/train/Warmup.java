package dev.nabla.train;

import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Grad;
import dev.nabla.autograd.Tensor;
import dev.nabla.metrics.Accuracy;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import dev.nabla.optim.Optimizer;

import java.util.SplittableRandom;

/**
 * Training steps of a throwaway copy of a run's model on random data, in a background thread, so that the JIT
 * compiles the step's kernels (GEMM, packing, sigmoid, the optimizer's update) while the real data is still
 * being read. Until then those run interpreted or half-compiled, many times slower: they made the first epoch
 * of a run several times longer than the others.
 *
 * <p>The steps touch nothing the real run uses (their own model, optimizer, arrays and random numbers), and
 * the kernels give the same bits compiled or not, so a run's results do not depend on whether or how long it
 * was warmed up. {@link #close()} stops the steps before training starts, so they never compete with it.
 */
public final class Warmup implements AutoCloseable {
    /** Upper bound on the warm-up, in case nobody calls {@link #close()} early. */
    static final long MAX_NANOS = 5_000_000_000L;

    private final Thread thread;
    private volatile boolean stop;
    private volatile int steps;

    private Warmup(TrainConfig cfg) {
        thread = new Thread(() -> run(cfg), "nabla-warmup");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
    }

    /** Starts warming up the training step of {@code cfg}'s model and optimizer at its batch size. */
    public static Warmup start(TrainConfig cfg) {
        Warmup w = new Warmup(cfg);
        w.thread.start();
        return w;
    }

    /** Steps done so far. */
    public int steps() {
        return steps;
    }

    /**
     * Stops the steps and waits for the one under way to reach its next phase (forward, backward, update). A whole
     * step still uncompiled can take 0.4 s, which the run then spent waiting (bench/RESULTS.md).
     */
    @Override
    public void close() {
        stop = true;
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /**
     * {@code n} inputs of {@code features} values in [0, 1) shaped like handwritten digits where {@code features}
     * is a square image: zero borders, a centre with about half its pixels zero. The kernels skip zero columns
     * and zero panels of their inputs; with dense random data those branches are never taken in the warm-up, so
     * code compiled then hits an uncommon trap at the first real batch and is compiled again (seen in the GEMM's
     * column check with -XX:+PrintCompilation).
     */
    static float[] imageLike(int n, int features, SplittableRandom rnd) {
        float[] x = new float[n * features];
        int side = (int) Math.round(Math.sqrt(features));
        boolean square = side * side == features && side >= 8;
        int margin = square ? side / 7 : 0;
        for (int s = 0; s < n; s++) {
            for (int f = 0; f < features; f++) {
                int r = square ? f / side : 0, c = square ? f % side : 0;
                boolean inside = !square || (r >= margin && r < side - margin && c >= margin && c < side - margin);
                if (inside && rnd.nextBoolean()) x[s * features + f] = (float) rnd.nextDouble();
            }
        }
        return x;
    }

    private void run(TrainConfig cfg) {
        long until = System.nanoTime() + MAX_NANOS;
        try (var on = Grad.enabled()) {
            Module model = Models.build(cfg.model());
            Optimizer opt = Trainer.optimizer(model, cfg);
            int n = cfg.batchSize(), features = cfg.model().inputSize(), classes = cfg.model().classes();
            SplittableRandom rnd = new SplittableRandom(1);
            float[] x = imageLike(n, features, rnd);
            int[] y = new int[n];
            for (int i = 0; i < n; i++) y[i] = i % classes;
            Tensor input = Tensor.of(x, n, features);
            while (!stop && System.nanoTime() < until) {
                opt.zeroGrad();
                Tensor logits = model.forward(input);
                Tensor loss = Functional.crossEntropy(logits, y);
                loss.item();
                if (stop) break;
                loss.backward();
                if (stop) break;
                opt.step();
                Accuracy.hits(logits.value(), y);
                steps++;
            }
        } catch (RuntimeException e) {
            // a model the steps cannot run (e.g. one that does not fit the data) fails in the real run, with
            // its own message; the warm-up only gives up
        }
    }
}
