package dev.nabla.cli;

import dev.nabla.cli.board.BoardServer;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.cli.run.RunRecorder;
import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.io.Json;
import dev.nabla.train.EpochMetrics;
import dev.nabla.train.TrainListener;
import dev.nabla.train.TrainState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nabla board} in a real browser: the server on a free port of 127.0.0.1 over a runs folder made here,
 * headless Chromium driving the page. Server and browser are stopped even when a check fails.
 */
@Tag("browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BoardBrowserTest {

    @TempDir
    static Path tmp;

    private Path runs;
    private BoardServer server;
    private ChromeDriver browser;
    private String base;

    @BeforeAll
    void start() throws IOException {
        runs = Files.createDirectories(tmp.resolve("runs"));
        TestData.Run r = TestData.nabla("train", "--data", TestData.synthetic().toString(), "--out",
                runs.resolve("first").toString(), "--epochs", "2", "--model", "softmax", "--lr", "0.5",
                "--log-steps", "true");
        assertEquals(0, r.exit(), r.err());
        server = BoardServer.start(runs, null, "127.0.0.1", 0);
        base = "http://127.0.0.1:" + server.port() + "/";
        browser = Chromium.start(Files.createDirectories(tmp.resolve("profile")), 1280, 900);
    }

    @AfterAll
    void stop() {
        try {
            if (browser != null) browser.quit();
        } finally {
            if (server != null) server.close();
        }
    }

    /** A wait that also retries when the page redrew the element between finding and reading it. */
    private WebDriverWait waiting(int seconds) {
        WebDriverWait w = new WebDriverWait(browser, Duration.ofSeconds(seconds));
        w.ignoring(StaleElementReferenceException.class);
        return w;
    }

    @Test
    void theRunsListShowsARunMadeInTheTest() {
        browser.get(base);
        // text and status read in one wait: a poll may redraw the table between two reads
        String[] row = waiting(20).until(d -> {
            WebElement r = d.findElement(By.cssSelector("tr[data-run-id='first']"));
            return new String[]{r.getText(), r.findElement(By.cssSelector("[data-status]")).getAttribute("data-status")};
        });
        assertTrue(row[0].contains("softmax"), row[0]);
        assertEquals("finished", row[1]);
        assertTrue(row[0].matches("(?s).*\\b0\\.\\d{4}\\b.*"), "best accuracy shown: " + row[0]);
    }

    @Test
    void aRunTrainedWithLogStepsShowsItsStepLossChart() {
        browser.get(base + "#/run/first");
        String title = waiting(20).until(d -> d.findElement(By.cssSelector("#step-chart .u-title")).getText());
        assertEquals("loss per step", title);
        assertTrue(browser.findElements(By.cssSelector("#step-chart canvas")).size() == 1, "the chart is drawn");
    }

    @Test
    void aRunThatTrainsGainsEpochsOnThePageWithoutAReload() throws Exception {
        Semaphore afterFirstEpoch = new Semaphore(0);
        Semaphore goOn = new Semaphore(0);
        TrainListener gate = new TrainListener() {
            @Override
            public void onEpoch(EpochMetrics m, boolean newBest, TrainState state) {
                if (m.epoch() == 1) { // the run folder has epoch 1 written: hold the run until the page shows it
                    afterFirstEpoch.release();
                    try {
                        if (!goOn.tryAcquire(60, TimeUnit.SECONDS)) throw new IllegalStateException("the test never let the run go on");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        MnistSplits data = Mnist.load(TestData.synthetic());
        var cfg = RunConfig.defaults().with("model", "softmax", "test").with("epochs", "3", "test")
                .with("lr", "0.5", "test").resolve();
        Path live = runs.resolve("live");
        CompletableFuture<Void> training = CompletableFuture.runAsync(() -> RunRecorder.runTraining(cfg, data, live, null, gate));
        try {
            assertTrue(afterFirstEpoch.tryAcquire(60, TimeUnit.SECONDS), "the run did not finish its first epoch");
            browser.get(base + "#/run/live");
            ((JavascriptExecutor) browser).executeScript("window.nablaTestMark = 'same page';");
            waiting(20).until(d -> "1".equals(d.findElement(By.id("epochs")).getAttribute("data-epochs")));
            goOn.release();
            training.get(60, TimeUnit.SECONDS);
            waiting(20).until(d -> "3".equals(d.findElement(By.id("epochs")).getAttribute("data-epochs")));
            waiting(20).until(d -> d.findElement(By.cssSelector("h1 [data-status]")).getAttribute("data-status").equals("finished"));
            assertEquals("same page", ((JavascriptExecutor) browser).executeScript("return window.nablaTestMark;"),
                    "the page was reloaded");
        } finally {
            goOn.release();
        }
    }

    @Test
    void aDigitDrawnOnTheCanvasIsClassifiedAsNablaPredictClassifiesIt() throws IOException {
        browser.get(base + "#/run/first/try");
        WebElement canvas = waiting(20).until(d -> d.findElement(By.id("draw")));
        // a "7": a bar across the top, then a stroke down and to the left (offsets from the canvas's centre)
        new Actions(browser).moveToElement(canvas, -70, -80).clickAndHold()
                .moveByOffset(40, 0).moveByOffset(40, 0).moveByOffset(50, 0)
                .moveByOffset(-20, 40).moveByOffset(-20, 40).moveByOffset(-20, 40).moveByOffset(-20, 40)
                .release().perform();
        waiting(20).until(d -> "0".equals(d.findElement(By.id("prediction")).getAttribute("data-busy")));
        WebElement shown = browser.findElement(By.id("predicted"));
        int pageClass = Integer.parseInt(shown.getAttribute("data-class"));
        List<?> pageProbs = (List<?>) Json.parse(shown.getAttribute("data-probabilities"));

        String url = (String) ((JavascriptExecutor) browser).executeScript("return document.getElementById('draw').toDataURL('image/png');");
        byte[] png = Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        int lit = 0;
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xff) > 128) lit++;
        assertTrue(lit > 2000, "the strokes reached the canvas (" + lit + " light pixels)");
        Path drawing = tmp.resolve("drawing.png");
        Files.write(drawing, png);

        TestData.Run r = TestData.nabla("predict", "--json", runs.resolve("first/model.safetensors").toString(), drawing.toString());
        assertEquals(0, r.exit(), r.err());
        Map<?, ?> predicted = (Map<?, ?>) ((List<?>) Json.parse(r.out())).get(0);
        assertEquals(((Number) predicted.get("class")).intValue(), pageClass);
        List<?> cliProbs = (List<?>) predicted.get("probabilities");
        assertEquals(cliProbs.size(), pageProbs.size());
        for (int c = 0; c < cliProbs.size(); c++) {
            assertEquals(((Number) cliProbs.get(c)).doubleValue(), ((Number) pageProbs.get(c)).doubleValue(), 1e-12, "class " + c);
        }
    }

    @Test
    void requestsForNamesOutsideTheRunsFolderAreRefused() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "not for the board");
        Files.createSymbolicLink(runs.resolve("link"), outside);
        for (String path : List.of("/files/../outside/secret.txt", "/files/%2e%2e/outside/secret.txt",
                "/files/first/..%2f..%2foutside%2fsecret.txt", "/files/link/secret.txt",
                "/api/run?id=../outside", "/api/run?id=first/../../outside", "/api/model?id=..%2Foutside")) {
            String answer = rawGet(path);
            String status = answer.substring(0, answer.indexOf("\r\n"));
            assertTrue(status.matches("HTTP/1\\.1 (400|403|404) .*"), path + " -> " + status);
            assertFalse(answer.contains("not for the board"), path + " served the file outside");
        }
        // the same request through the browser gets the refusal, and the page still works
        browser.get(base + "files/first/config.yaml");
        assertTrue(browser.getPageSource().contains("model: softmax"));
        browser.get(base + "#/run/..%2Foutside");
        waiting(20).until(d -> d.findElement(By.cssSelector(".error")).getText().contains("refused"));
    }

    /** GET {@code path} exactly as written (no client normalizes it), returning status line, headers and body. */
    private String rawGet(String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
