package dev.nabla.cli.run;

import dev.nabla.InputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The claim of one process (a run or a sweep) on a folder: an operating-system lock on {@value #FILE}, whose
 * text names the owner ({@code pid 1234 on host, nabla train, since 2026-11-23T10:15:00Z}). A second process,
 * or a second run in the same process, is refused with that name. The operating system drops the lock when
 * its owner dies, so a lock left by a killed process is simply taken over; its text then says who held it.
 *
 * <p>The file stays when the lock is released (emptied): deleting it would let two processes lock two
 * different files of the same name.
 */
public final class RunLock implements AutoCloseable {

    public static final String FILE = "run.lock";

    private final FileChannel channel;
    private final FileLock lock;
    private final String previousOwner;

    private RunLock(FileChannel channel, FileLock lock, String previousOwner) {
        this.channel = channel;
        this.lock = lock;
        this.previousOwner = previousOwner;
    }

    /**
     * Locks {@code dir} (created if missing) for {@code what} (e.g. {@code "nabla train"}).
     *
     * @throws InputException when another process or run holds it, naming the owner
     */
    public static RunLock acquire(Path dir, String what) {
        Path f = dir.resolve(FILE);
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another run in this process
            }
            String owner = read(ch);
            if (lock == null) {
                ch.close();
                throw new InputException(dir + " is in use by " + (owner.isEmpty() ? "another process" : owner)
                        + "; wait for it to finish or choose another folder");
            }
            String me = "pid " + ProcessHandle.current().pid() + " on " + host() + ", " + what + ", since "
                    + Instant.now().toString().replaceAll("\\.\\d+Z$", "Z");
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new RunLock(ch, lock, owner);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot lock " + f + ": " + e.getMessage(), e);
        }
    }

    /** The owner named by a lock this one took over (its process had ended), or null when the file was free. */
    public String takenOverFrom() {
        return previousOwner.isEmpty() ? null : previousOwner;
    }

    /** Empties the file and releases the lock. */
    @Override
    public void close() {
        try {
            channel.truncate(0);
            lock.release();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock on " + FILE + ": " + e.getMessage(), e);
        } finally {
            closeQuietly(channel);
        }
    }

    private static String read(FileChannel ch) throws IOException {
        long size = Math.min(ch.size(), 4096);
        ByteBuffer b = ByteBuffer.allocate((int) size);
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // read until full
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
    }

    // $HOSTNAME or /etc/hostname first: a name lookup can hang for seconds where DNS is misconfigured
    private static String host() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) return h.strip();
        try {
            Path etc = Path.of("/etc/hostname");
            if (Files.isRegularFile(etc)) {
                h = Files.readString(etc).strip();
                if (!h.isEmpty()) return h;
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "an unknown host";
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
