package dev.nabla.nn;

import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

import java.util.Arrays;

/**
 * A trainable array owned by a module: a leaf {@link Tensor} that requires a gradient, with a name and whether
 * L2 regularisation (weight decay) applies to it.
 *
 * <p>Names follow the course: a model numbers the layers that own parameters, so the first {@link Linear}
 * holds {@code W1} and {@code b1}, the second {@code W2} and {@code b2} (see {@link Sequential}). Only weight
 * matrices decay; biases never do.
 */
public final class Parameter {
    private final String baseName;
    private String name;
    private final boolean decays;
    private Tensor tensor;

    /**
     * @param name   the name before a model numbers it, e.g. {@code "W"} or {@code "b"}
     * @param value  the initial value (the parameter keeps this array and updates it in place)
     * @param decays whether L2 regularisation applies (weight matrices: yes; biases: no)
     */
    public Parameter(String name, NDArray value, boolean decays) {
        this.baseName = name;
        this.name = name;
        this.decays = decays;
        this.tensor = Tensor.variable(value).named(name);
    }

    /** The name, e.g. {@code W1}; unique within a model built by {@link Models} or {@link Sequential}. */
    public String name() {
        return name;
    }

    /** The leaf tensor the module computes with; its {@link Tensor#grad()} holds the gradient after backward. */
    public Tensor tensor() {
        return tensor;
    }

    /** The current value (updated in place by optimizers). */
    public NDArray value() {
        return tensor.value();
    }

    /** The accumulated gradient, or null before any backward pass reached this parameter. */
    public NDArray grad() {
        return tensor.grad();
    }

    /** Whether L2 regularisation applies: true for weight matrices, false for biases. */
    public boolean decays() {
        return decays;
    }

    public int[] shape() {
        return tensor.shape();
    }

    public int numel() {
        return tensor.value().numel();
    }

    /**
     * Makes the module compute with {@code t} from now on, in place of the current tensor: converting a model
     * to float64, or evaluating it at other parameter values (a gradient check). The shape must match.
     */
    public void bind(Tensor t) {
        if (!Arrays.equals(t.shape(), tensor.shape())) {
            throw new IllegalArgumentException("bind: parameter " + name + " has shape " + Shape.str(tensor.shape())
                    + ", got a tensor of shape " + Shape.str(t.shape()));
        }
        tensor = t;
    }

    /** The name given at construction, before numbering ({@code W}, {@code b}). */
    String baseName() {
        return baseName;
    }

    void rename(String newName) {
        name = newName;
        tensor.named(newName);
    }

    @Override
    public String toString() {
        return name + Shape.str(shape()) + (decays ? "" : " (no decay)");
    }
}
