package dev.nabla.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sums arrays across n processes arranged in a ring over TCP: each sends to its right neighbour (rank + 1) and
 * receives from its left (rank - 1). The array is cut into n chunks; a reduce-scatter of n - 1 steps leaves
 * process r with the whole sum of chunk r + 1, and an allgather of n - 1 steps hands every finished chunk round,
 * so each process sends 2 (n - 1) / n of the array and every process ends with the same bits.
 *
 * <p>The sum is deterministic: chunk c is always added up in ring order starting at process c,
 * {@code ((x_c + x_c+1) + x_c+2) + ...}, whatever the timing; only its owner adds, the others copy.
 *
 * <p>A peer that dies closes its sockets (the neighbours read an end of stream at once); one that hangs is given
 * up after the timeout. Either way the step throws, naming the peer, so that the task fails and Spark retries
 * the barrier stage.
 */
final class RingAllreduce implements AutoCloseable {
    private final int rank, size;
    private final List<String> peers; // "host:port" of every process's server, by rank
    private final ServerSocket server;
    private final Socket toRight, fromLeft;
    private final DataOutputStream out;
    private final DataInputStream in;
    private final ExecutorService sender; // sends while this thread receives: a ring of blocking sends would deadlock
    private byte[] sendBytes = new byte[0], receiveBytes = new byte[0];
    private long bytesSent;

    /** What the processes exchange to find each other: each one's "host:port", in rank order. */
    interface AddressBook {
        List<String> exchange(String myAddress);
    }

