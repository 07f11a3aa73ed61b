package dev.flexserve.platform;

import dev.flexserve.cli.identity.Identities;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The web console in a real headless Chromium against the running platform and its real Keycloak: users sign in on
 * Keycloak's own login page (authorization code with PKCE), then use the pages as a person would. Runs last: it
 * revokes {@code expert-3}, and revocation is final. Every page is photographed at desktop and phone width into
 * {@code target/console-screenshots/}, or into {@code -Dflexserve.console.screenshots=DIR} (docs/console/).
 */
@Order(7)
@ExtendWith({GatewayPlatform.class, BrowserDumps.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleTest {
    static final Path SHOTS = Path.of(System.getProperty("flexserve.console.screenshots", "target/console-screenshots"));
    static final String EXCLUDED = "expert-2";
    static final String REVOKED = "expert-3";
    private static String console;

    @BeforeAll
    static void console() {
        console = GatewayPlatform.running().gateway() + "/console/";
    }

    static String password(String username) {
        Identities.User u = GatewayPlatform.running().keycloak().identities().users().get(username);
        assertThat(u).as("console user " + username).isNotNull();
        return u.password();
    }

    static Browser signedIn(String username) {
        Browser b = BrowserDumps.open(username);
        b.signIn(console, username, password(username));
        return b;
    }

    @Test
    @Order(1)
    void aConsumerStreamsACompletionWithOneExpertExcludedAndTheAttributionShowsItAbsent() throws IOException {
        Browser b = signedIn("acme-consumer");
        b.awaitPage("playground");
        assertThat(b.visible("#signed-in-as").getText()).contains("acme-consumer", "acme", "consumer");
        WebElement toggle = b.visible("input[name=expert][value='" + EXCLUDED + "']");
        assertThat(toggle.isSelected()).isTrue();
        // Keyboard: Space toggles the focused checkbox, as for any native control.
        toggle.sendKeys(Keys.SPACE);
        assertThat(toggle.isSelected()).as("Space unchecked " + EXCLUDED).isFalse();
        WebElement prompt = b.visible("#prompt");
        prompt.clear();
        prompt.sendKeys("The committee met on");
        b.visible("#max-tokens").clear();
        b.visible("#max-tokens").sendKeys("24");
        b.visible("#generate").click();
        b.await(d -> "done".equals(d.findElement(By.id("generation-status")).getAttribute("data-state"))
                || "failed".equals(d.findElement(By.id("generation-status")).getAttribute("data-state")), "the generation never ended");
        assertThat(b.visible("#generation-status").getAttribute("data-state")).as(b.visible("#generation-status").getText()).isEqualTo("done");
        assertThat(Integer.parseInt(b.visible("#output").getAttribute("data-chunks")))
                .as("the text arrived as a stream of several chunks").isGreaterThan(1);
        assertThat(b.visible("#output").getText()).isNotBlank();
        List<String> attributed = b.all("#attribution-table tbody tr").stream().map(r -> r.getAttribute("data-expert")).toList();
        assertThat(attributed).as("attribution rows").contains("public", "expert-1", REVOKED).doesNotContain(EXCLUDED);
        assertThat(b.all("#attribution svg g.bar[data-key='" + EXCLUDED + "']")).as("no bar for the excluded expert").isEmpty();
        assertThat(b.all("#attribution svg g.bar[data-key='expert-1']")).hasSize(1);
        assertThat(b.visible("#excluded").getText()).contains(EXCLUDED);
        b.screenshot(SHOTS.resolve("playground-desktop.png"), Browser.DESKTOP);
        b.screenshot(SHOTS.resolve("playground-phone.png"), Browser.PHONE);
    }

    @Test
    @Order(2)
    void anOwnerSeesTheConsumersUseRevokesItsExpertAndTheConsumerNoLongerGetsIt() throws IOException {
        Browser owner = signedIn("demo-org-3-owner");
        owner.awaitPage("owner");
        // The attribution reaches the report through Kafka and the attribution-service: reload until it is there.
        owner.await(d -> {
            if (!d.findElements(By.cssSelector("#usage-table tr[data-expert='" + REVOKED + "'][data-organization='acme']")).isEmpty()) {
                return true;
            }
            d.navigate().refresh();
            return false;
        }, "the owner's usage never showed acme's use of " + REVOKED);
        owner.awaitPage("owner");
        WebElement row = owner.visible("#usage-table tr[data-expert='" + REVOKED + "'][data-organization='acme']");
        assertThat(Integer.parseInt(row.findElements(By.tagName("td")).get(1).getText())).as("acme's requests").isGreaterThanOrEqualTo(1);
        assertThat(owner.all("#usage-chart svg rect[data-series='acme']")).as("acme's column in the chart").isNotEmpty();
        assertThat(owner.visible("#experts-table tr[data-expert='" + REVOKED + "'] td.status").getAttribute("data-status")).isEqualTo("active");
        assertThat(owner.visible("#experts-table tr[data-expert='" + REVOKED + "'] td.health").getText()).isEqualTo("up");
        // The CSV export is a download of the report with Accept: text/csv.
        owner.visible("#usage-csv").click();
        Path csv = owner.downloads.resolve("flexserve-usage-hour.csv");
        owner.await(d -> Files.isRegularFile(csv), "the CSV export never arrived in " + owner.downloads);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).startsWith("expert,organization,hour,requests,tokens");
        assertThat(lines).anyMatch(l -> l.startsWith(REVOKED + ",acme,"));
        owner.screenshot(SHOTS.resolve("owner-desktop.png"), Browser.DESKTOP);
        owner.screenshot(SHOTS.resolve("owner-phone.png"), Browser.PHONE);

        owner.visible("#experts-table tr[data-expert='" + REVOKED + "'] button[data-action=revoke]").click();
        WebElement confirm = owner.visible("dialog[open] button[data-action=confirm]");
        assertThat(owner.visible("dialog[open] h2").getText()).contains("Revoke " + REVOKED);
        owner.screenshot(SHOTS.resolve("owner-revoke-dialog-desktop.png"), Browser.DESKTOP);
        confirm.click();
        owner.await(d -> !d.findElements(By.cssSelector("#experts-table tr[data-expert='" + REVOKED + "'] td.status[data-status=revoked]")).isEmpty(),
                "the status of " + REVOKED + " never became revoked");
        assertThat(owner.all("#experts-table tr[data-expert='" + REVOKED + "'] button[data-action=revoke]")).as("revocation is final").isEmpty();

        Browser consumer = signedIn("acme-consumer");
        consumer.awaitPage("playground");
        assertThat(consumer.all("input[name=expert]").stream().map(e -> e.getAttribute("value")).toList())
                .as("the playground offers the experts acme may use now").contains("expert-1").doesNotContain(REVOKED);
    }

    @Test
    @Order(3)
    void anOwnerOfAnotherOrganizationSeesNoneOfIt() {
        Browser other = signedIn("demo-org-1-owner");
        other.awaitPage("owner");
        assertThat(other.all("#experts-table tbody tr").stream().map(r -> r.getAttribute("data-expert")).toList()).containsExactly("expert-1");
        other.visible("#usage");
        assertThat(other.all("#usage-table tbody tr").stream().map(r -> r.getAttribute("data-expert")).toList()).doesNotContain(REVOKED, EXCLUDED);
        assertThat(other.driver().getPageSource()).doesNotContain(REVOKED).doesNotContain("demo-org-3");
        assertThat(other.all("#nav-operator")).as("no operator page for an owner").isEmpty();
    }

    @Test
    @Order(4)
    void theOperatorSeesEveryExpertEveryServiceAndLiveFigures() throws IOException {
        Browser op = signedIn("flexserve-operator");
        op.awaitPage("owner");
        op.visible("#nav-operator").click();
        op.awaitPage("operator");
        assertThat(op.all("#all-experts-table tbody tr").stream().map(r -> r.getAttribute("data-expert")).toList())
                .contains("expert-1", "expert-2", REVOKED, "expert-4");
        assertThat(op.visible("#services-table tr[data-service='router-service']").getText()).contains("up");
        assertThat(op.visible("#services-table tr[data-service='attribution-service']").getText()).contains("up");
        assertThat(op.visible("#services-table tr[data-service='expert-expert-1']").getText()).contains("up");
        assertThat(op.visible("#requests-running dd").getText()).matches("\\d+");
        assertThat(op.visible("#ttft dd").getText()).as("the earlier tests' requests were timed").containsPattern("\\d");
        assertThat(op.all("#calls-table tbody tr").stream().map(r -> r.getAttribute("data-expert")).toList()).contains("expert-1");
        // Live: the page samples again (every 5 s) and draws each expert's call rate from the difference.
        op.visible("#rates svg path[data-series='expert-1']");
        op.screenshot(SHOTS.resolve("operator-desktop.png"), Browser.DESKTOP);
        op.screenshot(SHOTS.resolve("operator-phone.png"), Browser.PHONE);
    }

    @Test
    @Order(5)
    void signingOutEndsTheSession() throws Exception {
        Browser b = signedIn("acme-consumer");
        b.awaitPage("playground");
        String refresh = (String) b.script("return JSON.parse(sessionStorage.getItem('flexserve.console.tokens')).refresh;");
        assertThat(refresh).isNotBlank();
        b.visible("#sign-out").click();
        b.awaitPage("sign-in");
        assertThat(b.script("return sessionStorage.getItem('flexserve.console.tokens');")).as("the tokens are gone from the page").isNull();
        assertThat(b.all("#signed-in-as")).isEmpty();
        // Keycloak ended the session: its refresh token is refused.
        String issuer = GatewayPlatform.running().keycloak().issuer();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&client_id=flexserve-console&refresh_token="
                        + URLEncoder.encode(refresh, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), r.body());
        assertThat(r.body()).contains("invalid_grant");
        b.screenshot(SHOTS.resolve("sign-in-desktop.png"), Browser.DESKTOP);
        b.screenshot(SHOTS.resolve("sign-in-phone.png"), Browser.PHONE);
        // Signing in again asks for the password: no session is left to sign in silently.
        b.visible("#sign-in").click();
        assertThat(b.visible("#username").isDisplayed()).isTrue();
        b.screenshot(SHOTS.resolve("keycloak-login-desktop.png"), Browser.DESKTOP);
    }

    @Test
    @Order(6)
    void anUploadReportsItsProgressAndTheRoutersRefusalOfAnInvalidPackage() throws IOException {
        Browser b = signedIn("demo-org-4-owner");
        b.awaitPage("owner");
        // Not a zip archive: the router verifies every upload before anything else sees it, and refuses this one.
        Path junk = b.downloads.resolveSibling("not-a-package-" + System.nanoTime() + ".zip");
        Files.createDirectories(junk.getParent());
        byte[] bytes = new byte[256 * 1024];
        new java.util.Random(11).nextBytes(bytes);
        Files.write(junk, bytes);
        b.visible("#package-file").sendKeys(junk.toString());
        b.visible("#upload-title + form button[type=submit]").click();
        b.await(d -> d.findElement(By.id("upload-status")).getText().startsWith("refused"), "the upload's outcome never showed");
        assertThat(b.visible("#upload-status").getText()).as("the router's reason is shown").matches("refused: .{10,}");
        assertThat(b.visible("#upload-progress").getAttribute("value")).as("the whole file was sent").isEqualTo("100");
        assertThat(b.all("#experts-table tbody tr").stream().map(r -> r.getAttribute("data-expert")).toList())
                .as("nothing was added").containsExactly("expert-4");
    }

    @Test
    @Order(7)
    void anOwnerEditsThePolicyAndDeactivatesAndActivatesAfterConfirming() {
        Browser b = signedIn("demo-org-1-owner");
        b.awaitPage("owner");
        String row = "#experts-table tr[data-expert='expert-1']";
        editPolicy(b, row, "acme, globex", new String[]{"2030-01-01T00:00", "2030-02-01T00:00"});
        b.await(d -> d.findElement(By.cssSelector(row)).getText().contains("acme, globex"), "the new policy never showed");
        assertThat(b.visible(row).getText()).contains("2030-01-01T00:00:00Z", "2030-02-01T00:00:00Z");
        editPolicy(b, row, "*", null);
        b.await(d -> d.findElement(By.cssSelector(row)).getText().contains("everyone")
                && d.findElement(By.cssSelector(row)).getText().contains("any time"), "the policy was never restored");

        b.visible(row + " button[data-action=deactivate]").click();
        // Cancelling the confirmation changes nothing.
        b.visible("dialog[open] button[data-action=cancel]").click();
        assertThat(b.visible(row + " td.status").getAttribute("data-status")).isEqualTo("active");
        b.visible(row + " button[data-action=deactivate]").click();
        b.visible("dialog[open] button[data-action=confirm]").click();
        b.await(d -> "inactive".equals(d.findElement(By.cssSelector(row + " td.status")).getAttribute("data-status")), "never inactive");
        b.visible(row + " button[data-action=activate]").click();
        b.visible("dialog[open] button[data-action=confirm]").click();
        b.await(d -> "active".equals(d.findElement(By.cssSelector(row + " td.status")).getAttribute("data-status")), "never active again");
    }

    private static void editPolicy(Browser b, String row, String organizations, String[] window) {
        b.visible(row + " button[data-action=policy]").click();
        WebElement orgs = b.visible("dialog[open] #policy-orgs");
        orgs.clear();
        orgs.sendKeys(organizations);
        b.all("dialog[open] #policy-windows li button").forEach(WebElement::click);
        if (window != null) {
            b.visible("dialog[open] fieldset > button").click();
            // A datetime-local field takes its value from script; typing into it depends on the browser's locale.
            b.script("const li = document.querySelector('dialog[open] #policy-windows li:last-child');"
                    + "li.querySelector('[name=from]').value = arguments[0]; li.querySelector('[name=until]').value = arguments[1];",
                    window[0], window[1]);
        }
        b.visible("dialog[open] button[type=submit]").click();
        b.await(d -> d.findElements(By.cssSelector("dialog[open]")).isEmpty(), "the policy dialog never closed (refused?)");
    }
}
