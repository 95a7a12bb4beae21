package dev.rafiki.client;

import jakarta.json.Json;
import java.time.Duration;
import java.time.Instant;

/** A link that opens a file without a token until {@code expiresAt}. */
public record SignedLink(String url, Instant expiresAt) {

    /** The {@code POST …/link} of what {@code path} names; asking twice just makes a second link. */
    static Transport.Call request(String path, Duration expiresIn) {
        var body = Json.createObjectBuilder();
        if (expiresIn != null) {
            body.add("expires_in", expiresIn.toSeconds());
        }
        return Transport.Call.post(path + "/link", body.build().toString(), true).success(201);
    }
}
