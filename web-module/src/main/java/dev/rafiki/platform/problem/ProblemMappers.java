package dev.rafiki.platform.problem;

import dev.rafiki.platform.http.RequestIds;
import dev.rafiki.platform.log.LogFields;
import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.sql.SQLException;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every failure leaves the API as {@code application/problem+json}; no stack trace ever does. */
public final class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class.getName());

    private ProblemMappers() {
    }

    @Provider
    public static class Api implements ExceptionMapper<ApiException> {
        @Context
        HttpServletRequest request;

        @Override
        public Response toResponse(ApiException e) {
            var problem = Problems.response(e.status(), e.code(), e.getMessage(), RequestIds.of(request), e.extensions());
            // a refusal that says when to come back says it in the header too, where clients and proxies look
            if (e.extensions().get("retry_after") instanceof Number seconds) {
                return Response.fromResponse(problem).header("Retry-After", Long.toString(seconds.longValue())).build();
            }
            return problem;
        }
    }

    @Provider
    public static class MalformedJson implements ExceptionMapper<JsonException> {
        @Context
        HttpServletRequest request;

        @Override
        public Response toResponse(JsonException e) {
            return Problems.response(ErrorCode.MALFORMED_JSON, "the request body is not valid JSON",
                    RequestIds.of(request), Map.of());
        }
    }

    @Provider
    public static class MalformedJsonb implements ExceptionMapper<JsonbException> {
        @Context
        HttpServletRequest request;

        @Override
        public Response toResponse(JsonbException e) {
            return Problems.response(ErrorCode.MALFORMED_JSON, "the request body is not valid JSON",
                    RequestIds.of(request), Map.of());
        }
    }

    /** The framework's own HTTP errors: unknown route, wrong method, wrong media type, ... */
    @Provider
    public static class Web implements ExceptionMapper<WebApplicationException> {
        @Context
        HttpServletRequest request;

        @Override
        public Response toResponse(WebApplicationException e) {
            int status = e.getResponse().getStatus();
            var requestId = RequestIds.of(request);
            if (status >= 500) {
                return Unexpected.fault(e, requestId);
            }
            var route = request.getMethod() + " " + request.getRequestURI();
            Response problem;
            if (e instanceof NotFoundException) {
                problem = Problems.response(ErrorCode.NOT_FOUND, "no resource at " + route, requestId, Map.of());
            } else if (e instanceof NotAllowedException) {
                var allowed = String.join(", ", e.getResponse().getAllowedMethods());
                problem = Response.fromResponse(Problems.response(ErrorCode.METHOD_NOT_ALLOWED,
                        route + " is not supported; allowed: " + allowed, requestId, Map.of()))
                        .header(HttpHeaders.ALLOW, allowed).build();
            } else if (e instanceof NotSupportedException) {
                problem = Problems.response(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                        "send the request body as application/json", requestId, Map.of());
            } else if (e instanceof NotAcceptableException) {
                problem = Problems.response(ErrorCode.NOT_ACCEPTABLE,
                        "this resource answers application/json", requestId, Map.of());
            } else if (e instanceof NotAuthorizedException) {
                problem = Response.fromResponse(Problems.response(ErrorCode.UNAUTHORIZED,
                        "a valid bearer token is required", requestId, Map.of()))
                        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"rafiki\"").build();
            } else if (e instanceof ForbiddenException) {
                problem = Problems.response(ErrorCode.FORBIDDEN, "the token does not grant this", requestId, Map.of());
            } else if (e instanceof ClientErrorException && status == 413) {
                problem = Problems.response(ErrorCode.PAYLOAD_TOO_LARGE, "the request body is too large", requestId, Map.of());
            } else if (isMalformedBody(e)) {
                problem = Problems.response(ErrorCode.MALFORMED_JSON, "the request body is not valid JSON", requestId, Map.of());
            } else {
                problem = Problems.response(status, ErrorCode.VALIDATION_FAILED, "the request was not accepted", requestId, Map.of());
            }
            return problem;
        }

        private static boolean isMalformedBody(Throwable e) {
            for (var cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof JsonException || cause instanceof JsonbException) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Anything else is a server fault: logged with the request id, answered without details. */
    @Provider
    public static class Unexpected implements ExceptionMapper<Throwable> {
        @Context
        HttpServletRequest request;

        @Override
        public Response toResponse(Throwable e) {
            var api = find(e, ApiException.class);
            if (api != null) {
                return Problems.response(api.status(), api.code(), api.getMessage(), RequestIds.of(request), api.extensions());
            }
            return fault(e, RequestIds.of(request));
        }

        static Response fault(Throwable e, String requestId) {
            if (find(e, SQLException.class) != null || find(e, jakarta.jms.JMSException.class) != null) {
                LogFields.log(LOG, Level.WARNING, "a backing service is unavailable", e, LogFields.REQUEST_ID, requestId);
                return Response.fromResponse(Problems.response(ErrorCode.SERVICE_UNAVAILABLE,
                        "a backing service is unavailable; retry shortly", requestId, Map.of()))
                        .header(HttpHeaders.RETRY_AFTER, "5").build();
            }
            LogFields.log(LOG, Level.SEVERE, "request failed", e, LogFields.REQUEST_ID, requestId);
            return Problems.response(ErrorCode.INTERNAL_ERROR,
                    "an unexpected error occurred; quote request id " + requestId, requestId, Map.of());
        }

        static <T extends Throwable> T find(Throwable e, Class<T> type) {
            for (var cause = e; cause != null; cause = cause.getCause()) {
                if (type.isInstance(cause)) {
                    return type.cast(cause);
                }
            }
            return null;
        }
    }
}
