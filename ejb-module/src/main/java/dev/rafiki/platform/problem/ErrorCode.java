package dev.rafiki.platform.problem;

import java.util.Locale;

/**
 * The stable error codes of the public API. The wire form (kebab case) is part of the contract:
 * it appears as the {@code code} member and at the end of the {@code type} URI of every problem.
 */
public enum ErrorCode {
    VALIDATION_FAILED(400, "Request validation failed"),
    MALFORMED_JSON(400, "Malformed JSON"),
    JSON_TOO_DEEP(400, "JSON nested too deeply"),
    JSON_NUMBER_TOO_LARGE(400, "JSON number too large"),
    JSON_DUPLICATE_KEY(400, "Duplicate key in a JSON object"),
    INVALID_RUN_AT(400, "Invalid run_at"),
    INVALID_CRON(400, "Invalid cron expression"),
    INVALID_TIMEZONE(400, "Invalid time zone"),
    CRON_TOO_FREQUENT(400, "Cron expression ticks too often"),
    SCHEDULE_LIMIT_REACHED(409, "Too many schedules or delayed jobs"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    NOT_ACCEPTABLE(406, "Not acceptable"),
    UNAUTHORIZED(401, "Authentication required"),
    FORBIDDEN(403, "Forbidden"),
    UNKNOWN_TOOL(400, "Unknown tool"),
    NOT_FOUND(404, "Not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    SESSION_BUSY(409, "Session busy"),
    IDEMPOTENCY_KEY_REUSED(409, "Idempotency key reused with a different request"),
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    RANGE_NOT_SATISFIABLE(416, "Range not satisfiable"),
    /** A workspace path the tools' rule refuses (absolute, leaving the workspace, through a symbolic link). */
    PATH_NOT_ALLOWED(400, "Path not allowed"),
    QUOTA_EXCEEDED(413, "Workspace quota exceeded"),
    /** A signed link whose signature does not match its path and expiry, or whose key is gone. */
    LINK_INVALID(403, "Invalid link"),
    LINK_EXPIRED(410, "Link expired"),
    QUEUE_FULL(409, "The session's queue is full"),
    /** A tool call that was already decided otherwise (or expired, or its prompt was stopped). */
    APPROVAL_DECIDED(409, "Tool call already decided"),
    AGENT_NAME_TAKEN(409, "Agent name already in use"),
    /** An agent profile's own MCP server named like one the operator registered. */
    MCP_SERVER_NAME_TAKEN(409, "MCP server name already in use"),
    /** A URL Rafiki would call that is this machine, a private network (unless allowed) or a special-purpose address. */
    URL_NOT_ALLOWED(400, "URL not allowed"),
    RATE_LIMITED(429, "Too many requests"),
    /** A user's or an agent profile's budget is spent until its window resets. */
    BUDGET_EXCEEDED(429, "Budget exceeded"),
    /** A prompt's answer that still did not follow its output schema after one corrected try. */
    OUTPUT_INVALID(422, "Answer does not match the output schema"),
    TOO_MANY_STREAMS(429, "Too many open streams"),
    ORIGIN_NOT_ALLOWED(403, "Origin not allowed"),
    SERVICE_UNAVAILABLE(503, "Service unavailable"),
    INTERNAL_ERROR(500, "Internal server error");

    private final int status;
    private final String title;

    ErrorCode(int status, String title) {
        this.status = status;
        this.title = title;
    }

    /** The HTTP status every answer with this code has: a code never travels with another. */
    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
