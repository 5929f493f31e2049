package dev.nabla.cli;

import dev.nabla.cli.config.RunConfig;
import dev.nabla.models.ModelFile;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import dev.nabla.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nabla describe}: a model's layers with their output shapes and parameter counts, without data. */
@Command(name = "describe", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Show a model's layers, output shapes and parameter counts.",
        description = {
                "Builds the model the train options describe (or reads a saved model file) and",
                "prints each layer with the shape it takes and gives for a batch of --batch",
                "MNIST images, its parameter count and the total. Shapes are inferred without",
                "data: a layer that cannot take the shape reaching it is named by its path.",
                ""},
        footer = {"", "Examples:",
                "  nabla describe --model cnn --channels 32,64 --kernel 3 --fc 128 --batchnorm",
                "  nabla describe --model lenet5",
                "  nabla describe runs/20261123-101500-cnn/model.safetensors",
                "Exit codes: 0 done, 2 bad input."})
public final class DescribeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TrainOptions options;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "a model file written by nabla train (default: the model of the options)")
    Path modelFile;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        TrainConfig cfg = options.runConfig().resolve();
        Module model;
        String what;
        int inputSize;
        if (modelFile != null) {
            ModelFile.Loaded m = SavedModels.load(modelFile);
            model = m.model();
            what = modelFile + ": " + m.summary();
            inputSize = m.inputSize();
        } else {
            model = Models.build(cfg.model());
            what = RunConfig.describeModel(cfg.model());
            inputSize = cfg.model().inputSize();
        }
        out.println(what);
        out.print(model.describe(cfg.batchSize(), inputSize));
        out.flush();
        return Main.EXIT_OK;
    }
}
