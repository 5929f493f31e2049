package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.cli.config.ConfigLoader;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading, overriding and checking training configs (dev.nabla.cli.config). */
class RunConfigTest {

    @TempDir
    Path dir;

    static final String COURSE_TWOLAYER = """
            Train:
              batch_size: 32
              learning_rate: 0.05
              reg: 0.0005
              epochs: 7
              momentum: 0.9
              debug: False

            Model:
              type: TwoLayerNet
              hidden_size: 100
            """;

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void nothingSetResolvesToTheCourseDefaults() {
        TrainConfig c = RunConfig.defaults().resolve();
        assertEquals("twolayer", c.model().type());
        assertArrayEquals(new int[]{128}, c.model().hidden());
        assertEquals("sigmoid", c.model().activation());
        assertEquals(64, c.batchSize());
        assertEquals(0.1, c.lr());
        assertEquals(0.001, c.reg());
        assertEquals(10, c.epochs());
        assertEquals(1024, c.seed());
        assertEquals("numpy", c.model().init());
        assertEquals(0.0, c.momentum());
    }

    @Test
    void courseFormatIsReadAsIsAndItsMomentumIsIgnoredWithANote() throws IOException {
        RunConfig rc = ConfigLoader.load(write("course.yaml", COURSE_TWOLAYER));
        TrainConfig c = rc.resolve();
        assertEquals("twolayer", c.model().type());
        assertArrayEquals(new int[]{100}, c.model().hidden());
        assertEquals(32, c.batchSize());
        assertEquals(0.05, c.lr());
        assertEquals(0.0005, c.reg());
        assertEquals(7, c.epochs());
        assertEquals(0.0, c.momentum(), "the course's optimizer ignores its momentum, and so does the config");
        assertEquals(1, rc.notes().size());
        assertTrue(rc.notes().get(0).contains("ignores momentum"), rc.notes().get(0));
        // the resolved config says what ran: momentum 0
        assertTrue(RunConfig.toYaml(c).contains("\nmomentum: 0.0\n"), RunConfig.toYaml(c));
    }

    @Test
    void courseSoftmaxTypeNamesAreAccepted() throws IOException {
        for (String type : List.of("SoftmaxRegression", "softmax")) {
            TrainConfig c = ConfigLoader.load(write("s.yaml", "Train:\n  epochs: 2\nModel:\n  type: " + type + "\n")).resolve();
            assertEquals("softmax", c.model().type());
            assertEquals(0, c.model().hidden().length);
        }
        TrainConfig t = ConfigLoader.load(write("t.yaml", "Model:\n  type: twolayer\n")).resolve();
        assertEquals("twolayer", t.model().type());
    }

    @Test
    void courseFormatWithoutMomentumGivesNoNote() throws IOException {
        RunConfig rc = ConfigLoader.load(write("c.yaml", "Train:\n  momentum: 0.0\n  learning_rate: 0.1\n"));
        assertTrue(rc.notes().isEmpty());
    }

    @Test
    void nablaFormatHonoursMomentum() throws IOException {
        TrainConfig c = ConfigLoader.load(write("n.yaml", """
                model: mlp
                hidden: [256, 128]
                activation: tanh
                lr: 0.02
                momentum: 0.9
                nesterov: true
                optimizer: sgd
                seed: 7
                init: xavier
                threads: 1
                """)).resolve();
        assertEquals("mlp", c.model().type());
        assertArrayEquals(new int[]{256, 128}, c.model().hidden());
        assertEquals("tanh", c.model().activation());
        assertEquals(0.9, c.momentum());
        assertTrue(c.nesterov());
        assertEquals(7, c.seed());
        assertEquals(7, c.model().seed());
        assertEquals("xavier", c.model().init());
        assertEquals(1, c.threads());
    }

    @Test
    void optionsOverrideTheFileAndMomentumOnTheCommandLineIsHonoured() throws IOException {
        RunConfig rc = ConfigLoader.load(write("course.yaml", COURSE_TWOLAYER))
                .with("lr", "0.2", "--lr").with("momentum", "0.5", "--momentum");
        TrainConfig c = rc.resolve();
        assertEquals(0.2, c.lr());
        assertEquals(32, c.batchSize()); // from the file
        assertEquals(0.5, c.momentum());
        assertTrue(rc.notes().isEmpty());
    }

