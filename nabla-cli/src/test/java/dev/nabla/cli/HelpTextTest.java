package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command's --help: whole-sentence summaries, examples never wrapped, values never split, true defaults. */
class HelpTextTest {

    private static List<CommandLine> allCommands() {
        List<CommandLine> out = new ArrayList<>();
        List<CommandLine> todo = new ArrayList<>(List.of(Main.commandLine()));
        while (!todo.isEmpty()) {
            CommandLine c = todo.remove(0);
            if (c.getCommand() instanceof CommandLine.HelpCommand) continue; // picocli's own
            out.add(c);
            todo.addAll(c.getSubcommands().values());
        }
        return out;
    }

    private static String help(CommandLine c) {
        return c.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    @Test
    void everyCommandListShowsEachCommandWithAWholeSentence() {
        int lists = 0;
        for (CommandLine c : allCommands()) {
            if (c.getSubcommands().isEmpty()) continue;
            lists++;
            String text = help(c);
            List<String> lines = text.substring(text.indexOf("Commands:\n") + 10).lines().toList();
            List<String> entries = new ArrayList<>();
            for (String l : lines) {
                if (l.isBlank()) break;
                if (l.startsWith("  ") && !l.startsWith("   ")) entries.add(l.strip());
                else entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + l.strip());
            }
            assertEquals(c.getSubcommands().keySet().stream().distinct().count(), entries.size(), text);
            for (String e : entries) {
                assertTrue(e.endsWith("."), c.getCommandSpec().qualifiedName() + ": the summary is cut: " + e);
            }
        }
        assertEquals(4, lists, "nabla, experiment, bench, data");
    }

    @Test
    void examplesAreNeverWrapped() {
        for (CommandLine c : allCommands()) {
            List<String> lines = help(c).lines().toList();
            for (String f : c.getCommandSpec().usageMessage().footer()) {
                assertTrue(lines.contains(f.stripTrailing()), c.getCommandSpec().qualifiedName()
                        + ": the line '" + f + "' is wrapped in:\n" + help(c));
            }
            String[] description = c.getCommandSpec().usageMessage().description();
            if (description.length > 1) {
                // lines laid out by hand must fit as they are; a paragraph (one long element) is wrapped by picocli
                for (String d : description) {
                    if (d.length() > 100) continue;
                    assertTrue(lines.contains(d.stripTrailing()), c.getCommandSpec().qualifiedName()
                            + ": the line '" + d + "' is wrapped in:\n" + help(c));
                }
            }
        }
    }

    @Test
    void noValueOrPathIsSplitAcrossLines() {
        for (CommandLine c : allCommands()) {
            CommandSpec spec = c.getCommandSpec();
            String text = help(c);
            List<String> words = new ArrayList<>();
            List<String> texts = new ArrayList<>(Arrays.asList(spec.usageMessage().description()));
            texts.addAll(Arrays.asList(spec.usageMessage().header()));
            texts.addAll(Arrays.asList(spec.usageMessage().footer()));
            for (OptionSpec o : spec.options()) texts.addAll(Arrays.asList(o.description()));
            for (String t : texts) words.addAll(Arrays.asList(t.split("\\s+")));
            for (String w : words) {
                if (w.isEmpty() || w.contains("${")) continue;
                assertTrue(text.contains(w), spec.qualifiedName() + ": '" + w + "' is split in:\n" + text);
            }
        }
    }

    @Test
    void randomLabelsStatesItsOwnDefaults() {
        String text = help(Main.commandLine().getSubcommands().get("experiment").getSubcommands().get("random-labels"));
        String flat = text.replaceAll("\\s+", " ");
        for (String d : List.of("model (default mlp)", "hidden layer sizes (default 512,512)", "(default 0.001)",
                "batch size (default 128)", "epochs (default 60)", "optimizer (default adam)", "(default cosine)",
                "weight initialisation (default kaiming)", "mlp 512-512 relu", "adam lr 0.001", "60 epochs")) {
            assertTrue(flat.contains(d), d + " missing in:\n" + text);
        }
        for (String wrong : List.of("default twolayer", "(default 10)", "(default 0.1)", "(default sgd)", "(default 64)")) {
            assertFalse(flat.contains(wrong), wrong + " in:\n" + text);
        }
        // nabla train's own help keeps the course's defaults
        String train = help(Main.commandLine().getSubcommands().get("train")).replaceAll("\\s+", " ");
        assertTrue(train.contains("model (default twolayer)") && train.contains("epochs (default 10)"), train);
    }
}
