package dev.nabla.cli;

import dev.nabla.models.ModelFile;
import dev.nabla.datasets.ImageDataset;
import dev.nabla.onnx.Onnx;

import java.nio.file.Path;
import java.util.Locale;

/** The models eval and predict read: nabla model files, and ONNX files by their {@code .onnx} suffix. */
final class SavedModels {
    private SavedModels() {
    }

    /** The model in {@code file}: an ONNX graph of the supported ops when it ends in {@code .onnx}, else a nabla model file. */
    static ModelFile.Loaded load(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".onnx") ? Onnx.load(file).asLoaded() : ModelFile.load(file);
    }

    /**
     * The data set a model is used with: {@code given} (the --dataset option, checked) when there is one, else
     * the one its file names, else MNIST.
     */
    static ImageDataset dataset(ModelFile.Loaded m, String given) {
        if (given != null) return ImageDataset.byName(given, "--dataset");
        ImageDataset recorded = ImageDataset.fromMetadata(m.metadata());
        return recorded != null ? recorded : ImageDataset.MNIST;
    }
}
