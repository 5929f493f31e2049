package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.data.ImageSet;
import dev.nabla.datasets.ImageDataset;
import dev.nabla.datasets.mnist.Mnist;
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
        header = "Evaluate a saved model on the MNIST or Fashion-MNIST test set.",
        description = {
                "Evaluate a saved model on the test set (10,000 images) of the data set it was",
                "trained on (recorded in the model file; else --dataset, default mnist):",
                "accuracy, mean cross-entropy loss, accuracy per class and the confusion matrix",
                "(rows: true class, columns: predicted class), with the class names of",
                "Fashion-MNIST.",
                ""},
        footer = {"", "Examples:", "  nabla eval runs/20261123-101500-twolayer/model.safetensors",
                "  nabla eval --dataset fashion-mnist model.onnx",
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

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the test files in MNIST's layout (default: the data set's cache)")
    Path data;

    @Option(names = "--dataset", paramLabel = "mnist|fashion-mnist",
            description = "the data set to test on (default: the one the model file names, else mnist)")
    String dataset;

    @Option(names = "--json", description = "print the results as JSON")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ModelFile.Loaded m = SavedModels.load(modelFile);
        String dtype = spec.findOption(TrainSettings.DTYPE.option()).getValue();
        if (dtype != null) m.model().to(TrainSettings.DTYPE.parse(dtype, TrainSettings.DTYPE.option()));
        ImageDataset d = SavedModels.dataset(m, dataset);
        ImageSet test = MnistData.load(d, data, Mnist.DEFAULT_VALIDATION_FRACTION, err).test();
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
            j.put("dataset", d.name());
            j.put("class_names", d.classNames());
            j.put("images", test.count());
            j.put("accuracy", e.accuracy());
            j.put("loss", e.loss());
            j.put("per_class_accuracy", e.perClassAccuracy());
            j.put("confusion", e.confusion());
            out.print(Json.pretty(j));
        } else {
            print(out, m, d, test, e);
        }
        out.flush();
        return Main.EXIT_OK;
    }

    private void print(PrintWriter out, ModelFile.Loaded m, ImageDataset d, ImageSet test, Evaluation e) {
        out.println("model: " + modelFile + " (" + m.summary() + ", " + TrainSettings.dtypeName(m.model().dtype()) + ")");
        out.printf(Locale.ROOT, "test set: %,d images%s%n", test.count(),
                d.equals(ImageDataset.MNIST) ? "" : " of " + d.title());
        out.printf(Locale.ROOT, "accuracy %.4f  loss %.4f%n%n", e.accuracy(), e.loss());
        int[][] c = e.confusion();
        int k = c.length;
        // named classes ("7 Sneaker") get a column as wide as the longest name; digits keep the plain layout
        int nameWidth = 5;
        for (int i = 0; i < k; i++) nameWidth = Math.max(nameWidth, classLabel(d, i).length());
        String nameCol = "%-" + nameWidth + "s";
        out.println(String.format(Locale.ROOT, nameCol, "class") + "  accuracy  images");
        for (int i = 0; i < k; i++) {
            int n = 0;
            for (int v : c[i]) n += v;
            String name = d.namesAreLabels() ? String.format(Locale.ROOT, "%5d", i) : String.format(Locale.ROOT, nameCol, classLabel(d, i));
            out.printf(Locale.ROOT, "%s  %8.4f  %6d%n", name, e.perClassAccuracy()[i], n);
        }
        out.println();
        out.println("confusion matrix (rows: true class, columns: predicted class)");
        int w = 1;
        for (int[] row : c) for (int v : row) w = Math.max(w, Integer.toString(v).length());
        w += 1;
        String rowHead = d.namesAreLabels() ? "%6s" : "%-" + (nameWidth + 1) + "s";
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, rowHead, ""));
        for (int j = 0; j < k; j++) head.append(String.format(Locale.ROOT, "%" + w + "d", j));
        out.println(head);
        for (int i = 0; i < k; i++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, rowHead,
                    d.namesAreLabels() ? Integer.toString(i) : classLabel(d, i)));
            for (int j = 0; j < k; j++) row.append(String.format(Locale.ROOT, "%" + w + "d", c[i][j]));
            out.println(row);
        }
    }

    /** "7 Sneaker" for a named class, "7" for a digit. */
    static String classLabel(ImageDataset d, int label) {
        String name = d.className(label);
        return name.equals(Integer.toString(label)) ? name : label + " " + name;
    }
}
