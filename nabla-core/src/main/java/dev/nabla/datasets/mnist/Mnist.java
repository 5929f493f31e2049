package dev.nabla.datasets.mnist;

import dev.nabla.data.IdxReader;
import dev.nabla.data.ImageSet;
import dev.nabla.InputException;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Loads MNIST (or any data set with MNIST's layout, such as Fashion-MNIST) from a folder and splits it the way
 * the course does: the first 80% of the training file trains, the last 20% validates (48,000 and 12,000 images
 * for MNIST), the test file tests.
 *
 * <p>Recognised files, in order of preference: the idx files under their usual names
 * ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte},
 * {@code t10k-labels-idx1-ubyte}), each also with a dot before {@code idx} ({@code train-images.idx3-ubyte}) and
 * each raw or with {@code .gz}; otherwise {@code mnist_train.csv} and {@code mnist_test.csv} (also {@code .gz}).
 */
public final class Mnist {

    /** The course's validation fraction: the last 20% of the training file (12,000 of MNIST's 60,000). */
    public static final double DEFAULT_VALIDATION_FRACTION = 0.2;

    private static final String[] IDX_STEMS = {
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

    private Mnist() {
    }

    /** Loads the folder's training and test files and splits off the last 20% of the training images to validate. */
    public static MnistSplits load(Path dir) {
        return loadFraction(dir, DEFAULT_VALIDATION_FRACTION);
    }

    /**
     * Loads the folder's training and test files and splits off the last {@code fraction} of the training
     * images to validate ({@link #validationSize}).
     *
     * @throws InputException as {@link #load(Path, int)} does, or when {@code fraction} is not in [0, 1)
     */
    public static MnistSplits loadFraction(Path dir, double fraction) {
        checkFraction(fraction);
        return load(dir, n -> validationSize(n, fraction));
    }

    /**
     * How many of {@code n} training images validate with {@code fraction}: those left after the first
     * floor(n (1 - fraction)), as the course's {@code int(len(x) * 0.8)} splits (computed in decimal, so that
     * 0.2 of 60,000 is exactly 12,000).
     *
     * @throws InputException when {@code fraction} is not in [0, 1)
     */
    public static int validationSize(int n, double fraction) {
        checkFraction(fraction);
        BigDecimal train = BigDecimal.ONE.subtract(BigDecimal.valueOf(fraction)).multiply(BigDecimal.valueOf(n));
        return n - train.setScale(0, RoundingMode.FLOOR).intValueExact();
    }

    private static void checkFraction(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new InputException("validation fraction " + fraction + " is not allowed: expected a number in [0, 1)");
        }
    }

    /**
     * Loads the folder's training and test files and splits off the last {@code validation} training images.
     *
     * @throws InputException when the folder holds no recognisable files (listing what was looked for), when
     *                        a file is bad, or when {@code validation} is not below the training count
     */
    public static MnistSplits load(Path dir, int validation) {
        return load(dir, n -> validation);
    }

    // validationFor: the training file's image count -> the validation size
    private static MnistSplits load(Path dir, IntUnaryOperator validationFor) {
        MnistFiles f = find(dir);
        if (f.csv()) {
            ImageSet train = CsvReader.read(f.trainImages());
            ImageSet test = CsvReader.read(f.testImages());
            checkSameSize(dir, train, test);
            return split(train, test, validationFor.applyAsInt(train.count()));
        }
        // the training images go straight into two arrays: slicing a 188 MB array afterwards would double the
        // memory traffic of loading
        int[] labels = IdxReader.readLabels(f.trainLabels());
        ImageSet train;
        ImageSet val;
        try (IdxReader.ImageFile images = IdxReader.ImageFile.open(f.trainImages())) {
            if (images.count != labels.length) {
                throw IdxReader.countMismatch(f.trainImages(), images.count, f.trainLabels(), labels.length);
            }
            int validation = validationFor.applyAsInt(images.count);
            checkValidation(validation, images.count);
            int cut = images.count - validation;
            float[] head = images.read(cut);
            float[] tail = images.read(validation);
            images.finish();
            train = new ImageSet(head, Arrays.copyOfRange(labels, 0, cut), cut, images.rows, images.cols, 10);
            val = new ImageSet(tail, Arrays.copyOfRange(labels, cut, labels.length), validation, images.rows,
                    images.cols, 10);
        }
        ImageSet test = IdxReader.read(f.testImages(), f.testLabels());
        checkSameSize(dir, train, test);
        return new MnistSplits(train, val, test);
    }

