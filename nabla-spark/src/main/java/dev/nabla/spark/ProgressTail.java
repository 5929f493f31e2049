package dev.nabla.spark;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copies the lines a worker appends to a file onto the driver's log while a data-parallel training runs: worker
 * 0 writes its progress into the run folder (which the driver reaches), since its own stderr is an executor's,
 * on another machine. Lines already in the file when the tail starts (an earlier run that is being resumed) are
 * not repeated; {@link #close()} copies what is left.
 */
final class ProgressTail implements AutoCloseable {
    private static final long POLL_MILLIS = 200;

    private final Path file;
    private final PrintWriter log;
    private final Thread thread;
    private long position;
    private volatile boolean stopping;

    private ProgressTail(Path file, PrintWriter log) {
        this.file = file;
        this.log = log;
        this.position = size(file);
        this.thread = new Thread(this::follow, "nabla-progress-tail");
        thread.setDaemon(true);
    }

    /** Starts copying the lines appended to {@code file} from now on onto {@code log}. */
    static ProgressTail follow(Path file, PrintWriter log) {
        ProgressTail t = new ProgressTail(file, log);
        t.thread.start();
        return t;
    }

    private void follow() {
        while (!stopping) {
            copyNewLines();
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Prints the whole lines added since the last call (a line still being written waits for its end). */
    private synchronized void copyNewLines() {
        long size = size(file);
        if (size < position) position = 0; // the file was replaced: read it from its start
        if (size == position) return;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(position);
            byte[] bytes = new byte[(int) Math.min(size - position, 1 << 20)];
            f.readFully(bytes);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') end--;
            if (end == 0) return;
            log.print(new String(bytes, 0, end, StandardCharsets.UTF_8));
            log.flush();
            position += end;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        copyNewLines();
    }
}
