package dev.rafiki.platform.edge;

import dev.rafiki.platform.log.LogFields;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One short line per refused token, at most {@code rafiki.log.refusals-per-minute} lines a minute
 * on a node; the next line written says how many were left out meanwhile. A flood of forged
 * tokens (each once cost 5 KB of stack trace) thus costs a bounded trickle of log, and an
 * operator still sees that tokens are refused, why (for those logged) and from where.
 */
final class RefusalLog {

    private static final Logger LOG = Logger.getLogger(RefusalLog.class.getName());
    private static final long MINUTE_MILLIS = 60_000;
    private static final int MAX_PATH = 120;

    private final int perMinute;
    private long windowStart = -1;
    private int written;
    private long leftOut;

    RefusalLog(int perMinute) {
        this.perMinute = perMinute;
    }

    /**
     * @return how many refusals were left out since the last line when this one is to be written,
     * or -1 when it is to be left out
     */
    synchronized long admit(long nowMillis) {
        if (windowStart < 0 || nowMillis - windowStart >= MINUTE_MILLIS || nowMillis < windowStart) { // a new minute, or the clock went back
            windowStart = nowMillis;
            written = 0;
        }
        if (written >= perMinute) {
            leftOut++;
            return -1;
        }
        written++;
        long skipped = leftOut;
        leftOut = 0;
        return skipped;
    }

    /**
     * @param reason computed only for the lines written (it may verify the token once more)
     * @param where  how the token came: the Authorization header or access_token
     */
    void refused(java.util.function.Supplier<String> reason, String where, String method, String path, String address,
                 String requestId) {
        if (!LOG.isLoggable(Level.INFO)) {
            return;
        }
        long skipped = admit(System.currentTimeMillis());
        if (skipped < 0) {
            return;
        }
        var shown = path == null ? "?" : path.length() > MAX_PATH ? path.substring(0, MAX_PATH) + "…" : path;
        LogFields.log(LOG, Level.INFO, "bearer token refused (" + reason.get() + ", " + where + "): " + method + " " + shown
                + " from " + address + (skipped > 0 ? "; " + skipped + " more refused since the last such line" : ""),
                null, LogFields.REQUEST_ID, requestId);
    }
}
