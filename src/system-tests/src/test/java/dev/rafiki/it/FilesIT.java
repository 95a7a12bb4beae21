package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.client.FileList;
import dev.rafiki.client.ListOptions;
import dev.rafiki.client.QueryRequest;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.client.RafikiException;
import dev.rafiki.client.SubmitRequest;
import dev.rafiki.client.WorkspaceFile;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.RafikiServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workspace files and signed links through the real server over HTTP: upload, list, download with
 * ETag and Range, delete; the tools' path rule (with the tools' own words); the upload limit and
 * the quota; other users; the agent reading an upload and writing a download; signed links that
 * open without a token and fail when expired, tampered, moved to another path or after the key
 * was rotated. Through the Java client; this class's own raw HTTP calls remain only where the wire
 * itself is tested (headers, conditional and ranged downloads, problem+json refusals, requests the
 * client cannot or would not send, signed links opened without a token).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FilesIT {

    static final long MAX_UPLOAD = 1_500_000; // above the 1 MiB JSON body limit: uploads have their own
    static final long QUOTA = 2_000_000;
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Longer than any one test here, so that no other test's workspace goes idle while it runs; the
     * sweep looks every 2 s. The retention test runs last, when most of this has passed already.
     */
    static final Duration RETENTION = Duration.ofSeconds(25);

    static RafikiServer server;
    static RafikiClient rafiki;
    static String token;
    /** A session whose workspace is left alone from the start, for the retention test. */
    static UUID abandoned;
    /** Where the client downloads files to read them. */
    @TempDir
    static Path downloads;

    @BeforeAll
    static void start() {
        server = RafikiServer.start("files", RafikiServer.env(
                "RAFIKI_FILES_MAX_UPLOAD_BYTES", Long.toString(MAX_UPLOAD),
                "RAFIKI_FILES_QUOTA_BYTES", Long.toString(QUOTA),
                "RAFIKI_FILES_IDLE_RETENTION", RETENTION.toString(),
                "RAFIKI_FILES_SWEEP_INTERVAL_SECONDS", "2"));
        token = server.tokenFor("files-user", "user");
        rafiki = RafikiClient.builder(server.base()).token(token).build();
        abandoned = createSession();
        upload(abandoned, "left.txt", new byte[] {1});
        answer(abandoned, "/tool write_file {\"path\":\"by-agent.txt\",\"content\":\"x\"}");
    }

    @AfterAll
    static void stop() {
        if (rafiki != null) {
            rafiki.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    // --- a raw client: uploads are bytes, downloads may be binary ---

    static HttpResponse<byte[]> send(String method, String path, byte[] body, String bearer, String... headers) {
        return send(method, URI.create(server.base() + path), body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body), bearer, headers);
    }

    static HttpResponse<byte[]> send(String method, URI uri, HttpRequest.BodyPublisher body, String bearer, String... headers) {
        var builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).method(method, body);
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        try {
            return CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + uri, e);
        }
    }

    static HttpResponse<byte[]> put(UUID session, String path, byte[] content) {
        return send("PUT", "/session/" + session + "/files/" + path, content, token, "Content-Type", "application/octet-stream");
    }

    static HttpResponse<byte[]> get(UUID session, String path, String... headers) {
        return send("GET", "/session/" + session + "/files/" + path, null, token, headers);
    }

    static JsonObject json(HttpResponse<byte[]> response) {
        try (var reader = Json.createReader(new java.io.StringReader(new String(response.body(), StandardCharsets.UTF_8)))) {
            return reader.readObject();
        }
    }

    static void assertProblem(int status, String code, HttpResponse<byte[]> response) {
        var text = new String(response.body(), StandardCharsets.UTF_8);
        assertEquals(status, response.statusCode(), text);
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), text);
        assertEquals(code, json(response).getString("code"), text);
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static byte[] random(int size, long seed) {
        var bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    // --- through the client ---

    static UUID createSession() {
        return rafiki.sessions().create().id();
    }

    static String answer(UUID session, String prompt) {
        return rafiki.query(QueryRequest.of(prompt).inSession(session)).answer();
    }

    /** Stores the file; the client fails unless the server answered 201. */
    static WorkspaceFile upload(UUID session, String path, byte[] content) {
        return rafiki.files().upload(session, path, content);
    }

    /** The file's bytes as {@code as} downloads them (each time to a new file: nothing cached). */
    static byte[] read(RafikiClient as, UUID session, String path) throws java.io.IOException {
        var target = downloads.resolve(UUID.randomUUID().toString());
        as.files().download(session, path, target);
        return Files.readAllBytes(target);
    }

    /** The paths on the first page of the workspace, by path. */
    static List<String> paths(UUID session) {
        return rafiki.files().list(session, ListOptions.first()).items().stream().map(WorkspaceFile::path).toList();
    }

    /** Every path, {@code options}' limit at a time, following the cursor; fails on a page larger than the limit. */
    static List<String> pages(UUID session, ListOptions options) {
        var all = new java.util.ArrayList<String>();
        String cursor = null;
        do {
            FileList page = rafiki.files().list(session, options.after(cursor));
            assertTrue(page.items().size() <= options.limit(), page.toString());
            page.items().forEach(f -> all.add(f.path()));
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    // --- the routes ---

    @Test
    void theListIsPagedByPathInBothDirections() {
        var session = createSession();
        var paths = List.of("a.txt", "b/c.txt", "b/d.txt", "e.txt", "f/g/h.txt");
        for (var path : paths) {
            upload(session, path, path.getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(paths, pages(session, ListOptions.limit(2)));
        var backward = new java.util.ArrayList<>(pages(session, ListOptions.limit(2).descending()));
        java.util.Collections.reverse(backward);
        assertEquals(paths, backward);
        var page = rafiki.files().list(session, ListOptions.limit(2));
        assertEquals("b/c.txt", page.nextCursor());
        assertEquals(paths.stream().mapToLong(String::length).sum(), page.usedBytes(),
                "used_bytes counts every file, not only the page's");
        // raw: an order the client cannot send, and the problem+json of a limit out of range
        assertProblem(400, "validation-failed", get(session, "?order=sideways"));
        assertProblem(400, "validation-failed", get(session, "?limit=201"));
    }

    @Test
    void uploadListDownloadWithEtagAndRangeThenDelete() throws Exception {
        var session = createSession();
        var content = random(1_200_000, 1); // larger than any JSON body may be
        var stored = upload(session, "data/blob.bin", content);
        assertEquals(sha256(content), stored.sha256());
        // raw: a JSON body over the limit is nothing the client would send
        assertProblem(413, "payload-too-large", send("POST", "/session", content, token, "Content-Type", "application/json"));

        var text = "hello, workspace\n".getBytes(StandardCharsets.UTF_8);
        upload(session, "notes/hello.txt", text);
        var listing = rafiki.files().list(session, ListOptions.first());
        var items = listing.items();
        assertEquals(List.of("data/blob.bin", "notes/hello.txt"), items.stream().map(WorkspaceFile::path).toList());
        var hello = items.get(1);
        assertEquals(text.length, hello.size());
        assertEquals(sha256(text), hello.sha256());
        assertTrue(hello.modifiedAt().isAfter(Instant.now().minusSeconds(300)));
        assertEquals(content.length + text.length, listing.usedBytes());
        assertEquals(QUOTA, listing.quotaBytes());

        // raw from here to the 416: the download's headers, conditional and ranged requests are the wire
        var download = get(session, "data/blob.bin");
        assertEquals(200, download.statusCode());
        assertArrayEquals(content, download.body());
        var etag = "\"" + sha256(content) + "\"";
        assertEquals(etag, download.headers().firstValue("ETag").orElseThrow());
        assertEquals("attachment; filename=\"blob.bin\"; filename*=UTF-8''blob.bin",
                download.headers().firstValue("Content-Disposition").orElseThrow());
        assertEquals("nosniff", download.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals("sandbox; default-src 'none'", download.headers().firstValue("Content-Security-Policy").orElseThrow());
        assertEquals("bytes", download.headers().firstValue("Accept-Ranges").orElseThrow());

        var notModified = get(session, "data/blob.bin", "If-None-Match", etag);
        assertEquals(304, notModified.statusCode());
        assertEquals(0, notModified.body().length);

        var range = get(session, "data/blob.bin", "Range", "bytes=1000-1999");
        assertEquals(206, range.statusCode());
        assertEquals("bytes 1000-1999/" + content.length, range.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(content, 1000, 2000), range.body());
        var suffix = get(session, "data/blob.bin", "Range", "bytes=-10");
        assertArrayEquals(Arrays.copyOfRange(content, content.length - 10, content.length), suffix.body());
        assertEquals(200, get(session, "data/blob.bin", "Range", "bytes=0-9", "If-Range", "\"stale\"").statusCode());
        var beyond = get(session, "data/blob.bin", "Range", "bytes=" + content.length + "-");
        assertProblem(416, "range-not-satisfiable", beyond);
        assertEquals("bytes */" + content.length, beyond.headers().firstValue("Content-Range").orElseThrow());

        // replaced whole: the new content, a new ETag
        var replaced = "v2".getBytes(StandardCharsets.UTF_8);
        upload(session, "notes/hello.txt", replaced);
        assertArrayEquals(replaced, read(rafiki, session, "notes/hello.txt"));
        // raw: a conditional request with the old ETag
        assertEquals(200, get(session, "notes/hello.txt", "If-None-Match", "\"" + sha256(text) + "\"").statusCode());

        rafiki.files().delete(session, "data/blob.bin");
        // raw: the refusals' problem+json, a second DELETE the client would count as done, a method the route lacks
        assertProblem(404, "not-found", get(session, "data/blob.bin"));
        assertProblem(404, "not-found", send("DELETE", "/session/" + session + "/files/data/blob.bin", null, token));
        assertProblem(404, "not-found", get(session, "notes"));
        var post = send("POST", "/session/" + session + "/files/notes/hello.txt", null, token);
        assertProblem(405, "method-not-allowed", post);
        assertEquals(List.of("notes/hello.txt"), paths(session));
    }

    @Test
    void everyRouteWantsAValidTokenButTheSignedLinks() throws Exception {
        var session = createSession();
        upload(session, "a.txt", new byte[] {1});
        // raw: requests without a token or with a forged one, and the 401s' problem+json
        for (var method : List.of("GET", "PUT", "DELETE")) {
            for (var bearer : new String[] {null, token.substring(0, token.length() - 4) + "AAAA"}) {
                var answer = send(method, "/session/" + session + "/files/a.txt", method.equals("PUT") ? new byte[] {2} : null, bearer);
                assertProblem(401, "unauthorized", answer);
            }
        }
        assertProblem(401, "unauthorized", send("GET", "/session/" + session + "/files", null, null));
        assertProblem(401, "unauthorized", send("POST", "/session/" + session + "/files/a.txt/link", null, null));
        assertArrayEquals(new byte[] {1}, read(rafiki, session, "a.txt"));
    }

    @Test
    void pathsTheToolsRefuseAreRefusedWithTheSameReason() throws Exception {
        var session = createSession();
        // the tool's own answer for the same path, word for word in the problem's detail
        var toolSays = answer(session, "/tool read_file {\"path\":\"../../dev-token\"}");
        // raw: paths as sent, encoded escapes included, which the client would encode again; the problem's detail
        var escapes = List.of("../../dev-token", "%2e%2e/%2e%2e/dev-token", "notes/%2E%2E/%2E%2E/%2E%2E/dev-token",
                "%2F" + server.dataDir().resolve("dev-token").toString().substring(1).replace("/", "%2F"));
        for (var path : escapes) {
            var uri = URI.create(server.base() + "/session/" + session + "/files/" + path);
            for (var method : List.of("GET", "PUT", "DELETE")) {
                var answer = send(method, uri, method.equals("PUT") ? HttpRequest.BodyPublishers.ofString("x")
                        : HttpRequest.BodyPublishers.noBody(), token);
                assertProblem(400, "path-not-allowed", answer);
                assertFalse(new String(answer.body(), StandardCharsets.UTF_8).contains(server.devToken().substring(0, 30)));
            }
        }
        var detail = json(get(session, "../../dev-token")).getString("detail");
        assertTrue(toolSays.contains(detail), "tool: " + toolSays + " / route: " + detail);
        assertFalse(Files.exists(server.dataDir().resolve("x")));

        // a symbolic link in the workspace, made by the agent's shell where it has one
        var workspace = server.dataDir().resolve("workspaces").resolve(session.toString());
        if (answer(session, "/tool run_shell {\"command\":\"true\"}").contains("not available")) {
            Files.createSymbolicLink(workspace.resolve("out"), server.dataDir());
        } else {
            answer(session, "/tool run_shell {\"command\":\"ln -s " + server.dataDir() + " out\"}");
        }
        assertTrue(Files.isSymbolicLink(workspace.resolve("out")));
        var linkSays = answer(session, "/tool read_file {\"path\":\"out/dev-token\"}");
        // raw: the problems' detail and content type
        for (var method : List.of("GET", "PUT", "DELETE")) {
            var answer = send(method, "/session/" + session + "/files/out/dev-token", method.equals("PUT") ? new byte[] {1} : null, token);
            assertProblem(400, "path-not-allowed", answer);
            assertTrue(linkSays.contains(json(answer).getString("detail")), linkSays + " / " + json(answer));
        }
        assertEquals(server.devToken(), Files.readString(server.dataDir().resolve("dev-token")).strip(), "untouched");
        assertProblem(400, "path-not-allowed", send("POST", "/session/" + session + "/files/out/dev-token/link", null, token));
        // the listing does not follow the link either
        assertTrue(paths(session).isEmpty());
    }

    @Test
    void theUploadLimitAndTheQuotaAreRefusedWith413AndTheirOwnCodes() throws Exception {
        var session = createSession();
        // raw: the refusals' problem+json and its members, and an upload without a declared length
        assertProblem(413, "payload-too-large", put(session, "big.bin", new byte[(int) MAX_UPLOAD + 1]));
        // without a declared length (chunked), cut off at the limit
        var chunked = send("PUT", URI.create(server.base() + "/session/" + session + "/files/big.bin"),
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[(int) MAX_UPLOAD + 100_000])), token);
        assertProblem(413, "payload-too-large", chunked);

        upload(session, "one.bin", random(1_400_000, 2));
        var over = put(session, "two.bin", random(700_000, 3));
        assertProblem(413, "quota-exceeded", over);
        assertEquals(QUOTA, json(over).getJsonNumber("quota_bytes").longValue());
        assertEquals(600_000, json(over).getJsonNumber("available_bytes").longValue());
        var overChunked = send("PUT", URI.create(server.base() + "/session/" + session + "/files/two.bin"),
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(random(700_000, 3))), token);
        assertProblem(413, "quota-exceeded", overChunked);
        assertEquals(List.of("one.bin"), paths(session));
        // replacing a file counts its new size only; what fits, fits
        upload(session, "one.bin", random(1_400_000, 4));
        upload(session, "two.bin", random(600_000, 5));
        // the refusals left nothing behind and the server still answers on the same footing
        assertEquals(QUOTA, rafiki.files().list(session, ListOptions.first()).usedBytes());
        try (var staging = Files.list(server.dataDir().resolve("workspaces/.incoming"))) {
            assertEquals(0, staging.count());
        }
    }

    @Test
    void anotherUsersSessionIsNotFoundAndAnAdministratorOnlyReads() throws Exception {
        var session = createSession();
        upload(session, "mine.txt", "mine".getBytes(StandardCharsets.UTF_8));
        var stranger = server.tokenFor("files-stranger", "user");
        // raw: each refusal's problem+json, exactly as for a session that does not exist
        var paths = List.of("", "/mine.txt", "/nothing.txt");
        for (var path : paths) {
            assertProblem(404, "not-found", send("GET", "/session/" + session + "/files" + path, null, stranger));
        }
        assertProblem(404, "not-found", send("PUT", "/session/" + session + "/files/mine.txt", new byte[] {1}, stranger));
        assertProblem(404, "not-found", send("DELETE", "/session/" + session + "/files/mine.txt", null, stranger));
        assertProblem(404, "not-found", send("POST", "/session/" + session + "/files/mine.txt/link", null, stranger));
        try (var strangers = RafikiClient.builder(server.base()).token(stranger).build()) {
            var missing = assertThrows(RafikiException.class,
                    () -> strangers.files().list(UUID.randomUUID(), ListOptions.first()));
            assertEquals("not-found", missing.code(), missing.getMessage());
        }

        var admin = server.tokenFor("files-admin", "user", "admin");
        try (var administrator = RafikiClient.builder(server.base()).token(admin).build()) {
            administrator.files().list(session, ListOptions.first());
            assertEquals("mine", new String(read(administrator, session, "mine.txt"), StandardCharsets.UTF_8));
        }
        // raw: the administrator's writes are refused with the same problem+json as a stranger's
        assertProblem(404, "not-found", send("PUT", "/session/" + session + "/files/mine.txt", new byte[] {1}, admin));
        assertProblem(404, "not-found", send("DELETE", "/session/" + session + "/files/mine.txt", null, admin));
        assertEquals("mine", new String(read(rafiki, session, "mine.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void theAgentReadsAnUploadAndItsOwnFileCanBeDownloaded() throws Exception {
        var session = createSession();
        upload(session, "in/question.txt", "What is 6 x 7?".getBytes(StandardCharsets.UTF_8));
        assertTrue(answer(session, "/tool read_file {\"path\":\"in/question.txt\"}").contains("What is 6 x 7?"));
        answer(session, "/tool write_file {\"path\":\"out/answer.txt\",\"content\":\"42\"}");
        assertEquals("42", new String(read(rafiki, session, "out/answer.txt"), StandardCharsets.UTF_8));
        assertEquals(List.of("in/question.txt", "out/answer.txt"), paths(session));
        // the agent rewrites it: the listing's hash follows
        answer(session, "/tool write_file {\"path\":\"out/answer.txt\",\"content\":\"forty-two\"}");
        var entry = rafiki.files().list(session, ListOptions.first()).items().get(1);
        assertEquals(9, entry.size());
        assertEquals("forty-two", new String(read(rafiki, session, "out/answer.txt"), StandardCharsets.UTF_8));
    }

    // --- signed links ---

    /** A link asked for with no body at all (no Content-Type either), which the client never sends. */
    static JsonObject linkWithoutBody(String route) {
        // an empty body declared as JSON would be malformed-json, as on every route
        var made = send("POST", route, null, token);
        assertEquals(201, made.statusCode(), new String(made.body(), StandardCharsets.UTF_8));
        return json(made);
    }

    /** The link opened as anyone would: no token, only the URL (raw: this is the signed links' wire). */
    static HttpResponse<byte[]> open(String url, String... headers) {
        return send("GET", URI.create(url), HttpRequest.BodyPublishers.noBody(), null, headers);
    }

    @Test
    void aSignedLinkOpensTheFileWithoutATokenAndNothingElse() throws Exception {
        var session = createSession();
        var content = "report body, å ✓".getBytes(StandardCharsets.UTF_8);
        upload(session, "out/my report.txt", content);
        upload(session, "out/secret.txt", "secret".getBytes(StandardCharsets.UTF_8));
        // raw: a link asked for without any body is made too (the client always sends a JSON object)
        var made = linkWithoutBody("/session/" + session + "/files/out/my%20report.txt/link");
        var url = made.getString("url");
        var expiresAt = Instant.parse(made.getString("expires_at"));
        assertTrue(expiresAt.isAfter(Instant.now().plusSeconds(3000)) && expiresAt.isBefore(Instant.now().plusSeconds(3700)), made.toString());
        assertTrue(url.startsWith(server.base() + "/signed/session/" + session + "/files/out/my%20report.txt?expires="), url);
        assertFalse(url.contains(token.substring(0, 20)));

        var opened = open(url, "Origin", "https://elsewhere.example");
        assertEquals(200, opened.statusCode());
        assertArrayEquals(content, opened.body());
        assertEquals("\"" + sha256(content) + "\"", opened.headers().firstValue("ETag").orElseThrow());
        assertTrue(opened.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment;"));
        assertEquals("nosniff", opened.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals("sandbox; default-src 'none'", opened.headers().firstValue("Content-Security-Policy").orElseThrow());
        assertTrue(opened.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), "no CORS for a foreign origin");
        assertEquals(206, open(url, "Range", "bytes=0-5").statusCode());
        assertEquals(304, open(url, "If-None-Match", "\"" + sha256(content) + "\"").statusCode());

        // tampered: the signature, the expiry, another file, another session, another route
        var signature = url.substring(url.indexOf("&signature=") + 11);
        var flipped = (signature.charAt(0) == 'A' ? "B" : "A") + signature.substring(1);
        long expires = Long.parseLong(url.replaceAll(".*expires=(\\d+).*", "$1"));
        var other = createSession();
        upload(other, "out/my report.txt", content);
        for (var forged : List.of(url.replace(signature, flipped), url.replace("expires=" + expires, "expires=" + (expires + 86_400)),
                url.replace("my%20report.txt", "secret.txt"), url.replace(session.toString(), other.toString()),
                url.replace("&signature=" + signature, ""),
                url.replace("/signed/session/" + session + "/files/out/my%20report.txt",
                        "/signed/session/" + session + "/files/out/../out/my%20report.txt"))) {
            var refused = open(forged);
            assertProblem(403, "link-invalid", refused);
            assertFalse(new String(refused.body(), StandardCharsets.UTF_8).contains("secret"));
        }
        // the signed route is no way around the token for anything else
        assertProblem(403, "link-invalid", open(server.base() + "/signed/session/" + session + "/files/out/secret.txt"));

        // a link to a file deleted since: the signature holds, the file does not
        rafiki.files().delete(session, "out/my report.txt");
        assertProblem(404, "not-found", open(url));
    }

    @Test
    void aSignedLinkExpires() {
        var session = createSession();
        upload(session, "a.txt", new byte[] {7});
        var made = rafiki.files().link(session, "a.txt", Duration.ofSeconds(1));
        var expiresAt = made.expiresAt();
        assertEquals(200, open(made.url()).statusCode());
        // the link is good up to and including its expiry second; the server's clock is this machine's
        Await.until("the link's expiry to pass", Duration.ofSeconds(10), Instant::now, now -> now.isAfter(expiresAt.plusSeconds(1)));
        assertProblem(410, "link-expired", open(made.url()));
        // raw: expiries no Duration can carry (a fraction, a string) and the problem+json of each refusal
        for (var ttl : List.of("0", "-5", "604801", "1.5", "\"60\"")) {
            var refused = send("POST", "/session/" + session + "/files/a.txt/link", ("{\"expires_in\":" + ttl + "}")
                    .getBytes(StandardCharsets.UTF_8), token, "Content-Type", "application/json");
            assertProblem(400, "validation-failed", refused);
        }
    }

    @Test
    void aSignedLinkToAnArtifactOpensItAndRotatingTheKeyRevokesEveryLink() throws Exception {
        var job = rafiki.jobs().submit(SubmitRequest.of("/tool save_artifact {\"name\":\"r.csv\",\"content\":\"a,b\\n1,2\\n\"}"))
                .id();
        var ended = rafiki.jobs().await(job, Duration.ofSeconds(90));
        assertEquals("completed", ended.status(), ended.toString());
        var artifactLink = rafiki.jobs().link(job, "r.csv", null).url();
        assertTrue(artifactLink.startsWith(server.base() + "/signed/jobs/" + job + "/artifacts/r.csv?"), artifactLink);
        var opened = open(artifactLink);
        assertEquals(200, opened.statusCode());
        assertEquals("a,b\n1,2\n", new String(opened.body(), StandardCharsets.UTF_8));
        assertEquals("attachment; filename=\"r.csv\"; filename*=UTF-8''r.csv", opened.headers().firstValue("Content-Disposition").orElseThrow());
        var stranger = server.tokenFor("files-stranger", "user");
        // raw: the refusals' problem+json
        assertProblem(404, "not-found", send("POST", "/jobs/" + job + "/artifacts/r.csv/link", null, stranger));
        assertProblem(404, "not-found", send("POST", "/jobs/" + job + "/artifacts/nothing.csv/link", null, token));
        assertProblem(403, "link-invalid", open(artifactLink.replace("r.csv?", "s.csv?")));

        var session = createSession();
        upload(session, "a.txt", new byte[] {7});
        var fileLink = rafiki.files().link(session, "a.txt", null).url();
        assertEquals(200, open(fileLink).statusCode());

        // rotation: a new key in the key file; every link made before stops working at once
        var keyFile = server.dataDir().resolve("links/hmac.key");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(random(32, 9)));
        assertProblem(403, "link-invalid", open(fileLink));
        assertProblem(403, "link-invalid", open(artifactLink));
        assertEquals(200, open(rafiki.files().link(session, "a.txt", null).url()).statusCode());

        // an unusable key fails closed: no link made, none accepted
        Files.writeString(keyFile, "short");
        // raw: the 503's problem+json, and no retry of it (the client would wait out a 503)
        assertProblem(503, "service-unavailable", send("POST", "/session/" + session + "/files/a.txt/link", null, token));
        assertProblem(403, "link-invalid", open(fileLink));
        Files.delete(keyFile);
        var fresh = rafiki.files().link(session, "a.txt", null).url();
        assertEquals(200, open(fresh).statusCode());
        assertTrue(Files.exists(keyFile));
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void aWorkspaceIdleLongerThanTheRetentionIsRemovedAndItsSessionStays() {
        var workspace = server.dataDir().resolve("workspaces").resolve(abandoned.toString());
        Await.until("the idle workspace to be removed", Duration.ofSeconds(300),
                () -> Files.exists(workspace.resolve("left.txt")), exists -> !exists);
        assertFalse(Files.exists(workspace.resolve("by-agent.txt")));
        assertEquals(abandoned, rafiki.sessions().get(abandoned).id(), "the session itself stays");
        assertTrue(paths(abandoned).isEmpty());
        upload(abandoned, "again.txt", new byte[] {2});
        // the agent works in the new, empty workspace
        assertTrue(answer(abandoned, "/tool list_files {}").contains("again.txt"));
        assertTrue(answer(abandoned, "/tool read_file {\"path\":\"left.txt\"}").contains("no such file"));
    }
}