    private static void checkSameSize(Path dir, ImageSet train, ImageSet test) {
        if (train.rows() != test.rows() || train.cols() != test.cols()) {
            throw new InputException(dir + ": training images are " + train.rows() + "x" + train.cols()
                    + " but test images are " + test.rows() + "x" + test.cols());
        }
    }

    private static void checkValidation(int validation, int trainCount) {
        if (validation < 0 || validation >= trainCount) {
            throw new InputException("validation size " + validation + " must be between 0 and "
                    + (trainCount - 1) + " (the training file has " + trainCount + " images)");
        }
    }

    /**
     * The course's split: {@code train[0, n - validation)} trains, {@code train[n - validation, n)} validates.
     *
     * @throws InputException when {@code validation} is negative or leaves no training images
     */
    public static MnistSplits split(ImageSet train, ImageSet test, int validation) {
        checkValidation(validation, train.count());
        int cut = train.count() - validation;
        return new MnistSplits(train.slice(0, cut), train.slice(cut, train.count()), test);
    }

    /**
     * Finds the MNIST-layout files in {@code dir}.
     *
     * @throws InputException when the folder does not exist, holds only some of the idx files (naming the
     *                        missing ones), or holds none of the recognised files (listing the names looked for)
     */
    public static MnistFiles find(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InputException(dir + ": no such folder; run `nabla data fetch` to download MNIST, or pass the "
                    + "folder that holds the MNIST files");
        }
        Path[] idx = new Path[4];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            idx[i] = locate(dir, IDX_STEMS[i]);
            if (idx[i] == null) missing.add(IDX_STEMS[i] + "[.gz]");
        }
        if (missing.isEmpty()) return new MnistFiles(false, idx[0], idx[1], idx[2], idx[3]);
        Path trainCsv = firstExisting(dir, "mnist_train.csv", "mnist_train.csv.gz");
        Path testCsv = firstExisting(dir, "mnist_test.csv", "mnist_test.csv.gz");
        if (trainCsv != null && testCsv != null) return new MnistFiles(true, trainCsv, null, testCsv, null);
        if (missing.size() < 4) {
            throw new InputException(dir + ": incomplete MNIST idx files: missing " + String.join(", ", missing)
                    + "; run `nabla data fetch` to download them");
        }
        if (trainCsv != null || testCsv != null) {
            throw new InputException(dir + ": found " + (trainCsv != null ? trainCsv.getFileName() : testCsv.getFileName())
                    + " but not " + (trainCsv != null ? "mnist_test.csv" : "mnist_train.csv"));
        }
        throw new InputException(dir + ": no MNIST files found; looked for the idx files " + String.join(", ", IDX_STEMS)
                + " (each raw or .gz, also named like train-images.idx3-ubyte), or mnist_train.csv and mnist_test.csv."
                + " Run `nabla data fetch` to download MNIST");
    }

    /** The file for an idx stem: raw before gzip, the dashed name before the dotted one. */
    private static Path locate(Path dir, String stem) {
        String dotted = stem.replace("-idx", ".idx");
        return firstExisting(dir, stem, stem + ".gz", dotted, dotted + ".gz");
    }

    private static Path firstExisting(Path dir, String... names) {
        for (String n : names) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }
}
