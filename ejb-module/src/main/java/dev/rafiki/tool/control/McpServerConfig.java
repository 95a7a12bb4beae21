package dev.rafiki.tool.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One MCP server an operator registered: {@code rafiki.mcp.<name>.url} names it (as a system
 * property or in a config file; as {@code RAFIKI_MCP_<NAME>_URL} in the environment), the other
 * keys of {@code rafiki.mcp.<name>.} shape it.
 *
 * @param headers     sent with every request: {@code rafiki.mcp.<name>.headers.<Header>} keys, the
 *                    {@code Name: value} lines of {@code header-file} (a secrets directory), and
 *                    {@code bearer-token} (or {@code bearer-token-file}) as {@code Authorization}
 * @param callTimeout how long one {@code tools/call} may take before the model is told it failed
 * @param connectTimeout bounds connecting, {@code initialize} and {@code tools/list}
 */
public record McpServerConfig(String name, URI url, Transport transport, Map<String, String> headers,
                              Duration callTimeout, Duration connectTimeout) {

    public enum Transport { STREAMABLE_HTTP, SSE }

    /** Names become part of tool names ({@code <server>.<tool>}): no dot, and what an environment variable can say. */
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    private static final Pattern PROPERTY = Pattern.compile("rafiki\\.mcp\\.([^.]+)\\.url");
    private static final Pattern VARIABLE = Pattern.compile("RAFIKI_MCP_([A-Z0-9_]+)_URL");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    /** Headers the transport sets itself, or the HTTP client refuses: a registration may not send them. */
    static final java.util.Set<String> RESERVED_HEADERS = java.util.Set.of("accept", "connection", "content-length",
            "content-type", "expect", "host", "mcp-protocol-version", "mcp-session-id", "last-event-id", "upgrade");

    public McpServerConfig {
        headers = Map.copyOf(headers);
    }

    /** Whether a server name can be one: it becomes the first part of its tools' names. */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Whether a header can be sent as given: a token for a name, no line break in the value, none the transport owns. */
    public static boolean validHeader(String name, String value) {
        return HEADER_NAME.matcher(name).matches() && value.chars().noneMatch(c -> c == '\r' || c == '\n')
                && !RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT));
    }

    /** What the transport is called in configuration and in the API. */
    public static String wire(Transport transport) {
        return transport.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The transport a wire name means, or null. */
    public static Transport transport(String wire) {
        return switch (wire) {
            case "streamable-http" -> Transport.STREAMABLE_HTTP;
            case "sse" -> Transport.SSE;
            default -> null;
        };
    }

    /** The server names that a config's property names register, sorted. */
    static java.util.SortedSet<String> names(Iterable<String> propertyNames) {
        var names = new java.util.TreeSet<String>();
        for (var property : propertyNames) {
            var matcher = PROPERTY.matcher(property);
            if (matcher.matches()) {
                names.add(matcher.group(1));
                continue;
            }
            matcher = VARIABLE.matcher(property);
            if (matcher.matches()) {
                names.add(matcher.group(1).toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    /**
     * @param value a config lookup ({@code Config.getOptionalValue(key, String.class)}), which also
     *              finds a key's environment variable
     * @throws IllegalArgumentException for a setting that cannot work; the message says which
     */
    static McpServerConfig read(String name, Iterable<String> propertyNames, Function<String, Optional<String>> value) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("MCP server name '" + name + "' must be 1-32 lower-case letters, digits, "
                    + "'_' or '-', starting with a letter or digit");
        }
        var prefix = "rafiki.mcp." + name + ".";
        var url = URI.create(value.apply(prefix + "url").orElseThrow().trim());
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw new IllegalArgumentException(prefix + "url must be an http or https URL, not '" + url + "'");
        }
        var transport = transport(value.apply(prefix + "transport").orElse("streamable-http").trim());
        if (transport == null) {
            throw new IllegalArgumentException(prefix + "transport must be streamable-http or sse");
        }
        var headers = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
        var headerFile = value.apply(prefix + "header-file");
        if (headerFile.isPresent()) {
            headers.putAll(headerLines(Path.of(headerFile.get().trim())));
        }
        for (var property : propertyNames) {
            if (property.startsWith(prefix + "headers.")) {
                var header = property.substring((prefix + "headers.").length());
                header(headers, header, value.apply(property).orElse(""), property);
            }
        }
        var token = value.apply(prefix + "bearer-token").map(String::trim).filter(t -> !t.isEmpty())
                .or(() -> value.apply(prefix + "bearer-token-file").map(file -> read(Path.of(file.trim())).trim()));
        token.ifPresent(t -> headers.put("Authorization", "Bearer " + t));
        return new McpServerConfig(name, url, transport, new LinkedHashMap<>(headers),
                Duration.ofSeconds(seconds(value, prefix + "timeout-seconds", 60)),
                Duration.ofSeconds(seconds(value, prefix + "connect-timeout-seconds", 10)));
    }

    private static Map<String, String> headerLines(Path file) {
        var headers = new LinkedHashMap<String, String>();
        for (var line : read(file).split("\r?\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(file + ": a header line must read 'Name: value'");
            }
            header(headers, line.substring(0, colon).trim(), line.substring(colon + 1).trim(), file.toString());
        }
        return headers;
    }

    private static void header(Map<String, String> headers, String name, String value, String source) {
        if (!validHeader(name, value)) {
            throw new IllegalArgumentException(source + ": not a valid HTTP header, or one the transport sets itself");
        }
        headers.put(name, value);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static long seconds(Function<String, Optional<String>> value, String key, long fallback) {
        var seconds = value.apply(key).map(String::trim).map(Long::parseLong).orElse(fallback);
        if (seconds < 1) {
            throw new IllegalArgumentException(key + " must be at least 1");
        }
        return seconds;
    }

    /** What the log may show: no header values, which carry credentials. */
    @Override
    public String toString() {
        return name + " " + url + " (" + wire(transport) + ", headers "
                + headers.keySet() + ", call timeout " + callTimeout.toSeconds() + " s)";
    }
}
