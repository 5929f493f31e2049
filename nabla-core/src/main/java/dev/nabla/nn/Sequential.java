package dev.nabla.nn;

import dev.nabla.autograd.Tensor;

import java.util.List;

/**
 * Layers applied one after another: {@code forward(x) = layers[n-1](... layers[0](x))}. The layers are its
 * children {@code 0}, {@code 1}, ..., so the parameters of a two-layer network are {@code 0.weight},
 * {@code 0.bias}, {@code 2.weight}, {@code 2.bias} (layer 1 is the activation), as in PyTorch's
 * {@code nn.Sequential}.
 *
 * <p>Before each layer runs, the shape reaching it is checked, so a wrong input size fails with the layer's path
 * and label ({@link LayerShapeException}): {@code 0 (Linear in=784, out=128, bias=true): input [64, 100] does not
 * match in=784}; in a nested container the path is {@code 1.0}.
 */
public final class Sequential extends Module {
    private final List<Module> layers;

    public Sequential(Module... layers) {
        this.layers = List.of(layers);
        for (int i = 0; i < layers.length; i++) register(String.valueOf(i), layers[i]);
    }

    /** The layers, in order. */
    @Override
    public List<Module> layers() {
        return layers;
    }

    public Module get(int index) {
        return layers.get(index);
    }

    public int size() {
        return layers.size();
    }

    @Override
    public Tensor forward(Tensor x) {
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            if (!(m instanceof Sequential)) checkedOutputShape(this, m, x.shape());
            try {
                x = m.forward(x);
            } catch (LayerShapeException e) {
                throw e.under(this);
            }
        }
        return x;
    }

    @Override
    public int[] outputShape(int... inputShape) {
        int[] s = inputShape;
        for (Module layer : layers) s = checkedOutputShape(this, layer, s);
        return s;
    }

    /** Multi-line: one layer per line with its index. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Sequential(\n");
        for (int i = 0; i < layers.size(); i++) {
            String inner = layers.get(i).toString().replace("\n", "\n  ");
            sb.append("  (").append(i).append("): ").append(inner).append('\n');
        }
        return sb.append(')').toString();
    }
}
