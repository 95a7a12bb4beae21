package dev.rafiki.platform.http;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.NotAuthorizedException;

/**
 * The caller of the current request, as the edge verified it from the Authorization header
 * ({@link BearerTokens}): what a resource injects to learn whose request it serves. Resources are
 * reached only by callers {@code @RolesAllowed} let through, so a request without one is a 401.
 * One instance: the request it reads is the current one (a request-scoped bean would be created
 * per request, which cost an echo prompt about 5 % of its CPU).
 */
@ApplicationScoped
public class CurrentCaller {

    @Inject
    HttpServletRequest request;

    public String subject() {
        return caller().subject();
    }

    public boolean admin() {
        return ReadAccess.admin(caller());
    }

    private BearerTokens.Caller caller() {
        var caller = BearerTokens.headerCaller(request);
        if (caller == null) {
            throw new NotAuthorizedException("Bearer");
        }
        return caller;
    }
}
