package dev.rafiki.platform.http;

import dev.rafiki.platform.problem.ApiException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.UUID;

/**
 * Reads typed, validated fields out of a JSON request body or frame, with messages a client can
 * act on. The JSON itself was checked by {@link JsonInput} (no NUL, valid Unicode, bounded).
 */
public final class Bodies {

    private static final int MAX_METADATA_CHARS = 16_384;

    /** Only the canonical form: {@link UUID#fromString} also reads shorthand such as "1-2-3-4-5". */
    private static final java.util.regex.Pattern CANONICAL_UUID =
            java.util.regex.Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Bodies() {
    }

    /** Bodies are taken as any JSON value, so an array or a string gets a 400 rather than a failed dispatch. */
    public static JsonObject required(JsonValue body) {
        if (body == null || body.getValueType() != JsonValue.ValueType.OBJECT) {
            throw ApiException.invalid("the request body must be a JSON object");
        }
        return body.asJsonObject();
    }

    public static JsonObject optional(JsonValue body) {
        return body == null || body.getValueType() == JsonValue.ValueType.NULL ? JsonValue.EMPTY_JSON_OBJECT : required(body);
    }

    public static String string(JsonObject body, String field, boolean required, int maxLength) {
        var value = body.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            if (required) {
                throw ApiException.invalid("'" + field + "' is required");
            }
            return null;
        }
        if (!(value instanceof JsonString s)) {
            throw ApiException.invalid("'" + field + "' must be a string");
        }
        var text = s.getString();
        if (required && text.isBlank()) {
            throw ApiException.invalid("'" + field + "' must not be blank");
        }
        if (text.length() > maxLength) {
            throw new ApiException(dev.rafiki.platform.problem.ErrorCode.PAYLOAD_TOO_LARGE,
                    "'" + field + "' is longer than " + maxLength + " characters");
        }
        return text;
    }

    public static UUID uuid(JsonObject body, String field) {
        var text = string(body, field, false, Integer.MAX_VALUE);
        return text == null ? null : uuid(text, field);
    }

    public static UUID uuid(String text, String what) {
        if (!CANONICAL_UUID.matcher(text).matches()) {
            throw ApiException.invalid("'" + what + "' is not a valid id");
        }
        return UUID.fromString(text);
    }

    /** A whole number from 1 to {@link Integer#MAX_VALUE}, or null when absent. */
    public static Integer positiveInt(JsonObject body, String field) {
        var value = body.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        // compared as BigDecimal: JsonInput bounded the number's size, so nothing here can overflow
        if (!(value instanceof jakarta.json.JsonNumber number)
                || number.bigDecimalValue().compareTo(java.math.BigDecimal.ONE) < 0
                || number.bigDecimalValue().compareTo(java.math.BigDecimal.valueOf(Integer.MAX_VALUE)) > 0
                || number.bigDecimalValue().stripTrailingZeros().scale() > 0) {
            throw ApiException.invalid("'" + field + "' must be a whole number from 1 to " + Integer.MAX_VALUE);
        }
        return number.intValueExact();
    }

    /** A whole number from 0 to {@link Long#MAX_VALUE}, or null when absent. */
    public static Long nonNegativeLong(JsonObject body, String field) {
        var value = body.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        // compared as BigDecimal: JsonInput bounded the number's size, so nothing here can overflow
        if (!(value instanceof jakarta.json.JsonNumber number)
                || number.bigDecimalValue().signum() < 0
                || number.bigDecimalValue().compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0
                || number.bigDecimalValue().stripTrailingZeros().scale() > 0) {
            throw ApiException.invalid("'" + field + "' must be a whole number from 0 to " + Long.MAX_VALUE);
        }
        return number.longValueExact();
    }

    public static JsonObject object(JsonObject body, String field) {
        var value = body.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw ApiException.invalid("'" + field + "' must be a JSON object");
        }
        return value.asJsonObject();
    }

    /**
     * A client's {@code metadata}: any JSON object of at most 16 KiB (as written back), the same
     * rule wherever a body takes one (sessions, prompts, jobs); null when absent or null.
     */
    public static JsonObject metadata(JsonObject body) {
        var metadata = object(body, "metadata");
        if (metadata != null && metadata.toString().length() > MAX_METADATA_CHARS) {
            throw new ApiException(dev.rafiki.platform.problem.ErrorCode.PAYLOAD_TOO_LARGE,
                    "'metadata' is larger than 16 KiB");
        }
        return metadata;
    }

    /**
     * A body field naming a resource: a malformed id is answered like a well-formed one that names
     * nothing (404), as it is in a path, a query or a frame; only a value of the wrong JSON type is a 400.
     */
    public static UUID reference(JsonObject body, String field, String what) {
        var text = string(body, field, false, Integer.MAX_VALUE);
        return text == null ? null : pathId(text, what);
    }

    /** A path id; a malformed one cannot name anything, so it is reported as not found. */
    public static UUID pathId(String text, String what) {
        if (!CANONICAL_UUID.matcher(text).matches()) {
            throw ApiException.notFound(what + " " + text);
        }
        return UUID.fromString(text);
    }

    /**
     * A query parameter's free text, stripped, or null when blank. PostgreSQL refuses NUL in text:
     * that is the client's error, never a 500.
     */
    public static String queryText(String value, String name, int maxLength) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > maxLength) {
            throw ApiException.invalid(name + ": at most " + maxLength + " characters");
        }
        if (value.indexOf('\u0000') >= 0) {
            throw ApiException.invalid(name + " must not contain the NUL character (\\u0000)");
        }
        return value.strip();
    }

    /** A list's direction from {@code order=asc|desc}: true for newest (or last) first. */
    public static boolean descending(String order, boolean fallback) {
        if (order == null || order.isBlank()) {
            return fallback;
        }
        return switch (order.strip()) {
            case "desc" -> true;
            case "asc" -> false;
            default -> throw ApiException.invalid("'order' must be asc or desc");
        };
    }

    public static int limit(String text, int fallback, int max) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        var digits = text.strip();
        if (!digits.matches("\\d{1,9}") || Integer.parseInt(digits) < 1 || Integer.parseInt(digits) > max) {
            throw ApiException.invalid("'limit' must be a number between 1 and " + max);
        }
        return Integer.parseInt(digits);
    }
}
