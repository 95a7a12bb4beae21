package dev.rafiki.platform.problem;

import dev.rafiki.platform.log.LogFields;
import dev.rafiki.platform.edge.Cors;
import dev.rafiki.platform.http.RequestIds;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The error page for failures that happen before JAX-RS sees the request (authentication by the
 * container, for one), so they too answer {@code application/problem+json}.
 */
@WebServlet("/_problem")
public class ProblemServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(ProblemServlet.class.getName());

    @jakarta.inject.Inject
    dev.rafiki.platform.edge.EdgeSettings edge;

    private Cors cors;

    @Override
    public void init() {
        cors = Cors.of(edge);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        var statusAttr = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = statusAttr instanceof Integer s ? s : 404;
        // an error dispatch keeps the request's attributes: the id the edge filter gave it
        var requestId = RequestIds.assign(request);
        cors.decorate(request, response);
        var error = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (error != null) {
            LogFields.log(LOG, Level.SEVERE, "request failed", error, LogFields.REQUEST_ID, requestId);
        }
        var uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        ErrorCode code;
        String detail;
        switch (status) {
            case 401 -> {
                code = ErrorCode.UNAUTHORIZED;
                detail = "a valid bearer token is required";
                response.setHeader("WWW-Authenticate", "Bearer realm=\"rafiki\"");
            }
            case 403 -> {
                code = ErrorCode.FORBIDDEN;
                detail = "the token does not grant this";
            }
            case 404 -> {
                code = ErrorCode.NOT_FOUND;
                detail = "no resource at " + (uri == null ? "this address" : uri);
            }
            case 405, 501 -> {
                // 501: a servlet (the health checks) asked for a method HttpServlet does not know,
                // e.g. PATCH; the server did nothing wrong, the method is simply not allowed here
                status = 405;
                code = ErrorCode.METHOD_NOT_ALLOWED;
                detail = "method not supported here";
            }
            case 413 -> {
                code = ErrorCode.PAYLOAD_TOO_LARGE;
                detail = "the request is too large";
            }
            case 415 -> {
                code = ErrorCode.UNSUPPORTED_MEDIA_TYPE;
                detail = "send the request body as application/json";
            }
            case 400, 408, 411, 414, 431 -> {
                code = ErrorCode.VALIDATION_FAILED;
                detail = "the request was not understood";
            }
            default -> {
                status = 500;
                code = ErrorCode.INTERNAL_ERROR;
                detail = "an unexpected error occurred; quote request id " + requestId;
            }
        }
        response.setStatus(status);
        response.setContentType(Problems.MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("X-Request-Id", requestId);
        var body = Problems.body(status, code, detail, requestId, Map.of()).toString();
        // With its length declared: Grizzly leaves the framing of an answer to an Upgrade request
        // (a WebSocket handshake refused by MP-JWT) to the application, and without a length such
        // an error page could only end with the connection (found by TokenClaimsIT)
        response.setContentLength(body.getBytes(StandardCharsets.UTF_8).length);
        response.getWriter().write(body);
    }
}
