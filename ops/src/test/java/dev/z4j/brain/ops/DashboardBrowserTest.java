package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The built-in dashboard in a real browser (headless chromium) against a real brain with a real
 * signed agent: sign in, task rows, filters and search, a task's page, Retry until the agent's
 * result completes the command, a live event without a reload, minting and revoking an agent, and
 * a viewer who sees no buttons and whose forged request is refused. One brain and one browser for
 * the class; each test signs in as whom it needs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ScreenshotOnFailure.class)
class DashboardBrowserTest implements ScreenshotOnFailure.Shows {
    private static final Duration UI = Duration.ofSeconds(10);
    private static final String VIEWER = "viewer@example.com";
    private static final String VIEWER_PASSWORD = "Viewer-Passw0rd!";

    private BrainFixture brain;
    private TestAgent agent;
    private Browser browser;
    private WebDriver web;
    private String base;
    private int batches;

    @Override
    public Browser browser() {
        return browser;
    }

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        browser = Browser.start();
        web = browser.driver;
        brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, OperatorClient.FAST);
        base = "http://localhost:" + brain.port();
        agent = brain.newAgent("browser-agent", "celery@host1").connect(brain.port()).handshake();
        await().atMost(UI).until(() -> brain.stats().get("agents_online").asLong() == 1);
        Instant t0 = Instant.now().minusSeconds(600);
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            events.addAll(TestAgent.lifecycle("add-" + i, t0.plusSeconds(i * 10L)));
        }
        events.addAll(failed("charge-1", "app.billing.charge", "billing", t0.plusSeconds(100)));
        // A chain of two (running: started after the rest, so listed above them); the canvas references
        // come with task.received.
        Map<String, Object> extract = new LinkedHashMap<>(Map.of("task_name", "app.etl.extract", "queue", "etl"));
        Map<String, Object> load = new LinkedHashMap<>(Map.of("task_name", "app.etl.load", "queue", "etl",
                "parent_task_id", "chain-a", "root_task_id", "chain-a"));
        events.add(TestAgent.taskEvent("chain-a", "task.received", t0.plusSeconds(200), extract));
        events.add(TestAgent.taskEvent("chain-a", "task.started", t0.plusSeconds(200), extract));
        events.add(TestAgent.taskEvent("chain-b", "task.received", t0.plusSeconds(201), load));
        events.add(TestAgent.taskEvent("chain-b", "task.started", t0.plusSeconds(201), load));
        send(events);

        OperatorClient admin = OperatorClient.login(brain.port(), "admin@example.com", OperatorClient.ADMIN_PASSWORD());
        String viewerId = OperatorClient.JSON.readTree(admin.post("/api/v1/users", "{\"email\":\"" + VIEWER
                + "\",\"password\":\"" + VIEWER_PASSWORD + "\",\"display_name\":\"Vera Viewer\"}").body()).get("id").asText();
        assertThat(admin.post("/api/v1/projects/default/memberships",
                "{\"user_id\":\"" + viewerId + "\",\"role\":\"viewer\"}").statusCode()).isEqualTo(201);
        assertThat(admin.post("/api/v1/projects", "{\"slug\":\"other\",\"name\":\"Other\"}").statusCode())
                .isEqualTo(201);
    }

    @AfterAll
    void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (agent != null) {
                agent.close();
            }
            if (brain != null) {
                brain.close();
            }
        }
    }

    @BeforeEach
    void signedOut() {
        if (web.getCurrentUrl().startsWith(base)) {
            web.manage().deleteAllCookies();
        }
    }

    private static List<Map<String, Object>> failed(String taskId, String name, String queue, Instant t0) {
        Map<String, Object> received = new LinkedHashMap<>(Map.of("task_name", name, "queue", queue,
                "args", List.of(42), "kwargs", Map.of("cents", 100)));
        Map<String, Object> started = new LinkedHashMap<>(Map.of("task_name", name, "queue", queue, "worker", "celery@host1"));
        Map<String, Object> fail = new LinkedHashMap<>(Map.of("task_name", name, "worker", "celery@host1",
                "exception", "CardDeclined('insufficient funds')",
                "traceback", "Traceback (most recent call last):\n  File \"billing.py\", line 7, in charge\nCardDeclined"));
        return List.of(TestAgent.taskEvent(taskId, "task.received", t0, received),
                TestAgent.taskEvent(taskId, "task.started", t0.plusMillis(5), started),
                TestAgent.taskEvent(taskId, "task.failed", t0.plusSeconds(2), fail));
    }

    /** Sends events as one batch and waits for the brain's ack (the rows are committed then). */
    private void send(List<Map<String, Object>> events) {
        String id = "b" + (++batches);
        agent.sendBatch(id, events);
        await().atMost(UI).until(() -> !agent.acksFor(id).isEmpty());
    }

    private void login(String email, String password) {
        web.get(base + "/login");
        await().atMost(UI).ignoreExceptions().until(() -> web.findElement(By.id("email")).isDisplayed());
        web.findElement(By.id("email")).sendKeys(email);
        web.findElement(By.id("password")).sendKeys(password);
        web.findElement(By.id("sign-in")).click();
        await().atMost(UI).until(() -> web.getCurrentUrl().endsWith("/home"));
    }

    private WebElement waitFor(By by) {
        return await().atMost(UI).ignoreExceptions().until(() -> web.findElement(by), e -> e.isDisplayed());
    }

    private List<String> taskIds() {
        return web.findElements(By.cssSelector("#task-rows tr[data-key]")).stream()
                .map(r -> r.getAttribute("data-key").substring("celery/".length())).toList();
    }

    private void awaitTasks(List<String> expected) {
        await().atMost(UI).ignoreExceptions().untilAsserted(() -> assertThat(taskIds()).containsExactlyElementsOf(expected));
    }

    /** The seeded tasks, newest first, after any a later test added (newer, so above them). */
    private void awaitSeededTasksLast() {
        await().atMost(UI).ignoreExceptions().untilAsserted(() -> assertThat(taskIds())
                .endsWith("charge-1", "add-6", "add-5", "add-4", "add-3", "add-2", "add-1"));
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) web).executeScript(script, args);
    }

    @Test
    void anOperatorSignsInSeesTheRowsFiltersAndSearches() {
        web.get(base + "/p/default/tasks");
        await().atMost(UI).until(() -> web.getCurrentUrl().contains("/login?next="));
        web.findElement(By.id("email")).sendKeys("admin@example.com");
        web.findElement(By.id("password")).sendKeys("wrong-password-1!");
        web.findElement(By.id("sign-in")).click();
        await().atMost(UI).until(() -> web.findElement(By.id("login-error")).getText().contains("Wrong email or password"));
        web.findElement(By.id("password")).clear();
        web.findElement(By.id("password")).sendKeys(OperatorClient.ADMIN_PASSWORD());
        web.findElement(By.id("sign-in")).click();
        // Back where the sign-in started, with the rows newest first.
        await().atMost(UI).until(() -> web.getCurrentUrl().endsWith("/p/default/tasks"));
        awaitSeededTasksLast();
        assertThat(waitFor(By.id("live")).getAttribute("data-state")).isIn("live", "connecting");

        // Times are shown in the browser's zone, with UTC on hover.
        WebElement started = web.findElement(By.cssSelector("#task-rows tr[data-key='celery/add-1'] time"));
        assertThat(started.getAttribute("title")).endsWith(" UTC");

        new org.openqa.selenium.support.ui.Select(web.findElement(By.id("f-state"))).selectByValue("failure");
        awaitTasks(List.of("charge-1"));
        assertThat(web.getCurrentUrl()).contains("state=failure");
        assertThat(web.findElement(By.id("export-csv")).getAttribute("href"))
                .endsWith("/api/v1/projects/default/tasks?state=failure&format=csv");

        new org.openqa.selenium.support.ui.Select(web.findElement(By.id("f-state"))).selectByValue("");
        awaitSeededTasksLast();
        web.findElement(By.id("f-search")).sendKeys("add-4");
        awaitTasks(List.of("add-4"));
        web.findElement(By.id("f-search")).clear();
        web.findElement(By.id("f-queue")).sendKeys("billing", Keys.ENTER);
        awaitTasks(List.of("charge-1"));

        // A reload keeps the filters (they live in the URL).
        web.navigate().refresh();
        awaitTasks(List.of("charge-1"));
        assertThat(web.findElement(By.id("f-queue")).getAttribute("value")).isEqualTo("billing");
    }

    @Test
    void theProjectPickerSwitchesTheSamePageToAnotherProject() {
        login("admin@example.com", OperatorClient.ADMIN_PASSWORD());
        web.get(base + "/p/default/tasks");
        await().atMost(UI).until(() -> !taskIds().isEmpty());
        new org.openqa.selenium.support.ui.Select(web.findElement(By.id("project"))).selectByValue("other");
        await().atMost(UI).until(() -> web.getCurrentUrl().endsWith("/p/other/tasks"));
        await().atMost(UI).ignoreExceptions().until(() -> web.findElement(By.id("task-rows")).getText()
                .equals("No tasks match."));
        // The viewer of "default" is no member of "other": the picker does not offer it.
        web.manage().deleteAllCookies();
        login(VIEWER, VIEWER_PASSWORD);
        assertThat(new org.openqa.selenium.support.ui.Select(web.findElement(By.id("project"))).getOptions())
                .extracting(WebElement::getText).containsExactly("Default");
        web.get(base + "/p/other/tasks");
        await().atMost(UI).ignoreExceptions().until(() -> web.findElement(By.tagName("h1")).getText()
                .equals("Project not found"));
    }

    @Test
    void theKeyboardMovesThroughTheRowsAndEnterOpensATask() {
        login("admin@example.com", OperatorClient.ADMIN_PASSWORD());
        web.get(base + "/p/default/tasks?queue=default");
        await().atMost(UI).ignoreExceptions().untilAsserted(() -> assertThat(taskIds()).endsWith("add-3", "add-2", "add-1"));
        List<String> ids = taskIds();
        new Actions(web).sendKeys("jjj").perform(); // to the page, not to a field
        await().atMost(UI).ignoreExceptions().until(() -> web.findElement(By.cssSelector("#task-rows tr.focus")).getAttribute("data-key")
                .equals("celery/" + ids.get(2)));
        new Actions(web).sendKeys(Keys.ARROW_UP).perform();
        await().atMost(UI).ignoreExceptions().until(() -> web.findElement(By.cssSelector("#task-rows tr.focus")).getAttribute("data-key")
                .equals("celery/" + ids.get(1)));
        new Actions(web).sendKeys(Keys.ENTER).perform();
        await().atMost(UI).until(() -> web.getCurrentUrl().endsWith("/p/default/tasks/celery/" + ids.get(1)));
        waitFor(By.id("timeline"));
    }

    @Test
    void aTaskPageShowsItsFieldsAndRetryRunsUntilTheAgentCompletesIt() {
        login("admin@example.com", OperatorClient.ADMIN_PASSWORD());
        web.get(base + "/p/default/tasks/celery/charge-1");
        WebElement traceback = waitFor(By.id("traceback"));
        assertThat(traceback.getText()).contains("CardDeclined");
        assertThat(web.findElement(By.tagName("h1")).getText()).contains("app.billing.charge").contains("failure");
        String page = web.findElement(By.id("view")).getText();
        assertThat(page).contains("\"cents\": 100").contains("billing").contains("celery@host1");
        assertThat(web.findElements(By.cssSelector("#timeline li"))).hasSize(3);
        assertThat(web.findElement(By.id("timeline")).getText()).contains("task.received").contains("task.failed");

        js("window.__stillThisPage = true");
        web.findElement(By.id("retry")).click();
        // The test agent acks the command and answers it with success: the page follows it to completed.
        await().atMost(UI).ignoreExceptions().until(() -> "completed".equals(
                web.findElement(By.cssSelector("#command-progress [data-command='retry-task']")).getAttribute("data-status")));
        assertThat(agent.commands()).anySatisfy(c -> assertThat(((dev.z4j.brain.protocol.Frame.Command) c.payload())
                .action()).isEqualTo("retry_task"));
        assertThat(js("return window.__stillThisPage === true")).isEqualTo(true);
    }

    @Test
    void aTaskOfACanvasShowsTheTreeWithLinksToItsMembers() {
        login("admin@example.com", OperatorClient.ADMIN_PASSWORD());
        web.get(base + "/p/default/tasks/celery/chain-b");
        WebElement tree = waitFor(By.id("tree"));
        assertThat(tree.findElement(By.cssSelector(".here")).getText()).contains("chain-b").contains("app.etl.load");
        assertThat(tree.findElement(By.cssSelector("li > span > a")).getText()).isEqualTo("chain-a");
        assertThat(web.findElement(By.cssSelector("dl.fields")).getText()).contains("chain-a");
        tree.findElement(By.linkText("chain-a")).click();
        await().atMost(UI).until(() -> web.getCurrentUrl().endsWith("/p/default/tasks/celery/chain-a"));
        await().atMost(UI).ignoreExceptions().until(() -> web.findElement(By.cssSelector("#tree .here")).getText()
                .contains("chain-a"));
    }

    @Test
    void selectedRowsAreRetriedTogetherAndEachCommandIsFollowedToTheEnd() {
        login("admin@example.com", OperatorClient.ADMIN_PASSWORD());
        web.get(base + "/p/default/tasks?queue=default&search=add-");
        await().atMost(UI).ignoreExceptions().untilAsserted(() -> assertThat(taskIds()).contains("add-1", "add-2"));
        assertThat(web.findElement(By.id("retry-selected")).isEnabled()).isFalse();
        web.findElement(By.cssSelector("#task-rows tr[data-key='celery/add-1'] input[type=checkbox]")).click();
        web.findElement(By.cssSelector("#task-rows tr[data-key='celery/add-2'] input[type=checkbox]")).click();
        assertThat(web.findElements(By.cssSelector("#task-rows tr.selected"))).hasSize(2);
        web.findElement(By.id("retry-selected")).click();
        await().atMost(UI).ignoreExceptions().untilAsserted(() -> assertThat(web.findElements(
                By.cssSelector("#command-progress [data-status='completed']"))).hasSize(2));
        assertThat(web.findElement(By.id("command-progress")).getText()).contains("retry-task add-1").contains("retry-task add-2");
        assertThat(web.findElements(By.cssSelector("#task-rows tr.selected"))).isEmpty();
    }

    @Test
    void aNewEventAppearsOnTheOpenTasksPageWithinASecondWithoutAReload() {
        login("admin@example.com", OperatorClient.ADMIN_PASSWORD());
        web.get(base + "/p/default/tasks");
        await().atMost(UI).until(() -> !taskIds().isEmpty());
        await().atMost(UI).until(() -> "live".equals(web.findElement(By.id("live")).getAttribute("data-state")));
        js("window.__noReload = 'still here'");

        send(TestAgent.lifecycle("fresh-1", Instant.now()));
        // Committed and acked: the notice, the debounce and the refetch take well under a second.
        await().atMost(Duration.ofSeconds(1)).ignoreExceptions().until(() -> taskIds().getFirst().equals("fresh-1"));
        assertThat(js("return window.__noReload")).isEqualTo("still here");
    }

    @Test
    void theLiveFeedReconnectsAfterTheBrainRestartsAndTheOpenPageCatchesUp(@TempDir Path restartHome) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(OperatorClient.FAST);
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        env.put("Z4J_BIND_PORT", String.valueOf(port)); // the same address after the restart
        try (BrainFixture restarting = BrainFixture.start(BrainFixture.Db.SQLITE, restartHome, env)) {
            String restartBase = "http://localhost:" + port;
            web.get(restartBase + "/login");
            waitFor(By.id("email")).sendKeys("admin@example.com");
            web.findElement(By.id("password")).sendKeys(OperatorClient.ADMIN_PASSWORD());
            web.findElement(By.id("sign-in")).click();
            await().atMost(UI).until(() -> web.getCurrentUrl().endsWith("/home"));
            web.get(restartBase + "/p/default/tasks");
            await().atMost(UI).until(() -> "live".equals(web.findElement(By.id("live")).getAttribute("data-state")));
            js("window.__noReload = 'same page'");

            restarting.close();
            await().atMost(UI).until(() -> !"live".equals(web.findElement(By.id("live")).getAttribute("data-state")));
            restarting.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> "live".equals(
                    web.findElement(By.id("live")).getAttribute("data-state")));

            try (TestAgent late = restarting.newAgent("after-restart").connect(port).handshake()) {
                late.sendBatch("r1", TestAgent.lifecycle("after-restart-1", Instant.now()));
                await().atMost(UI).until(() -> !late.acksFor("r1").isEmpty());
                await().atMost(UI).ignoreExceptions().until(() -> taskIds().getFirst().equals("after-restart-1"));
            }
            assertThat(js("return window.__noReload")).isEqualTo("same page");
        }
    }

    @Test
    void anAdminMintsAnAgentSeesItsSecretsOnceAndRevokesIt() throws Exception {
        login("admin@example.com", OperatorClient.ADMIN_PASSWORD());
        web.get(base + "/p/default/agents");
        waitFor(By.id("agent-name")).sendKeys("from-the-browser");
        web.findElement(By.id("mint")).click();
        String token = waitFor(By.id("minted-token")).getText();
        String secret = web.findElement(By.id("minted-hmac")).getText();
        assertThat(token).isNotBlank();
        assertThat(secret).isNotBlank();
        assertThat(web.findElement(By.id("minted-config")).getText())
                .contains("Z4J_BRAIN_URL=" + base).contains("Z4J_TOKEN=" + token).contains("Z4J_HMAC_SECRET=" + secret);
        By row = By.cssSelector("#agents tr[data-agent='from-the-browser']");
        waitFor(row);
        // The minted credentials are real: an agent connects with them.
        JsonNode listed = OperatorClient.JSON.readTree(brain.get("/api/v1/projects/default/agents", brain.adminKey()).body());
        String agentId = null;
        for (JsonNode a : listed) {
            if (a.get("name").asText().equals("from-the-browser")) {
                agentId = a.get("id").asText();
            }
        }
        assertThat(agentId).isNotNull();
        try (TestAgent minted = new TestAgent(agentId, token, secret, "celery@minted").connect(brain.port()).handshake()) {
            assertThat(minted.agentId).isEqualTo(agentId);
        }

        // Gone after a reload: shown once.
        web.navigate().refresh();
        waitFor(row);
        assertThat(web.findElements(By.id("minted-token"))).isEmpty();

        WebElement revoke = web.findElement(row).findElement(By.tagName("button"));
        revoke.click();
        assertThat(revoke.getText()).isEqualTo("Really revoke?");
        assertThat(web.findElements(row)).hasSize(1);
        revoke.click();
        await().atMost(UI).until(() -> web.findElements(row).isEmpty());
        assertThat(brain.get("/api/v1/projects/default/agents", brain.adminKey()).body()).doesNotContain("from-the-browser");
    }

    @Test
    void aViewerSeesNoRetryButtonAndAForgedRetryIsRefused() {
        login(VIEWER, VIEWER_PASSWORD);
        web.get(base + "/p/default/tasks/celery/charge-1");
        waitFor(By.id("traceback"));
        assertThat(web.findElements(By.id("retry"))).isEmpty();
        assertThat(web.findElements(By.id("cancel"))).isEmpty();
        web.get(base + "/p/default/tasks");
        await().atMost(UI).until(() -> !taskIds().isEmpty());
        assertThat(web.findElements(By.id("retry-selected"))).isEmpty();
        web.get(base + "/p/default/agents");
        waitFor(By.cssSelector("#agents table"));
        assertThat(web.findElements(By.id("mint"))).isEmpty();
        assertThat(web.findElements(By.cssSelector("#agents button"))).isEmpty();

        // The page's own cookie and CSRF token, sent by hand: the API says no, whatever the page shows.
        Object status = ((JavascriptExecutor) web).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const csrf = decodeURIComponent((document.cookie.match(/(?:^|;\\s*)(?:__Host-)?z4j_csrf=([^;]*)/) || [])[1] || "");
                fetch('/api/v1/projects/default/commands/retry-task', {method: 'POST', credentials: 'same-origin',
                  headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
                  body: JSON.stringify({engine: 'celery', task_id: 'charge-1'})})
                  .then(r => r.json().then(j => done(r.status + ' ' + j.error + ' ' + csrf.length)));
                """);
        assertThat(String.valueOf(status)).startsWith("403 forbidden ").doesNotEndWith(" 0");
    }

    @Test
    void everyPageShowsItsDataWithoutAnError() {
        login("admin@example.com", OperatorClient.ADMIN_PASSWORD());
        Map<String, By> pages = new LinkedHashMap<>();
        pages.put("/home", By.cssSelector("#view table a[href='/p/default']"));
        pages.put("/p/default", By.cssSelector("#trend-chart canvas"));
        pages.put("/p/default/commands", By.cssSelector("#commands table"));
        pages.put("/p/default/workers", By.cssSelector("#view table"));
        pages.put("/p/default/queues", By.cssSelector("#queues table"));
        pages.put("/p/default/agents", By.cssSelector("#agents tr[data-agent='browser-agent']"));
        pages.put("/p/default/audit", By.cssSelector("#audit td.mono"));
        pages.put("/api-keys", By.cssSelector("#api-keys table"));
        pages.put("/pipeline", By.cssSelector("#pipeline .card"));
        for (Map.Entry<String, By> page : pages.entrySet()) {
            web.get(base + page.getKey());
            waitFor(page.getValue());
            assertThat(web.findElements(By.cssSelector("#view .error")).stream().map(WebElement::getText)
                    .filter(t -> !t.isBlank())).as(page.getKey()).isEmpty();
            assertThat(web.findElement(By.cssSelector("#nav a[aria-current='page']")).getAttribute("href"))
                    .as(page.getKey()).isEqualTo(base + page.getKey());
        }
        // the audit log has the viewer's membership made at the start
        web.get(base + "/p/default/audit");
        await().atMost(UI).ignoreExceptions().until(() -> web.findElement(By.id("audit")).getText().contains("membership.created"));
        // the pipeline page counts the events the agent sent
        web.get(base + "/pipeline");
        await().atMost(UI).ignoreExceptions().until(() -> web.findElement(By.id("pipeline")).getText().contains("events received"));
    }

    @Test
    void anApiKeyIsCreatedWithItsScopesShownOnceAndRevoked() throws Exception {
        login("admin@example.com", OperatorClient.ADMIN_PASSWORD());
        web.get(base + "/api-keys");
        waitFor(By.id("key-name")).sendKeys("from-the-browser");
        web.findElement(By.cssSelector("input[name='scope'][value='tasks:read']")).click();
        new org.openqa.selenium.support.ui.Select(web.findElement(By.id("key-project"))).selectByVisibleText("default");
        web.findElement(By.cssSelector("#view form button[type='submit']")).click();
        String token = waitFor(By.id("created-key")).getText();
        assertThat(token).startsWith("z4k_");
        // A real key: it reads tasks, and only that.
        assertThat(brain.get("/api/v1/projects/default/tasks", token).statusCode()).isEqualTo(200);
        assertThat(brain.get("/api/v1/projects/default/agents", token).statusCode()).isEqualTo(403);
        By row = By.xpath("//div[@id='api-keys']//tr[td[1][text()='from-the-browser']]");
        WebElement revoke = waitFor(row).findElement(By.tagName("button"));
        revoke.click();
        revoke.click();
        await().atMost(UI).until(() -> web.findElements(row).isEmpty());
        assertThat(brain.get("/api/v1/projects/default/tasks", token).statusCode()).isEqualTo(401);
    }

    @Test
    void aWorkersPoolIsResizedFromItsPageAndTheCommandShowsOnTheCommandsPage() {
        login("admin@example.com", OperatorClient.ADMIN_PASSWORD());
        web.get(base + "/p/default/workers");
        WebElement link = waitFor(By.cssSelector("#view table a[href^='/p/default/workers/']"));
        String worker = link.getText();
        link.click();
        WebElement delta = waitFor(By.id("pool-delta"));
        delta.clear();
        delta.sendKeys("2");
        web.findElement(By.xpath("//button[text()='Resize']")).click();
        await().atMost(UI).ignoreExceptions().until(() -> "completed".equals(
                web.findElement(By.cssSelector("#command-progress [data-command='pool-resize']")).getAttribute("data-status")));
        web.findElement(By.cssSelector("#nav a[href='/p/default/commands']")).click();
        await().atMost(UI).ignoreExceptions().until(() -> web.findElement(By.id("commands")).getText()
                .contains("pool_grow") && web.findElement(By.id("commands")).getText().contains(worker));
    }

    @Test
    void onAFreshBrainTheLoginPageCreatesTheFirstAdminWithTheSetupToken(@TempDir Path freshHome) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(OperatorClient.FAST);
        env.remove("Z4J_BOOTSTRAP_ADMIN_EMAIL");
        env.remove("Z4J_BOOTSTRAP_ADMIN_PASSWORD");
        try (BrainFixture fresh = BrainFixture.start(BrainFixture.Db.SQLITE, freshHome, env)) {
            String token = fresh.brain().setupToken().orElseThrow();
            String freshBase = "http://localhost:" + fresh.port();
            web.get(freshBase + "/login?token=" + token);
            assertThat(waitFor(By.id("setup-token")).getAttribute("value")).isEqualTo(token);
            web.findElement(By.id("setup-email")).sendKeys("first@example.com");
            web.findElement(By.id("setup-name")).sendKeys("First Admin");
            web.findElement(By.id("setup-password")).sendKeys("Firs7-Admin-Pass!");
            web.findElement(By.cssSelector("#view form button[type='submit']")).click();
            await().atMost(UI).until(() -> web.getCurrentUrl().equals(freshBase + "/home"));
            await().atMost(UI).ignoreExceptions().until(() -> web.findElement(By.id("who")).getText().equals("First Admin"));
            // The window is closed for good: the login page is the sign-in form again.
            web.manage().deleteAllCookies();
            web.get(freshBase + "/login");
            waitFor(By.id("sign-in"));
            assertThat(web.findElements(By.id("setup-token"))).isEmpty();
        }
    }

    /**
     * The README's two pictures: the tasks page and a task's page, as a browser shows them. Written
     * to ops/target/screenshots always, and to docs/img with -Dz4j.docs.screenshots=true.
     */
    @Test
    void screenshotsOfTheTasksPageAndATaskPage() throws Exception {
        login("admin@example.com", OperatorClient.ADMIN_PASSWORD());
        web.get(base + "/p/default/tasks");
        await().atMost(UI).until(() -> taskIds().size() >= 7);
        await().atMost(UI).until(() -> "live".equals(web.findElement(By.id("live")).getAttribute("data-state")));
        Path tasks = browser.screenshot(Browser.SCREENSHOTS.resolve("tasks.png"));
        web.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1500)); // the whole task page
        web.get(base + "/p/default/tasks/celery/charge-1");
        waitFor(By.cssSelector("#timeline li"));
        Path task = browser.screenshot(Browser.SCREENSHOTS.resolve("task.png"));
        web.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        assertThat(Files.size(tasks)).isGreaterThan(10_000);
        assertThat(Files.size(task)).isGreaterThan(10_000);
        if (Boolean.getBoolean("z4j.docs.screenshots")) {
            Path docs = Path.of("..", "docs", "img");
            Files.createDirectories(docs);
            Files.copy(tasks, docs.resolve("dashboard-tasks.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(task, docs.resolve("dashboard-task.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
