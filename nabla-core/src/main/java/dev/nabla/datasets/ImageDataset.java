package dev.nabla.datasets;

import dev.nabla.InputException;

import dev.nabla.io.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A named image-classification data set in MNIST's layout and the names of its classes, so that a run, a model
 * file and the commands that read them can say "Sneaker" where the labels say 7.
 *
 * @param name       the name the commands take ({@code --dataset}): {@code mnist}, {@code fashion-mnist}
 * @param title      the name for people, e.g. "Fashion-MNIST"
 * @param classNames the name of each label, in label order
 */
public record ImageDataset(String name, String title, List<String> classNames) {

    /** Handwritten digits: each class is named by its digit. */
    public static final ImageDataset MNIST = new ImageDataset("mnist", "MNIST",
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));

    /** Zalando's article images, with the class names of its original distribution. */
    public static final ImageDataset FASHION_MNIST = new ImageDataset("fashion-mnist", "Fashion-MNIST",
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                    "Ankle boot"));

    /** The data sets known by name, in the order help texts list them. */
    public static final List<ImageDataset> KNOWN = List.of(MNIST, FASHION_MNIST);

    public ImageDataset {
        classNames = List.copyOf(classNames);
    }

    /** The names of {@link #KNOWN}, e.g. "mnist|fashion-mnist", for option labels. */
    public static String choices() {
        return String.join("|", KNOWN.stream().map(ImageDataset::name).toList());
    }

    /**
     * The data set named {@code name} (case-insensitive).
     *
     * @param origin where the name came from, for the message, e.g. {@code --dataset}
     * @throws InputException for an unknown name, listing the known ones
     */
    public static ImageDataset byName(String name, String origin) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (ImageDataset d : KNOWN) if (d.name.equals(n)) return d;
        throw new InputException(origin + " " + name + " is not allowed: expected one of "
                + String.join(", ", KNOWN.stream().map(ImageDataset::name).toList()));
    }

    /** The data set named {@code name}, or null when the name is null or unknown (an old or foreign file). */
    public static ImageDataset find(String name) {
        for (ImageDataset d : KNOWN) if (d.name.equals(name)) return d;
        return null;
    }

    /** The name of class {@code label}, or the label itself when this data set names fewer classes. */
    public String className(int label) {
        return label >= 0 && label < classNames.size() ? classNames.get(label) : Integer.toString(label);
    }

    /** Whether the classes are named by their labels (MNIST's digits), so that a name adds nothing to the label. */
    public boolean namesAreLabels() {
        for (int i = 0; i < classNames.size(); i++) if (!classNames.get(i).equals(Integer.toString(i))) return false;
        return true;
    }

    /** The metadata key of a model file (or run record) naming the data set it was trained on. */
    public static final String METADATA_KEY = "nabla.dataset";
    /** The metadata key of the class names, a JSON list, for readers that do not know the data set's name. */
    public static final String CLASS_NAMES_KEY = "nabla.class_names";

    /** This data set as model-file metadata: {@link #METADATA_KEY} and {@link #CLASS_NAMES_KEY}. */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(METADATA_KEY, name);
        m.put(CLASS_NAMES_KEY, Json.write(classNames));
        return m;
    }

    /**
     * The data set a model file's metadata names: a known one by its name, another by its recorded class names;
     * null when the file records none (a model trained before data sets were recorded, an ONNX file).
     */
    public static ImageDataset fromMetadata(Map<String, String> metadata) {
        if (metadata == null || metadata.get(METADATA_KEY) == null) return null;
        String name = metadata.get(METADATA_KEY);
        ImageDataset known = find(name);
        if (known != null) return known;
        String names = metadata.get(CLASS_NAMES_KEY);
        if (names == null) return null;
        try {
            List<?> list = (List<?>) Json.parse(names, CLASS_NAMES_KEY);
            return new ImageDataset(name, name, list.stream().map(String::valueOf).toList());
        } catch (RuntimeException e) {
            return null; // unreadable names: shown as labels
        }
    }
}
