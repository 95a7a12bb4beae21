package dev.rafiki.platform.db;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The time as PostgreSQL keeps it, to the microsecond. A record answered from memory (the reply
 * to {@code POST /query}, an event) and the same record read back later must show the same
 * times; the JDBC driver would round finer ones, so they are never made.
 */
public final class DbTime {

    private DbTime() {
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
