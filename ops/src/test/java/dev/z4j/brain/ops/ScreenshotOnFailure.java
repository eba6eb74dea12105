package dev.z4j.brain.ops;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Saves what the browser showed when a test failed, as ops/target/screenshots/Class-method.png,
 * and says where. The test class hands over its browser by implementing {@link Shows}.
 */
final class ScreenshotOnFailure implements TestWatcher {
    interface Shows {
        Browser browser();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Object test = context.getTestInstance().orElse(null);
        if (!(test instanceof Shows shows) || shows.browser() == null) {
            return;
        }
        Path file = Browser.SCREENSHOTS.resolve(context.getRequiredTestClass().getSimpleName() + "-"
                + context.getRequiredTestMethod().getName() + ".png");
        try {
            shows.browser().screenshot(file);
            System.err.println("screenshot of the failed page: " + file.toAbsolutePath()
                    + " (at " + shows.browser().driver.getCurrentUrl() + ")");
        } catch (Exception e) {
            System.err.println("no screenshot of the failed page: " + e);
        }
    }
}
