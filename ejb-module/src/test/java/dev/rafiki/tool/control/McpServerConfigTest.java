package dev.rafiki.tool.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class McpServerConfigTest {

    @TempDir
    Path secrets;

    final Map<String, String> values = new HashMap<>();

    /** What MicroProfile Config does for a key: the property, else its environment variable. */
    Optional<String> lookup(String key) {
        if (values.containsKey(key)) {
            return Optional.of(values.get(key));
        }
        return Optional.ofNullable(values.get(key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase()));
    }

    McpServerConfig read(String name) {
        return McpServerConfig.read(name, values.keySet(), this::lookup);
    }

    @Test
    void serversAreNamedByPropertiesAndByEnvironmentVariables() {
        var names = McpServerConfig.names(List.of("rafiki.mcp.docs.url", "RAFIKI_MCP_GIT_HUB_URL", "rafiki.mcp.docs.timeout-seconds",
                "RAFIKI_MCP_DOCS_TIMEOUT_SECONDS", "rafiki.mcp.tools-ttl-seconds", "RAFIKI_PROVIDER_OPENAI_BASE_URL"));
        assertEquals(List.of("docs", "git_hub"), List.copyOf(names));
    }

    @Test
    void defaultsAndEnvironmentVariables() {
        values.put("RAFIKI_MCP_GIT_HUB_URL", "https://mcp.example/v1/mcp?x=1");
        values.put("RAFIKI_MCP_GIT_HUB_BEARER_TOKEN", " t0ken ");
        var server = read("git_hub");
        assertEquals("https://mcp.example/v1/mcp?x=1", server.url().toString());
        assertEquals(McpServerConfig.Transport.STREAMABLE_HTTP, server.transport());
        assertEquals(Map.of("Authorization", "Bearer t0ken"), server.headers());
        assertEquals(Duration.ofSeconds(60), server.callTimeout());
        assertEquals(Duration.ofSeconds(10), server.connectTimeout());
        assertFalse(server.toString().contains("t0ken"), server.toString());
    }

    @Test
    void headersFromPropertiesAndASecretsFile() throws Exception {
        var file = Files.writeString(secrets.resolve("docs"), "# comment\nX-Api-Key: k1\n\nX-Tenant: acme\n");
        var token = Files.writeString(secrets.resolve("token"), "from-file\n");
        values.put("rafiki.mcp.docs.url", "http://127.0.0.1:9/sse");
        values.put("rafiki.mcp.docs.transport", "sse");
        values.put("rafiki.mcp.docs.header-file", file.toString());
        values.put("rafiki.mcp.docs.headers.X-Tenant", "override");
        values.put("rafiki.mcp.docs.bearer-token-file", token.toString());
        values.put("rafiki.mcp.docs.timeout-seconds", "5");
        var server = read("docs");
        assertEquals(McpServerConfig.Transport.SSE, server.transport());
        assertEquals(Map.of("X-Api-Key", "k1", "X-Tenant", "override", "Authorization", "Bearer from-file"), server.headers());
        assertEquals(Duration.ofSeconds(5), server.callTimeout());
    }

    @Test
    void settingsThatCannotWorkAreRefusedWithTheKey() {
        values.put("rafiki.mcp.docs.url", "file:///etc/passwd");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> read("docs")).getMessage().contains("rafiki.mcp.docs.url"));
        values.put("rafiki.mcp.docs.url", "http://127.0.0.1:9/mcp");
        values.put("rafiki.mcp.docs.transport", "stdio");
        assertThrows(IllegalArgumentException.class, () -> read("docs"));
        values.remove("rafiki.mcp.docs.transport");
        values.put("rafiki.mcp.docs.headers.Bad Header", "x");
        assertThrows(IllegalArgumentException.class, () -> read("docs"));
        values.remove("rafiki.mcp.docs.headers.Bad Header");
        values.put("rafiki.mcp.docs.timeout-seconds", "0");
        assertThrows(IllegalArgumentException.class, () -> read("docs"));
        values.put("rafiki.mcp.Docs.url", "http://127.0.0.1:9/mcp");
        assertThrows(IllegalArgumentException.class, () -> read("Docs"));
    }
}
