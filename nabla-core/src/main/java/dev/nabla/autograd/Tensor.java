package dev.nabla.autograd;

import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A differentiable n-dimensional array: a value ({@link NDArray}) plus what autodiff needs.
 *
 * <ul>
 *   <li>Reverse mode: when any input requires a gradient (and {@link Grad} is enabled), an op records the
 *       {@link Function} that made its output and the inputs; {@link #backward()} walks that graph in reverse
 *       topological order and accumulates into the {@link #grad()} of leaves that require it.</li>
 *   <li>Forward mode: a tensor may carry a {@link #tangent()}; every op propagates tangents through its JVP,
 *       so the output's tangent is the Jacobian-vector product (see {@link ForwardMode}).</li>
 * </ul>
 */
public final class Tensor {
    private final NDArray value;
    private boolean requiresGrad;
    private NDArray grad;
    private NDArray spareGrad; // storage the next backward may write this leaf's gradient into (releaseGrad)
    private NDArray tangent;
    private String name;

    // the graph: the function that produced this tensor and its inputs; null for leaves or once freed
    private Function fn;
    private Tensor[] inputs;
    private boolean graphFreed;

    private Tensor(NDArray value) {
        this.value = value;
    }

    // ---------------------------------------------------------------- creation

    /** A constant (no gradient) holding {@code value}. */
    public static Tensor of(NDArray value) {
        return new Tensor(value);
    }

    /** A float32 constant of the given shape over {@code data} (no copy). */
    public static Tensor of(float[] data, int... shape) {
        return new Tensor(NDArray.of(data, shape));
    }

    /** A float64 constant of the given shape over {@code data} (no copy). */
    public static Tensor of(double[] data, int... shape) {
        return new Tensor(NDArray.of(data, shape));
    }

    public static Tensor scalar(double v, DType dtype) {
        return new Tensor(NDArray.scalar(v, dtype));
    }

    /** A leaf that requires a gradient: a trainable parameter or an input to differentiate against. */
    public static Tensor variable(NDArray value) {
        Tensor t = new Tensor(value);
        t.requiresGrad = true;
        return t;
    }

    public static Tensor zeros(DType dtype, int... shape) {
        return new Tensor(NDArray.zeros(dtype, shape));
    }

    // ---------------------------------------------------------------- state

    public NDArray value() {
        return value;
    }

    public int[] shape() {
        return value.shape();
    }

    public int dim(int axis) {
        return value.dim(axis);
    }

    public int rank() {
        return value.rank();
    }

    public DType dtype() {
        return value.dtype();
    }

    public double item() {
        return value.item();
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as requiring a gradient (or not). */
    public Tensor requiresGrad(boolean on) {
        if (fn != null && !on) throw new IllegalStateException("requiresGrad(false) on a tensor computed from others; use detach()");
        requiresGrad = on;
        return this;
    }

    /** The accumulated gradient of a leaf after {@link #backward()}, or null if none has arrived. */
    public NDArray grad() {
        return grad;
    }

    /** Clears the accumulated gradient. */
    public void zeroGrad() {
        grad = null;
    }

    /**
     * Clears the gradient as {@link #zeroGrad()} does, and lets the next backward pass write the new gradient
     * into the old one's storage instead of a fresh array. For training loops, which use each gradient once and
     * then drop it: an array that {@link #grad()} returned before this call may be overwritten afterwards.
     */
    public void releaseGrad() {
        if (grad != null && grad.dtype() == value.dtype() && grad.isContiguous()
                && Arrays.equals(grad.shape(), value.shape())) {
            spareGrad = grad;
        }
        grad = null;
    }

    /** Replaces the gradient (e.g. an optimizer's regularised gradient); null clears it. */
    public void setGrad(NDArray g) {
        if (g != null && !Arrays.equals(g.shape(), value.shape())) {
            throw new IllegalArgumentException("setGrad: gradient " + Shape.str(g.shape()) + " does not match tensor " + Shape.str(value.shape()));
        }
        grad = g;
    }

    /** The forward-mode tangent carried by this tensor, or null. */
    public NDArray tangent() {
        return tangent;
    }

    /** Attaches a tangent (the direction of a Jacobian-vector product); its shape must match. */
    public Tensor withTangent(NDArray t) {
        if (t != null && !Arrays.equals(t.shape(), value.shape())) {
            throw new IllegalArgumentException("withTangent: tangent " + Shape.str(t.shape()) + " does not match tensor " + Shape.str(value.shape()));
        }
        tangent = t;
        return this;
    }

    /** A label shown in graph dumps (parameter names, "w1"). */
    public String name() {
        return name;
    }

    public Tensor named(String n) {
        name = n;
        return this;
    }

    /** The function that produced this tensor, or null for a leaf. */
    public Function creator() {
        return fn;
    }

    /** The inputs of {@link #creator()}, empty for a leaf. */
    public List<Tensor> inputs() {
        return inputs == null ? List.of() : List.of(inputs);
    }

    /** The same value, cut from the graph (no gradient flows through it) and without a tangent. */
    public Tensor detach() {
        return new Tensor(value);
    }

    // ---------------------------------------------------------------- applying ops

    /**
     * Runs {@code f} on the inputs' values, recording the graph and propagating tangents as needed. Programs call
     * {@link Function#apply(Tensor...)}; the built-in ops come here directly.
     */
    static Tensor apply(Function f, Tensor... in) {
        NDArray[] values = new NDArray[in.length];
        boolean anyGrad = false, anyTangent = false;
        for (int i = 0; i < in.length; i++) {
            values[i] = in[i].value;
            anyGrad |= in[i].requiresGrad;
            anyTangent |= in[i].tangent != null;
        }
        NDArray y = f.forward(values);
        if (y == null) throw new IllegalStateException(f.name() + ": forward returned null");
        Tensor out = new Tensor(y);
        if (anyGrad && Grad.isEnabled()) {
            out.requiresGrad = true;
            out.fn = f;
            out.inputs = in;
        }
        if (anyTangent) {
            NDArray[] tangents = new NDArray[in.length];
            for (int i = 0; i < in.length; i++) tangents[i] = in[i].tangent;
            NDArray t = f.jvp(tangents);
            if (t == null) throw new IllegalStateException(f.name() + ": jvp returned null");
            out.tangent = Arrays.equals(t.shape(), out.value.shape()) ? t : t.expand(out.value.shape()).contiguous();
        }
        return out;
    }

    private Tensor constantLike(double v) {
        return new Tensor(NDArray.scalar(v, dtype()));
    }

    // elementwise, broadcasting
    public Tensor add(Tensor o) { return apply(new Primitives.Add(), this, o); }
    public Tensor sub(Tensor o) { return apply(new Primitives.Sub(), this, o); }
    public Tensor mul(Tensor o) { return apply(new Primitives.Mul(), this, o); }
    public Tensor div(Tensor o) { return apply(new Primitives.Div(), this, o); }
    /** {@code this ^ o} elementwise. */
    public Tensor pow(Tensor o) { return apply(new Primitives.Pow(), this, o); }
    public Tensor maximum(Tensor o) { return apply(new Primitives.Maximum(), this, o); }
    public Tensor minimum(Tensor o) { return apply(new Primitives.Minimum(), this, o); }

    public Tensor add(double s) { return add(constantLike(s)); }
    public Tensor sub(double s) { return sub(constantLike(s)); }
    public Tensor mul(double s) { return mul(constantLike(s)); }
    public Tensor div(double s) { return div(constantLike(s)); }
    public Tensor pow(double p) { return pow(constantLike(p)); }

    // unary
    public Tensor neg() { return apply(new Primitives.Neg(), this); }
    public Tensor exp() { return apply(new Primitives.Exp(), this); }
    public Tensor log() { return apply(new Primitives.Log(), this); }
    public Tensor sqrt() { return apply(new Primitives.Sqrt(), this); }
    public Tensor abs() { return apply(new Primitives.Abs(), this); }
    public Tensor sin() { return apply(new Primitives.Sin(), this); }
    public Tensor cos() { return apply(new Primitives.Cos(), this); }
    public Tensor tanh() { return apply(new Primitives.Tanh(), this); }
    public Tensor sigmoid() { return apply(new Primitives.Sigmoid(), this); }
    public Tensor relu() { return apply(new Primitives.Relu(), this); }

    // reductions
    /** Sum over {@code axes} (all when none are given), dropping the reduced dimensions. */
    public Tensor sum(int... axes) { return sum(false, axes); }

    public Tensor sum(boolean keepDims, int... axes) {
        return apply(new Primitives.Sum(Shape.axes("sum", axes, rank()), keepDims), this);
    }

    /** Mean over {@code axes} (all when none are given): the sum divided by the count. */
    public Tensor mean(int... axes) { return mean(false, axes); }

    public Tensor mean(boolean keepDims, int... axes) {
        int[] ax = Shape.axes("mean", axes, rank());
        int count = 1;
        for (int a : ax) count *= dim(a);
        if (count == 0) throw new IllegalArgumentException("mean: reducing over an empty dimension of " + Shape.str(shape()));
        return sum(keepDims, ax).mul(1.0 / count);
    }

    /** Max over {@code axes} (all when none are given). */
    public Tensor max(int... axes) { return max(false, axes); }

    public Tensor max(boolean keepDims, int... axes) {
        return apply(new Primitives.Max(Shape.axes("max", axes, rank()), keepDims), this);
    }

    // movement
    public Tensor reshape(int... shape) { return apply(new Primitives.Reshape(shape.clone()), this); }
    public Tensor permute(int... axes) { return apply(new Primitives.Permute(axes.clone()), this); }

    public Tensor transpose(int a, int b) {
        int[] p = new int[rank()];
        for (int i = 0; i < p.length; i++) p[i] = i;
        int x = Shape.axis("transpose", a, rank()), y = Shape.axis("transpose", b, rank());
        p[x] = y;
        p[y] = x;
        return permute(p);
    }

    /** Broadcasts to {@code shape} (NumPy rules). */
    public Tensor expand(int... shape) { return apply(new Primitives.Expand(shape.clone()), this); }

    /** Indices [start, end) along {@code axis}. */
    public Tensor slice(int axis, int start, int end) {
        return apply(new Primitives.Slice(Shape.axis("slice", axis, rank()), start, end), this);
    }

    public static Tensor concat(int axis, Tensor... parts) {
        return apply(new Primitives.Concat(axis), parts);
    }

    /** torch.gather: along {@code axis}, picks {@code index} (of shape {@code indexShape}). */
    public Tensor gather(int axis, int[] index, int... indexShape) {
        return apply(new Primitives.Gather(axis, index.clone(), indexShape.clone()), this);
    }

    /** {@code cond != 0 ? a : b} elementwise (broadcasting); the condition is a constant. */
    public static Tensor where(NDArray cond, Tensor a, Tensor b) {
        return apply(new Primitives.Where(cond), a, b);
    }

    // linear algebra
    /** [m, k] x [k, n] -> [m, n], or batched [..., m, k] x [..., k, n]. */
    public Tensor matmul(Tensor o) { return apply(new Primitives.MatMul(), this, o); }

    // ---------------------------------------------------------------- reverse mode

    /** Backpropagates from a one-element tensor (seed 1); frees the graph afterwards. */
    public void backward() {
        if (value.numel() != 1) {
            throw new IllegalStateException("backward() needs a one-element output, got shape " + Shape.str(shape())
                    + "; pass a seed gradient of that shape with backward(seed)");
        }
        backward(NDArray.ones(dtype(), shape()), false);
    }

    /** Backpropagates {@code seed} (the gradient of some scalar with respect to this tensor). */
    public void backward(NDArray seed) {
        backward(seed, false);
    }

    /**
     * Backpropagates {@code seed} through the recorded graph: visits nodes in reverse topological order (an
     * iterative walk, so any depth is fine), sums the gradients of tensors used more than once, and adds the
     * result into the {@link #grad()} of every leaf that requires a gradient.
     *
     * @param retainGraph keep the graph so that backward can run through it again
     */
    public void backward(NDArray seed, boolean retainGraph) {
        if (!Arrays.equals(seed.shape(), value.shape())) {
            throw new IllegalArgumentException("backward: seed " + Shape.str(seed.shape()) + " does not match output " + Shape.str(shape()));
        }
        if (graphFreed) {
            throw new IllegalStateException("backward: the graph behind this tensor was freed by an earlier backward(); "
                    + "pass retainGraph=true to run backward twice");
        }
        if (!requiresGrad) {
            throw new IllegalStateException("backward: this tensor does not require a gradient (no input requires one, or it was computed under Grad.disabled())");
        }
        List<Tensor> order = topologicalOrder();
        Map<Tensor, NDArray> pending = new IdentityHashMap<>();
        // How many gradients handed around share each storage array: a leaf may keep its gradient without a
        // copy only when nothing else (the seed, a view given to another input) can see that storage.
        Map<Object, Integer> sharing = new IdentityHashMap<>();
        NDArray start = seed.to(dtype());
        sharing.merge(start.storageIdentity(), 2, Integer::sum); // the caller keeps the seed
        pending.put(this, start);
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor node = order.get(i);
            NDArray g = pending.remove(node);
            if (node.fn == null) { // a leaf
                if (g != null) node.accumulate(g, sharing.getOrDefault(g.storageIdentity(), 2) == 1);
                continue;
            }
            if (g == null) continue;
            boolean[] need = new boolean[node.inputs.length];
            NDArray[] into = null; // released gradient storage of leaf inputs, for the op to write into
            for (int j = 0; j < need.length; j++) {
                Tensor in = node.inputs[j];
                need[j] = in.requiresGrad;
                if (need[j] && in.fn == null && in.spareGrad != null) {
                    if (into == null) into = new NDArray[need.length];
                    into[j] = in.spareGrad;
                    in.spareGrad = null; // used once: an input repeated in this op gets a fresh array
                }
            }
            NDArray[] gin = into == null ? node.fn.backward(g, need) : node.fn.backward(g, need, into);
            if (gin == null || gin.length != need.length) {
                throw new IllegalStateException(node.fn.name() + ": backward returned " + (gin == null ? "null" : gin.length + " gradients")
                        + " for " + need.length + " inputs");
            }
            for (int j = 0; j < need.length; j++) {
                if (!need[j] || gin[j] == null) continue;
                if (!Arrays.equals(gin[j].shape(), node.inputs[j].value.shape())) {
                    throw new IllegalStateException(node.fn.name() + ": backward returned a gradient of shape " + Shape.str(gin[j].shape())
                            + " for input " + j + " of shape " + Shape.str(node.inputs[j].shape()));
                }
                sharing.merge(gin[j].storageIdentity(), 1, Integer::sum);
                pending.merge(node.inputs[j], gin[j], (x, y) -> {
                    NDArray sum = x.copy();
                    sum.addInPlace(y, 1);
                    sharing.merge(sum.storageIdentity(), 1, Integer::sum);
                    return sum;
                });
            }
        }
        if (!retainGraph) {
            for (Tensor node : order) {
                if (node.fn != null) {
                    node.fn = null;
                    node.inputs = null;
                    node.graphFreed = true;
                }
            }
        }
    }

    /** Adds {@code g} into this leaf's gradient; {@code owned}: no one else sees g's storage, so keep it as is. */
    private void accumulate(NDArray g, boolean owned) {
        if (!Arrays.equals(g.shape(), value.shape())) {
            throw new IllegalStateException("gradient of shape " + Shape.str(g.shape()) + " reached a tensor of shape " + Shape.str(shape()));
        }
        if (grad == null) {
            grad = owned && g.dtype() == dtype() && g.isContiguous() && g.offset() == 0 ? g : g.to(dtype()).copy();
        } else {
            grad.addInPlace(g, 1);
        }
    }

    /**
     * The tensors this one depends on (through inputs that require gradients), each after all of its inputs:
     * an explicit-stack depth-first walk, deterministic because inputs are visited in order.
     */
    List<Tensor> topologicalOrder() {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> state = new IdentityHashMap<>(); // FALSE: on the stack, TRUE: emitted
        ArrayList<Tensor> stack = new ArrayList<>();
        ArrayList<Integer> next = new ArrayList<>(); // the next input index to visit for each stack entry
        stack.add(this);
        next.add(0);
        state.put(this, Boolean.FALSE);
        while (!stack.isEmpty()) {
            int top = stack.size() - 1;
            Tensor t = stack.get(top);
            int i = next.get(top);
            if (t.inputs != null && i < t.inputs.length) {
                next.set(top, i + 1);
                Tensor in = t.inputs[i];
                if (in.requiresGrad && !state.containsKey(in)) {
                    state.put(in, Boolean.FALSE);
                    stack.add(in);
                    next.add(0);
                }
            } else {
                stack.remove(top);
                next.remove(top);
                state.put(t, Boolean.TRUE);
                order.add(t);
            }
        }
        return order;
    }

    @Override
    public String toString() {
        String s = value.toString().replaceFirst("^NDArray", "Tensor");
        if (fn != null) s += " <" + fn.name() + ">";
        else if (requiresGrad) s += " <leaf, requires grad>";
        return s;
    }
}
