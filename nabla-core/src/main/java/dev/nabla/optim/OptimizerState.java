package dev.nabla.optim;

import dev.nabla.InputException;
import dev.nabla.nn.Parameter;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers shared by the optimizers: validation, flat storage access and state maps. */
final class OptimizerState {
    static final String STEP = "step";

    private OptimizerState() {}

    static double checkLr(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new InputException("learning rate must be a positive number, got " + lr);
        }
        return lr;
    }

    /** The gradient as a contiguous array of the parameter's type (itself when it already is one). */
    static NDArray gradOf(Parameter p) {
        NDArray g = p.grad();
        return g == null ? null : g.to(p.value().dtype()).contiguous();
    }

    static NDArray stepScalar(long step) {
        return NDArray.scalar(step, DType.F32);
    }

    /** Builds the state map: the step count first, then the buffers by parameter and buffer name. */
    static Map<String, NDArray> state(long step, List<Parameter> params, String[] bufferNames, NDArray[][] buffers) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put(STEP, stepScalar(step));
        for (int i = 0; i < params.size(); i++) {
            for (int b = 0; b < bufferNames.length; b++) {
                if (buffers[b][i] != null) out.put(params.get(i).name() + "." + bufferNames[b], buffers[b][i].copy());
            }
        }
        return out;
    }

    /** Reads a state map into {@code buffers} (null where absent); returns the step count. */
    static long load(Map<String, NDArray> state, List<Parameter> params, String[] bufferNames, NDArray[][] buffers) {
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) index.put(params.get(i).name(), i);
        long step = 0;
        NDArray[][] loaded = new NDArray[bufferNames.length][params.size()];
        for (Map.Entry<String, NDArray> e : state.entrySet()) {
            String key = e.getKey();
            NDArray v = e.getValue();
            if (key.equals(STEP)) {
                step = Math.round(v.item());
                continue;
            }
            int dot = key.lastIndexOf('.');
            int b = dot < 0 ? -1 : Arrays.asList(bufferNames).indexOf(key.substring(dot + 1));
            Integer i = dot < 0 ? null : index.get(key.substring(0, dot));
            if (b < 0 || i == null) {
                throw new InputException("optimizer state: unexpected entry '" + key + "' (expected 'step' and <parameter>."
                        + String.join("|", bufferNames) + " for parameters " + index.keySet() + ")");
            }
            Parameter p = params.get(i);
            if (!Arrays.equals(v.shape(), p.shape())) {
                throw new InputException("optimizer state: " + key + " has shape " + Shape.str(v.shape())
                        + ", parameter " + p.name() + " has shape " + Shape.str(p.shape()));
            }
            loaded[b][i] = v.to(p.value().dtype()).copy();
        }
        for (int b = 0; b < bufferNames.length; b++) System.arraycopy(loaded[b], 0, buffers[b], 0, params.size());
        return step;
    }
}
