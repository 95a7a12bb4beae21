package dev.rafiki.platform.edge;

import dev.rafiki.platform.http.QueryTokens;
import dev.rafiki.platform.http.RequestIds;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.platform.problem.Problems;
import jakarta.inject.Inject;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The public door, in front of every route (REST, SSE and WebSocket handshakes, unknown paths):
 * gives the request its id, answers CORS preflights and decorates answers for allowed pages,
 * refuses bodies over {@code rafiki.http.max-body-bytes}, and takes a token from the caller's and
 * the address's bucket for the route's class, reporting them in the IETF RateLimit fields; lets
 * WebSocket handshakes of pages of its own origin (the console) pass the origin check.
 * A servlet filter rather than a JAX-RS one, because WebSocket handshakes never reach JAX-RS.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true, dispatcherTypes = DispatcherType.REQUEST)
public class EdgeFilter extends HttpFilter {

    @Inject
    RateLimiter limiter;

    @Inject
    QueryTokens tokens;

    private Cors cors;
    private long maxBodyBytes;

    @Override
    public void init() {
        var config = ConfigProvider.getConfig();
        cors = Cors.of(config);
        maxBodyBytes = config.getOptionalValue("rafiki.http.max-body-bytes", Long.class).orElse(1_048_576L);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        var requestId = RequestIds.assign(request);
        response.setHeader(RequestIds.HEADER, requestId);
        if (Cors.isPreflight(request)) {
            if (cors.allows(request.getHeader("Origin"))) {
                cors.preflight(request, response);
            } else {
                problem(request, response, 403, ErrorCode.ORIGIN_NOT_ALLOWED, "this origin may not call the API", requestId, Map.of());
            }
            return;
        }
        cors.decorate(request, response);

        if (request.getUserPrincipal() instanceof JsonWebToken jwt && notYetValid(jwt)) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"rafiki\"");
            problem(request, response, 401, ErrorCode.UNAUTHORIZED, "a valid bearer token is required", requestId, Map.of());
            return;
        }

        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            problem(request, response, 413, ErrorCode.PAYLOAD_TOO_LARGE,
                    "the request body is larger than " + maxBodyBytes + " bytes", requestId, Map.of());
            return;
        }

        var path = request.getRequestURI().substring(request.getContextPath().length());
        if ("HEAD".equals(request.getMethod()) && RouteClass.of("GET", path) == RouteClass.STREAM) {
            // a stream sends its headers with its first event, so HEAD would hang (found by FuzzIT)
            response.setHeader("Allow", "GET");
            problem(request, response, 405, ErrorCode.METHOD_NOT_ALLOWED, "streams answer GET only", requestId, Map.of());
            return;
        }
        var outcome = limiter.take(RouteClass.of(request.getMethod(), path), caller(request), remoteAddress(request));
        if (outcome.policies() != null) {
            response.setHeader("RateLimit-Policy", outcome.policies());
            response.setHeader("RateLimit", outcome.fields());
        }
        if (!outcome.allowed()) {
            response.setHeader("Retry-After", Long.toString(outcome.retryAfterSeconds()));
            problem(request, response, 429, ErrorCode.RATE_LIMITED, "too many requests; retry in " + outcome.retryAfterSeconds()
                    + " s", requestId, Map.of("retry_after", outcome.retryAfterSeconds()));
            return;
        }
        HttpServletRequest forward = declared < 0 && maxBodyBytes > 0 ? new LimitedBody(request, maxBodyBytes) : request;
        chain.doFilter(SameOriginHandshake.applies(request) ? new SameOriginHandshake(forward) : forward, response);
    }

    /**
     * Grizzly can lose a keep-alive connection's reference while a request on it is still being
     * served (getRemoteAddr then throws a NullPointerException, seen once under SecurityIT's
     * forged-token storm): such a request is limited by its user alone rather than failed.
     */
    private static String remoteAddress(HttpServletRequest request) {
        try {
            return request.getRemoteAddr();
        } catch (NullPointerException connectionGone) {
            return null;
        }
    }

    /**
     * Read from the raw query string, not with getParameter: that would consume a form POST's
     * body, and it throws (a 500, found by FuzzIT) when the request declares a charset such as
     * UTF-16 that the query string is not in.
     */
    static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (var pair : query.split("&")) {
            int equals = pair.indexOf('=');
            if ((equals < 0 ? pair : pair.substring(0, equals)).equals(name)) {
                try {
                    return java.net.URLDecoder.decode(equals < 0 ? "" : pair.substring(equals + 1), java.nio.charset.StandardCharsets.UTF_8);
                } catch (IllegalArgumentException malformed) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * Payara's MicroProfile JWT accepts a token before its {@code nbf} (found by SecurityIT), so
     * the not-before time is checked here, with the same 30 s of clock skew as for access_token.
     */
    static boolean notYetValid(JsonWebToken jwt) {
        Object nbf = jwt.getClaim("nbf");
        long notBefore;
        if (nbf instanceof Number number) {
            notBefore = number.longValue();
        } else if (nbf instanceof jakarta.json.JsonNumber number) {
            notBefore = number.longValue();
        } else {
            return false;
        }
        return notBefore > System.currentTimeMillis() / 1000 + 30;
    }

    /** The token's subject: from the header MicroProfile JWT verified, or a browser's access_token. */
    private String caller(HttpServletRequest request) {
        if (request.getUserPrincipal() instanceof JsonWebToken jwt && jwt.getSubject() != null) {
            return jwt.getSubject();
        }
        var parameter = queryParameter(request.getQueryString(), "access_token");
        return parameter == null ? null : tokens.caller(parameter).map(QueryTokens.Caller::subject).orElse(null);
    }

    private static void problem(HttpServletRequest request, HttpServletResponse response, int status, ErrorCode code,
                                String detail, String requestId, Map<String, Object> extensions) throws IOException {
        if (request.getContentLengthLong() != 0 && !"GET".equals(request.getMethod())) {
            // The body is left unread. Without this, Grizzly reused the connection for the client's
            // next request while still holding the unread body, and that request failed with a 500
            // (SecurityIT, POST right after a refused POST).
            response.setHeader("Connection", "close");
        }
        response.setStatus(status);
        response.setContentType(Problems.MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(Problems.body(status, code, detail, requestId, extensions).toString());
    }

    /** A body without a declared length (chunked) is cut off at the limit with a 413, never read whole. */
    static final class LimitedBody extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        LimitedBody(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                var in = super.getInputStream();
                stream = new ServletInputStream() {
                    long read;

                    private int count(int n) {
                        if (n > 0 && (read += n) > limit) {
                            throw new ApiException(413, ErrorCode.PAYLOAD_TOO_LARGE,
                                    "the request body is larger than " + limit + " bytes");
                        }
                        return n;
                    }

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0) {
                            count(1);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        return count(in.read(buffer, offset, length));
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }
    }
}
