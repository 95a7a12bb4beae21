package dev.rafiki.platform.problem;

import jakarta.ejb.ApplicationException;
import java.util.Map;

/**
 * A failure the client caused or must know about, carrying everything an
 * {@code application/problem+json} answer needs. Thrown from any layer; the web module maps it.
 * Rolls the transaction back, so a refused request never leaves half its writes behind.
 */
@ApplicationException(rollback = true)
public class ApiException extends RuntimeException {

    private final int status;
    private final ErrorCode code;
    private final Map<String, Object> extensions;

    public ApiException(ErrorCode code, String detail, Map<String, Object> extensions) {
        super(detail, null, false, false);
        this.status = code.status();
        this.code = code;
        this.extensions = Map.copyOf(extensions);
    }

    public ApiException(ErrorCode code, String detail) {
        this(code, detail, Map.of());
    }

    public static ApiException notFound(String what) {
        return new ApiException(ErrorCode.NOT_FOUND, what + " not found");
    }

    public static ApiException invalid(String detail) {
        return new ApiException(ErrorCode.VALIDATION_FAILED, detail);
    }

    public int status() {
        return status;
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }
}
