package dev.nabla.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.kernel.ExecutionContext;
import dev.nabla.kernel.KernelProvider;
import dev.nabla.kernel.Kernels;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which training paths give different bits on the scalar and the SIMD kernels (docs/ARCHITECTURE.md, "Scalar and
 * SIMD kernels"): exactly GEMM, exp and sigmoid. Training with momentum 0.9 and L2 1e-4 on kernels that take
 * those three from SIMD and everything else from the scalar kernels gives the SIMD run's bits; the scalar run
 * differs, within a small bound.
 */
class KernelPathsTest {
    private static final Splits DATA = Synthetic.data(7);
    private static final Kernels SCALAR = KernelProvider.scalar();
    private static final Kernels SIMD = KernelProvider.simd().orElseThrow();

    /** SIMD GEMM, exp and sigmoid; scalar everything else. */
    private static final class Hybrid implements Kernels {
        @Override
        public String name() {
            return "hybrid";
        }

        @Override
        public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                         int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            SIMD.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }

        @Override
        public void exp(int n, float[] x, int xOff, float[] out, int outOff) {
            SIMD.exp(n, x, xOff, out, outOff);
        }

        @Override
        public void sigmoid(int n, float[] x, int xOff, float[] out, int outOff) {
            SIMD.sigmoid(n, x, xOff, out, outOff);
        }

        @Override
        public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
            SCALAR.axpy(n, alpha, x, xOff, y, yOff);
        }

        @Override
        public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
            return SCALAR.dot(n, x, xOff, y, yOff);
        }

        @Override
        public float sum(int n, float[] x, int xOff) {
            return SCALAR.sum(n, x, xOff);
        }

        @Override
        public void add(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
            SCALAR.add(n, a, aOff, b, bOff, out, outOff);
        }

        @Override
        public void mul(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
            SCALAR.mul(n, a, aOff, b, bOff, out, outOff);
        }

        @Override
        public void scale(int n, float alpha, float[] x, int xOff, float[] out, int outOff) {
            SCALAR.scale(n, alpha, x, xOff, out, outOff);
        }

        @Override
        public void sigmoidBackward(int n, float[] g, int gOff, float[] s, int sOff, float[] out, int outOff) {
            SCALAR.sigmoidBackward(n, g, gOff, s, sOff, out, outOff);
        }

        @Override
        public void relu(int n, float[] x, int xOff, float[] out, int outOff) {
            SCALAR.relu(n, x, xOff, out, outOff);
        }
    }

    private static List<EpochMetrics> train(Kernels kernels, String activation) {
        ModelSpec spec = new ModelSpec("twolayer", Synthetic.FEATURES, new int[] {16}, activation, Synthetic.CLASSES,
                "xavier", 11);
        TrainConfig cfg = TrainConfig.courseDefaults().withModel(spec).withLr(0.1).withReg(1e-4)
                .withMomentum(0.9, false).withBatchSize(32).withEpochs(3).withThreads(2);
        try (var ctx = ExecutionContext.withKernels(kernels)) {
            Module model = Models.build(cfg.model());
            return Trainer.fit(model, Trainer.optimizer(model, cfg), DATA, cfg, null, null).history();
        }
    }

    @Test
    void onlyGemmExpAndSigmoidDifferBetweenScalarAndSimdTraining() {
        for (String activation : new String[] {"sigmoid", "relu"}) {
            List<EpochMetrics> simd = train(SIMD, activation), hybrid = train(new Hybrid(), activation);
            List<EpochMetrics> scalar = train(SCALAR, activation);
            for (int e = 0; e < simd.size(); e++) {
                EpochMetrics s = simd.get(e), h = hybrid.get(e), r = scalar.get(e);
                String where = activation + ", epoch " + (e + 1);
                assertEquals(s.trainLoss(), h.trainLoss(), 0.0, where + ": SIMD GEMM/exp/sigmoid + scalar rest");
                assertEquals(s.valLoss(), h.valLoss(), 0.0, where);
                // the scalar run rounds differently, so it drifts, but only in the last digits
                assertEquals(s.trainLoss(), r.trainLoss(), 1e-4 * Math.abs(s.trainLoss()), where + ": scalar");
            }
            assertNotEquals(simd.get(simd.size() - 1).trainLoss(), scalar.get(scalar.size() - 1).trainLoss(),
                    activation + ": if scalar and SIMD training agree to the bit, update docs/ARCHITECTURE.md");
            assertTrue(simd.size() == 3);
        }
    }
}
