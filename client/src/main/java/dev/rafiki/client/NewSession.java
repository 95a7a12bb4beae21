package dev.rafiki.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/** A session to create ({@code POST /session}); every member is optional. */
public record NewSession(String title, String model, String agent, Integer agentVersion, JsonObject metadata) {

    public static NewSession empty() {
        return new NewSession(null, null, null, null, null);
    }

    public static NewSession titled(String title) {
        return new NewSession(title, null, null, null, null);
    }

    public NewSession withModel(String name) {
        return new NewSession(title, name, agent, agentVersion, metadata);
    }

    /** Pin an agent profile (id or name), its latest version or {@code version} when given. */
    public NewSession withAgent(String profile, Integer version) {
        return new NewSession(title, model, profile, version, metadata);
    }

    public NewSession withMetadata(JsonObject value) {
        return new NewSession(title, model, agent, agentVersion, value);
    }

    JsonObject toJson() {
        var json = Json.createObjectBuilder();
        if (title != null) {
            json.add("title", title);
        }
        if (model != null) {
            json.add("model", model);
        }
        if (agent != null) {
            json.add("agent", agent);
        }
        if (agentVersion != null) {
            json.add("agent_version", agentVersion);
        }
        if (metadata != null) {
            json.add("metadata", metadata);
        }
        return json.build();
    }
}
