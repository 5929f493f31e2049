package dev.nabla.train;

import dev.nabla.InputException;
import dev.nabla.autograd.Grad;
import dev.nabla.autograd.Tensor;
import dev.nabla.data.Dataset;
import dev.nabla.data.ImageSet;
import dev.nabla.loss.CrossEntropyLoss;
import dev.nabla.loss.Loss;
import dev.nabla.metrics.ConfusionMatrix;
import dev.nabla.metrics.Metric;
import dev.nabla.nn.Module;

/** Measures a model on a data set, in batches, without recording a graph. */
public final class Evaluator {
    private Evaluator() {}

    /**
     * Mean cross-entropy, accuracy, per-class accuracy and confusion matrix of {@code model}'s scores on a
     * labelled image set. The batch size affects only speed and memory.
     *
     * @throws InputException when {@code batchSize < 1} or the model's output does not fit the classes
     */
    public static Evaluation evaluate(Module model, ImageSet set, int batchSize) {
        return evaluate(model, new DataLoader(set, batchSize, false, 0), new CrossEntropyLoss(), null);
    }

    /**
     * The mean {@code loss} of {@code model} over every sample of {@code data} and, for labelled data, the
     * accuracy, per-class accuracy and confusion matrix of its scores [N, classes]. For data with float targets
     * the accuracy is {@code accuracy}'s value (NaN when it is null) and there is no confusion matrix.
     *
     * @param accuracy the metric for data with targets (e.g. {@link dev.nabla.metrics.Accuracy} for binary
     *                 targets); ignored for labelled data; reset before use
     * <p>The model runs in evaluation mode ({@link Module#eval()}) and is returned to its mode afterwards.
     *
     * @throws InputException when the model's output does not fit the data or the loss
     */
    public static Evaluation evaluate(Module model, DataLoader data, Loss loss, Metric accuracy) {
        Dataset d = data.dataset();
        ConfusionMatrix confusion = d.hasLabels() ? new ConfusionMatrix(d.classes()) : null;
        if (accuracy != null) accuracy.reset();
        double lossSum = 0;
        int n = 0;
        boolean training = model.isTraining();
        model.eval(); // dropout off, batch norm on its running statistics; the caller's mode comes back below
        try (var off = Grad.disabled()) {
            for (Batch b : data.batches(1)) { // one pass, in the order of epoch 1
                Tensor out = model.forward(b.x());
                if (confusion != null) confusion.update(out.value(), b.labels(), null);
                else if (accuracy != null) accuracy.update(out.value(), null, b.targets().value());
                lossSum += loss.forward(out, b.labels(), b.targets()).item() * b.size();
                n += b.size();
            }
        } finally {
            model.train(training);
        }
        double meanLoss = n == 0 ? Double.NaN : lossSum / n;
        if (confusion == null) {
            return new Evaluation(meanLoss, accuracy == null ? Double.NaN : accuracy.value(), new double[0], new int[0][0]);
        }
        return new Evaluation(meanLoss, confusion.value(), confusion.perClassAccuracy(), confusion.counts());
    }
}