    @Test
    void keyValueOverridesUseTheSameChecks() {
        TrainConfig c = RunConfig.defaults().withOverrides(List.of("lr=0.05", "hidden=64", "epochs=3")).resolve();
        assertEquals(0.05, c.lr());
        assertArrayEquals(new int[]{64}, c.model().hidden());
        assertEquals(3, c.epochs());
        InputException e = assertThrows(InputException.class,
                () -> RunConfig.defaults().withOverrides(List.of("lr=-1")));
        assertEquals("override lr = -1 is not allowed: expected a number > 0", e.getMessage());
        assertThrows(InputException.class, () -> RunConfig.defaults().withOverrides(List.of("lr")));
        assertTrue(assertThrows(InputException.class, () -> RunConfig.defaults().withOverrides(List.of("speed=3")))
                .getMessage().contains("unknown key 'speed'"));
    }

    @Test
    void writtenConfigReadsBackToTheSameConfig() throws IOException {
        TrainConfig c = RunConfig.defaults().withOverrides(List.of("model=mlp", "hidden=32,16", "lr=0.0003",
                "reg=1e-5", "momentum=0.95", "nesterov=true", "optimizer=sgd", "seed=-3", "init=kaiming")).resolve();
        TrainConfig back = ConfigLoader.load(write("back.yaml", RunConfig.toYaml(c))).resolve();
        assertEquals(c, back);
    }

    @Test
    void numbersWrittenInExponentFormAreAccepted() throws IOException {
        // YAML 1.1 reads 1e-4 (no dot) as a string; nabla takes it as the number it means
        TrainConfig c = ConfigLoader.load(write("e.yaml", "lr: 1e-4\nreg: 5e-4\n")).resolve();
        assertEquals(1e-4, c.lr());
        assertEquals(5e-4, c.reg());
    }

    @Test
    void crossKeyChecksNameTheProblem() {
        InputException two = assertThrows(InputException.class,
                () -> RunConfig.defaults().with("hidden", "64,32", "--hidden").resolve());
        assertTrue(two.getMessage().startsWith("--hidden 64,32 is not allowed for model twolayer"), two.getMessage());
        InputException nest = assertThrows(InputException.class,
                () -> RunConfig.defaults().with("nesterov", "true", "--nesterov").resolve());
        assertTrue(nest.getMessage().contains("needs momentum > 0"), nest.getMessage());
    }

    @Test
    void theExampleConfigsLoad() {
        Path examples = null;
        for (Path p = Path.of("").toAbsolutePath(); p != null && examples == null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("examples/course-twolayer.yaml"))) examples = p.resolve("examples");
        }
        assertTrue(examples != null, "no examples/ folder above " + Path.of("").toAbsolutePath());
        TrainConfig two = ConfigLoader.load(examples.resolve("course-twolayer.yaml")).resolve();
        assertEquals(TrainConfig.courseDefaults(), two, "the course's file gives the defaults: its momentum is ignored");
        TrainConfig soft = ConfigLoader.load(examples.resolve("course-softmax.yaml")).resolve();
        assertEquals("softmax", soft.model().type());
        TrainConfig mom = ConfigLoader.load(examples.resolve("twolayer-momentum.yaml")).resolve();
        assertEquals(0.9, mom.momentum());
        assertEquals(TrainConfig.courseDefaults().model(), mom.model());
    }

    @Test
    void scheduleIsParsedCheckedAndWrittenBack() {
        TrainConfig c = RunConfig.defaults().with("schedule", "step:3:0.5", "--schedule").resolve();
        assertEquals(0.1 * 0.5, c.schedule().lr(0.1, 4, 10), 1e-12);
        assertTrue(RunConfig.toYaml(c).contains("schedule: step:3:0.5"), RunConfig.toYaml(c));
        assertEquals("cosine", RunConfig.defaults().with("schedule", "cosine", "x").resolve().schedule().toString());
        InputException e = assertThrows(InputException.class, () -> RunConfig.defaults().with("schedule", "linear", "--schedule"));
        assertEquals("--schedule linear is not allowed: expected constant, step:EVERY:GAMMA (e.g. step:10:0.5) or cosine[:MIN]", e.getMessage());
    }
}
