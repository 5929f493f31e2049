package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.datasets.mnist.MnistFetcher;
import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.io.Json;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nabla bench data}: how long reading the four MNIST files takes, as {@code nabla train} reads them. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = {
                "Seconds to read the four MNIST files.",
                "Reads the files (raw or .gz) into float pixels and splits them 48,000 / 12,000 / 10,000: the "
                        + "first read in this process (what `nabla train` pays, JIT compilation included), then "
                        + "the median of --repeat more."},
        footer = {"", "Examples:", "  nabla bench data", "  nabla bench data --data shared/data/mnist --json"})
final class BenchDataCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder with the MNIST files, raw or .gz (default: $NABLA_DATA or ~/.cache/nabla/mnist).")
    Path data;

    @Option(names = "--repeat", paramLabel = "R", defaultValue = "3",
            description = "Reads after the first one (default: ${DEFAULT-VALUE}); their median is reported.")
    int repeat;

    @Option(names = "--json", description = "Print only one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        if (repeat < 0) throw new InputException("--repeat must be >= 0, got " + repeat);
        Path dir = data != null ? data : MnistFetcher.defaultDir();
        double[] t = BenchData.readTimes(dir, repeat);
        double first = t[0];
        double[] later = Arrays.copyOfRange(t, 1, t.length);
        double med = later.length == 0 ? first : BenchData.median(later);
        MnistSplits s = Mnist.load(dir);
        String files = Mnist.find(dir).trainImages().getFileName().toString().endsWith(".gz") ? "gz" : "raw";
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("impl", "nabla");
            m.put("dir", dir.toString());
            m.put("files", files);
            m.put("first_seconds", first);
            m.put("median_seconds", med);
            m.put("train", s.train().count());
            m.put("validation", s.validation().count());
            m.put("test", s.test().count());
            System.out.println(Json.write(m));
        } else {
            System.out.printf(Locale.ROOT, "MNIST from %s (%s files): %d / %d / %d images%n", dir, files,
                    s.train().count(), s.validation().count(), s.test().count());
            System.out.printf(Locale.ROOT, "first read %.3f s; later reads %.3f s (median of %d)%n", first, med, repeat);
        }
        return Main.EXIT_OK;
    }
}
