package dev.flexserve.platform;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;

/**
 * One headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, paths given explicitly, never
 * downloaded) with its own profile, for one user of the console. {@link #dump} writes what is needed to diagnose a
 * failure: the page's source, the browser console's log and a screenshot.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of(System.getProperty("flexserve.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("flexserve.chromedriver", "/usr/bin/chromedriver"));
    static final Duration WAIT = Duration.ofSeconds(60);
    static final int DESKTOP = 1280;
    static final int PHONE = 390;

    private final ChromeDriver driver;
    final String name;
    /** Where this browser saves downloads (the CSV export). */
    final Path downloads;

    Browser(String name) {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                // A missing browser is a broken test environment, not a reason to skip the console's tests.
                throw new AssertionError(p + " is missing: the console tests need Debian's headless Chromium "
                        + "(apt-get install -y --no-install-recommends chromium chromium-driver)");
            }
        }
        this.name = name;
        this.downloads = Path.of("target", "console-downloads", name + "-" + System.nanoTime()).toAbsolutePath();
        ChromeOptions options = new ChromeOptions();
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + DESKTOP + ",900", "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT);
    }

    void open(String url) {
        driver.get(url);
    }

    ChromeDriver driver() {
        return driver;
    }

    <T> T await(Function<ChromeDriver, T> condition, String what) {
        return new WebDriverWait(driver, WAIT).withMessage(what).until(d -> condition.apply((ChromeDriver) d));
    }

    WebElement visible(String css) {
        return new WebDriverWait(driver, WAIT).withMessage("no visible " + css + " on " + driver.getCurrentUrl())
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits until the console has rendered {@code page} (the shell marks it on {@code main}). */
    void awaitPage(String page) {
        await(d -> page.equals(d.findElement(By.id("main")).getAttribute("data-ready")), "the console page '" + page + "' never finished loading");
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /**
     * Signs in at the console through Keycloak's real login page. Keycloak with Organizations may ask for the
     * username first and the password on a second page; both forms are handled.
     */
    void signIn(String console, String username, String password) {
        open(console);
        awaitPage("sign-in");
        visible("#sign-in").click();
        visible("#username").sendKeys(username);
        List<WebElement> pw = all("#password");
        if (pw.isEmpty() || !pw.get(0).isDisplayed()) {
            visible("#kc-login").click();
        }
        visible("#password").sendKeys(password);
        visible("#kc-login").click();
        visible("#signed-in-as");
    }

    /**
     * A full-page screenshot at {@code width} CSS pixels as a PNG file. Chrome's device emulation sets the viewport
     * (at phone width as a mobile device), so the page lays itself out as it would there; the window size of a
     * headless browser would not.
     */
    void screenshot(Path file, int width) throws IOException {
        boolean phone = width <= PHONE;
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", phone ? 844 : 900, "deviceScaleFactor", 1, "mobile", phone));
        long height = ((Number) script("return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight);")).longValue();
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", width, "height", Math.min(height, 6000), "scale", 1)));
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
    }

    /** What a failure needs: the page's source, the browser console and a screenshot, under {@code dir}. */
    void dump(Path dir, String prefix) {
        String base = prefix + "-" + name;
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(base + ".url.txt"), driver.getCurrentUrl());
            Files.writeString(dir.resolve(base + ".html"), driver.getPageSource());
            StringBuilder log = new StringBuilder();
            for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                log.append(e.getLevel()).append(' ').append(e.getMessage()).append('\n');
            }
            Files.writeString(dir.resolve(base + ".console.log"), log);
            Files.write(dir.resolve(base + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (Exception e) {
            System.err.println("could not dump browser " + name + ": " + e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