    private RingAllreduce(int rank, int size, List<String> peers, ServerSocket server, Socket toRight, Socket fromLeft)
            throws IOException {
        this.rank = rank;
        this.size = size;
        this.peers = peers;
        this.server = server;
        this.toRight = toRight;
        this.fromLeft = fromLeft;
        this.out = toRight == null ? null : new DataOutputStream(new BufferedOutputStream(toRight.getOutputStream(), 1 << 16));
        this.in = fromLeft == null ? null : new DataInputStream(new BufferedInputStream(fromLeft.getInputStream(), 1 << 16));
        this.sender = size == 1 ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nabla-allreduce-send");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Joins the ring of {@code size} processes as {@code rank}: listens on {@code bindHost} (a free port), swaps
     * addresses through {@code book}, connects to the right neighbour and accepts the left one.
     *
     * @param timeoutMillis how long to wait for a neighbour, at the start and at every step
     */
    static RingAllreduce join(int rank, int size, String bindHost, AddressBook book, int timeoutMillis) {
        if (size == 1) return uncheckedNew(rank, size, List.of(), null, null, null);
        ServerSocket server = null;
        Socket right = null, left = null;
        List<String> peers = List.of();
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName(bindHost), 0), size);
            server.setSoTimeout(timeoutMillis);
            peers = book.exchange(bindHost + ":" + server.getLocalPort());
            // every server listens before the exchange ends, so connecting first cannot wait on an accept
            String r = peers.get((rank + 1) % size);
            int colon = r.lastIndexOf(':');
            right = new Socket();
            right.connect(new InetSocketAddress(r.substring(0, colon), Integer.parseInt(r.substring(colon + 1))), timeoutMillis);
            right.setTcpNoDelay(true);
            new DataOutputStream(right.getOutputStream()).writeInt(rank);
            left = server.accept();
            left.setSoTimeout(timeoutMillis);
            int from = new DataInputStream(left.getInputStream()).readInt();
            int expected = (rank + size - 1) % size;
            if (from != expected) throw new IOException("expected worker " + expected + " on the left, worker " + from + " connected");
            return new RingAllreduce(rank, size, peers, server, right, left);
        } catch (IOException e) {
            closeQuietly(right, left, server);
            throw new PeerLost("worker " + rank + " of " + size + ": cannot join the allreduce ring " + peers + ": " + e, e);
        }
    }

    private static RingAllreduce uncheckedNew(int rank, int size, List<String> peers, ServerSocket s, Socket r, Socket l) {
        try {
            return new RingAllreduce(rank, size, peers, s, r, l);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int rank() {
        return rank;
    }

    int size() {
        return size;
    }

    /** Bytes this process has sent so far. */
    long bytesSent() {
        return bytesSent;
    }

    /** Replaces {@code v} on every process by the sum of all processes' {@code v} (the same length everywhere). */
    void sum(float[] v) {
        run(new Floats(v));
    }

    /** {@link #sum(float[])} for doubles. */
    void sum(double[] v) {
        run(new Doubles(v));
    }

    /** An array as the ring sees it: chunks written to and read from little-endian bytes. */
    private interface Values {
        int length();

        int bytesPerElement();

        void put(ByteBuffer to, int lo, int hi);

        /** Adds the received partial sum before this process's own values: the fixed ring order. */
        void addFrom(ByteBuffer from, int lo, int hi);

        void setFrom(ByteBuffer from, int lo, int hi);
    }

    private void run(Values v) {
        if (size == 1) return;
        int n = v.length();
        // reduce-scatter: at step s, send chunk rank - s and add into chunk rank - s - 1
        for (int s = 0; s < size - 1; s++) {
            exchange(v, Math.floorMod(rank - s, size), Math.floorMod(rank - s - 1, size), n, true);
        }
        // allgather: this process owns chunk rank + 1; at step s, send chunk rank + 1 - s, take chunk rank - s
        for (int s = 0; s < size - 1; s++) {
            exchange(v, Math.floorMod(rank + 1 - s, size), Math.floorMod(rank - s, size), n, false);
        }
    }

    private void exchange(Values v, int sendChunk, int receiveChunk, int n, boolean add) {
        int sLo = chunkStart(n, size, sendChunk), sHi = chunkEnd(n, size, sendChunk);
        int rLo = chunkStart(n, size, receiveChunk), rHi = chunkEnd(n, size, receiveChunk);
        int bpe = v.bytesPerElement(), sendLength = (sHi - sLo) * bpe, receiveLength = (rHi - rLo) * bpe;
        if (sendBytes.length < sendLength) sendBytes = new byte[sendLength];
        if (receiveBytes.length < receiveLength) receiveBytes = new byte[receiveLength];
        v.put(ByteBuffer.wrap(sendBytes, 0, sendLength).order(ByteOrder.LITTLE_ENDIAN), sLo, sHi);
        Future<?> sent = sender.submit(() -> {
            out.write(sendBytes, 0, sendLength);
            out.flush();
            return null;
        });
        try {
            in.readFully(receiveBytes, 0, receiveLength);
            sent.get();
        } catch (SocketTimeoutException e) {
            sent.cancel(true);
            throw lost("worker " + left() + " (" + peers.get(left()) + ") sent nothing for " + timeoutSeconds() + " s", e);
        } catch (EOFException e) {
            throw lost("worker " + left() + " (" + peers.get(left()) + ") closed the connection: it failed or was lost", e);
        } catch (IOException e) {
            throw lost("the connection with worker " + left() + " (" + peers.get(left()) + ") failed: " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw lost("sending to worker " + right() + " (" + peers.get(right()) + ") failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sent.cancel(true);
            throw lost("interrupted", e);
        }
        bytesSent += sendLength;
        ByteBuffer got = ByteBuffer.wrap(receiveBytes, 0, receiveLength).order(ByteOrder.LITTLE_ENDIAN);
        if (add) v.addFrom(got, rLo, rHi);
        else v.setFrom(got, rLo, rHi);
    }

    private PeerLost lost(String what, Throwable cause) {
        return new PeerLost("allreduce on worker " + rank + " of " + size + ": " + what, cause);
    }

    private int left() {
        return (rank + size - 1) % size;
    }

    private int right() {
        return (rank + 1) % size;
    }

    private int timeoutSeconds() {
        try {
            return fromLeft.getSoTimeout() / 1000;
        } catch (IOException e) {
            return -1;
        }
    }

    static int chunkStart(long n, int size, int c) {
        return (int) (n * c / size);
    }

    static int chunkEnd(long n, int size, int c) {
        return (int) (n * (c + 1) / size);
    }

    @Override
    public void close() {
        if (sender != null) sender.shutdownNow();
        closeQuietly(toRight, fromLeft, server);
    }

    private static void closeQuietly(AutoCloseable... cs) {
        for (AutoCloseable c : cs) {
            if (c == null) continue;
            try {
                c.close();
            } catch (Exception ignored) {
                // closing after a failure: the failure is what gets reported
            }
        }
    }

    /** A neighbour in the ring failed, hung or could not be reached: the whole step (and stage) must start again. */
    static final class PeerLost extends RuntimeException {
        PeerLost(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private record Floats(float[] a) implements Values {
        public int length() {
            return a.length;
        }

        public int bytesPerElement() {
            return Float.BYTES;
        }

        public void put(ByteBuffer to, int lo, int hi) {
            to.asFloatBuffer().put(a, lo, hi - lo);
        }

        public void addFrom(ByteBuffer from, int lo, int hi) {
            var f = from.asFloatBuffer();
            for (int i = lo; i < hi; i++) a[i] = f.get(i - lo) + a[i];
        }

        public void setFrom(ByteBuffer from, int lo, int hi) {
            from.asFloatBuffer().get(a, lo, hi - lo);
        }
    }

    private record Doubles(double[] a) implements Values {
        public int length() {
            return a.length;
        }

        public int bytesPerElement() {
            return Double.BYTES;
        }

        public void put(ByteBuffer to, int lo, int hi) {
            to.asDoubleBuffer().put(a, lo, hi - lo);
        }

        public void addFrom(ByteBuffer from, int lo, int hi) {
            var d = from.asDoubleBuffer();
            for (int i = lo; i < hi; i++) a[i] = d.get(i - lo) + a[i];
        }

        public void setFrom(ByteBuffer from, int lo, int hi) {
            from.asDoubleBuffer().get(a, lo, hi - lo);
        }
    }
}
