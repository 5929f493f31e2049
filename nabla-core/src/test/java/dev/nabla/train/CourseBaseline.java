package dev.nabla.train;

import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.datasets.mnist.TestMnist;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import dev.nabla.optim.Optimizer;

import java.nio.file.Path;

/**
 * Trains the course's models on MNIST with the course's settings and prints accuracy and time per epoch; run
 * by hand (not part of the test suite), from the repository or a module folder:
 * {@code java --add-modules jdk.incubator.vector -cp nabla-core/target/classes:nabla-core/target/test-classes
 * dev.nabla.train.CourseBaseline [twolayer|softmax] [epochs] [lr] [threads]}.
 */
public final class CourseBaseline {
    public static void main(String[] args) {
        String type = args.length > 0 ? args[0] : "twolayer";
        TrainConfig cfg = TrainConfig.courseDefaults();
        if (type.equals("softmax")) cfg = cfg.withModel(ModelSpec.courseSoftmax());
        if (args.length > 1) cfg = cfg.withEpochs(Integer.parseInt(args[1]));
        if (args.length > 2) cfg = cfg.withLr(Double.parseDouble(args[2]));
        if (args.length > 3) cfg = cfg.withThreads(Integer.parseInt(args[3]));
        Path dir = TestMnist.folder();
        long t0 = System.nanoTime();
        MnistSplits data = Mnist.load(dir);
        System.out.printf("loaded %s in %.2f s%n", dir, (System.nanoTime() - t0) / 1e9);
        Module model = Models.build(cfg.model());
        Optimizer opt = Trainer.optimizer(model, cfg);
        System.out.println(model.describe(cfg.batchSize(), 784));
        System.out.println(cfg);
        var cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        TrainResult r = Trainer.fit(model, opt, Splits.of(data.train(), data.validation(), data.test()), cfg, new TrainListener() {
            long cpuAt = cpu.getCurrentThreadCpuTime();

            @Override
            public void onEpoch(EpochMetrics m, boolean newBest, TrainState state) {
                // CPU time of this thread (all of the work when threads = 1): less sensitive to a busy machine
                long now = cpu.getCurrentThreadCpuTime();
                System.out.printf("epoch %2d  train loss %.4f acc %.4f  val loss %.4f acc %.4f  train %.3f s  eval %.3f s  main-thread cpu %.3f s%s%n",
                        m.epoch(), m.trainLoss(), m.trainAcc(), m.valLoss(), m.valAcc(), m.trainSeconds(), m.evalSeconds(),
                        (now - cpuAt) / 1e9, newBest ? "  *" : "");
                cpuAt = now;
            }
        }, null);
        double mean = r.history().stream().mapToDouble(EpochMetrics::trainSeconds).average().orElse(Double.NaN);
        double min = r.history().stream().mapToDouble(EpochMetrics::trainSeconds).min().orElse(Double.NaN);
        System.out.printf("%s: final train acc %.4f, best val acc %.4f (epoch %d), test acc %.4f; train s/epoch mean %.3f min %.3f; total %.1f s%n",
                r.status(), r.finalTrainAcc(), r.bestValAcc(), r.bestEpoch(), r.testAcc(), mean, min, r.seconds());
        System.out.println(r.message());
    }
}
