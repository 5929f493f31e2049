package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.nabla.cli.TestData.nabla;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every mistake in a training config or option ends {@code nabla train} with one line on stderr that names the
 * file or option, the value and what is allowed, exit code 2, and nothing run or written.
 */
class TrainInputErrorsTest {

    @TempDir
    Path dir;

    private TestData.Run train(String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "train";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--out";
        all[args.length + 2] = dir.resolve("run").toString();
        all[args.length + 3] = "--data";
        all[args.length + 4] = dir.resolve("no-data-needed").toString();
        return nabla(all);
    }

    private void assertRejected(TestData.Run r, String expectedMessage) {
        assertEquals(2, r.exit(), r.err());
        assertEquals("nabla train: " + expectedMessage + "\n", r.err());
        assertEquals("", r.out());
        assertFalse(Files.exists(dir.resolve("run")), "nothing may be written before the input is checked");
    }

    private Path config(String text) throws IOException {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, text);
        return f;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--lr|0|--lr 0 is not allowed: expected a number > 0",
            "--lr|-0.1|--lr -0.1 is not allowed: expected a number > 0",
            "--lr|fast|--lr fast is not allowed: expected a number > 0",
            "--batch|0|--batch 0 is not allowed: expected an integer >= 1",
            "--epochs|0|--epochs 0 is not allowed: expected an integer >= 1",
            "--epochs|2.5|--epochs 2.5 is not allowed: expected an integer >= 1",
            "--reg|-1|--reg -1 is not allowed: expected a number >= 0",
            "--momentum|1|--momentum 1 is not allowed: expected a number in [0, 1)",
            "--model|resnet|--model resnet is not allowed: expected one of softmax, twolayer, mlp, lenet5, cnn",
            "--activation|gelu|--activation gelu is not allowed: expected one of relu, sigmoid, tanh",
            "--hidden|0|--hidden 0 is not allowed: expected one or more layer sizes >= 1, e.g. 128 or 256,128",
            "--init|zeros|--init zeros is not allowed: expected one of numpy, normal, xavier, kaiming",
    })
    void badOptionValuesAreNamedWithWhatIsAllowed(String option, String value, String message) {
        assertRejected(train(option, value), message);
    }

    @Test
    void badValuesInTheCourseFormatNameFileAndKey() throws IOException {
        Path f = config("Train:\n  learning_rate: -0.5\n");
        assertRejected(train("--config", f.toString()),
                f + ": Train.learning_rate = -0.5 is not allowed: expected a number > 0");
        f = config("Train:\n  batch_size: 0\n");
        assertRejected(train("--config", f.toString()),
                f + ": Train.batch_size = 0 is not allowed: expected an integer >= 1");
        f = config("Train:\n  epochs: ten\n");
        assertRejected(train("--config", f.toString()),
                f + ": Train.epochs = ten is not allowed: expected an integer >= 1");
        f = config("Model:\n  type: ResNet\n");
        assertRejected(train("--config", f.toString()), f + ": Model.type = ResNet is not allowed: expected"
                + " TwoLayerNet or SoftmaxRegression (also twolayer, softmax, mlp)");
    }

    @Test
    void threadCountsAboveEightPerCoreAreRefusedInOptionsFilesAndSweeps() throws IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        String allowed = "expected an integer from 1 to 8 per core, or 0 for all cores";
        assertRejected(train("--threads", "100000"), "--threads 100000 is not allowed: " + allowed);
        assertRejected(train("--threads", Integer.toString(8 * cores + 1)),
                "--threads " + (8 * cores + 1) + " is not allowed: " + allowed);
        Path f = config("lr: 0.1\nthreads: 100000\n");
        assertRejected(train("--config", f.toString()), f + ": threads = 100000 is not allowed: " + allowed);

        TestData.Run sweep = nabla("sweep", "--config", f.toString(), "--param", "lr=0.1,0.2", "--out",
                dir.resolve("sweep").toString(), "--data", dir.toString());
        assertEquals(2, sweep.exit(), sweep.err());
        assertEquals("nabla sweep: " + f + ": threads = 100000 is not allowed: " + allowed + "\n", sweep.err());

        // a sweep's plan file, edited, is checked when the sweep resumes
        Path plan = dir.resolve("planned").resolve("sweep.json");
        Files.createDirectories(plan.getParent());
        Files.writeString(plan, "{\"command\": \"nabla sweep\", \"base\": {}, \"trials\": [{\"lr\": \"0.1\"}],"
                + " \"threads_per_trial\": 100000, \"data\": null}");
        TestData.Run resumed = nabla("sweep", "--resume", plan.getParent().toString());
        assertEquals(2, resumed.exit(), resumed.err());
        assertEquals("nabla sweep: " + plan + ": threads_per_trial = 100000 is not allowed: expected an integer"
                + " from 1 to " + 8 * cores + " (8 per core, " + cores + " core" + (cores == 1 ? "" : "s") + ")\n",
                resumed.err());
    }

    @Test
    void aMissingDataFolderIsRefusedBeforeTheRunFolderIsMade() {
        assertRejected(train("--epochs", "1"), "--data " + dir.resolve("no-data-needed")
                + ": no such folder (expected the MNIST idx or CSV files)");
    }

    @Test
    void unknownKeysAreNamedWithTheAllowedOnes() throws IOException {
        Path f = config("Train:\n  learnig_rate: 0.1\n");
        assertRejected(train("--config", f.toString()), f + ": unknown key 'Train.learnig_rate' (allowed:"
                + " batch_size, learning_rate, reg, epochs, momentum, debug)");
        f = config("lr: 0.1\nwarmup: 3\n");
        assertRejected(train("--config", f.toString()), f + ": unknown key 'warmup' (nabla's format allows: "
                + String.join(", ", dev.nabla.train.TrainSettings.keys()) + "; the course's format has Train: and Model: sections)");
        f = config("Train:\n  epochs: 2\nData:\n  path: x\n");
        assertRejected(train("--config", f.toString()), f + ": unknown key 'Data' in the course's format (allowed: Train, Model)");
    }

    @Test
    void wrongTypesAreNamed() throws IOException {
        Path f = config("lr: [0.1, 0.2]\n");
        assertRejected(train("--config", f.toString()), f + ": lr = [0.1, 0.2] is not allowed: expected a number > 0");
        f = config("nesterov: maybe\n");
        assertRejected(train("--config", f.toString()), f + ": nesterov = maybe is not allowed: expected true or false");
        f = config("Train: 3\n");
        assertRejected(train("--config", f.toString()), f + ": Train must be a section of keys, found '3'");
    }

    @Test
    void aMissingConfigFileIsNamed() {
        Path f = dir.resolve("nope.yaml");
        assertRejected(train("--config", f.toString()), "config file not found: " + f);
    }

    @Test
    void invalidYamlSaysWhere() throws IOException {
        Path f = config("lr: [0.1\n");
        TestData.Run r = train("--config", f.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("nabla train: " + f + ": not valid YAML at line 2, column 1:"), r.err());
        assertEquals(1, r.err().lines().count());
    }

    @Test
    void optionsOverrideAnInvalidFileValueOnlyAfterItIsChecked() throws IOException {
        // the file is checked as it is read, even when an option would replace the value
        Path f = config("lr: 0\n");
        assertRejected(train("--config", f.toString(), "--lr", "0.1"), f + ": lr = 0 is not allowed: expected a number > 0");
    }

    @Test
    void anUnknownOptionExitsTwoWithAHint() {
        TestData.Run r = nabla("train", "--learning-rate", "0.1");
        assertEquals(2, r.exit());
        assertEquals("nabla train: Unknown options: '--learning-rate', '0.1'\nsee nabla train --help\n", r.err());
    }

    @Test
    void resumingAFolderWithoutARunIsRejected() {
        TestData.Run r = nabla("train", "--resume", dir.toString(), "--lr", "0.5");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("nabla train: " + dir + " has no config.yaml"), r.err());
    }
}
