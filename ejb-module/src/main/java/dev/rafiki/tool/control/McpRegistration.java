package dev.rafiki.tool.control;

import java.net.URI;
import java.util.Map;

/**
 * An MCP server that an agent profile registered for its own prompts, validated by the profile
 * (name, URL and headers). Unlike an operator's, its URL came from a user: every request to it is
 * judged by the outbound address rules first ({@link dev.rafiki.platform.net.OutboundTargets}).
 *
 * @param headers sent with every request; credentials, so shown to nobody
 */
public record McpRegistration(String name, URI url, McpServerConfig.Transport transport, Map<String, String> headers) {

    public McpRegistration {
        headers = Map.copyOf(headers);
    }

    /** What the log may show: no header values. */
    @Override
    public String toString() {
        return name + " " + url + " (" + McpServerConfig.wire(transport) + ", headers " + headers.keySet() + ")";
    }
}
