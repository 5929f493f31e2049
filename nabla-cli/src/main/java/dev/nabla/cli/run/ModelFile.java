package dev.nabla.cli.run;

import dev.nabla.InputException;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.io.Json;
import dev.nabla.io.NamedArray;
import dev.nabla.io.SafeTensors;
import dev.nabla.nn.ModelSize;
import dev.nabla.nn.Models;
import dev.nabla.nn.Module;
import dev.nabla.nn.ModelSpec;
import dev.nabla.tensor.NDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained model as one safetensors file: each parameter under its name ({@code W1}, {@code b1}, ...) as
 * float32, and in the header's metadata {@value #SPEC_KEY} = the {@link ModelSpec} as JSON, e.g.
 * {@code {"type":"twolayer","input_size":784,"hidden":[128],"activation":"sigmoid","classes":10,
 * "init":"numpy","seed":1024}}, which is enough to rebuild the module ({@link Models#build}). Other metadata
 * (the training config, the epoch) is informational.
 */
public final class ModelFile {

    /** Metadata key of the model's spec. */
    public static final String SPEC_KEY = "nabla.model";

    /** A model read back: the module with its weights loaded, its spec and the file's metadata. */
    public record Loaded(Module model, ModelSpec spec, Map<String, String> metadata) {
    }

    private ModelFile() {
    }

    /** Writes {@code weights} (parameter name to array) and the spec, whole (temporary file, then rename). */
    public static void save(Path file, ModelSpec spec, Map<String, NDArray> weights, Map<String, String> extraMetadata) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "nabla");
        meta.put(SPEC_KEY, Json.write(specToMap(spec)));
        meta.putAll(extraMetadata);
        SafeTensors.write(file, toNamed(weights), meta);
    }

    /**
     * Reads a model file and rebuilds its module.
     *
     * @throws InputException for a missing or corrupt file, missing metadata, or weights that do not fit the spec
     */
    public static Loaded load(Path file) {
        if (!Files.isRegularFile(file)) throw new InputException("model file not found: " + file);
        SafeTensors.Contents c = SafeTensors.read(file);
        String specJson = c.metadata().get(SPEC_KEY);
        if (specJson == null) {
            throw new InputException(file + " has no '" + SPEC_KEY + "' metadata describing the model;"
                    + " expected a model.safetensors written by nabla train");
        }
        ModelSpec spec = specFromMap(Json.parseObject(specJson, file + " metadata " + SPEC_KEY), file);
        ModelSize.checkFile(file, spec, c.tensors());
        Module model;
        try {
            model = Models.build(spec);
        } catch (IllegalArgumentException e) { // InputException included
            throw new InputException(file + ": cannot build the model its metadata describes: " + e.getMessage());
        }
        Map<String, NDArray> weights = new LinkedHashMap<>();
        c.tensors().forEach((name, a) -> weights.put(name, toNDArray(a)));
        try {
            model.loadWeights(weights);
        } catch (InputException e) {
            throw new InputException(file + ": the " + e.getMessage() + " (the metadata describes "
                    + RunConfig.describeModel(spec) + ")");
        }
        return new Loaded(model, spec, c.metadata());
    }

    static Map<String, NamedArray> toNamed(Map<String, NDArray> arrays) {
        Map<String, NamedArray> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> out.put(k, new NamedArray(v.shape(), v.toFloatArray())));
        return out;
    }

    static NDArray toNDArray(NamedArray a) {
        return NDArray.of(a.data().clone(), a.shape());
    }

    /** The spec as a JSON-ready map with snake_case keys. */
    public static Map<String, Object> specToMap(ModelSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", s.type());
        m.put("input_size", s.inputSize());
        m.put("hidden", s.hidden().clone());
        m.put("activation", s.activation());
        m.put("classes", s.classes());
        m.put("init", s.init());
        m.put("seed", s.seed());
        return m;
    }

    static ModelSpec specFromMap(Map<String, Object> m, Object source) {
        try {
            List<?> h = (List<?>) m.get("hidden");
            int[] hidden = new int[h.size()];
            for (int i = 0; i < hidden.length; i++) hidden[i] = ((Number) h.get(i)).intValue();
            return new ModelSpec((String) m.get("type"), ((Number) m.get("input_size")).intValue(), hidden,
                    (String) m.get("activation"), ((Number) m.get("classes")).intValue(), (String) m.get("init"),
                    ((Number) m.get("seed")).longValue());
        } catch (ClassCastException | NullPointerException e) {
            throw new InputException(source + ": the model description " + Json.write(m)
                    + " lacks a field or has one of the wrong type (expected type, input_size, hidden, activation,"
                    + " classes, init, seed)");
        }
    }
}
