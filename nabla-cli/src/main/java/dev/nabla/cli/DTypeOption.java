package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.tensor.DType;

import java.util.Locale;

/** The {@code --dtype float32|float64} option's values. */
final class DTypeOption {
    static final String LABEL = "float32|float64";

    private DTypeOption() {}

    /**
     * {@code float32} or {@code float64} (also {@code f32}, {@code f64}); null gives {@code fallback}.
     *
     * @throws InputException for anything else
     */
    static DType parse(String text, DType fallback) {
        if (text == null) return fallback;
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "float32", "f32" -> DType.F32;
            case "float64", "f64" -> DType.F64;
            default -> throw new InputException("--dtype " + text + " is not allowed: expected float32 or float64");
        };
    }

    static String name(DType t) {
        return t == DType.F64 ? "float64" : "float32";
    }
}
