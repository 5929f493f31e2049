package dev.nabla.kernel.simd;

import dev.nabla.kernel.ExecutionContext;
import dev.nabla.kernel.Kernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs the SIMD kernels on fixed inputs and describes the results: one line per computation with a hash of its
 * bits. {@link VectorWidthTest} compares the lines of two vector widths; {@code main} prints them for a JVM
 * started with another width.
 */
public final class KernelProbe {
    private KernelProbe() {}

    public static void main(String[] args) {
        System.out.println(new VectorKernels().name());
        for (String line : lines()) System.out.println(line);
    }

    /** GEMMs of every transpose at the network's shapes and odd ones, on 1 and 2 threads, and elementwise ops. */
    static List<String> lines() {
        Kernels k = new VectorKernels();
        List<String> out = new ArrayList<>();
        // the network's products (forward, weight and input gradients, in both weight layouts) and odd sizes,
        // one of them over two k blocks
        // (16 and 48 columns: whole one-vector strips at 512 bits)
        int[][] shapes = {{64, 784, 128}, {64, 128, 10}, {10, 64, 128}, {64, 10, 128}, {37, 300, 53}, {5, 1, 33},
                {64, 128, 16}, {24, 70, 48}};
        long seed = 1;
        for (int[] s : shapes) {
            for (int op = 0; op < 4; op++) {
                boolean ta = (op & 2) != 0, tb = (op & 1) != 0;
                int m = s[0], kk = s[1], n = s[2];
                float[] a = random(m * kk, seed++, 0.3), b = random(kk * n, seed++, 0), c0 = random(m * n, seed++, 0);
                for (float[] ab : new float[][] {{1f, 0f}, {0.5f, 2f}}) {
                    for (int threads = 1; threads <= (ab[1] == 0f ? 2 : 1); threads++) {
                        float[] c = c0.clone();
                        try (var ctx = ExecutionContext.with(k, threads)) {
                            k.gemm(ta, tb, m, n, kk, ab[0], a, 0, ta ? m : kk, b, 0, tb ? kk : n, ab[1], c, 0, n);
                        }
                        out.add("gemm " + (ta ? "T" : "N") + (tb ? "T" : "N") + " " + m + "x" + kk + "x" + n
                                + " alpha " + ab[0] + " beta " + ab[1] + " threads " + threads + ": " + hash(c));
                    }
                }
            }
        }
        int n = 1000 + 13;
        float[] x = random(n, 99, 0), y = random(n, 98, 0), o = new float[n];
        for (int i = 0; i < n; i++) x[i] *= 90; // exp over its whole range, clamps included
        k.exp(n, x, 0, o, 0);
        out.add("exp: " + hash(o));
        k.sigmoid(n, x, 0, o, 0);
        out.add("sigmoid: " + hash(o));
        k.sigmoidBackward(n, x, 0, y, 0, o, 0);
        out.add("sigmoidBackward: " + hash(o));
        k.relu(n, x, 0, o, 0);
        out.add("relu: " + hash(o));
        k.reluBackward(n, y, 0, x, 0, o, 0);
        out.add("reluBackward: " + hash(o));
        float[] pooled = new float[(n / 2) / 2];
        int[] winners = new int[pooled.length];
        k.maxPool2x2(y, 0, 2, n / 2, 0, 1, pooled, winners);  // one 2 x 506 plane
        float[] product = new float[6 * 100];
        k.shortProduct(6, 100, 10, x, 0, 10, y, 0, 100, product, 0, 100);
        out.add("shortProduct: " + hash(product));
        out.add("maxPool2x2: " + hash(pooled) + " " + Arrays.hashCode(winners));
        k.add(n, x, 0, y, 0, o, 0);
        out.add("add: " + hash(o));
        k.mul(n, x, 0, y, 0, o, 0);
        out.add("mul: " + hash(o));
        k.scale(n, 0.3f, x, 0, o, 0);
        out.add("scale: " + hash(o));
        o = y.clone();
        k.axpy(n, -0.7f, x, 0, o, 0);
        out.add("axpy: " + hash(o));
        return out;
    }

    static float[] random(int n, long seed, double zeros) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextDouble() < zeros ? 0f : (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    private static String hash(float[] x) {
        int[] bits = new int[x.length];
        for (int i = 0; i < x.length; i++) bits[i] = Float.floatToRawIntBits(x[i]);
        return Integer.toHexString(Arrays.hashCode(bits));
    }
}
