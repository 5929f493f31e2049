package dev.nabla.cli.board;

import dev.nabla.datasets.ImageDataset;
import dev.nabla.InputException;
import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Grad;
import dev.nabla.autograd.Tensor;
import dev.nabla.cli.DigitImage;
import dev.nabla.cli.PredictCommand;
import dev.nabla.data.ImageSet;
import dev.nabla.models.ModelFile;
import dev.nabla.nn.Linear;
import dev.nabla.nn.Module;
import dev.nabla.nn.Sequential;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * A run's model, looked at: its layers, its first layer's weights as images, its errors on the test set, and
 * predictions for drawn digits. The model is read with {@link ModelFile} and a drawing goes through
 * {@link DigitImage} and {@link PredictCommand#probabilities}, the code {@code nabla predict} runs, so the page
 * and the command give the same numbers for the same image. Models and their evaluations are kept while the
 * model file keeps its size and time (a running run rewrites it when it finds a better epoch).
 */
final class ModelView {

    /** How many misclassified test images the gallery shows (the most confident mistakes first). */
    static final int GALLERY = 60;
    /** Largest drawing accepted for a prediction, in pixels per side (the page sends 280x280). */
    static final int MAX_DRAWING_SIDE = 2048;

    private record Key(Path file, long size, long millis) {
    }

    private final TestImages testImages;
    private final Map<Path, Map.Entry<Key, ModelFile.Loaded>> models = new ConcurrentHashMap<>();
    private final Map<Key, Map<String, Object>> evaluations = new ConcurrentHashMap<>();

    ModelView(TestImages testImages) {
        this.testImages = testImages;
    }

    /** Layers, shapes, parameter counts and the first layer's weights as 8-bit tiles. */
    Map<String, Object> describe(Path runDir) {
        ModelFile.Loaded m = load(runDir);
        Map<String, Object> out = new LinkedHashMap<>();
        if (m.spec() != null) out.put("spec", ModelFile.specToMap(m.spec()));
        List<Map<String, Object>> layers = new ArrayList<>();
        List<Module> mods = m.model() instanceof Sequential s ? s.layers() : List.of(m.model());
        int[] shape = {1, m.inputSize()};
        long total = 0;
        for (Module mod : mods) {
            int[] next = mod.outputShape(shape);
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("module", mod.toString());
            l.put("input", Shape.str(shape));
            l.put("output", Shape.str(next));
            l.put("params", mod.parameterCount());
            List<String> ps = new ArrayList<>();
            mod.namedParameters().forEach((name, p) -> ps.add(name + " " + Shape.str(p.shape())));
            l.put("parameters", ps);
            layers.add(l);
            total += mod.parameterCount();
            shape = next;
        }
        out.put("layers", layers);
        out.put("total_params", total);
        for (Module mod : mods) {
            if (mod instanceof Linear lin) {
                out.put("first_layer", tiles(lin, m.inputSize()));
                break;
            }
        }
        if (m.metadata().get("nabla.epoch") != null) out.put("epoch", m.metadata().get("nabla.epoch"));
        return out;
    }

    /**
     * The first layer's weights to each output unit, as an image of the input's shape when it is square:
     * {@code units} tiles of {@code side x side} bytes (base64), 128 standing for 0 and 0 / 255 for minus / plus the
     * tile's largest magnitude.
     */
    private static Map<String, Object> tiles(Linear lin, int inputSize) {
        NDArray w = lin.weight().value();
        int in = lin.in(), out = lin.out();
        int[] s = w.shape();
        // Linear keeps PyTorch's layout [out, in]; a weight stored the other way round is read as [in, out]
        boolean inFirst = !(s[0] == out && s[1] == in);
        float[] v = w.toFloatArray();
        int side = (int) Math.round(Math.sqrt(inputSize));
        List<String> tiles = new ArrayList<>();
        int shown = Math.min(out, 256);
        for (int j = 0; j < shown; j++) {
            float maxAbs = 0;
            for (int i = 0; i < in; i++) maxAbs = Math.max(maxAbs, Math.abs(v[inFirst ? i * out + j : j * in + i]));
            byte[] b = new byte[in];
            for (int i = 0; i < in; i++) {
                float x = maxAbs == 0 ? 0 : v[inFirst ? i * out + j : j * in + i] / maxAbs;
                b[i] = (byte) Math.round(127.5f + 127.5f * x);
            }
            tiles.add(Base64.getEncoder().encodeToString(b));
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("units", out);
        r.put("shown", shown);
        r.put("side", side * side == in ? side : 0);
        r.put("tiles", tiles);
        return r;
    }

    /**
     * The model on the test set: accuracy, confusion matrix (rows true class, columns predicted), accuracy per
     * class, and the most confident mistakes with their images and top-3 probabilities.
     */
    Map<String, Object> evaluate(Path runDir) {
        ModelFile.Loaded m = load(runDir);
        Key key = key(runDir.resolve(dev.nabla.cli.run.RunFolder.MODEL));
        TestImages.Found data = testImages.find(runDir);
        Map<String, Object> cached = evaluations.get(key);
        if (cached != null && data.dir().toString().equals(cached.get("data"))) return cached;
        ImageSet test = data.images();
        if (test.features() != m.inputSize()) {
            throw new InputException("the model takes " + m.inputSize() + " inputs, the test images in "
                    + data.dir() + " have " + test.features());
        }
        int k = m.spec() != null ? m.spec().classes() : m.model().outputShape(1, m.inputSize())[1];
        int[][] confusion = new int[k][k];
        List<Map<String, Object>> wrong = new ArrayList<>();
        int batch = 500, correct = 0;
        for (int from = 0; from < test.count(); from += batch) {
            int n = Math.min(batch, test.count() - from);
            float[] x = new float[n * test.features()];
            System.arraycopy(test.pixels(), from * test.features(), x, 0, x.length);
            double[] p = probabilities(m.model(), x, n, test.features());
            for (int r = 0; r < n; r++) {
                int label = test.labels()[from + r];
                int[] top = top(p, r * k, k);
                if (label >= 0 && label < k) confusion[label][top[0]]++;
                if (top[0] == label) {
                    correct++;
                } else {
                    Map<String, Object> w = new LinkedHashMap<>();
                    w.put("index", from + r);
                    w.put("label", label);
                    List<Map<String, Object>> t3 = new ArrayList<>();
                    for (int c = 0; c < Math.min(3, k); c++) t3.add(Map.of("class", top[c], "p", p[r * k + top[c]]));
                    w.put("top", t3);
                    w.put("confidence", p[r * k + top[0]]);
                    wrong.add(w);
                }
            }
        }
        wrong.sort(Comparator.comparingDouble((Map<String, Object> w) -> -(double) w.get("confidence")));
        List<Map<String, Object>> gallery = new ArrayList<>(wrong.subList(0, Math.min(GALLERY, wrong.size())));
        for (Map<String, Object> w : gallery) w.put("pixels", bytes(test.image((int) w.get("index"))));
        double[] perClass = new double[k];
        for (int c = 0; c < k; c++) {
            int n = 0;
            for (int v : confusion[c]) n += v;
            perClass[c] = n == 0 ? Double.NaN : (double) confusion[c][c] / n;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("data", data.dir().toString());
        out.put("images", test.count());
        out.put("rows", test.rows());
        out.put("cols", test.cols());
        out.put("accuracy", (double) correct / test.count());
        out.put("errors", wrong.size());
        out.put("confusion", confusion);
        out.put("per_class_accuracy", perClass);
        ImageDataset named = ImageDataset.fromMetadata(m.metadata());
        if (named != null && !named.namesAreLabels()) out.put("class_names", named.classNames());
        out.put("gallery", gallery);
        evaluations.keySet().removeIf(old -> old.file().equals(key.file()));
        evaluations.put(key, out);
        return out;
    }

    /** The model's probabilities for a drawing sent as an image file (PNG from the page's canvas). */
    Map<String, Object> predict(Path runDir, byte[] image) {
        ModelFile.Loaded m = load(runDir);
        int side = (int) Math.round(Math.sqrt(m.inputSize()));
        if (side * side != m.inputSize()) {
            throw new InputException("the model takes " + m.inputSize() + " inputs, not a square image");
        }
        DigitImage d = DigitImage.of(decode(image), side, side);
        double[] probs = PredictCommand.probabilities(m, d.pixels());
        int best = 0;
        for (int c = 1; c < probs.length; c++) if (probs[c] > probs[best]) best = c;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("class", best);
        out.put("probabilities", probs);
        out.put("inverted", d.inverted());
        out.put("input", bytes(d.pixels()));
        return out;
    }

    private static java.awt.image.BufferedImage decode(byte[] image) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) throw new InputException("the drawing is not an image");
            ImageReader r = readers.next();
            try {
                r.setInput(in);
                int w = r.getWidth(0), h = r.getHeight(0);
                if (w < 1 || h < 1 || w > MAX_DRAWING_SIDE || h > MAX_DRAWING_SIDE) {
                    throw new InputException("the drawing is " + w + "x" + h + " pixels; at most "
                            + MAX_DRAWING_SIDE + " per side");
                }
                return r.read(0);
            } finally {
                r.dispose();
            }
        } catch (IOException e) {
            throw new InputException("the drawing cannot be read as an image: " + e.getMessage());
        }
    }

    private ModelFile.Loaded load(Path runDir) {
        Path f = runDir.resolve(dev.nabla.cli.run.RunFolder.MODEL);
        Key key = key(f);
        Map.Entry<Key, ModelFile.Loaded> e = models.get(f);
        if (e != null && e.getKey().equals(key)) return e.getValue();
        ModelFile.Loaded m = ModelFile.load(f);
        models.put(f, Map.entry(key, m));
        return m;
    }

    private static Key key(Path f) {
        BasicFileAttributes a = RunFiles.stat(f);
        if (a == null) throw new InputException("this run has no " + dev.nabla.cli.run.RunFolder.MODEL + " (a run writes it after its first epoch)");
        return new Key(f, a.size(), a.lastModifiedTime().toMillis());
    }

    @SuppressWarnings("try") // the Grad scope is used for its effect
    private static double[] probabilities(Module model, float[] x, int n, int features) {
        try (var off = Grad.disabled()) {
            Tensor logits = model.forward(Tensor.of(x, n, features));
            return Functional.softmax(logits, 1).value().toDoubleArray();
        }
    }

    /** Indices of row {@code p[off, off + k)} by decreasing probability. */
    private static int[] top(double[] p, int off, int k) {
        Integer[] idx = new Integer[k];
        for (int i = 0; i < k; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(p[off + b], p[off + a]));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) out[i] = idx[i];
        return out;
    }

    /** Pixels in [0, 1] as bytes 0..255, base64. */
    private static String bytes(float[] pixels) {
        byte[] b = new byte[pixels.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Math.round(255 * Math.min(1f, Math.max(0f, pixels[i])));
        return Base64.getEncoder().encodeToString(b);
    }
}
