package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Grad;
import dev.nabla.autograd.Tensor;
import dev.nabla.datasets.ImageDataset;
import dev.nabla.models.ModelFile;
import dev.nabla.io.Json;
import dev.nabla.models.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nabla predict}: the class a saved model gives each image, and the probabilities of all classes. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Classify images with a saved model.",
        description = {
                "Classify images with a saved model. Each image is converted to grayscale,",
                "inverted if it is mostly light (MNIST digits are white on black), padded to a",
                "square and resized to 28x28 if needed. Classes are shown with their names for",
                "a model trained on Fashion-MNIST (\"7 Sneaker\").",
                ""},
        footer = {"", "Example:", "  nabla predict runs/20261123-101500-twolayer/model.safetensors seven.png",
                "Exit codes: 0 done, 2 bad input."})
public final class PredictCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "a model written by nabla train, or an ONNX file (.onnx)")
    Path modelFile;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "IMAGE", description = "images (PNG, JPEG, GIF, BMP)")
    List<Path> images;

    @Option(names = "--dataset", paramLabel = "mnist|fashion-mnist",
            description = "whose class names to show (default: the data set the model file names, else mnist)")
    String dataset;

    @Option(names = "--json", description = "print the predictions as JSON")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ModelFile.Loaded m = SavedModels.load(modelFile);
        ImageDataset classes = SavedModels.dataset(m, dataset);
        int side = (int) Math.round(Math.sqrt(m.inputSize()));
        if (side * side != m.inputSize()) {
            throw new InputException(modelFile + " takes " + m.inputSize()
                    + " inputs, which is not a square image: predict works on square-image models");
        }
        // read every image first, so that a bad one stops the command before any output
        List<DigitImage> prepared = new ArrayList<>();
        for (Path p : images) prepared.add(DigitImage.read(p, side, side));

        List<Map<String, Object>> results = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            DigitImage d = prepared.get(i);
            double[] probs = probabilities(m, d.pixels());
            int best = 0;
            for (int c = 1; c < probs.length; c++) if (probs[c] > probs[best]) best = c;
            if (json) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("image", images.get(i).toString());
                r.put("class", best);
                r.put("class_name", classes.className(best));
                r.put("probabilities", probs);
                r.put("inverted", d.inverted());
                r.put("resized_from", new int[]{d.width(), d.height()});
                results.add(r);
            } else {
                print(out, images.get(i), d, classes, best, probs);
            }
        }
        if (json) out.print(Json.pretty(results));
        out.flush();
        return Main.EXIT_OK;
    }

    /** The model's probability of each class for one prepared image (nabla board's drawing canvas uses it too). */
    @SuppressWarnings("try") // the Grad scope is used for its effect, not referenced
    public static double[] probabilities(ModelFile.Loaded m, float[] pixels) {
        try (var off = Grad.disabled()) {
            Tensor logits = m.model().forward(Tensor.of(pixels.clone(), 1, pixels.length));
            return Functional.softmax(logits, 1).value().toDoubleArray();
        }
    }

    private static void print(PrintWriter out, Path image, DigitImage d, ImageDataset classes, int best, double[] probs) {
        out.printf(Locale.ROOT, "%s: %s (probability %.4f)%n", image, EvalCommand.classLabel(classes, best), probs[best]);
        List<String> notes = new ArrayList<>();
        if (d.inverted()) {
            notes.add("inverted: the image is mostly light, " + (classes.equals(ImageDataset.MNIST) ? "MNIST digits are"
                    : classes.title() + "'s images are") + " light on dark");
        }
        if (d.resized()) notes.add("resized from " + d.width() + "x" + d.height() + " to " + d.cols() + "x" + d.rows());
        if (!notes.isEmpty()) out.println("  " + String.join("; ", notes));
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < probs.length; c++) {
            sb.append(String.format(Locale.ROOT, "  %s: %.4f", EvalCommand.classLabel(classes, c), probs[c]));
        }
        out.println(sb);
    }
}
