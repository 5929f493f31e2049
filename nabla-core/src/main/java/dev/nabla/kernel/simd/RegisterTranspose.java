package dev.nabla.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * An L x L block of floats transposed in registers (L the vector length): {@link Gemm} packs B used transposed
 * with it, one vector load and store per row instead of L scalar copies.
 */
final class RegisterTranspose {
    private static final VectorSpecies<Float> S = Width.S;
    private static final int L = Width.L;

    private RegisterTranspose() {}

    /**
     * Rows {@code b[s + j * ldb : s + j * ldb + L]}, j < L, transposed into L vectors stored ldp apart from
     * {@code bp[d]}: vector q holds the rows' values at depth q.
     */
    static void square(float[] b, int s, int ldb, float[] bp, int d, int ldp) {
        if (L == 16) transpose16(b, s, ldb, bp, d, ldp);
        else transpose8(b, s, ldb, bp, d, ldp);
    }

    /**
     * For the rounds h of {@link #transpose16} and {@link #transpose8}: the shuffle that swaps lanes c and c ^ h, and
     * the mask of the lanes with bit h set (constants, so that the JIT keeps them out of the loop; round 8 is used
     * with 16 lanes only).
     */
    private static final VectorShuffle<Float> SWAP_8 = swap(8), SWAP_4 = swap(4), SWAP_2 = swap(2), SWAP_1 = swap(1);
    private static final VectorMask<Float> BIT_8 = lanesWithBit(8), BIT_4 = lanesWithBit(4), BIT_2 = lanesWithBit(2),
            BIT_1 = lanesWithBit(1);

    private static VectorShuffle<Float> swap(int h) {
        return VectorShuffle.fromOp(S, c -> (c ^ h) & (L - 1));
    }

    private static VectorMask<Float> lanesWithBit(int h) {
        long bits = 0;
        for (int c = 0; c < L; c++) if ((c & h) != 0) bits |= 1L << c;
        return VectorMask.fromLong(S, bits);
    }

