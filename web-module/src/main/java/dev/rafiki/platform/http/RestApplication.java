package dev.rafiki.platform.http;

import jakarta.annotation.security.DeclareRoles;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;

/**
 * The public API, at the root of the application. Callers authenticate with a MicroProfile JWT
 * bearer token; its {@code groups} claim carries the roles. The edge verifies it
 * ({@link BearerTokens}), not the container: no {@code @LoginConfig}.
 */
@ApplicationPath("/")
@DeclareRoles({Roles.USER, Roles.ADMIN})
public class RestApplication extends Application {

    /**
     * Jersey describes every resource in WADL to anyone who asks, without a token
     * ({@code GET /application.wadl}, and as the body of every {@code OPTIONS}): off. The OpenAPI
     * document is the API's description.
     */
    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.wadl.disableWadl", true);
    }
}
