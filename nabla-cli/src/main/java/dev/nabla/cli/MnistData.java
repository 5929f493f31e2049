package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.cli.run.Progress;
import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.datasets.mnist.MnistFetcher;
import dev.nabla.datasets.mnist.MnistSplits;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the commands get MNIST: the folder given with {@code --data}, or else the cache folder that
 * {@link MnistFetcher} fills on first use (with download progress on stderr).
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

    /** {@code dir} itself (which must exist), or the cache folder with the four files fetched into it. */
    public static Path folder(Path dir, PrintWriter err) {
        if (dir != null) {
            if (!Files.isDirectory(dir)) {
                throw new InputException("--data " + dir + ": no such folder (expected the MNIST idx or CSV files)");
            }
            return dir;
        }
        Path cache = MnistFetcher.defaultDir();
        MnistFetcher fetcher = new MnistFetcher(cache, MnistFetcher.defaultSources(), new FetchProgress(err));
        return fetcher.ensure();
    }

    /** Download progress: on a terminal a line redrawn in place, else one line per file. */
    private static final class FetchProgress implements MnistFetcher.Progress {
        private final PrintWriter err;
        private final boolean terminal = Progress.onTerminal();
        private String current;
        private long lastDraw;
        private final java.util.Set<String> failed = new java.util.HashSet<>();

        FetchProgress(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void failed(String source, String file, String reason) {
            if (!failed.add(source)) return; // later files fail for the same reason
            if (terminal) err.println();
            err.println("fetching MNIST: " + source + ": " + reason + "; trying the next source"
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
                if (first) err.println("fetching MNIST " + file + " from " + source + " into " + MnistFetcher.defaultDir());
                return;
            }
            long now = System.nanoTime();
            if (!first && !finished && now - lastDraw < 100_000_000L) return;
            lastDraw = now;
            String size = total > 0
                    ? String.format(Locale.ROOT, "%.1f of %.1f MB", done / 1e6, total / 1e6)
                    : String.format(Locale.ROOT, "%.1f MB", done / 1e6);
            err.print("\rfetching MNIST " + file + " from " + source + ": " + size + "   ");
            if (finished) err.println();
            err.flush();
        }
    }
}
