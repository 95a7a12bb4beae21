package dev.rafiki.platform.http;

import jakarta.annotation.Priority;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Enforces {@code @RolesAllowed}, {@code @PermitAll} and {@code @DenyAll} on resources with plain
 * Jakarta REST, whatever the container does. Payara installs its own check only when the REST
 * application happens to start inside a deployment: in the EAR on Payara Server it did not, and
 * every resource answered callers without a token or without the role (found by EarIT). The
 * token itself is verified at the edge ({@link BearerTokens}); this only reads the result.
 * No token: 401; a token without the role: 403. A method's annotation wins over its class's.
 */
@Provider
public class RolesAllowedCheck implements DynamicFeature {

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        var rule = rule(resource.getResourceMethod(), resource.getResourceClass());
        if (rule != null) {
            context.register(new Check(rule));
        }
    }

    /** The roles a method requires (empty: none may call it), or null when anyone may. */
    static List<String> rule(Method method, Class<?> resourceClass) {
        if (method.isAnnotationPresent(DenyAll.class)) {
            return List.of();
        }
        if (method.isAnnotationPresent(PermitAll.class)) {
            return null;
        }
        if (method.isAnnotationPresent(RolesAllowed.class)) {
            return List.of(method.getAnnotation(RolesAllowed.class).value());
        }
        if (resourceClass.isAnnotationPresent(DenyAll.class)) {
            return List.of();
        }
        if (resourceClass.isAnnotationPresent(RolesAllowed.class)) {
            return List.of(resourceClass.getAnnotation(RolesAllowed.class).value());
        }
        return null;
    }

    enum Verdict { ALLOWED, NO_CALLER, NOT_IN_ROLE }

    static Verdict check(List<String> roles, SecurityContext caller) {
        if (caller.getUserPrincipal() == null) {
            return Verdict.NO_CALLER;
        }
        return roles.stream().anyMatch(caller::isUserInRole) ? Verdict.ALLOWED : Verdict.NOT_IN_ROLE;
    }

    @Priority(Priorities.AUTHORIZATION)
    static final class Check implements ContainerRequestFilter {
        private final List<String> roles;

        Check(List<String> roles) {
            this.roles = roles;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            switch (check(roles, request.getSecurityContext())) {
                case NO_CALLER -> throw new NotAuthorizedException("Bearer");
                case NOT_IN_ROLE -> throw new ForbiddenException("the token does not grant this");
                case ALLOWED -> { }
            }
        }
    }
}
