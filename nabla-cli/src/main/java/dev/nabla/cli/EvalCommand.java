package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.data.ImageSet;
import dev.nabla.io.Json;
import dev.nabla.models.ModelFile;
import dev.nabla.train.Evaluation;
import dev.nabla.train.Evaluator;
import dev.nabla.train.TrainSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nabla eval}: a saved model's accuracy, loss, per-class accuracy and confusion matrix on the test set. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        modelTransformer = EvalCommand.Declared.class,
        header = "Evaluate a saved model on the MNIST test set.",
        description = {
                "Evaluate a saved model on the MNIST test set (10,000 images): accuracy, mean",
                "cross-entropy loss, accuracy per class and the confusion matrix (rows: true",
                "class, columns: predicted class).",
                ""},
        footer = {"", "Example:", "  nabla eval runs/20261123-101500-twolayer/model.safetensors",
                "Exit codes: 0 done, 2 bad input."})
public final class EvalCommand implements Callable<Integer> {

    /** {@code --dtype}, built from its declaration; the default is the model file's own. */
    public static final class Declared implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return TrainOptions.addFirst(spec, List.of(TrainOptions.option(TrainSettings.DTYPE, "compute in this precision",
                    "the model file's")));
        }
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "a model written by nabla train, or an ONNX file (.onnx)")
    Path modelFile;

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the MNIST files (default: the cache)")
    Path data;

    @Option(names = "--json", description = "print the results as JSON")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ModelFile.Loaded m = SavedModels.load(modelFile);
        String dtype = spec.findOption(TrainSettings.DTYPE.option()).getValue();
        if (dtype != null) m.model().to(TrainSettings.DTYPE.parse(dtype, TrainSettings.DTYPE.option()));
        ImageSet test = MnistData.load(data, err).test();
        if (test.features() != m.inputSize()) {
            throw new InputException(modelFile + " takes inputs of " + m.inputSize() + " values, the test images have "
                    + test.rows() + "x" + test.cols() + " = " + test.features());
        }
        Evaluation e = Evaluator.evaluate(m.model(), test, 1000);
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("model", modelFile.toString());
            if (m.spec() != null) j.put("spec", ModelFile.specToMap(m.spec()));
            j.put("dtype", TrainSettings.dtypeName(m.model().dtype()));
            j.put("images", test.count());
            j.put("accuracy", e.accuracy());
            j.put("loss", e.loss());
            j.put("per_class_accuracy", e.perClassAccuracy());
            j.put("confusion", e.confusion());
            out.print(Json.pretty(j));
        } else {
            print(out, m, test, e);
        }
        out.flush();
        return Main.EXIT_OK;
    }

    private void print(PrintWriter out, ModelFile.Loaded m, ImageSet test, Evaluation e) {
        out.println("model: " + modelFile + " (" + m.summary() + ", " + TrainSettings.dtypeName(m.model().dtype()) + ")");
        out.printf(Locale.ROOT, "test set: %,d images%n", test.count());
        out.printf(Locale.ROOT, "accuracy %.4f  loss %.4f%n%n", e.accuracy(), e.loss());
        int[][] c = e.confusion();
        int k = c.length;
        out.println("class  accuracy  images");
        for (int i = 0; i < k; i++) {
            int n = 0;
            for (int v : c[i]) n += v;
            out.printf(Locale.ROOT, "%5d  %8.4f  %6d%n", i, e.perClassAccuracy()[i], n);
        }
        out.println();
        out.println("confusion matrix (rows: true class, columns: predicted class)");
        int w = 1;
        for (int[] row : c) for (int v : row) w = Math.max(w, Integer.toString(v).length());
        w += 1;
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%6s", ""));
        for (int j = 0; j < k; j++) head.append(String.format(Locale.ROOT, "%" + w + "d", j));
        out.println(head);
        for (int i = 0; i < k; i++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%6d", i));
            for (int j = 0; j < k; j++) row.append(String.format(Locale.ROOT, "%" + w + "d", c[i][j]));
            out.println(row);
        }
    }
}
