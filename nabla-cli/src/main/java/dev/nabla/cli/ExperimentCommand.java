package dev.nabla.cli;

import dev.nabla.cli.experiment.RandomLabelsCommand;
import dev.nabla.cli.experiment.SgdNoiseCommand;
import dev.nabla.cli.experiment.ShiftCommand;
import dev.nabla.cli.experiment.SparsityCommand;
import dev.nabla.cli.experiment.wann.WannCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code nabla experiment}: studies that go beyond one training run. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Experiments from the literature, reproduced on MNIST.",
        subcommands = {RandomLabelsCommand.class, SparsityCommand.class, SgdNoiseCommand.class, ShiftCommand.class,
                WannCommand.class})
public final class ExperimentCommand implements Runnable {
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
