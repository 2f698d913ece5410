package dev.drgw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium driven through Debian's chromedriver (paths given explicitly, so Selenium
 * never downloads a browser), headless, without sandbox, GPU or background networking.
 * Screenshots go to {@code target/screenshots/} for a reviewer to look at.
 */
public final class Browser implements AutoCloseable {

  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;
  private final String baseUrl;

  private Browser(ChromeDriver driver, String baseUrl) {
    this.driver = driver;
    this.baseUrl = baseUrl;
  }

  /** A fresh browser (no cookies) for the server at {@code baseUrl}; JavaScript on or off. */
  public static Browser open(String baseUrl, boolean javaScript) {
    String chromium = Tools.require("chromium", "chromium");
    String chromedriver = Tools.require("chromedriver", "chromium-driver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--lang=en-GB");
    if (!javaScript) {
      options.setExperimentalOption(
          "prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
    }
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(Path.of(chromedriver).toFile()).usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return new Browser(driver, baseUrl);
  }

  public WebDriver driver() {
    return driver;
  }

  public Browser go(String path) {
    driver.get(baseUrl + path);
    return this;
  }

  public String path() {
    String url = driver.getCurrentUrl();
    return url.startsWith(baseUrl) ? url.substring(baseUrl.length()) : url;
  }

  public String title() {
    return driver.getTitle();
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  public boolean has(String css) {
    return !all(css).isEmpty();
  }

  public String text(String css) {
    return find(css).getText();
  }

  /** Replaces the text of the input with {@code id}. */
  public Browser type(String id, String text) {
    WebElement input = driver.findElement(By.id(id));
    input.clear();
    input.sendKeys(text);
    return this;
  }

  public String value(String id) {
    return driver.findElement(By.id(id)).getDomProperty("value");
  }

  public Browser click(String css) {
    find(css).click();
    return this;
  }

  /** Clicks the button or link whose visible text is {@code text}. */
  public Browser press(String text) {
    List<WebElement> found = driver.findElements(By.xpath(
        "//button[normalize-space(.)='" + text + "'] | //a[normalize-space(.)='" + text + "']"));
    if (found.isEmpty()) {
      throw new AssertionError("no button or link \"" + text + "\" on " + path());
    }
    WebElement target = found.get(0);
    boolean navigates = "a".equals(target.getTagName())
        ? !String.valueOf(target.getDomAttribute("href")).startsWith("#")
        : !"button".equals(target.getDomAttribute("type"));
    String before = documentId();
    target.click();
    if (navigates) {
      // A submit or a link loads a new page; wait for it so the next step reads the new page.
      new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(15))
          .ignoring(org.openqa.selenium.WebDriverException.class)
          .until(d -> !documentId().equals(before)
              && "complete".equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript("return document.readyState")));
    }
    return this;
  }

  /** WebDriver's reference to the root element: a new one for every loaded document. */
  private String documentId() {
    return ((org.openqa.selenium.remote.RemoteWebElement) driver.findElement(By.tagName("html"))).getId();
  }

  public String pageSource() {
    return driver.getPageSource();
  }

  /** Saves a screenshot as target/screenshots/NAME.png. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.move(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The session cookie's value, to send forged requests as this user. */
  public String cookie(String name) {
    var c = driver.manage().getCookieNamed(name);
    return c == null ? null : c.getValue();
  }

  /** The cookie as the browser stores it (flags included). */
  public org.openqa.selenium.Cookie cookieDetails(String name) {
    return driver.manage().getCookieNamed(name);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
