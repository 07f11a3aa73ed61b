package dev.flexserve.cli.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Brings a running Keycloak to the FlexServe realm through its admin REST API, idempotently (every start calls it;
 * what exists is left as it is): the realm from {@code flexserve-realm.json} (Organizations on, the roles
 * {@code consumer}, {@code owner}, {@code operator}, the console's public PKCE client), then for each organization a
 * Keycloak Organization and one confidential machine client per role, {@code <organization>-<role>}, whose service
 * account holds that realm role and is a member of the organization; its client-credentials tokens carry the realm
 * roles, the {@code organization} claim and the gateway as their audience.
 */
public final class RealmProvisioning {
    public static final String REALM_RESOURCE = "flexserve-realm.json";
    public static final String CONSOLE_CLIENT = "flexserve-console";
    /** The audience every FlexServe access token names; the gateway accepts no other. */
    public static final String AUDIENCE = "flexserve-gateway";
    /** Realm roles and the organization claim on every machine token. */
    static final List<String> MACHINE_SCOPES = List.of("basic", "roles", "organization");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String url;
    private final String adminPassword;
    private String adminToken;
    private long adminTokenExpires;

    public RealmProvisioning(String url, String adminPassword) {
        this.url = url;
        this.adminPassword = adminPassword;
    }

    /** Creates the realm unless it exists. */
    public void ensureRealm() throws IOException, InterruptedException {
        if (call("GET", "/admin/realms/" + Identities.REALM, null).statusCode() == 404) {
            try (InputStream in = RealmProvisioning.class.getResourceAsStream(REALM_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the realm definition " + REALM_RESOURCE + " is missing from the build");
                }
                expect(call("POST", "/admin/realms", JSON.readTree(in)), 201, "creating the realm");
            }
        }
    }

    /** The console may send users back to {@code redirectUri} (a pattern such as {@code http://127.0.0.1:8080/*}). */
    public void allowConsoleRedirect(String redirectUri, String webOrigin) throws IOException, InterruptedException {
        JsonNode client = single(realm("/clients?clientId=" + enc(CONSOLE_CLIENT)), "client " + CONSOLE_CLIENT);
        ObjectNode updated = (ObjectNode) client;
        ArrayNode redirects = updated.putArray("redirectUris");
        redirects.add(redirectUri);
        updated.putArray("webOrigins").add(webOrigin);
        expect(call("PUT", realmPath("/clients/" + client.get("id").asText()), updated), 204, "updating the console client");
    }

    /**
     * The organization, its machine client for each role, with the secrets {@code identities} holds, and its console
     * user for each role ({@code <organization>-<role>}, password in {@code identities}).
     */
    public void ensureOrganization(String organization, List<String> roles, Identities identities) throws IOException, InterruptedException {
        String orgId = organizationId(organization);
        if (orgId == null) {
            ObjectNode org = JSON.createObjectNode().put("name", organization).put("alias", organization).put("enabled", true);
            org.putArray("domains").addObject().put("name", organization + ".flexserve.local");
            expect(call("POST", realmPath("/organizations"), org), 201, "creating organization " + organization);
            orgId = organizationId(organization);
        }
        for (String role : roles) {
            String clientId = Identities.clientId(organization, role);
            ensureClient(clientId, orgId, role, identities.secretFor(clientId), Map.of());
            ensureUser(clientId, organization, orgId, role, identities.userFor(organization, role).password());
        }
    }

    /**
     * A console user {@code username} of {@code organization} (Keycloak id {@code organizationId}), holding {@code role}, with
     * {@code password} (set again when the user exists, so the state directory's password is always the one that
     * works), an email and names (Keycloak's user profile asks for them before it lets a user in).
     */
    public void ensureUser(String username, String organization, String organizationId, String role, String password) throws IOException, InterruptedException {
        String id = userId(username);
        if (id == null) {
            ObjectNode u = JSON.createObjectNode().put("username", username).put("enabled", true)
                    .put("email", username + "@" + organization + ".flexserve.local").put("emailVerified", true)
                    .put("firstName", organization).put("lastName", role);
            u.putArray("requiredActions");
            u.putArray("credentials").addObject().put("type", "password").put("value", password).put("temporary", false);
            expect(call("POST", realmPath("/users"), u), 201, "creating user " + username);
            id = userId(username);
        } else {
            ObjectNode credential = JSON.createObjectNode().put("type", "password").put("value", password).put("temporary", false);
            expect(call("PUT", realmPath("/users/" + id + "/reset-password"), credential), 204, "setting the password of " + username);
        }
        ArrayNode grant = JSON.createArrayNode().add(get(realmPath("/roles/" + role)));
        expect(call("POST", realmPath("/users/" + id + "/role-mappings/realm"), grant), 204, "granting " + role + " to " + username);
        HttpResponse<String> member = call("POST", realmPath("/organizations/" + organizationId + "/members"), JSON.valueToTree(id));
        if (member.statusCode() != 201 && member.statusCode() != 409) {
            expect(member, 201, "adding " + username + " to its organization");
        }
    }

    private String userId(String username) throws IOException, InterruptedException {
        for (JsonNode u : realm("/users?exact=true&username=" + enc(username))) {
            if (u.get("username").asText().equals(username)) {
                return u.get("id").asText();
            }
        }
        return null;
    }

    /**
     * A confidential machine client whose service account holds {@code role} and, unless {@code organizationId} is
     * null, is a member of that organization; {@code attributes} are Keycloak client attributes (e.g. a token lifespan).
     */
    public void ensureClient(String clientId, String organizationId, String role, String secret, Map<String, String> attributes)
            throws IOException, InterruptedException {
        JsonNode existing = realm("/clients?clientId=" + enc(clientId));
        String id;
        if (existing.isEmpty()) {
            ObjectNode c = JSON.createObjectNode().put("clientId", clientId).put("enabled", true)
                    .put("publicClient", false).put("secret", secret).put("serviceAccountsEnabled", true)
                    .put("standardFlowEnabled", false).put("directAccessGrantsEnabled", false)
                    .put("description", "machine access as " + role);
            MACHINE_SCOPES.forEach(c.putArray("defaultClientScopes")::add);
            c.putArray("protocolMappers").add(audienceMapper());
            ObjectNode attrs = c.putObject("attributes");
            attributes.forEach(attrs::put);
            expect(call("POST", realmPath("/clients"), c), 201, "creating client " + clientId);
            id = single(realm("/clients?clientId=" + enc(clientId)), "client " + clientId).get("id").asText();
        } else {
            id = existing.get(0).get("id").asText();
        }
        String account = get(realmPath("/clients/" + id + "/service-account-user")).get("id").asText();
        ArrayNode grant = JSON.createArrayNode().add(get(realmPath("/roles/" + role)));
        expect(call("POST", realmPath("/users/" + account + "/role-mappings/realm"), grant), 204, "granting " + role + " to " + clientId);
        if (organizationId != null) {
            HttpResponse<String> member = call("POST", realmPath("/organizations/" + organizationId + "/members"), JSON.valueToTree(account));
            if (member.statusCode() != 201 && member.statusCode() != 409) {
                expect(member, 201, "adding " + clientId + " to its organization");
            }
        }
    }

    /** Adds {@link #AUDIENCE} to a client's access tokens (the realm's console client has the same mapper). */
    public static ObjectNode audienceMapper() {
        ObjectNode m = JSON.createObjectNode().put("name", "audience " + AUDIENCE).put("protocol", "openid-connect")
                .put("protocolMapper", "oidc-audience-mapper");
        m.putObject("config").put("included.custom.audience", AUDIENCE).put("access.token.claim", "true")
                .put("id.token.claim", "false").put("introspection.token.claim", "true");
        return m;
    }

    /** The Keycloak id of an organization, or null when there is none of that name. */
    public String organizationId(String organization) throws IOException, InterruptedException {
        for (JsonNode o : realm("/organizations?exact=true&search=" + enc(organization))) {
            if (o.get("name").asText().equals(organization)) {
                return o.get("id").asText();
            }
        }
        return null;
    }

    /** A GET on the admin API whose answer must be 200. */
    public JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = call("GET", path, null);
        expect(r, 200, "GET " + path);
        return JSON.readTree(r.body());
    }

    /** An admin API call as the bootstrap admin. */
    public HttpResponse<String> call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + adminToken());
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public static String realmPath(String path) {
        return "/admin/realms/" + Identities.REALM + path;
    }

    private JsonNode realm(String path) throws IOException, InterruptedException {
        return get(realmPath(path));
    }

    /** An access token of Keycloak's bootstrap admin (master realm). */
    public synchronized String adminToken() throws IOException, InterruptedException {
        if (adminToken == null || System.currentTimeMillis() > adminTokenExpires) {
            String form = "grant_type=password&client_id=admin-cli&username=admin&password=" + enc(adminPassword);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/realms/master/protocol/openid-connect/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            expect(r, 200, "signing in as Keycloak's admin");
            JsonNode t = JSON.readTree(r.body());
            adminToken = t.get("access_token").asText();
            adminTokenExpires = System.currentTimeMillis() + (t.get("expires_in").asLong() - 10) * 1000;
        }
        return adminToken;
    }

    private static JsonNode single(JsonNode array, String what) {
        if (array.size() != 1) {
            throw new IllegalStateException("Keycloak has " + array.size() + " of " + what + ", expected one");
        }
        return array.get(0);
    }

    private static void expect(HttpResponse<String> r, int status, String what) throws IOException {
        if (r.statusCode() != status) {
            throw new IOException(what + " failed: Keycloak answered " + r.statusCode() + " " + r.body());
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
