package dev.nabla.cli;

import dev.nabla.cli.board.BoardServer;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The board's screenshots and its scale measurement, in the real browser (not a test: run by hand, see
 * docs/board.md).
 * <ul>
 *   <li>{@code shots RUNS OUT RUN SWEEP}: screenshots of the runs list, a run's curves, model and drawing pages,
 *       the comparison of the sweep's trials and the sweep page, as PNG files in OUT;</li>
 *   <li>{@code scale N TEMPLATE_RUN DIR}: copies a run folder N times into DIR (new files) and times the first
 *       and a repeated {@code /api/runs}, the page until its table shows, and a filter over all runs.</li>
 * </ul>
 */
public final class BoardTour {

    public static void main(String[] args) throws Exception {
        if (args.length == 5 && args[0].equals("shots")) shots(Path.of(args[1]), Path.of(args[2]), args[3], args[4]);
        else if (args.length == 4 && args[0].equals("scale")) scale(Integer.parseInt(args[1]), Path.of(args[2]), Path.of(args[3]));
        else System.err.println("usage: BoardTour shots RUNS OUT RUN SWEEP | scale N TEMPLATE_RUN DIR");
    }

    private static void shots(Path runs, Path out, String run, String sweep) throws Exception {
        Files.createDirectories(out);
        try (BoardServer server = BoardServer.start(runs, null, "127.0.0.1", 0)) {
            ChromeDriver b = Chromium.start(Files.createTempDirectory("nabla-board-profile"), 1280, 860);
            try {
                String base = "http://127.0.0.1:" + server.port() + "/";
                WebDriverWait wait = new WebDriverWait(b, Duration.ofSeconds(60));
                b.get(base);
                wait.until(d -> d.findElement(By.cssSelector("tr[data-run-id]")));
                save(b, out, "runs");
                b.get(base + "#/run/" + run);
                wait.until(d -> d.findElement(By.cssSelector(".uplot")));
                Thread.sleep(500);
                hover(b, 1);
                save(b, out, "run-curves");
                b.get(base + "#/run/" + run + "/model");
                wait.until(d -> d.findElement(By.id("gallery")));
                save(b, out, "model");
                ((JavascriptExecutor) b).executeScript("document.getElementById('confusion').scrollIntoView()");
                save(b, out, "model-errors");
                b.get(base + "#/run/" + run + "/try");
                WebElement canvas = wait.until(d -> d.findElement(By.id("draw")));
                // a "1", slanted as many are in MNIST
                new Actions(b).moveToElement(canvas, 20, -85).clickAndHold().moveByOffset(-8, 40).moveByOffset(-8, 40)
                        .moveByOffset(-8, 40).moveByOffset(-8, 40).release().perform();
                wait.until(d -> "0".equals(d.findElement(By.id("prediction")).getAttribute("data-busy")));
                save(b, out, "try-it");
                b.get(base + "#/sweep/" + sweep);
                wait.until(d -> d.findElements(By.cssSelector(".uplot")).size() >= 3);
                Thread.sleep(500);
                save(b, out, "sweep");
                ((JavascriptExecutor) b).executeScript("window.scrollTo(0, document.body.scrollHeight)");
                save(b, out, "sweep-scatter");
                String ids = String.join(",", trials(runs.resolve(sweep), sweep));
                b.get(base + "#/compare/" + ids);
                wait.until(d -> d.findElement(By.cssSelector(".uplot")));
                Thread.sleep(500);
                hover(b, 0);
                save(b, out, "compare");
            } finally {
                b.quit();
            }
        }
    }

    private static List<String> trials(Path sweep, String id) throws IOException {
        try (var s = Files.list(sweep)) {
            return s.filter(Files::isDirectory).map(p -> (id + "/" + p.getFileName()).replace("/", "%2F")).sorted().toList();
        }
    }

    /** Moves the mouse over a chart so that its legend shows values. */
    private static void hover(ChromeDriver b, int chart) {
        List<WebElement> overs = b.findElements(By.cssSelector(".u-over"));
        if (overs.size() > chart) new Actions(b).moveToElement(overs.get(chart), 60, 0).perform();
    }

    private static void save(ChromeDriver b, Path out, String name) throws IOException {
        Files.copy(b.getScreenshotAs(OutputType.FILE).toPath(), out.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        System.out.println("wrote " + out.resolve(name + ".png"));
    }

    private static void scale(int n, Path template, Path dir) throws Exception {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            Path d = Files.createDirectories(dir.resolve(String.format(Locale.ROOT, "run-%05d", i)));
            for (String f : List.of("config.yaml", "history.csv", "results.json")) {
                Files.copy(template.resolve(f), d.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (BoardServer server = BoardServer.start(dir, null, "127.0.0.1", 0)) {
            String base = "http://127.0.0.1:" + server.port() + "/";
            HttpClient http = HttpClient.newHttpClient();
            for (String what : List.of("first /api/runs (reads every run)", "/api/runs after 1.1 s (stats every run)")) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "api/runs")).build(), HttpResponse.BodyHandlers.ofString());
                System.out.printf(Locale.ROOT, "%s: %.0f ms, %d bytes%n", what, (System.nanoTime() - t0) / 1e6, r.body().length());
                Thread.sleep(1100);
            }
            ChromeDriver b = Chromium.start(Files.createTempDirectory("nabla-board-profile"), 1280, 860);
            try {
                WebDriverWait wait = new WebDriverWait(b, Duration.ofSeconds(120));
                long t0 = System.nanoTime();
                b.get(base);
                wait.until(d -> d.findElement(By.cssSelector("tr[data-run-id]")));
                System.out.printf(Locale.ROOT, "page until the table shows (%d runs): %.0f ms%n", n, (System.nanoTime() - t0) / 1e6);
                Object ms = ((JavascriptExecutor) b).executeScript(
                        "const t = performance.now(); runsState.filter = 'run-0001'; runsState.rerender(); return performance.now() - t;");
                System.out.printf(Locale.ROOT, "filter over all runs and redraw: %.0f ms%n", ((Number) ms).doubleValue());
                ms = ((JavascriptExecutor) b).executeScript(
                        "const t = performance.now(); runsState.filter = ''; runsState.key = 'best_val_acc'; runsState.rerender(); return performance.now() - t;");
                System.out.printf(Locale.ROOT, "sort all runs by accuracy and redraw: %.0f ms%n", ((Number) ms).doubleValue());
            } finally {
                b.quit();
            }
        }
    }
}
