package dev.nabla.io;

import dev.nabla.InputException;

import java.util.Locale;

/**
 * The rule for every size a file or an option declares: it is computed with overflow checks and compared with the
 * memory the Java heap can still give before anything is allocated, so that a small hostile file (an idx header
 * claiming millions of images, a model whose metadata asks for a layer of two million units) is refused at once
 * with exit 2 instead of dying minutes later with an {@link OutOfMemoryError}.
 *
 * <p>Readers check a declared size against the file's real length first (a file cannot hold more than it has)
 * and then against {@link #available()}.
 */
public final class MemoryBudget {

    /** Kept free for everything else the process does while it reads: buffers, the JIT, the rest of the run. */
    static final long MARGIN = 32L << 20;

    private MemoryBudget() {
    }

    /**
     * The product of {@code factors} (dimensions, element sizes), or an {@link InputException} saying that
     * {@code what} declares a size beyond any memory when it overflows a long or a factor is negative.
     */
    public static long product(String what, long... factors) {
        long p = 1;
        for (long f : factors) {
            if (f < 0) throw new InputException(what + ": negative size " + f);
            try {
                p = Math.multiplyExact(p, f);
            } catch (ArithmeticException e) {
                throw new InputException(what + ", a size that overflows 64 bits (no memory holds it)");
            }
        }
        return p;
    }

    /** The sum of {@code a} and {@code b}, refused as {@link #product} when it overflows. */
    public static long sum(String what, long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new InputException(what + ", a size that overflows 64 bits (no memory holds it)");
        }
    }

    /** Bytes the heap can still give: its limit less what is in use, less a margin; never negative. */
    public static long available() {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        return Math.max(0, rt.maxMemory() - used - MARGIN);
    }

    /**
     * Refuses {@code bytes} that the heap cannot give: {@code what} says what is declared, e.g. {@code
     * "images.gz: the header declares 2710000 images of 28x28"}; the message adds what it would need and what is
     * available. Garbage counts as used until collected, so before refusing the heap is collected once.
     *
     * @throws InputException when {@code bytes} exceeds {@link #available()}
     */
    public static void require(String what, long bytes) {
        if (bytes <= available()) return;
        System.gc(); // only on the way to a refusal: what looked used may be garbage
        long free = available();
        if (bytes <= free) return;
        throw new InputException(what + ", which would need " + human(bytes) + " of memory; " + human(free)
                + " is available (Java heap limit " + human(Runtime.getRuntime().maxMemory())
                + "; a larger one is set with NABLA_JAVA_OPTS=-Xmx<size>)");
    }

    /** {@code bytes} in B, KB, MB, GB or TB (decimal units), three significant digits. */
    public static String human(long bytes) {
        String[] units = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        if (u == 0) return bytes + " B";
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, units[u]);
    }
}
