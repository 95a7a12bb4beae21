package dev.rafiki.profile.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.agent.control.ApprovalRule;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProfileSpecTest {

    static final ProfileSpec.Rules RULES = new ProfileSpec.Rules(
            Set.of("list_files", "read_file", "write_file", "run_shell"), model -> model.equals("echo") || model.startsWith("openai/"),
            50, 200);

    static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    static ProfileSpec.Request parse(String text) {
        return ProfileSpec.parse(json(text), RULES);
    }

    static ErrorCode refusal(String text) {
        return assertThrows(ApiException.class, () -> parse(text)).code();
    }

    @Test
    void aFullDefinitionIsReadAndSurvivesStorage() {
        var request = parse("""
                {"name":"reviewer","shared":false,"instructions":"Review the code.","model":"openai/gpt-4o-mini",
                 "temperature":0.2,"max_tokens":500,"tools":["read_file","list_files","read_file"],
                 "approval":{"write_file":"always","run_shell":"never"},
                 "limits":{"max_steps":4,"max_seconds":60,"max_tokens":10000},"output_schema":{"type":"object"}}""");

        assertEquals("reviewer", request.name());
        assertEquals(false, request.shared());
        var spec = request.spec();
        assertEquals("Review the code.", spec.instructions());
        assertEquals(0.2, spec.temperature());
        assertEquals(List.of("read_file", "list_files"), spec.tools(), "named once each, in the order given");
        assertEquals(Map.of("write_file", ApprovalRule.ALWAYS, "run_shell", ApprovalRule.NEVER), spec.approval());
        assertEquals(4, spec.maxSteps());
        assertEquals(10_000L, spec.maxPromptTokens());
        assertEquals(spec, ProfileSpec.fromJson(spec.toJson().toString()));
    }

    @Test
    void onlyANameIsRequiredAndTheRestMeansNoProfile() {
        var spec = parse("{\"name\":\"plain\"}").spec();

        assertEquals(ProfileSpec.NONE, spec);
        assertEquals(ProfileSpec.NONE, ProfileSpec.fromJson(spec.toJson().toString()));
        assertTrue(spec.allows("run_shell"), "no tools list: every tool");
    }

    @Test
    void anEmptyToolListAllowsNone() {
        var spec = parse("{\"name\":\"talker\",\"tools\":[]}").spec();

        assertFalse(spec.allows("read_file"));
        assertEquals(List.of(), ProfileSpec.fromJson(spec.toJson().toString()).tools());
    }

    @Test
    void anUnknownToolHasItsOwnCode() {
        assertEquals(ErrorCode.UNKNOWN_TOOL, refusal("{\"name\":\"a\",\"tools\":[\"read_file\",\"format_disk\"]}"));
        assertEquals(ErrorCode.UNKNOWN_TOOL, refusal("{\"name\":\"a\",\"approval\":{\"format_disk\":\"never\"}}"));
        var e = assertThrows(ApiException.class, () -> parse("{\"name\":\"a\",\"tools\":[\"format_disk\"]}"));
        assertEquals("format_disk", e.extensions().get("tool"));
        assertEquals(400, e.status());
    }

    @Test
    void approvalIsAlwaysNeverOrARuleOnArguments() {
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"a\",\"approval\":{\"write_file\":\"sometimes\"}}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"a\",\"approval\":{\"write_file\":true}}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"a\",\"approval\":[\"write_file\"]}"));
    }

    @Test
    void argumentRulesSurviveStorageAsGiven() {
        var spec = parse("""
                {"name":"a","approval":{"write_file":{"unless":{"path":"drafts/**"}},"read_file":{"if":{"path":"secrets/*"}},
                 "run_shell":"always"}}""").spec();

        assertEquals(ApprovalRule.Kind.UNLESS, spec.approval().get("write_file").kind());
        assertEquals(spec, ProfileSpec.fromJson(spec.toJson().toString()));
        assertEquals(json("""
                {"write_file":{"unless":{"path":"drafts/**"}},"read_file":{"if":{"path":"secrets/*"}},"run_shell":"always"}"""),
                spec.toJson().getJsonObject("approval"));
    }

    static String refusalDetail(String approval) {
        var e = assertThrows(ApiException.class, () -> parse("{\"name\":\"a\",\"approval\":" + approval + "}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, e.code(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aBadArgumentRuleIsRefusedNamingTheField() {
        assertEquals("""
                'approval.write_file': unknown key 'when'; a rule is "always", "never", {"if": {"<argument>": "<glob>"}} \
                or {"unless": {"<argument>": "<glob>"}}""", refusalDetail("""
                {"write_file":{"when":{"path":"x"}}}"""));
        assertEquals("'approval.write_file.unless.path' must be a glob string, e.g. \"drafts/**\"", refusalDetail("""
                {"write_file":{"unless":{"path":7}}}"""));
        assertEquals("'approval.write_file' must have exactly one of 'if' and 'unless'", refusalDetail("""
                {"write_file":{"if":{"path":"a"},"unless":{"path":"b"}}}"""));
        assertTrue(refusalDetail("""
                {"write_file":{"unless":{}}}""").startsWith("'approval.write_file.unless' must be an object"));
        assertTrue(refusalDetail("""
                {"write_file":{"unless":"drafts/**"}}""").startsWith("'approval.write_file.unless' must be an object"));
        assertTrue(refusalDetail("""
                {"write_file":{"unless":{"path":"/etc/**"}}}""").contains("relative"));
        assertTrue(refusalDetail("""
                {"write_file":{"unless":{"path":"drafts/../x"}}}""").contains("'..'"));
        assertTrue(refusalDetail("""
                {"write_file":{"unless":{"path":"drafts\\\\x"}}}""").contains("backslash"));
        assertTrue(refusalDetail("""
                {"write_file":{"unless":{"path":"a**"}}}""").contains("whole segment"));
        assertEquals(ErrorCode.UNKNOWN_TOOL, refusal("""
                {"name":"a","approval":{"format_disk":{"if":{"path":"x"}}}}"""));
    }

    @Test
    void oversizeTextIsTooLarge() {
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, refusal("{\"name\":\"a\",\"instructions\":\"" + "x".repeat(51) + "\"}"));
        assertEquals("x".repeat(50), parse("{\"name\":\"a\",\"instructions\":\"" + "x".repeat(50) + "\"}").spec().instructions());
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE,
                refusal("{\"name\":\"a\",\"output_schema\":{\"description\":\"" + "x".repeat(200) + "\"}}"));
    }

    @Test
    void namesAreShortWordsThatCannotBeTakenForIds() {
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"\"}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"two words\"}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"-dash\"}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"0b8f7e5a-1d2c-4f3e-9a8b-7c6d5e4f3a2b\"}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":12}"));
        assertEquals("code-review_2.1", parse("{\"name\":\"code-review_2.1\"}").name());
    }

    @Test
    void unknownFieldsAndWrongTypesAreRefused() {
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"a\",\"instruction\":\"typo\"}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"a\",\"limits\":{\"max_turns\":3}}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"a\",\"tools\":\"read_file\"}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"a\",\"shared\":\"yes\"}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"a\",\"model\":\"nope/x\"}"));
    }

    @Test
    void numbersAreBounded() {
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"a\",\"temperature\":2.5}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"a\",\"temperature\":-0.1}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"a\",\"max_tokens\":10.5}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"a\",\"max_tokens\":0}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"a\",\"limits\":{\"max_steps\":1e300}}"));
        assertEquals(ErrorCode.VALIDATION_FAILED, refusal("{\"name\":\"a\",\"limits\":{\"max_seconds\":\"60\"}}"));
        assertEquals(3, parse("{\"name\":\"a\",\"limits\":{\"max_steps\":3.0}}").spec().maxSteps());
    }

    @Test
    void aProfileLowersTheOperatorsLimitsButNeverRaisesThem() {
        assertEquals(5, ProfileSpec.lower(16, 5));
        assertEquals(16, ProfileSpec.lower(16, 500));
        assertEquals(16, ProfileSpec.lower(16, (Integer) null));
        assertEquals(600L, ProfileSpec.lower(600L, 86_400));
        assertNull(ProfileSpec.NONE.maxSteps());
    }

    /** The operator has a server "docs"; URLs on 10.x are refused as the address rules would. */
    static final ProfileSpec.Rules WITH_MCP = new ProfileSpec.Rules(RULES.tools(), RULES.knownModel(), 50, 200,
            Set.of("docs"), (field, url) -> url.contains("//10.") ? field + " must point at a public address" : null,
            List.of());

    static ProfileSpec.Request parseMcp(String text, ProfileSpec.Rules rules) {
        return ProfileSpec.parse(json(text), rules);
    }

    @Test
    void aProfileRegistersItsOwnMcpServersAndNamesTheirToolsUnlisted() {
        var spec = parseMcp("""
                {"name":"a","mcp_servers":[{"name":"notes","url":"https://mcp.example.com/mcp",
                 "headers":{"Authorization":"Bearer s3cret"}}],
                 "tools":["read_file","notes.search"],"approval":{"notes.delete":"always"}}""", WITH_MCP).spec();

        var server = spec.mcpServers().get(0);
        assertEquals("notes", server.name());
        assertEquals(java.net.URI.create("https://mcp.example.com/mcp"), server.url());
        assertEquals(dev.rafiki.tool.control.McpServerConfig.Transport.STREAMABLE_HTTP, server.transport());
        assertEquals(Map.of("Authorization", "Bearer s3cret"), server.headers());
        assertTrue(spec.allows("notes.search"));
        assertFalse(spec.allows("notes.delete"), "named by a rule, not allowed by tools");
        assertEquals(spec, ProfileSpec.fromJson(spec.toJson().toString()), "stored with its secrets");
        var shown = spec.mcpServersJson(true).toString();
        assertFalse(shown.contains("s3cret"), shown);
        assertTrue(shown.contains("\"Authorization\":\"[redacted]\""), shown);
        // without the server, its tools are unknown
        assertEquals(ErrorCode.UNKNOWN_TOOL, assertThrows(ApiException.class,
                () -> parseMcp("{\"name\":\"a\",\"tools\":[\"notes.search\"]}", WITH_MCP)).code());
    }

    @Test
    void aServerNamedLikeTheOperatorsOrAtARefusedUrlHasItsOwnCode() {
        assertEquals(ErrorCode.MCP_SERVER_NAME_TAKEN, assertThrows(ApiException.class, () -> parseMcp(
                "{\"name\":\"a\",\"mcp_servers\":[{\"name\":\"docs\",\"url\":\"https://x.example.com/mcp\"}]}",
                WITH_MCP)).code());
        var refused = assertThrows(ApiException.class, () -> parseMcp(
                "{\"name\":\"a\",\"mcp_servers\":[{\"name\":\"n\",\"url\":\"http://10.0.0.5/mcp\"}]}", WITH_MCP));
        assertEquals(ErrorCode.URL_NOT_ALLOWED, refused.code());
        assertTrue(refused.getMessage().contains("'mcp_servers[0].url'"), refused.getMessage());
    }

    @Test
    void badServerEntriesAreRefused() {
        for (var entry : List.of("{\"name\":\"Notes\",\"url\":\"https://x.example.com\"}",
                "{\"name\":\"a.b\",\"url\":\"https://x.example.com\"}",
                "{\"name\":\"" + "n".repeat(33) + "\",\"url\":\"https://x.example.com\"}",
                "{\"name\":\"n\"}",
                "{\"name\":\"n\",\"url\":\"https://x.example.com\",\"transport\":\"stdio\"}",
                "{\"name\":\"n\",\"url\":\"https://x.example.com\",\"headers\":{\"Host\":\"evil\"}}",
                "{\"name\":\"n\",\"url\":\"https://x.example.com\",\"headers\":{\"X-A\":\"a\\r\\nX-B: b\"}}",
                "{\"name\":\"n\",\"url\":\"https://x.example.com\",\"headers\":{\"X-A\":1}}",
                "{\"name\":\"n\",\"url\":\"https://x.example.com\",\"command\":\"rm\"}")) {
            var e = assertThrows(ApiException.class,
                    () -> parseMcp("{\"name\":\"a\",\"mcp_servers\":[" + entry + "]}", WITH_MCP), entry);
            assertEquals(ErrorCode.VALIDATION_FAILED, e.code(), entry + ": " + e.getMessage());
        }
        assertEquals(ErrorCode.VALIDATION_FAILED, assertThrows(ApiException.class, () -> parseMcp(
                "{\"name\":\"a\",\"mcp_servers\":[{\"name\":\"n\",\"url\":\"https://x.example.com\"},"
                        + "{\"name\":\"n\",\"url\":\"https://y.example.com\"}]}", WITH_MCP)).code());
    }

    @Test
    void aRedactedHeaderKeepsThePreviousValueOnlyForTheSameServerAtTheSameUrl() {
        var before = parseMcp("""
                {"name":"a","mcp_servers":[{"name":"notes","url":"https://mcp.example.com/mcp",
                 "headers":{"Authorization":"Bearer s3cret"}}]}""", WITH_MCP).spec().mcpServers();
        var replacing = new ProfileSpec.Rules(RULES.tools(), RULES.knownModel(), 50, 200, Set.of(), (f, u) -> null, before);

        var kept = parseMcp("""
                {"name":"a","mcp_servers":[{"name":"notes","url":"https://mcp.example.com/mcp",
                 "headers":{"authorization":"[redacted]","X-Tenant":"acme"}}]}""", replacing).spec().mcpServers().get(0);
        assertEquals(Map.of("authorization", "Bearer s3cret", "X-Tenant", "acme"), kept.headers());

        var moved = assertThrows(ApiException.class, () -> parseMcp("""
                {"name":"a","mcp_servers":[{"name":"notes","url":"https://elsewhere.example.com/mcp",
                 "headers":{"Authorization":"[redacted]"}}]}""", replacing));
        assertEquals(ErrorCode.VALIDATION_FAILED, moved.code(), "a secret never follows a server to another URL");
    }
}
