package dev.nabla.models;

import dev.nabla.nn.Linear;
import dev.nabla.nn.Module;
import dev.nabla.tensor.NDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The course's names and layout for a model's parameters: the k-th {@link Linear} layer (counted from 1, depth
 * first) holds {@code Wk} [in, out] and {@code bk} [out], where nabla names them {@code <path>.weight} [out, in]
 * and {@code <path>.bias}. The course's models use it for the files the course's code reads or writes (model
 * files and checkpoints written before state dicts, gradients saved for a comparison with the course's numpy
 * code).
 */
public final class CourseNames {
    private CourseNames() {}

    /** Course name to state-dict name, in layer order: {@code W1 -> 0.weight, b1 -> 0.bias, W2 -> 2.weight, ...}. */
    public static Map<String, String> of(Module model) {
        Map<String, String> out = new LinkedHashMap<>();
        int k = 0;
        for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
            if (!(e.getValue() instanceof Linear lin)) continue;
            k++;
            String prefix = e.getKey().isEmpty() ? "" : e.getKey() + ".";
            out.put("W" + k, prefix + "weight");
            if (lin.bias() != null) out.put("b" + k, prefix + "bias");
        }
        return out;
    }

    /**
     * {@code arrays} (by state-dict name: parameters or their gradients) in the course's names and layout: weights
     * transposed to [in, out]. Names the course does not know are left out.
     */
    public static Map<String, NDArray> toCourse(Module model, Map<String, NDArray> arrays) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        of(model).forEach((course, name) -> {
            NDArray a = arrays.get(name);
            if (a != null) out.put(course, isWeight(course) ? a.t().contiguous() : a);
        });
        return out;
    }

    /**
     * {@code arrays} in the course's names and layout, renamed and transposed to the model's state-dict names:
     * parameters ({@code W1} [in, out] to {@code 0.weight} [out, in]) and an optimizer's per-parameter buffers
     * ({@code W1.momentum} to {@code 0.weight.momentum}, transposed as its parameter). A name the model's mapping
     * does not hold is kept as it is (an optimizer's {@code step}; anything else a strict load then reports).
     */
    public static Map<String, NDArray> fromCourse(Module model, Map<String, NDArray> arrays) {
        Map<String, String> names = of(model);
        Map<String, NDArray> out = new LinkedHashMap<>();
        arrays.forEach((key, a) -> {
            int dot = key.indexOf('.');
            String course = dot < 0 ? key : key.substring(0, dot), name = names.get(course);
            if (name == null) out.put(key, a);
            else out.put(name + key.substring(course.length()), isWeight(course) && a.rank() == 2 ? a.t().contiguous() : a);
        });
        return out;
    }

    /** Whether {@code names} are the course's ({@code W1}, {@code b1}, ...) rather than a state dict's. */
    public static boolean areCourseNames(Iterable<String> names) {
        boolean any = false;
        for (String n : names) {
            if (!n.matches("[Wb][1-9][0-9]*")) return false;
            any = true;
        }
        return any;
    }

    private static boolean isWeight(String course) {
        return course.startsWith("W");
    }
}
