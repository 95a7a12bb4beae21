package dev.rafiki.client;

import dev.rafiki.client.Transport.Call;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * Agent profiles ({@code /agents}) and the tools they may name ({@code /tools}). A profile's
 * definition is given as the JSON the API takes ({@code name}, {@code instructions}, {@code
 * model}, {@code temperature}, {@code max_tokens}, {@code tools}, {@code approval}, {@code
 * limits}, {@code output_schema}, {@code shared}): every change is a new version.
 */
public final class Agents {

    private final Transport transport;

    Agents(Transport transport) {
        this.transport = transport;
    }

    /** {@code POST /agents}: version 1. Tried again only when the connection was refused. */
    public Agent create(JsonObject definition) {
        return transport.send(Call.post("/agents", definition.toString(), false).success(201), Agent.class);
    }

    /** Its latest version. */
    public Agent get(UUID id) {
        return transport.send(Call.get("/agents/" + id), Agent.class);
    }

    public Agent version(UUID id, int version) {
        return transport.send(Call.get("/agents/" + id + "/versions/" + version), Agent.class);
    }

    /** One page of the caller's and the shared profiles, oldest first unless {@code options} say otherwise. */
    public Page<Agent> list(ListOptions options) {
        return transport.send(options.applyTo(Call.get("/agents")), Transport.pageOf(Agent.class));
    }

    /** {@code PUT /agents/{id}}: the new definition as a new version; sessions pinned to an older one keep it. */
    public Agent replace(UUID id, JsonObject definition) {
        return transport.send(Call.method("PUT", "/agents/" + id, definition.toString(), true), Agent.class);
    }

    /** Hides it from new sessions and prompts; sessions pinned to it keep running with their version. */
    public void delete(UUID id) {
        transport.send(Call.method("DELETE", "/agents/" + id, null, true).success(204).successOnRetry(404));
    }

    /** {@code GET /tools}: the built-in tools and those of the configured MCP servers. */
    public List<Tool> tools() {
        Page<Tool> tools = transport.send(Call.get("/tools"), Transport.pageOf(Tool.class));
        return tools.items();
    }
}
