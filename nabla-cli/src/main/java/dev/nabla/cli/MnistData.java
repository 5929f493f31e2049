package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.cli.run.Progress;
import dev.nabla.datasets.ImageDataset;
import dev.nabla.datasets.fashion.FashionMnist;
import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.datasets.mnist.MnistFetcher;
import dev.nabla.datasets.mnist.MnistSplits;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the commands get MNIST or Fashion-MNIST: the folder given with {@code --data}, or else the data set's
 * cache folder, filled on first use ({@link MnistFetcher}, {@link FashionMnist}) with progress on stderr and
 * its files' checksums checked on every use.
 */
public final class MnistData {

    private MnistData() {
    }

    /**
     * The train/validation/test splits from {@code dir}, or from the cache (fetched if needed) when {@code dir}
     * is null.
     *
     * @throws InputException for a missing folder or bad files
     */
    public static MnistSplits load(Path dir, PrintWriter err) {
        return Mnist.load(folder(dir, err));
    }

    /** As {@link #load(Path, PrintWriter)}, with the last {@code validationFraction} of the training file validating. */
    public static MnistSplits load(Path dir, double validationFraction, PrintWriter err) {
        return Mnist.loadFraction(folder(dir, err), validationFraction);
    }

    /**
     * The splits of {@code dataset}: from {@code dir} (any folder in MNIST's layout), or from the data set's cache
     * when {@code dir} is null; the last {@code validationFraction} of the training file validates.
     */
    public static MnistSplits load(ImageDataset dataset, Path dir, double validationFraction, PrintWriter err) {
        return Mnist.loadFraction(folder(dataset, dir, err), validationFraction).named(dataset);
    }

    /** {@code dir} itself (which must exist), or the cache folder with the four files fetched into it. */
    public static Path folder(Path dir, PrintWriter err) {
        return folder(ImageDataset.MNIST, dir, err);
    }

    /**
     * {@code dir} itself (which must exist), or {@code dataset}'s cache folder with its four files fetched (or,
     * for Fashion-MNIST, built) into it and checked.
     */
    public static Path folder(ImageDataset dataset, Path dir, PrintWriter err) {
        if (dir != null) {
            if (!Files.isDirectory(dir)) {
                throw new InputException("--data " + dir + ": no such folder (expected the " + dataset.title()
                        + " idx or CSV files)");
            }
            return dir;
        }
        if (dataset.equals(ImageDataset.FASHION_MNIST)) {
            return FashionMnist.ensure(FashionMnist.defaultDir(), new FetchProgress(err, dataset, FashionMnist.defaultDir()));
        }
        Path cache = MnistFetcher.defaultDir();
        MnistFetcher fetcher = new MnistFetcher(cache, MnistFetcher.defaultSources(), new FetchProgress(err, dataset, cache));
        return fetcher.ensure();
    }

    /** Download progress: on a terminal a line redrawn in place, else one line per file. */
    private static final class FetchProgress implements MnistFetcher.Progress {
        private final PrintWriter err;
        private final boolean terminal = Progress.onTerminal();
        private String current;
        private long lastDraw;
        private final java.util.Set<String> failed = new java.util.HashSet<>();
        private final String what; // "fetching MNIST"
        private final Path into;

        FetchProgress(PrintWriter err, ImageDataset dataset, Path into) {
            this.err = err;
            this.what = "fetching " + dataset.title();
            this.into = into;
        }

        @Override
        public void failed(String source, String file, String reason) {
            if (!failed.add(source)) return; // later files fail for the same reason
            if (terminal) err.println();
            err.println(what + ": " + source + ": " + reason + "; trying the next source"
                    + (source.startsWith("http") ? " (the last is npm, which needs npm)" : ""));
            err.flush();
        }

        @Override
        public void update(String source, String file, long done, long total) {
            String key = source + " " + file;
            boolean first = !key.equals(current);
            current = key;
            boolean finished = total > 0 && done >= total;
            if (!terminal) {
                if (first) err.println(what + " " + file + " from " + source + " into " + into);
                return;
            }
            long now = System.nanoTime();
            if (!first && !finished && now - lastDraw < 100_000_000L) return;
            lastDraw = now;
            String size = total > 0
                    ? String.format(Locale.ROOT, "%.1f of %.1f MB", done / 1e6, total / 1e6)
                    : String.format(Locale.ROOT, "%.1f MB", done / 1e6);
            err.print("\r" + what + " " + file + " from " + source + ": " + size + "   ");
            if (finished) err.println();
            err.flush();
        }
    }
}
