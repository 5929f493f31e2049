package dev.nabla.tensor;

/** Element types: float32 for training, float64 for gradient checking and references. */
public enum DType {
    F32, F64;

    /** The type of a binary op's result: float64 when either operand is. */
    public static DType promote(DType a, DType b) {
        return a == F64 || b == F64 ? F64 : F32;
    }
}
