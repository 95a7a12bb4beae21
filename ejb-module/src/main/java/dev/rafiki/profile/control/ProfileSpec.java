package dev.rafiki.profile.control;

import dev.rafiki.agent.control.ApprovalRule;
import dev.rafiki.agent.control.ApprovalRules;
import dev.rafiki.agent.control.OutputSchema;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.tool.control.McpRegistration;
import dev.rafiki.tool.control.McpServerConfig;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What one version of an agent profile says, validated. Absent fields mean "as without a
 * profile": no instructions, the session's model, every tool, the operator's limits.
 *
 * @param instructions    the system prompt sent to the model, or null
 * @param model           the model new sessions (and prompts naming the profile) use, or null
 * @param temperature     sampling temperature 0–2, or null for the provider's default
 * @param maxTokens       output tokens per model turn; can only lower {@code rafiki.model.max-tokens}
 * @param tools           the tools the model is offered and may call (built-in, and MCP tools as
 *                        {@code <server>.<tool>}); null: all built-in ones, no MCP tool
 * @param approval        per tool, its {@link ApprovalRule}: whether (or for which arguments) a call waits for
 *                        a person's decision
 * @param maxSteps        model turns per prompt; can only lower {@code rafiki.agent.max-steps}
 * @param maxSeconds      wall time per prompt; can only lower {@code rafiki.agent.max-seconds}
 * @param maxPromptTokens input plus output tokens per prompt, all turns counted
 * @param outputSchema    a JSON Schema the answer must follow (a request's own wins over it)
 * @param mcpServers      MCP servers of the profile's own, whose tools only its prompts may use
 *                        (named in {@code tools} like an operator's)
 */
public record ProfileSpec(String instructions, String model, Double temperature, Integer maxTokens, List<String> tools,
                          Map<String, ApprovalRule> approval, Integer maxSteps, Integer maxSeconds, Long maxPromptTokens,
                          JsonObject outputSchema, List<McpRegistration> mcpServers) {

    /** The profile without any of its fields set: behaves exactly like no profile. */
    public static final ProfileSpec NONE = new ProfileSpec(null, null, null, null, null, Map.of(), null, null, null, null,
            List.of());

    /** What a view shows for each header value of a profile's MCP server; sent back in a PUT, it keeps the value. */
    public static final String REDACTED = "[redacted]";

    /** How many MCP servers one profile may register, and how many headers each may carry. */
    static final int MAX_MCP_SERVERS = 8;
    static final int MAX_MCP_HEADERS = 16;

    /** An MCP tool's own name, as a profile may name it on one of its servers before it was ever listed. */
    public static final Pattern MCP_TOOL = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}");

    public ProfileSpec {
        mcpServers = mcpServers == null ? List.of() : List.copyOf(mcpServers);
    }

    /** Names may not look like ids: {@code agent} takes either. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    static final Pattern UUID_FORM = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

    static final Set<String> FIELDS = Set.of("name", "shared", "instructions", "model", "temperature", "max_tokens",
            "tools", "approval", "limits", "output_schema", "mcp_servers");
    static final Set<String> MCP_SERVER_FIELDS = Set.of("name", "url", "transport", "headers");
    static final Set<String> LIMIT_FIELDS = Set.of("max_steps", "max_seconds", "max_tokens");

    /**
     * What a profile may name, and how big it may be.
     *
     * @param tools        the tools that exist: the built-in ones and the MCP servers' known now
     * @param knownModel   whether a model name is one this server can run
     * @param maxInstructions longest instructions, in characters
     * @param maxSchemaChars  longest output schema, as JSON text
     * @param operatorServers the names of the operator's MCP servers, which a profile's own may not take
     * @param urlProblem      why an MCP server's URL (given its field name and the URL) may not be
     *                        called, or null
     * @param previous        the MCP servers of the version a replacement follows (empty for a new
     *                        profile): a redacted header value keeps theirs
     */
    public record Rules(Set<String> tools, Predicate<String> knownModel, int maxInstructions, int maxSchemaChars,
                        Set<String> operatorServers, java.util.function.BiFunction<String, String, String> urlProblem,
                        List<McpRegistration> previous) {

        /** Rules for a profile without MCP servers of its own to judge. */
        public Rules(Set<String> tools, Predicate<String> knownModel, int maxInstructions, int maxSchemaChars) {
            this(tools, knownModel, maxInstructions, maxSchemaChars, Set.of(), (field, url) -> null, List.of());
        }
    }

    /** A create or replace request: the profile's name, whether it is shared, and the definition. */
    public record Request(String name, Boolean shared, ProfileSpec spec) {
    }

    /** Reads and validates a request body; every refusal names the field. */
    public static Request parse(JsonObject body, Rules rules) {
        for (var key : body.keySet()) {
            if (!FIELDS.contains(key)) {
                throw ApiException.invalid("unknown field '" + key + "'; an agent has " + String.join(", ", sorted(FIELDS)));
            }
        }
        var name = string(body, "name", 100);
        if (name == null) {
            throw ApiException.invalid("'name' is required");
        }
        if (!NAME.matcher(name).matches() || UUID_FORM.matcher(name).matches()) {
            throw ApiException.invalid("'name' must be 1 to 100 letters, digits, '.', '_' or '-', start with a letter or "
                    + "digit, and not look like an id");
        }
        Boolean shared = null;
        var sharedValue = body.get("shared");
        if (sharedValue != null && sharedValue.getValueType() != JsonValue.ValueType.NULL) {
            if (sharedValue != JsonValue.TRUE && sharedValue != JsonValue.FALSE) {
                throw ApiException.invalid("'shared' must be true or false");
            }
            shared = sharedValue == JsonValue.TRUE;
        }
        var instructions = string(body, "instructions", rules.maxInstructions());
        var model = string(body, "model", 200);
        if (model != null && !rules.knownModel().test(model)) {
            throw ApiException.invalid("'model': unknown model '" + model + "'");
        }
        var temperature = number(body, "temperature", BigDecimal.ZERO, BigDecimal.valueOf(2), false);
        var maxTokens = number(body, "max_tokens", BigDecimal.ONE, BigDecimal.valueOf(1_000_000), true);
        var mcpServers = mcpServers(body, rules);
        var ownServers = mcpServers.stream().map(McpRegistration::name).collect(java.util.stream.Collectors.toSet());
        Predicate<String> known = tool -> rules.tools().contains(tool) || ownTool(tool, ownServers);
        var tools = tools(body, known, rules.tools(), ownServers);
        var approval = approval(body, known, rules.tools(), ownServers);
        var limits = object(body, "limits");
        Integer maxSteps = null;
        Integer maxSeconds = null;
        Long maxPromptTokens = null;
        if (limits != null) {
            for (var key : limits.keySet()) {
                if (!LIMIT_FIELDS.contains(key)) {
                    throw ApiException.invalid("unknown field 'limits." + key + "'; limits are "
                            + String.join(", ", sorted(LIMIT_FIELDS)));
                }
            }
            var steps = number(limits, "max_steps", BigDecimal.ONE, BigDecimal.valueOf(10_000), true);
            var seconds = number(limits, "max_seconds", BigDecimal.ONE, BigDecimal.valueOf(86_400), true);
            var tokens = number(limits, "max_tokens", BigDecimal.ONE, BigDecimal.valueOf(1_000_000_000_000L), true);
            maxSteps = steps == null ? null : steps.intValue();
            maxSeconds = seconds == null ? null : seconds.intValue();
            maxPromptTokens = tokens == null ? null : tokens.longValue();
        }
        var schema = object(body, "output_schema");
        outputSchema(schema, rules.maxSchemaChars());
        return new Request(name, shared, new ProfileSpec(instructions, model,
                temperature == null ? null : temperature.doubleValue(), maxTokens == null ? null : maxTokens.intValue(),
                tools, approval, maxSteps, maxSeconds, maxPromptTokens, schema, mcpServers));
    }

    /** A tool of one of the profile's own servers: those are not listed before the profile runs. */
    private static boolean ownTool(String tool, Set<String> ownServers) {
        int dot = tool.indexOf('.');
        return dot > 0 && ownServers.contains(tool.substring(0, dot)) && MCP_TOOL.matcher(tool.substring(dot + 1)).matches();
    }

    private static List<McpRegistration> mcpServers(JsonObject body, Rules rules) {
        var value = body.get("mcp_servers");
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw ApiException.invalid("'mcp_servers' must be an array of {name, url, transport?, headers?}");
        }
        if (array.size() > MAX_MCP_SERVERS) {
            throw ApiException.invalid("'mcp_servers' holds at most " + MAX_MCP_SERVERS + " servers");
        }
        var servers = new ArrayList<McpRegistration>();
        var names = new java.util.HashSet<String>();
        for (int i = 0; i < array.size(); i++) {
            var field = "mcp_servers[" + i + "]";
            if (array.get(i).getValueType() != JsonValue.ValueType.OBJECT) {
                throw ApiException.invalid("'" + field + "' must be an object {name, url, transport?, headers?}");
            }
            var server = array.getJsonObject(i);
            for (var key : server.keySet()) {
                if (!MCP_SERVER_FIELDS.contains(key)) {
                    throw ApiException.invalid("unknown field '" + field + "." + key + "'; a server has "
                            + String.join(", ", sorted(MCP_SERVER_FIELDS)));
                }
            }
            var name = string(server, "name", 200, field + ".name");
            if (!McpServerConfig.validName(name)) {
                throw ApiException.invalid("'" + field + ".name' must be 1-32 lower-case letters, digits, '_' or '-', "
                        + "starting with a letter or digit");
            }
            if (rules.operatorServers().contains(name)) {
                throw new ApiException(ErrorCode.MCP_SERVER_NAME_TAKEN, "'" + field + ".name': the operator registered an "
                        + "MCP server named '" + name + "'; its tools are named " + name + ".<tool> already",
                        Map.of("server", name));
            }
            if (!names.add(name)) {
                throw ApiException.invalid("'" + field + ".name': two servers are named '" + name + "'");
            }
            var url = string(server, "url", 2000, field + ".url");
            if (url == null) {
                throw ApiException.invalid("'" + field + ".url' is required");
            }
            var refused = rules.urlProblem().apply("'" + field + ".url'", url);
            if (refused != null) {
                throw new ApiException(ErrorCode.URL_NOT_ALLOWED, refused, Map.of("field", field + ".url"));
            }
            var transportName = string(server, "transport", 20, field + ".transport");
            var transport = McpServerConfig.transport(transportName == null ? "streamable-http" : transportName);
            if (transport == null) {
                throw ApiException.invalid("'" + field + ".transport' must be \"streamable-http\" or \"sse\"");
            }
            var uri = java.net.URI.create(url);
            servers.add(new McpRegistration(name, uri, transport, headers(server, field, name, uri, rules.previous())));
        }
        return List.copyOf(servers);
    }

    private static Map<String, String> headers(JsonObject server, String field, String name, java.net.URI url,
                                               List<McpRegistration> previous) {
        var given = object(server, "headers", field + ".headers");
        if (given == null) {
            return Map.of();
        }
        if (given.size() > MAX_MCP_HEADERS) {
            throw ApiException.invalid("'" + field + ".headers' holds at most " + MAX_MCP_HEADERS + " headers");
        }
        // a redacted value stands for the one the previous version sent to the same server at the same URL
        var before = previous.stream().filter(p -> p.name().equals(name) && p.url().equals(url)).findFirst()
                .map(McpRegistration::headers).orElse(Map.of());
        var headers = new java.util.TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
        for (var entry : given.entrySet()) {
            var header = field + ".headers." + shortened(entry.getKey());
            if (!(entry.getValue() instanceof JsonString text) || text.getString().length() > 8192) {
                throw ApiException.invalid("'" + header + "' must be a string of at most 8192 characters");
            }
            var value = text.getString();
            if (REDACTED.equals(value)) {
                value = before.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(entry.getKey()))
                        .map(Map.Entry::getValue).findFirst()
                        .orElseThrow(() -> ApiException.invalid("'" + header + "' is " + REDACTED + ", but the agent's "
                                + "latest version sends no such header to this server at this URL: send its value"));
            }
            if (!McpServerConfig.validHeader(entry.getKey(), value)) {
                throw ApiException.invalid("'" + header + "' is not a valid HTTP header, or one the transport sets itself");
            }
            if (headers.put(entry.getKey(), value) != null) {
                throw ApiException.invalid("'" + header + "' is given twice");
            }
        }
        return new LinkedHashMap<>(headers);
    }

    /**
     * Refuses an output schema (of a profile or a request) that is too long, or is no JSON Schema
     * the answer could be checked against.
     */
    public static void outputSchema(JsonObject schema, int maxChars) {
        if (schema == null) {
            return;
        }
        if (schema.toString().length() > maxChars) {
            throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "'output_schema' is longer than " + maxChars + " characters as JSON");
        }
        try {
            OutputSchema.of(schema);
        } catch (OutputSchema.InvalidSchema e) {
            throw ApiException.invalid("'output_schema': " + e.getMessage());
        }
    }

    /**
     * Whether the model may call this tool. An MCP server's tool ({@code <server>.<tool>}, the
     * only names with a dot) only when the profile names it: a server an operator registers for
     * some agents is not handed to every agent that kept the default.
     */
    public boolean allows(String tool) {
        return tools == null ? tool.indexOf('.') < 0 : tools.contains(tool);
    }

    /** The lower of the operator's limit and the profile's own: a profile can tighten, never loosen. */
    public static int lower(int operator, Integer profile) {
        return profile == null ? operator : Math.min(operator, profile);
    }

    public static long lower(long operator, Integer profile) {
        return profile == null ? operator : Math.min(operator, profile);
    }

    /** The canonical JSON form, as stored and as shown (with the profile's own fields around it). */
    public JsonObject toJson() {
        var json = Json.createObjectBuilder();
        if (instructions != null) {
            json.add("instructions", instructions);
        }
        if (model != null) {
            json.add("model", model);
        }
        if (temperature != null) {
            json.add("temperature", BigDecimal.valueOf(temperature));
        }
        if (maxTokens != null) {
            json.add("max_tokens", maxTokens);
        }
        if (tools != null) {
            var array = Json.createArrayBuilder();
            tools.forEach(array::add);
            json.add("tools", array);
        }
        json.add("approval", ApprovalRules.toJson(approval));
        var limits = Json.createObjectBuilder();
        if (maxSteps != null) {
            limits.add("max_steps", maxSteps);
        }
        if (maxSeconds != null) {
            limits.add("max_seconds", maxSeconds);
        }
        if (maxPromptTokens != null) {
            limits.add("max_tokens", maxPromptTokens);
        }
        json.add("limits", limits);
        if (outputSchema != null) {
            json.add("output_schema", outputSchema);
        }
        if (!mcpServers.isEmpty()) {
            json.add("mcp_servers", mcpServersJson(false));
        }
        return json.build();
    }

    /**
     * The profile's MCP servers as JSON; {@code redacted}: every header value replaced by
     * {@link #REDACTED}, as every view shows them (they are credentials).
     */
    public JsonArray mcpServersJson(boolean redacted) {
        var array = Json.createArrayBuilder();
        for (var server : mcpServers) {
            var headers = Json.createObjectBuilder();
            new java.util.TreeMap<>(server.headers()).forEach((name, value) -> headers.add(name, redacted ? REDACTED : value));
            array.add(Json.createObjectBuilder().add("name", server.name()).add("url", server.url().toString())
                    .add("transport", McpServerConfig.wire(server.transport())).add("headers", headers));
        }
        return array.build();
    }

    /** JSON text stored by this application (a definition, a schema), read back as the object it was. */
    public static JsonObject parseObject(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    /** A stored definition; it was validated when written, so it is read as it is. */
    public static ProfileSpec fromJson(String text) {
        var json = parseObject(text);
        var limits = json.containsKey("limits") ? json.getJsonObject("limits") : JsonValue.EMPTY_JSON_OBJECT;
        List<String> tools = null;
        if (json.containsKey("tools")) {
            tools = json.getJsonArray("tools").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
        }
        var approval = json.containsKey("approval") ? ApprovalRules.parse(json.getJsonObject("approval"), "approval", tool -> { })
                : Map.<String, ApprovalRule>of();
        return new ProfileSpec(json.getString("instructions", null), json.getString("model", null),
                json.containsKey("temperature") ? json.getJsonNumber("temperature").doubleValue() : null,
                json.containsKey("max_tokens") ? json.getInt("max_tokens") : null, tools, approval,
                limits.containsKey("max_steps") ? limits.getInt("max_steps") : null,
                limits.containsKey("max_seconds") ? limits.getInt("max_seconds") : null,
                limits.containsKey("max_tokens") ? limits.getJsonNumber("max_tokens").longValue() : null,
                json.containsKey("output_schema") ? json.getJsonObject("output_schema") : null,
                json.containsKey("mcp_servers") ? storedMcpServers(json.getJsonArray("mcp_servers")) : List.of());
    }

    private static List<McpRegistration> storedMcpServers(JsonArray array) {
        var servers = new ArrayList<McpRegistration>();
        for (var value : array) {
            var server = value.asJsonObject();
            var headers = new LinkedHashMap<String, String>();
            server.getJsonObject("headers").forEach((name, header) -> headers.put(name, ((JsonString) header).getString()));
            servers.add(new McpRegistration(server.getString("name"), java.net.URI.create(server.getString("url")),
                    McpServerConfig.transport(server.getString("transport")), headers));
        }
        return servers;
    }

    private static List<String> tools(JsonObject body, Predicate<String> known, Set<String> listed, Set<String> ownServers) {
        var value = body.get("tools");
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonArray array)) {
            throw ApiException.invalid("'tools' must be an array of tool names");
        }
        var names = new LinkedHashSet<String>();
        for (var item : array) {
            if (!(item instanceof JsonString s)) {
                throw ApiException.invalid("'tools' must be an array of tool names");
            }
            names.add(known(s.getString(), known, listed, ownServers, "tools"));
        }
        return List.copyOf(names);
    }

    private static Map<String, ApprovalRule> approval(JsonObject body, Predicate<String> known, Set<String> listed,
                                                      Set<String> ownServers) {
        var rules = object(body, "approval");
        if (rules == null) {
            return Map.of();
        }
        try {
            return ApprovalRules.parse(rules, "approval", tool -> known(tool, known, listed, ownServers, "approval"));
        } catch (ApprovalRule.Invalid e) {
            throw ApiException.invalid(e.getMessage());
        }
    }

    private static String known(String tool, Predicate<String> known, Set<String> listed, Set<String> ownServers,
                                String field) {
        if (!known.test(tool)) {
            var own = ownServers.isEmpty() ? "" : ", and <server>.<tool> on the agent's own MCP servers "
                    + String.join(", ", sorted(ownServers));
            throw new ApiException(ErrorCode.UNKNOWN_TOOL, "'" + field + "': no tool is called '"
                    + shortened(tool) + "'; the tools are " + String.join(", ", sorted(listed)) + own,
                    Map.of("tool", shortened(tool)));
        }
        return tool;
    }

    private static String string(JsonObject body, String field, int maxLength) {
        return string(body, field, maxLength, field);
    }

    private static String string(JsonObject body, String field, int maxLength, String label) {
        var value = body.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonString s)) {
            throw ApiException.invalid("'" + label + "' must be a string");
        }
        if (s.getString().length() > maxLength) {
            throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "'" + label + "' is longer than " + maxLength + " characters");
        }
        return s.getString();
    }

    private static JsonObject object(JsonObject body, String field) {
        return object(body, field, field);
    }

    private static JsonObject object(JsonObject body, String field, String label) {
        var value = body.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw ApiException.invalid("'" + label + "' must be a JSON object");
        }
        return value.asJsonObject();
    }

    private static BigDecimal number(JsonObject body, String field, BigDecimal min, BigDecimal max, boolean integral) {
        var value = body.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonNumber number)) {
            throw ApiException.invalid("'" + field + "' must be a number");
        }
        // compared as BigDecimal: the JSON reader bounded its size, and no conversion can overflow
        var decimal = number.bigDecimalValue();
        if (decimal.compareTo(min) < 0 || decimal.compareTo(max) > 0 || integral && decimal.stripTrailingZeros().scale() > 0) {
            throw ApiException.invalid("'" + field + "' must be " + (integral ? "a whole number" : "a number") + " from "
                    + min.toPlainString() + " to " + max.toPlainString());
        }
        return decimal;
    }

    private static String shortened(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }

    private static List<String> sorted(Set<String> names) {
        var list = new ArrayList<>(names);
        list.sort(null);
        return list;
    }
}
