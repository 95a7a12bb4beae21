package dev.rafiki.platform.http;

/** Roles, taken from the token's {@code groups} claim. */
public final class Roles {
    public static final String USER = "user";
    public static final String ADMIN = "admin";

    private Roles() {
    }
}
