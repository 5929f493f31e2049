package dev.nabla.nn;

import dev.nabla.InputException;

import java.util.Map;

/**
 * A layer cannot take the shape that reaches it. The message names the layer by its dotted path in the module
 * tree ({@link Module#namedModules()}), a short label and what does not fit:
 * {@code 4 (Conv2d 5x5): input [64, 6, 4, 4] is smaller than the kernel (5x5 over 4x4)}; inside nested
 * containers the path is {@code features.2}. Each container the error passes through names the layer again
 * from itself ({@link #under}), so the outermost one gives the full path.
 */
public final class LayerShapeException extends InputException {
    private final Module layer;
    private final String path;
    private final String detail;

    private LayerShapeException(Module layer, String path, String detail, Throwable cause) {
        super((path.isEmpty() ? layer.label() : path + " (" + layer.label() + ")") + ": " + detail, cause);
        this.layer = layer;
        this.path = path;
        this.detail = detail;
    }

    /** {@code layer}, a module of {@code root}'s tree, refused a shape; {@code detail} says how. */
    static LayerShapeException of(Module root, Module layer, String detail, Throwable cause) {
        return new LayerShapeException(layer, pathIn(root, layer, ""), detail, cause);
    }

    /** The same error with the layer's path from {@code root}, a module further out in the tree. */
    LayerShapeException under(Module root) {
        return new LayerShapeException(layer, pathIn(root, layer, path), detail, this);
    }

    /** The layer's dotted path from the outermost container the error has passed through ("" for that container itself). */
    public String path() {
        return path;
    }

    /** What does not fit, without the layer's name. */
    public String detail() {
        return detail;
    }

    private static String pathIn(Module root, Module layer, String fallback) {
        for (Map.Entry<String, Module> e : root.namedModules().entrySet()) {
            if (e.getValue() == layer) return e.getKey();
        }
        return fallback;
    }
}
