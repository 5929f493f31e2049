package dev.nabla.nn;

import dev.nabla.autograd.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Layers applied one after another: {@code forward(x) = layers[n-1](... layers[0](x))}.
 *
 * <p>The constructor names the parameters the course's way: the layers that own parameters are numbered
 * 1, 2, ... (depth first, through nested {@code Sequential}s), and each parameter gets its base name plus that
 * number: the first {@link Linear} holds {@code W1}, {@code b1}, the second {@code W2}, {@code b2}.
 *
 * <p>Before each layer runs, the shape reaching it is checked, so a wrong input size fails with the layer and
 * its index: {@code Linear(in=784, out=128, bias=true) at layer 0: input [64, 100] does not match in=784}.
 */
public final class Sequential extends Module {
    private final List<Module> layers;

    public Sequential(Module... layers) {
        this.layers = List.of(layers);
        int k = 0;
        for (Module leaf : leaves(this.layers, new ArrayList<>())) {
            List<Parameter> ps = leaf.parameters();
            if (ps.isEmpty()) continue;
            k++;
            for (Parameter p : ps) p.rename(p.baseName() + k);
        }
    }

    private static List<Module> leaves(List<Module> modules, List<Module> out) {
        for (Module m : modules) {
            if (m instanceof Sequential s) leaves(s.layers, out);
            else out.add(m);
        }
        return out;
    }

    /** The layers, in order. */
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
            if (!(m instanceof Sequential)) checkedOutputShape(m, i, x.shape());
            x = m.forward(x);
        }
        return x;
    }

    @Override
    public int[] outputShape(int... inputShape) {
        int[] s = inputShape;
        for (int i = 0; i < layers.size(); i++) s = checkedOutputShape(layers.get(i), i, s);
        return s;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        for (Module m : layers) out.addAll(m.parameters());
        return Collections.unmodifiableList(out);
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
