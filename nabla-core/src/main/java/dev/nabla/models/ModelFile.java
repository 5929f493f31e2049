package dev.nabla.models;

import dev.nabla.InputException;
import dev.nabla.io.Float64Array;
import dev.nabla.io.Json;
import dev.nabla.io.NamedArray;
import dev.nabla.io.SafeTensors;
import dev.nabla.io.StoredArray;
import dev.nabla.nn.Architecture;
import dev.nabla.nn.Linear;
import dev.nabla.nn.Module;
import dev.nabla.nn.ToImage;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model as one safetensors file: its state dict under the module's names ({@code 0.weight} [out, in],
 * {@code 0.bias}, ...) in the model's dtype (float64 stays float64), its architecture in the header's metadata,
 * and optionally an optimizer's state under {@code optimizer.<parameter>.<buffer>}. {@link #load} rebuilds the
 * module in one call; PyTorch reads the same file with {@code safetensors.torch.load_file} (the tensors are a
 * {@code state_dict} of the same architecture).
 *
 * <p>Metadata:
 * <ul>
 *   <li>{@value #SPEC_KEY}: the {@link ModelSpec} as JSON when the model came from {@link Models#build}, e.g.
 *       {@code {"type":"twolayer","input_size":784,"hidden":[128],"activation":"sigmoid","classes":10,
 *       "init":"numpy","seed":1024}};</li>
 *   <li>{@value #ARCHITECTURE_KEY}: the layers as JSON for any model built from the library's layers
 *       ({@link Architecture}), e.g. {@code [{"Linear":{"in":784,"out":128,"bias":true}},"Sigmoid",...]};</li>
 *   <li>anything else the caller adds (the training config, the epoch) is informational.</li>
 * </ul>
 * Files written before state dicts (parameters {@code W1}, {@code b1}, ... with weights [in, out]) still load:
 * {@link CourseNames} maps them.
 */
public final class ModelFile {

    /** Metadata key of the model's spec. */
    public static final String SPEC_KEY = "nabla.model";
    /** Metadata key of the layer description. */
    public static final String ARCHITECTURE_KEY = "nabla.architecture";
    /** Prefix of the optimizer's state tensors. */
    public static final String OPTIMIZER_PREFIX = "optimizer.";

    /**
     * A model read back.
     *
     * @param model          the module, with the file's values in the file's dtype
     * @param spec           its spec, or null when the file describes only its layers
     * @param metadata       the file's metadata
     * @param optimizerState the optimizer's state by {@code <parameter>.<buffer>} (empty when none was saved)
     */
    public record Loaded(Module model, ModelSpec spec, Map<String, String> metadata, Map<String, NDArray> optimizerState) {

        /** Features per sample: the spec's input size, or that of the first {@link Linear} or {@link ToImage} layer. */
        public int inputSize() {
            if (spec != null) return spec.inputSize();
            for (Module m : model.namedModules().values()) {
                if (m instanceof Linear l) return l.in();
                if (m instanceof ToImage t) return t.channels() * t.height() * t.width();
            }
            throw new InputException("the model has no Linear or ToImage layer that fixes its input size");
        }

        /** A short description: the spec's ({@code twolayer 784-128-10 sigmoid}) or the layers'. */
        public String summary() {
            return spec != null ? spec.summary() : model.toString().replaceAll("\\s*\n\\s*", " ");
        }
    }

    private ModelFile() {
    }

    /** Saves {@code model} (and {@code spec}, when not null, to rebuild it); see {@link #save(Path, Module, ModelSpec, Map, Map)}. */
    public static void save(Path file, Module model, ModelSpec spec) {
        save(file, model, spec, Map.of(), Map.of());
    }

    /**
     * Writes {@code model}'s state dict, its architecture, {@code optimizerState} (e.g. {@code Optimizer.state()};
     * may be empty) and {@code extraMetadata}, whole (a temporary file, then a rename).
     *
     * @param spec the spec the model was built from, or null: a model of the library's layers is described by them
     *             ({@link Architecture}); any other module is saved and can be loaded with
     *             {@link #loadInto}
     */
    public static void save(Path file, Module model, ModelSpec spec, Map<String, NDArray> optimizerState,
                            Map<String, String> extraMetadata) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "nabla");
        if (spec != null) meta.put(SPEC_KEY, Json.write(specToMap(spec)));
        Object layers = Architecture.describe(model);
        if (layers != null) meta.put(ARCHITECTURE_KEY, Json.write(layers));
        meta.putAll(extraMetadata);
        Map<String, StoredArray> tensors = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> tensors.put(k, toStored(v)));
        optimizerState.forEach((k, v) -> tensors.put(OPTIMIZER_PREFIX + k, toStored(v)));
        SafeTensors.write(file, tensors, meta);
    }

    /** Writes a state dict with the spec that rebuilds its model (run folders keep the best epoch's weights so). */
    public static void save(Path file, ModelSpec spec, Map<String, NDArray> stateDict, Map<String, String> extraMetadata) {
        Module model = Models.build(spec);
        if (!stateDict.isEmpty()) model.to(stateDict.values().iterator().next().dtype());
        model.loadStateDict(stateDict, true);
        save(file, model, spec, Map.of(), extraMetadata);
    }

    /**
     * Reads a model file and rebuilds its module from the spec or the layer description in its metadata.
     *
     * @throws InputException for a missing or corrupt file, missing metadata, or values that do not fit the model
     */
    public static Loaded load(Path file) {
        Contents c = read(file);
        String specJson = c.metadata.get(SPEC_KEY), layersJson = c.metadata.get(ARCHITECTURE_KEY);
        ModelSpec spec = null;
        Module model;
        try {
            if (specJson != null) {
                spec = specFromMap(Json.parseObject(specJson, file + " metadata " + SPEC_KEY), file);
                ModelSize.checkFile(file, spec, c.state);
                model = Models.build(spec);
            } else if (layersJson != null) {
                ModelSize.requireFinite(file, c.state);
                model = Architecture.build(Json.parse(layersJson, file + " metadata " + ARCHITECTURE_KEY), file + " " + ARCHITECTURE_KEY);
            } else {
                throw new InputException(file + " has neither '" + SPEC_KEY + "' nor '" + ARCHITECTURE_KEY
                        + "' metadata describing the model; load it into a module of its architecture with ModelFile.loadInto");
            }
        } catch (InputException e) {
            throw e.getMessage().startsWith(file.toString()) ? e
                    : new InputException(file + ": cannot build the model its metadata describes: " + e.getMessage());
        }
        fill(file, model, c, true, spec == null ? null : spec.summary());
        return new Loaded(model, spec, c.metadata, c.optimizer);
    }

    /**
     * Loads a model file's values into {@code model} (converted to its dtype), e.g. a module of the user's own
     * class; returns the file's optimizer state (empty when none).
     *
     * @throws InputException listing missing and unexpected names and shape mismatches (only mismatches when not
     *                        strict)
     */
    public static Map<String, NDArray> loadInto(Path file, Module model, boolean strict) {
        Contents c = read(file);
        ModelSize.requireFinite(file, c.state);
        fill(file, model, c, strict, null);
        return c.optimizer;
    }

    private record Contents(Map<String, NDArray> state, Map<String, NDArray> optimizer, Map<String, String> metadata) {
    }

    private static Contents read(Path file) {
        if (!Files.isRegularFile(file)) throw new InputException("model file not found: " + file);
        SafeTensors.ExactContents c = SafeTensors.readExact(file);
        Map<String, NDArray> state = new LinkedHashMap<>(), opt = new LinkedHashMap<>();
        c.tensors().forEach((k, a) -> {
            if (k.startsWith(OPTIMIZER_PREFIX)) opt.put(k.substring(OPTIMIZER_PREFIX.length()), toNDArray(a));
            else state.put(k, toNDArray(a));
        });
        return new Contents(state, opt, c.metadata());
    }

    /** Converts {@code model} to the file's dtype and loads the values; a file in the course's names is mapped. */
    private static void fill(Path file, Module model, Contents c, boolean strict, String described) {
        Map<String, NDArray> state = CourseNames.areCourseNames(c.state.keySet())
                ? CourseNames.fromCourse(model, c.state) : c.state;
        if (!state.isEmpty()) model.to(state.values().iterator().next().dtype());
        try {
            model.loadStateDict(state, strict);
        } catch (InputException e) {
            throw new InputException(file + ": the " + e.getMessage()
                    + (described == null ? "" : " (the metadata describes " + described + ")"));
        }
    }

    // ---------------------------------------------------------------- arrays

    /** A stored array as an {@link NDArray} of its dtype (float64 stays float64; F16 and BF16 become float32). */
    public static NDArray toNDArray(StoredArray a) {
        return switch (a) {
            case NamedArray f -> NDArray.of(f.data().clone(), f.shape());
            case Float64Array d -> NDArray.of(d.data().clone(), d.shape());
        };
    }

    /** An {@link NDArray} as a stored array of its dtype. */
    public static StoredArray toStored(NDArray a) {
        return a.dtype() == DType.F64 ? new Float64Array(a.shape(), a.toDoubleArray()) : new NamedArray(a.shape(), a.toFloatArray());
    }

    // ---------------------------------------------------------------- spec

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
        if ("cnn".equals(s.type())) {
            ModelSpec.Conv c = s.conv();
            Map<String, Object> conv = new LinkedHashMap<>();
            conv.put("channels", c.channels());
            conv.put("kernel", c.kernel());
            conv.put("fc", c.fc());
            conv.put("dropout", c.dropout());
            conv.put("batchnorm", c.batchNorm());
            m.put("conv", conv);
        }
        return m;
    }

    /** A cnn's blocks; files written before they were configurable hold only the channels, in {@code hidden}. */
    private static ModelSpec.Conv convFromMap(Object conv, int[] hidden) {
        if (conv == null) return hidden.length == 0 ? null : new ModelSpec.Conv(hidden, 3, 128, 0, false);
        Map<?, ?> c = (Map<?, ?>) conv;
        List<?> ch = (List<?>) c.get("channels");
        int[] channels = new int[ch.size()];
        for (int i = 0; i < channels.length; i++) channels[i] = ((Number) ch.get(i)).intValue();
        return new ModelSpec.Conv(channels, ((Number) c.get("kernel")).intValue(), ((Number) c.get("fc")).intValue(),
                ((Number) c.get("dropout")).doubleValue(), (Boolean) c.get("batchnorm"));
    }

    /**
     * The spec {@link #specToMap} wrote.
     *
     * @throws InputException naming {@code source} when a field is missing or of the wrong type
     */
    public static ModelSpec specFromMap(Map<String, Object> m, Object source) {
        try {
            List<?> h = (List<?>) m.get("hidden");
            int[] hidden = new int[h.size()];
            for (int i = 0; i < hidden.length; i++) hidden[i] = ((Number) h.get(i)).intValue();
            return new ModelSpec((String) m.get("type"), ((Number) m.get("input_size")).intValue(), hidden,
                    (String) m.get("activation"), ((Number) m.get("classes")).intValue(), (String) m.get("init"),
                    ((Number) m.get("seed")).longValue(), "cnn".equals(m.get("type")) ? convFromMap(m.get("conv"), hidden) : null);
        } catch (ClassCastException | NullPointerException e) {
            throw new InputException(source + ": the model description " + Json.write(m)
                    + " lacks a field or has one of the wrong type (expected type, input_size, hidden, activation,"
                    + " classes, init, seed, and conv for a cnn)");
        }
    }
}
