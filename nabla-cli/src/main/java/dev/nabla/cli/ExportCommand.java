package dev.nabla.cli;

import dev.nabla.models.ModelFile;
import dev.nabla.onnx.Onnx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nabla export}: a saved model as an ONNX file that ONNX Runtime and other tools run. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Write a saved model as an ONNX file.",
        description = {
                "Write a saved model as an ONNX file (opset 13): input 'input' [batch, features],",
                "output 'output' [batch, classes], the batch dimension dynamic, the model's",
                "description in the metadata. ONNX Runtime, PyTorch tools and browsers run it;",
                "nabla eval and nabla predict read it back.",
                ""},
        footer = {"", "Example:", "  nabla export runs/20261123-101500-twolayer/model.safetensors --onnx model.onnx",
                "Exit codes: 0 done, 2 bad input."})
public final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.safetensors", description = "a model written by nabla train")
    Path modelFile;

    @Option(names = "--onnx", required = true, paramLabel = "OUT.onnx", description = "the ONNX file to write")
    Path onnx;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ModelFile.Loaded m = ModelFile.load(modelFile);
        int opset = Onnx.export(m, onnx);
        int outputs = m.model().outputShape(1, m.inputSize())[1];
        out.printf("wrote %s (%s, opset %d, input '%s' [batch, %d], output '%s' [batch, %d])%n", onnx, m.summary(),
                opset, Onnx.INPUT_NAME, m.inputSize(), Onnx.OUTPUT_NAME, outputs);
        out.flush();
        return Main.EXIT_OK;
    }
}