    /**
     * Rows {@code b[s + j * ldb : s + j * ldb + 16]}, j < 16, transposed into 16 vectors stored ldp apart from
     * {@code bp[d]}: vector q holds the rows' values at depth q. log2(16) rounds, each
     * swapping the off-diagonal h x h blocks of every 2h x 2h block. Written out, so that the 16 rows stay in
     * registers.
     */
    private static void transpose16(float[] b, int s, int ldb, float[] bp, int d, int ldp) {
        FloatVector v0 = FloatVector.fromArray(S, b, s);
        FloatVector v1 = FloatVector.fromArray(S, b, s + ldb);
        FloatVector v2 = FloatVector.fromArray(S, b, s + 2 * ldb);
        FloatVector v3 = FloatVector.fromArray(S, b, s + 3 * ldb);
        FloatVector v4 = FloatVector.fromArray(S, b, s + 4 * ldb);
        FloatVector v5 = FloatVector.fromArray(S, b, s + 5 * ldb);
        FloatVector v6 = FloatVector.fromArray(S, b, s + 6 * ldb);
        FloatVector v7 = FloatVector.fromArray(S, b, s + 7 * ldb);
        FloatVector v8 = FloatVector.fromArray(S, b, s + 8 * ldb);
        FloatVector v9 = FloatVector.fromArray(S, b, s + 9 * ldb);
        FloatVector v10 = FloatVector.fromArray(S, b, s + 10 * ldb);
        FloatVector v11 = FloatVector.fromArray(S, b, s + 11 * ldb);
        FloatVector v12 = FloatVector.fromArray(S, b, s + 12 * ldb);
        FloatVector v13 = FloatVector.fromArray(S, b, s + 13 * ldb);
        FloatVector v14 = FloatVector.fromArray(S, b, s + 14 * ldb);
        FloatVector v15 = FloatVector.fromArray(S, b, s + 15 * ldb);
        FloatVector t;
        // h = 8
        t = v0.blend(v8.rearrange(SWAP_8), BIT_8);
        v8 = v0.rearrange(SWAP_8).blend(v8, BIT_8);
        v0 = t;
        t = v1.blend(v9.rearrange(SWAP_8), BIT_8);
        v9 = v1.rearrange(SWAP_8).blend(v9, BIT_8);
        v1 = t;
        t = v2.blend(v10.rearrange(SWAP_8), BIT_8);
        v10 = v2.rearrange(SWAP_8).blend(v10, BIT_8);
        v2 = t;
        t = v3.blend(v11.rearrange(SWAP_8), BIT_8);
        v11 = v3.rearrange(SWAP_8).blend(v11, BIT_8);
        v3 = t;
        t = v4.blend(v12.rearrange(SWAP_8), BIT_8);
        v12 = v4.rearrange(SWAP_8).blend(v12, BIT_8);
        v4 = t;
        t = v5.blend(v13.rearrange(SWAP_8), BIT_8);
        v13 = v5.rearrange(SWAP_8).blend(v13, BIT_8);
        v5 = t;
        t = v6.blend(v14.rearrange(SWAP_8), BIT_8);
        v14 = v6.rearrange(SWAP_8).blend(v14, BIT_8);
        v6 = t;
        t = v7.blend(v15.rearrange(SWAP_8), BIT_8);
        v15 = v7.rearrange(SWAP_8).blend(v15, BIT_8);
        v7 = t;
        // h = 4
        t = v0.blend(v4.rearrange(SWAP_4), BIT_4);
        v4 = v0.rearrange(SWAP_4).blend(v4, BIT_4);
        v0 = t;
        t = v1.blend(v5.rearrange(SWAP_4), BIT_4);
        v5 = v1.rearrange(SWAP_4).blend(v5, BIT_4);
        v1 = t;
        t = v2.blend(v6.rearrange(SWAP_4), BIT_4);
        v6 = v2.rearrange(SWAP_4).blend(v6, BIT_4);
        v2 = t;
        t = v3.blend(v7.rearrange(SWAP_4), BIT_4);
        v7 = v3.rearrange(SWAP_4).blend(v7, BIT_4);
        v3 = t;
        t = v8.blend(v12.rearrange(SWAP_4), BIT_4);
        v12 = v8.rearrange(SWAP_4).blend(v12, BIT_4);
        v8 = t;
        t = v9.blend(v13.rearrange(SWAP_4), BIT_4);
        v13 = v9.rearrange(SWAP_4).blend(v13, BIT_4);
        v9 = t;
        t = v10.blend(v14.rearrange(SWAP_4), BIT_4);
        v14 = v10.rearrange(SWAP_4).blend(v14, BIT_4);
        v10 = t;
        t = v11.blend(v15.rearrange(SWAP_4), BIT_4);
        v15 = v11.rearrange(SWAP_4).blend(v15, BIT_4);
        v11 = t;
        // h = 2
        t = v0.blend(v2.rearrange(SWAP_2), BIT_2);
        v2 = v0.rearrange(SWAP_2).blend(v2, BIT_2);
        v0 = t;
        t = v1.blend(v3.rearrange(SWAP_2), BIT_2);
        v3 = v1.rearrange(SWAP_2).blend(v3, BIT_2);
        v1 = t;
        t = v4.blend(v6.rearrange(SWAP_2), BIT_2);
        v6 = v4.rearrange(SWAP_2).blend(v6, BIT_2);
        v4 = t;
        t = v5.blend(v7.rearrange(SWAP_2), BIT_2);
        v7 = v5.rearrange(SWAP_2).blend(v7, BIT_2);
        v5 = t;
        t = v8.blend(v10.rearrange(SWAP_2), BIT_2);
        v10 = v8.rearrange(SWAP_2).blend(v10, BIT_2);
        v8 = t;
        t = v9.blend(v11.rearrange(SWAP_2), BIT_2);
        v11 = v9.rearrange(SWAP_2).blend(v11, BIT_2);
        v9 = t;
        t = v12.blend(v14.rearrange(SWAP_2), BIT_2);
        v14 = v12.rearrange(SWAP_2).blend(v14, BIT_2);
        v12 = t;
        t = v13.blend(v15.rearrange(SWAP_2), BIT_2);
        v15 = v13.rearrange(SWAP_2).blend(v15, BIT_2);
        v13 = t;
        // h = 1
        t = v0.blend(v1.rearrange(SWAP_1), BIT_1);
        v1 = v0.rearrange(SWAP_1).blend(v1, BIT_1);
        v0 = t;
        t = v2.blend(v3.rearrange(SWAP_1), BIT_1);
        v3 = v2.rearrange(SWAP_1).blend(v3, BIT_1);
        v2 = t;
        t = v4.blend(v5.rearrange(SWAP_1), BIT_1);
        v5 = v4.rearrange(SWAP_1).blend(v5, BIT_1);
        v4 = t;
        t = v6.blend(v7.rearrange(SWAP_1), BIT_1);
        v7 = v6.rearrange(SWAP_1).blend(v7, BIT_1);
        v6 = t;
        t = v8.blend(v9.rearrange(SWAP_1), BIT_1);
        v9 = v8.rearrange(SWAP_1).blend(v9, BIT_1);
        v8 = t;
        t = v10.blend(v11.rearrange(SWAP_1), BIT_1);
        v11 = v10.rearrange(SWAP_1).blend(v11, BIT_1);
        v10 = t;
        t = v12.blend(v13.rearrange(SWAP_1), BIT_1);
        v13 = v12.rearrange(SWAP_1).blend(v13, BIT_1);
        v12 = t;
        t = v14.blend(v15.rearrange(SWAP_1), BIT_1);
        v15 = v14.rearrange(SWAP_1).blend(v15, BIT_1);
        v14 = t;
        v0.intoArray(bp, d);
        v1.intoArray(bp, d + ldp);
        v2.intoArray(bp, d + 2 * ldp);
        v3.intoArray(bp, d + 3 * ldp);
        v4.intoArray(bp, d + 4 * ldp);
        v5.intoArray(bp, d + 5 * ldp);
        v6.intoArray(bp, d + 6 * ldp);
        v7.intoArray(bp, d + 7 * ldp);
        v8.intoArray(bp, d + 8 * ldp);
        v9.intoArray(bp, d + 9 * ldp);
        v10.intoArray(bp, d + 10 * ldp);
        v11.intoArray(bp, d + 11 * ldp);
        v12.intoArray(bp, d + 12 * ldp);
        v13.intoArray(bp, d + 13 * ldp);
        v14.intoArray(bp, d + 14 * ldp);
        v15.intoArray(bp, d + 15 * ldp);
    }

