package dev.nabla.onnx;

import dev.nabla.io.Json;
import dev.nabla.models.ModelFile;
import dev.nabla.models.ModelSpec;
import dev.nabla.nn.Sequential;

import java.util.Map;

/**
 * A model read from an ONNX file: a nabla module with the file's weights, ready to evaluate, fine-tune or save
 * with {@link ModelFile#save}.
 *
 * @param model      the layers in graph order, parameters named {@code 0.weight}, {@code 0.bias}, ... (PyTorch's
 *                   {@code nn.Sequential} names); float32 or float64 as the file's weights
 * @param inputSize  features per sample: the model maps [N, inputSize] to [N, outputSize]
 * @param outputSize outputs per sample (classes)
 * @param inputName  the graph's input name
 * @param outputName the graph's output name
 * @param opset      the file's opset of the default ONNX domain
 * @param producer   the program that wrote the file, with its version
 * @param metadata   the file's metadata properties ({@code description} for files nabla wrote)
 */
public record OnnxModel(Sequential model, int inputSize, int outputSize, String inputName, String outputName,
                        long opset, String producer, Map<String, String> metadata) {

    public OnnxModel {
        metadata = Map.copyOf(metadata);
    }

    /** The file's description (metadata {@code description}), or the layers when it has none. */
    public String description() {
        String d = metadata.get(Onnx.DESCRIPTION_KEY);
        return d != null && !d.isBlank() ? d : model.toString().replaceAll("\\s*\n\\s*", " ");
    }

    /**
     * As a loaded model file, for code that evaluates either kind; a file nabla exported keeps the spec of the
     * model it came from (metadata {@code nabla.model}), which is used when it matches the graph's input size.
     */
    public ModelFile.Loaded asLoaded() {
        ModelSpec spec = null;
        String json = metadata.get(ModelFile.SPEC_KEY);
        if (json != null) {
            try {
                spec = ModelFile.specFromMap(Json.parseObject(json, "metadata " + ModelFile.SPEC_KEY), "metadata");
            } catch (RuntimeException e) {
                spec = null; // a description only: the graph itself defines the model
            }
            if (spec != null && spec.inputSize() != inputSize) spec = null;
        }
        return new ModelFile.Loaded(model, spec, metadata, Map.of());
    }
}
