package dev.rafiki.platform.http;

import static dev.rafiki.platform.http.RolesAllowedCheck.Verdict.ALLOWED;
import static dev.rafiki.platform.http.RolesAllowedCheck.Verdict.NOT_IN_ROLE;
import static dev.rafiki.platform.http.RolesAllowedCheck.Verdict.NO_CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RolesAllowedCheckTest {

    @RolesAllowed("user")
    static class UserResource {
        public void inherited() { }
        @PermitAll public void open() { }
        @RolesAllowed("admin") public void adminOnly() { }
        @DenyAll public void closed() { }
    }

    static class PlainResource {
        public void anything() { }
    }

    @Test
    void aMethodsAnnotationWinsOverItsClass() throws Exception {
        assertEquals(List.of("user"), RolesAllowedCheck.rule(UserResource.class.getMethod("inherited"), UserResource.class));
        assertNull(RolesAllowedCheck.rule(UserResource.class.getMethod("open"), UserResource.class));
        assertEquals(List.of("admin"), RolesAllowedCheck.rule(UserResource.class.getMethod("adminOnly"), UserResource.class));
        assertEquals(List.of(), RolesAllowedCheck.rule(UserResource.class.getMethod("closed"), UserResource.class));
        assertNull(RolesAllowedCheck.rule(PlainResource.class.getMethod("anything"), PlainResource.class));
    }

    @Test
    void noCallerIs401AndACallerWithoutTheRoleIs403() {
        assertEquals(NO_CALLER, RolesAllowedCheck.check(List.of("user"), caller(null)));
        assertEquals(NOT_IN_ROLE, RolesAllowedCheck.check(List.of("admin"), caller("bob", "user")));
        assertEquals(NOT_IN_ROLE, RolesAllowedCheck.check(List.of(), caller("bob", "user", "admin")));
        assertEquals(ALLOWED, RolesAllowedCheck.check(List.of("user", "admin"), caller("bob", "admin")));
    }

    static SecurityContext caller(String name, String... roles) {
        return new SecurityContext() {
            @Override public Principal getUserPrincipal() { return name == null ? null : () -> name; }
            @Override public boolean isUserInRole(String role) { return Set.of(roles).contains(role); }
            @Override public boolean isSecure() { return false; }
            @Override public String getAuthenticationScheme() { return name == null ? null : "MP-JWT"; }
        };
    }
}