    /**
     * Rows {@code b[s + j * ldb : s + j * ldb + 8]}, j < 8, transposed into 8 vectors stored ldp apart from
     * {@code bp[d]}: vector q holds the rows' values at depth q. log2(8) rounds, each
     * swapping the off-diagonal h x h blocks of every 2h x 2h block. Written out, so that the 8 rows stay in
     * registers. The 256-bit twin of {@link #transpose16} (its rounds 4, 2, 1 on 8 rows): the rows must be locals,
     * not an array, for the JIT to keep them in registers, so the two cannot share one body.
     */
    private static void transpose8(float[] b, int s, int ldb, float[] bp, int d, int ldp) {
        FloatVector v0 = FloatVector.fromArray(S, b, s);
        FloatVector v1 = FloatVector.fromArray(S, b, s + ldb);
        FloatVector v2 = FloatVector.fromArray(S, b, s + 2 * ldb);
        FloatVector v3 = FloatVector.fromArray(S, b, s + 3 * ldb);
        FloatVector v4 = FloatVector.fromArray(S, b, s + 4 * ldb);
        FloatVector v5 = FloatVector.fromArray(S, b, s + 5 * ldb);
        FloatVector v6 = FloatVector.fromArray(S, b, s + 6 * ldb);
        FloatVector v7 = FloatVector.fromArray(S, b, s + 7 * ldb);
        FloatVector t;
        // h = 4
        t = v0.blend(v4.rearrange(SWAP_4), BIT_4);
        v4 = v0.rearrange(SWAP_4).blend(v4, BIT_4);
        v0 = t;
        t = v1.blend(v5.rearrange(SWAP_4), BIT_4);
        v5 = v1.rearrange(SWAP_4).blend(v5, BIT_4);
        v1 = t;
        t = v2.blend(v6.rearrange(SWAP_4), BIT_4);
        v6 = v2.rearrange(SWAP_4).blend(v6, BIT_4);
        v2 = t;
        t = v3.blend(v7.rearrange(SWAP_4), BIT_4);
        v7 = v3.rearrange(SWAP_4).blend(v7, BIT_4);
        v3 = t;
        // h = 2
        t = v0.blend(v2.rearrange(SWAP_2), BIT_2);
        v2 = v0.rearrange(SWAP_2).blend(v2, BIT_2);
        v0 = t;
        t = v1.blend(v3.rearrange(SWAP_2), BIT_2);
        v3 = v1.rearrange(SWAP_2).blend(v3, BIT_2);
        v1 = t;
        t = v4.blend(v6.rearrange(SWAP_2), BIT_2);
        v6 = v4.rearrange(SWAP_2).blend(v6, BIT_2);
        v4 = t;
        t = v5.blend(v7.rearrange(SWAP_2), BIT_2);
        v7 = v5.rearrange(SWAP_2).blend(v7, BIT_2);
        v5 = t;
        // h = 1
        t = v0.blend(v1.rearrange(SWAP_1), BIT_1);
        v1 = v0.rearrange(SWAP_1).blend(v1, BIT_1);
        v0 = t;
        t = v2.blend(v3.rearrange(SWAP_1), BIT_1);
        v3 = v2.rearrange(SWAP_1).blend(v3, BIT_1);
        v2 = t;
        t = v4.blend(v5.rearrange(SWAP_1), BIT_1);
        v5 = v4.rearrange(SWAP_1).blend(v5, BIT_1);
        v4 = t;
        t = v6.blend(v7.rearrange(SWAP_1), BIT_1);
        v7 = v6.rearrange(SWAP_1).blend(v7, BIT_1);
        v6 = t;
        v0.intoArray(bp, d);
        v1.intoArray(bp, d + ldp);
        v2.intoArray(bp, d + 2 * ldp);
        v3.intoArray(bp, d + 3 * ldp);
        v4.intoArray(bp, d + 4 * ldp);
        v5.intoArray(bp, d + 5 * ldp);
        v6.intoArray(bp, d + 6 * ldp);
        v7.intoArray(bp, d + 7 * ldp);
    }
}
