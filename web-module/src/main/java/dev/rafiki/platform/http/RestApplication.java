package dev.rafiki.platform.http;

import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;
import org.eclipse.microprofile.auth.LoginConfig;

/**
 * The public API, at the root of the application. Callers authenticate with a MicroProfile JWT
 * bearer token; its {@code groups} claim carries the roles. {@code @ApplicationScoped} because
 * Payara otherwise cannot inject the token (PLATFORM-NOTES).
 */
@ApplicationPath("/")
@LoginConfig(authMethod = "MP-JWT")
@DeclareRoles({Roles.USER, Roles.ADMIN})
@ApplicationScoped
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
