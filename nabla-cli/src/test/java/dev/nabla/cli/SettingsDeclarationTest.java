package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.cli.config.ConfigLoader;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.models.ModelSpec;
import dev.nabla.train.Setting;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Each training setting is declared once, in {@link TrainSettings}; the options, YAML keys, echoed config and
 * docs table are derived from the declarations, with no list of their own to keep in step.
 */
class SettingsDeclarationTest {

    @Test
    void everyDeclaredSettingIsAnOptionOfTrainAndSweepWithItsLabelAndHelp() {
        for (Object command : List.of(new TrainCommand(), new SweepCommand())) {
            CommandSpec spec = new CommandLine(command).getCommandSpec();
            for (Setting<?> s : TrainSettings.ALL) {
                OptionSpec o = spec.findOption(s.option());
                assertNotNull(o, spec.name() + " has " + s.option());
                assertEquals(s.label(), o.paramLabel());
                assertEquals(s.help() + " (default " + s.defaultText() + ")", o.description()[0]);
            }
        }
    }

    @Test
    void optionValuesReachTheConfigCheckedByTheirDeclaration() {
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs("--lr", "0.25", "--nesterov", "--momentum", "0.5", "--hidden", "64");
        TrainConfig c = train.options.runConfig().resolve();
        assertEquals(0.25, c.lr());
        assertTrue(c.nesterov());
        assertArrayEquals(new int[] {64}, c.model().hidden());
        TrainCommand cnn = new TrainCommand();
        new CommandLine(cnn).parseArgs("--model", "cnn", "--channels", "32,64", "--kernel", "3", "--fc", "128", "--dropout", "0.25", "--batchnorm");
        assertEquals(new ModelSpec.Conv(new int[] {32, 64}, 3, 128, 0.25, true), cnn.options.runConfig().resolve().model().conv());
        TrainCommand even = new TrainCommand();
        new CommandLine(even).parseArgs("--model", "cnn", "--kernel", "4");
        assertEquals("--kernel 4 is not allowed: expected an odd integer >= 1",
                assertThrows(InputException.class, () -> even.options.runConfig()).getMessage());
        TrainCommand mlpChannels = new TrainCommand();
        new CommandLine(mlpChannels).parseArgs("--model", "mlp", "--channels", "8");
        assertEquals("--channels 8 applies to model cnn only, not mlp",
                assertThrows(InputException.class, () -> mlpChannels.options.runConfig().resolve()).getMessage());
        TrainCommand bad = new TrainCommand();
        new CommandLine(bad).parseArgs("--momentum", "1.5");
        InputException e = assertThrows(InputException.class, () -> bad.options.runConfig());
        assertEquals("--momentum 1.5 is not allowed: expected " + TrainSettings.MOMENTUM.allowed(), e.getMessage());
    }

    @Test
    void everyDeclaredSettingIsAYamlKeyEchoedInConfigYamlThatReadsBackTheSame() {
        TrainConfig mlp = TrainConfig.defaults().withModel(new ModelSpec("mlp", 784, new int[] {32, 16}, "tanh", 10, "xavier", 5))
                .withSeed(5).withMomentum(0.5, true).withSchedule(dev.nabla.optim.Schedule.parse("step:2:0.5"))
                .withAugment(dev.nabla.data.Augment.parse("shift:2,flip")); // echoed only when on
        String yaml = RunConfig.toYaml(mlp);
        // an mlp has every key but the cnn's; a cnn every key but hidden (activation is relu, echoed)
        List<String> cnnKeys = List.of("channels", "kernel", "fc", "dropout", "batchnorm");
        assertEquals(TrainSettings.keys().stream().filter(k -> !cnnKeys.contains(k)).toList(), echoedKeys(mlp));
        assertEquals(TrainSettings.keys(), RunConfig.KEYS);
        assertEquals(mlp, ConfigLoader.parse(RunConfig.defaults(), yaml, "config.yaml").resolve());
        TrainConfig cnn = TrainConfig.defaults().withModel(new ModelSpec("cnn", 784, null, "relu", 10, "kaiming", 5)
                .withConv(new ModelSpec.Conv(new int[] {8, 16}, 5, 64, 0.25, true))).withSeed(5);
        // augment is off here, so it is left out
        assertEquals(TrainSettings.keys().stream().filter(k -> !k.equals("hidden") && !k.equals("augment")).toList(), echoedKeys(cnn));
        assertEquals(cnn, ConfigLoader.parse(RunConfig.defaults(), RunConfig.toYaml(cnn), "config.yaml").resolve());
    }

    private static List<String> echoedKeys(TrainConfig cfg) {
        List<String> keys = new ArrayList<>();
        for (String line : RunConfig.toYaml(cfg).lines().toList()) if (!line.startsWith("#")) keys.add(line.substring(0, line.indexOf(':')));
        return keys;
    }

    @Test
    void theDocsTableIsTheDeclarations() throws IOException {
        Path docs = null;
        for (Path p = Path.of("").toAbsolutePath(); p != null && docs == null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("docs/cli-train.md"))) docs = p.resolve("docs/cli-train.md");
        }
        assertNotNull(docs, "docs/cli-train.md above " + Path.of("").toAbsolutePath());
        String text = Files.readString(docs, StandardCharsets.UTF_8);
        String start = "<!-- settings: generated from dev.nabla.train.TrainSettings; SettingsDeclarationTest checks it -->\n";
        int a = text.indexOf(start), b = text.indexOf("<!-- end of settings -->");
        assertTrue(a >= 0 && b > a, "the settings table's markers in " + docs);
        assertEquals(TrainSettings.markdownTable(), text.substring(a + start.length(), b),
                "docs/cli-train.md's table differs from the declarations; paste TrainSettings.markdownTable()");
    }

    /** A setting that does not exist yet: its declaration alone gives its option, check, table row and echo. */
    @Test
    void aNewSettingNeedsOnlyItsDeclaration() {
        Setting<Double> smoothing = new Setting<>("label_smoothing", "X", "label smoothing of the targets", 0.0, "0",
                "a number in [0, 1)", raw -> {
                    double x = raw instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(raw).trim());
                    return x >= 0 && x < 1 ? x : null;
                }, c -> 0.1);
        OptionSpec o = TrainOptions.option(smoothing);
        CommandSpec spec = CommandSpec.create().addOption(o);
        new CommandLine(spec).parseArgs("--label_smoothing", "0.1");
        assertEquals("0.1", o.getValue());
        assertEquals("label smoothing of the targets (default 0)", o.description()[0]);
        assertEquals(0.1, smoothing.parse(o.getValue(), "--label_smoothing"));
        InputException e = assertThrows(InputException.class, () -> smoothing.parse("2", "run.yaml: label_smoothing"));
        assertEquals("run.yaml: label_smoothing = 2 is not allowed: expected a number in [0, 1)", e.getMessage());
        assertTrue(TrainSettings.markdownTable(List.of(smoothing)).contains(
                "| `label_smoothing` | `--label_smoothing X` | a number in [0, 1) | 0 | label smoothing of the targets |"));
        assertEquals(Map.of("label_smoothing", 0.1), RunConfig.toMap(TrainConfig.defaults(), List.of(smoothing)));
    }
}
