package dev.nabla.cli;

import org.junit.jupiter.api.Assertions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium driven through its own chromedriver, for the board's browser tests. When either is
 * missing it is installed with {@code apt-get install -y chromium chromium-driver} (after {@code apt-get update}
 * if that fails); a browser that still cannot be found fails the test: it is never skipped. Selenium is given
 * both paths, so it never downloads a browser or driver.
 */
final class Chromium {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {
    }

    /** Installs the browser and driver when they are missing; fails when they cannot be. */
    static synchronized void ensureInstalled() {
        if (installed()) return;
        String log = run(List.of("apt-get", "install", "-y", "chromium", "chromium-driver"));
        if (!installed()) log += run(List.of("apt-get", "update")) + run(List.of("apt-get", "install", "-y", "chromium", "chromium-driver"));
        if (!installed()) {
            Assertions.fail("the board's browser tests need " + BROWSER + " and " + DRIVER
                    + " (Debian packages chromium and chromium-driver), and installing them failed:\n" + log);
        }
    }

    private static boolean installed() {
        return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    }

    private static String run(List<String> command) {
        try {
            Path out = Files.createTempFile("nabla-apt", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(15, TimeUnit.MINUTES)) p.destroyForcibly();
            String text = Files.readString(out);
            Files.deleteIfExists(out);
            return "$ " + String.join(" ", command) + "\n" + (text.length() > 2000 ? text.substring(text.length() - 2000) : text);
        } catch (IOException e) {
            return "$ " + String.join(" ", command) + ": " + e.getMessage() + "\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "$ " + String.join(" ", command) + ": interrupted\n";
        }
    }

    /**
     * A headless browser with a fresh profile in {@code profile}, window {@code width x height}; quit it
     * when done.
     */
    static ChromeDriver start(Path profile, int width, int height) {
        ensureInstalled();
        ChromeOptions o = new ChromeOptions();
        o.setBinary(BROWSER.toFile());
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60))
                .build();
        return new ChromeDriver(service, o);
    }
}
