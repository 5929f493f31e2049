package dev.nabla.nn;

import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

import java.util.Arrays;

/**
 * A trainable array owned by a module: a leaf {@link Tensor} that requires a gradient. Its name is where the
 * owning module registers it ({@link Module#registerParameter}); the full dotted name ({@code fc1.weight}) comes
 * from {@link Module#namedParameters()}. Whether weight decay applies is a property of the optimizer's parameter
 * group, not of the parameter.
 */
public final class Parameter {
    private Tensor tensor;

    /** @param value the initial value (the parameter keeps this array and updates it in place) */
    public Parameter(NDArray value) {
        this.tensor = Tensor.variable(value);
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
            throw new IllegalArgumentException("bind: a parameter of shape " + Shape.str(tensor.shape())
                    + " cannot take a tensor of shape " + Shape.str(t.shape()));
        }
        tensor = t;
    }

    @Override
    public String toString() {
        return "Parameter" + Shape.str(shape()) + " " + tensor.value().dtype();
    }
}
