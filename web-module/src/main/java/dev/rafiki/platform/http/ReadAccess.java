package dev.rafiki.platform.http;

import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The one rule for reading, on every read route and stream: a user reads their own data; an
 * administrator (the {@code admin} group on a full token, never on a stream token) reads anyone's.
 * Changes stay the caller's own, whoever they are. Whatever a caller may not read answers exactly
 * as if it did not exist (404), except an explicit {@code owner=} of someone else (403).
 */
public final class ReadAccess {

    private ReadAccess() {
    }

    public static boolean admin(BearerTokens.Caller caller) {
        return caller.inRole(Roles.ADMIN) && !caller.scoped();
    }

    /**
     * Whose data a read of one thing is: for an administrator its owner (found by {@code ownerOf},
     * the caller when it does not exist, so that the 404 is the caller's), else the caller.
     */
    public static String reader(String subject, boolean admin, UUID id, Function<UUID, Optional<String>> ownerOf) {
        return admin ? ownerOf.apply(id).orElse(subject) : subject;
    }

    /** {@code ?owner=}: an administrator lists another user's data; anyone else only their own. */
    public static String readerOf(String subject, boolean admin, String requested) {
        if (requested == null || requested.isBlank() || requested.equals(subject)) {
            return subject;
        }
        if (!admin) {
            throw new ApiException(ErrorCode.FORBIDDEN, "only administrators read other users' data");
        }
        return requested;
    }
}
