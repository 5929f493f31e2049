package dev.nabla.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width the SIMD kernels use, fixed when this class loads: the widest the CPU has (512 bits with
 * AVX-512, 256 with AVX2), or a narrower one named by the system property {@value #PROPERTY} (256 or 512; a
 * width the CPU lacks is not used, since the Vector API would emulate it). The JVM flag {@code -XX:UseAVX=2} also
 * gives 256 bits on an AVX-512 CPU. A constant, so that the JIT folds the species into the kernels.
 */
final class Width {
    /** System property that caps the vector width in bits. */
    static final String PROPERTY = "nabla.simd.bits";

    static final VectorSpecies<Float> S = choose(System.getProperty(PROPERTY));
    /** Floats per vector: 8 or 16. */
    static final int L = S.length();

    private Width() {}

    private static VectorSpecies<Float> choose(String requested) {
        int cpu = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int bits = cpu;
        if (requested != null && !requested.isBlank()) {
            int r;
            try {
                r = Integer.parseInt(requested.trim());
            } catch (NumberFormatException e) {
                r = -1;
            }
            if (r != 256 && r != 512) {
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + requested + ": expected 256 or 512");
            }
            bits = Math.min(r, cpu);
        }
        if (bits < 256) {
            throw new UnsupportedOperationException("needs 256-bit vectors, this CPU has " + cpu + "-bit ones");
        }
        return bits >= 512 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    }
}
