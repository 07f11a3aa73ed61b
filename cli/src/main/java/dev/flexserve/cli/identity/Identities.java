package dev.flexserve.cli.identity;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The installation's identities, kept in the state directory ({@code identity.json}, readable by its owner only):
 * where Keycloak runs, its bootstrap admin's password, and the secret of every organization's machine client
 * ({@code <organization>-<role>}), all generated on first start and never committed. {@code flexserve token}
 * reads it to hand out tokens; the platform writes it.
 */
public final class Identities {
    public static final String FILE = "identity.json";
    public static final String REALM = "flexserve";
    public static final Set<String> ROLES = Set.of("consumer", "owner", "operator");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path file;
    private final State state;

    /** What {@code identity.json} holds; {@code users} came with the console (absent in older state directories). */
    record State(@JsonProperty("url") String url, @JsonProperty("admin_password") String adminPassword,
                 @JsonProperty("clients") Map<String, String> clients, @JsonProperty("users") Map<String, User> users) {
        State {
            users = users == null ? new TreeMap<>() : new TreeMap<>(users);
        }
    }

    /**
     * A person who signs in to the console: a demo user of one organization with one realm role, named
     * {@code <organization>-<role>}, with a password generated on first start.
     */
    public record User(@JsonProperty("organization") String organization, @JsonProperty("role") String role,
                       @JsonProperty("password") String password) {
    }

    private Identities(Path file, State state) {
        this.file = file;
        this.state = state;
    }

    /** The identities of {@code stateDir}, created with a fresh admin password if there are none yet. */
    static Identities openOrCreate(Path stateDir, String url) throws IOException {
        Path file = stateDir.resolve(FILE);
        if (Files.exists(file)) {
            State s = JSON.readValue(file.toFile(), State.class);
            Identities ids = new Identities(file, new State(url, s.adminPassword(), new TreeMap<>(s.clients()), s.users()));
            ids.save();
            return ids;
        }
        Identities ids = new Identities(file, new State(url, newSecret(), new TreeMap<>(), null));
        ids.save();
        return ids;
    }

    /** The identities a running (or stopped) platform left in {@code stateDir}. */
    public static Identities read(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        try {
            State s = JSON.readValue(file.toFile(), State.class);
            return new Identities(file, new State(s.url(), s.adminPassword(), new TreeMap<>(s.clients()), s.users()));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new IllegalArgumentException("no FlexServe identities in " + stateDir + " (start the platform there with ./flexserve up)");
        }
    }

    public String url() {
        return state.url();
    }

    public String issuer() {
        return state.url() + "/realms/" + REALM;
    }

    String adminPassword() {
        return state.adminPassword();
    }

    /** The organizations with machine clients, sorted. */
    public Set<String> organizations() {
        Set<String> out = new TreeSet<>();
        for (String client : state.clients().keySet()) {
            for (String role : ROLES) {
                if (client.endsWith("-" + role)) {
                    out.add(client.substring(0, client.length() - role.length() - 1));
                }
            }
        }
        return out;
    }

    public static String clientId(String organization, String role) {
        return organization + "-" + role;
    }

    /** The secret of a machine client, generating (and saving) one for a new client. */
    synchronized String secretFor(String clientId) throws IOException {
        String s = state.clients().get(clientId);
        if (s == null) {
            s = newSecret();
            state.clients().put(clientId, s);
            save();
        }
        return s;
    }

    /** The console users, by username, sorted. */
    public Map<String, User> users() {
        return Map.copyOf(state.users());
    }

    /** The console user of {@code organization} for {@code role}, generating (and saving) its password when new. */
    synchronized User userFor(String organization, String role) throws IOException {
        String username = clientId(organization, role);
        User u = state.users().get(username);
        if (u == null) {
            u = new User(organization, role, newPassword());
            state.users().put(username, u);
            save();
        }
        return u;
    }

    /**
     * A fresh access token (client credentials) of {@code organization}'s machine client for {@code role}.
     *
     * @throws IllegalArgumentException for an organization or role this installation has no client for, or when no
     *                                  Keycloak answers at the recorded address
     */
    public String token(String organization, String role) throws IOException, InterruptedException {
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("unknown role '" + role + "' (roles: consumer, owner, operator)");
        }
        String clientId = clientId(organization, role);
        String secret = state.clients().get(clientId);
        if (secret == null) {
            if (!organizations().contains(organization)) {
                throw new IllegalArgumentException("unknown organization '" + organization + "' (organizations: "
                        + String.join(", ", organizations()) + ")");
            }
            throw new IllegalArgumentException("organization '" + organization + "' has no " + role + " client");
        }
        return fetchToken(issuer(), clientId, secret);
    }

    /** A client-credentials access token from the realm at {@code issuer}. */
    public static String fetchToken(String issuer, String clientId, String secret) throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc(secret);
        HttpRequest request = HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> r;
        try {
            r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IllegalArgumentException("no Keycloak is running at " + issuer + " (start the platform with ./flexserve up)");
        }
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() != 200 || !body.hasNonNull("access_token")) {
            throw new IOException("Keycloak refused a token for " + clientId + ": HTTP " + r.statusCode() + " "
                    + body.path("error_description").asText(r.body()));
        }
        return body.get("access_token").asText();
    }

    private void save() throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "." + FILE, ".tmp", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), state);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** 16 characters from an alphabet without look-alikes (about 90 bits), typed by a person at the login page. */
    static String newPassword() {
        String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
