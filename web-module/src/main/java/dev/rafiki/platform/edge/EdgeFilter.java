package dev.rafiki.platform.edge;

import dev.rafiki.platform.http.BearerTokens;
import dev.rafiki.platform.http.RequestIds;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.platform.problem.Problems;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * The public door, in front of every route (REST, SSE and WebSocket handshakes, unknown paths):
 * gives the request its id, answers CORS preflights and decorates answers for allowed pages,
 * takes a token from the caller's and the address's bucket for the route's class (reporting them
 * in the IETF RateLimit fields), refuses a bearer token that {@link BearerTokens} refuses, refuses
 * a WebSocket handshake without a valid caller before the upgrade, refuses bodies over
 * {@code rafiki.http.max-body-bytes}, answers OPTIONS only as a CORS preflight, and lets
 * WebSocket handshakes of pages of its own origin (the console) pass the origin check.
 * A servlet filter rather than a JAX-RS one, because WebSocket handshakes never reach JAX-RS.
 * <p>
 * <p>
 * The edge is where a request is authenticated: the Authorization header's token is verified here
 * ({@link BearerTokens}) and, when valid, becomes the request's user principal for everything
 * behind (Jakarta REST's {@code SecurityContext} and {@code @RolesAllowed}, the WebSocket
 * handshake's {@code getUserPrincipal}). A refused token is answered here, after it drew on its
 * address's rate budget, so a flood of forged tokens gets 429 like any flood.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class EdgeFilter extends HttpFilter {

    private static final Set<String> SOCKETS = Set.of("/ws", "/query_stream");
    /** The largest refused body read to keep its connection open. */
    private static final long DRAINED_BODY_BYTES = 64 * 1024;

    @Inject
    RateLimiter limiter;

    @Inject
    BearerTokens tokens;

    /** Routes with larger bodies than JSON (file uploads), told by their features. */
    @Inject
    jakarta.enterprise.inject.Instance<LargeBodies> largeBodies;

    private java.util.List<LargeBodies> large;

    @Inject
    EdgeSettings settings;

    private Cors cors;
    private long maxBodyBytes;
    private RefusalLog refusals;

    @Override
    public void init() {
        cors = Cors.of(settings);
        maxBodyBytes = settings.maxBodyBytes;
        large = largeBodies.stream().toList();
        refusals = new RefusalLog(settings.refusalsPerMinute);
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
                problem(request, response, ErrorCode.ORIGIN_NOT_ALLOWED, "this origin may not call the API", requestId, Map.of());
            }
            return;
        }
        cors.decorate(request, response);

        var method = request.getMethod();
        var path = request.getRequestURI().substring(request.getContextPath().length());
        var credentials = tokens.of(request);
        var address = remoteAddress(request);
        // first, so that every request counts, whatever is refused next: a forged token like no token
        var outcome = limit(method, path, credentials.valid() ? credentials.caller().subject() : null, address, response);
        if (!outcome.allowed()) {
            tooMany(request, response, outcome, requestId);
            return;
        }
        if (credentials.refused()) {
            refusals.refused(credentials::refusal, credentials.source() == BearerTokens.Source.HEADER ? "Authorization header"
                    : "access_token", method, path, address, requestId);
            unauthorized(request, response, requestId);
            return;
        }
        if ("GET".equals(method) && (SOCKETS.contains(path) || "/events".equals(path) && upgrade(request))) {
            // refused before the upgrade, with the answer an HTTP route gives (an upgraded socket
            // could only be closed, and one without the user group was left open and silent)
            if (!credentials.valid()) {
                unauthorized(request, response, requestId);
                return;
            }
            if (!credentials.caller().user()) {
                problem(request, response, ErrorCode.FORBIDDEN, "the token does not grant this", requestId, Map.of());
                return;
            }
        }

        long declared = request.getContentLengthLong();
        long maxBody = maxBody(method, path);
        if (declared > maxBody) {
            problem(request, response, ErrorCode.PAYLOAD_TOO_LARGE,
                    "the request body is larger than " + maxBody + " bytes", requestId, Map.of());
            return;
        }
        if ("HEAD".equals(method) && RouteClass.of("GET", path) == RouteClass.STREAM) {
            // a stream sends its headers with its first event, so HEAD would hang (found by FuzzIT)
            response.setHeader("Allow", "GET");
            problem(request, response, ErrorCode.METHOD_NOT_ALLOWED, "streams answer GET only", requestId, Map.of());
            return;
        }
        if ("OPTIONS".equals(method)) {
            notAPreflight(request, response, chain, path, requestId);
            return;
        }
        var encoding = request.getCharacterEncoding();
        if (encoding != null && !encoding.equalsIgnoreCase("UTF-8")) {
            // Bodies are read as UTF-8 whatever charset they declare (JSON is UTF-8), and so is
            // everything else from here on: Grizzly decodes even the query string with the body's
            // charset, and Payara's health servlet answered POST /health/ready?x=… declared as
            // UTF-16 with a 500 (found by FuzzIT)
            request.setCharacterEncoding("UTF-8");
        }
        HttpServletRequest forward = declared < 0 && maxBody > 0 ? new LimitedBody(request, maxBody) : request;
        if (credentials.valid() && credentials.source() == BearerTokens.Source.HEADER) {
            forward = new Authenticated(forward, credentials.caller());
        }
        chain.doFilter(SameOriginHandshake.applies(request) ? new SameOriginHandshake(forward) : forward, response);
    }

    private long maxBody(String method, String path) {
        for (var route : large) {
            long max = route.maxBytes(method, path);
            if (max >= 0) {
                return max;
            }
        }
        return maxBodyBytes;
    }

    private static boolean upgrade(HttpServletRequest request) {
        var upgrade = request.getHeader("Upgrade");
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    /** Takes a token for the request; sets the RateLimit fields. */
    private RateLimiter.Outcome limit(String method, String path, String user, String address, HttpServletResponse response) {
        var outcome = limiter.take(RouteClass.of(method, path), user, address);
        if (outcome.policies() != null) {
            response.setHeader("RateLimit-Policy", outcome.policies());
            response.setHeader("RateLimit", outcome.fields());
        }
        return outcome;
    }

    private static void tooMany(HttpServletRequest request, HttpServletResponse response, RateLimiter.Outcome outcome,
                                String requestId) throws IOException {
        response.setHeader("Retry-After", Long.toString(outcome.retryAfterSeconds()));
        problem(request, response, ErrorCode.RATE_LIMITED, "too many requests; retry in " + outcome.retryAfterSeconds()
                + " s", requestId, Map.of("retry_after", outcome.retryAfterSeconds()));
    }

    private static void unauthorized(HttpServletRequest request, HttpServletResponse response, String requestId) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"rafiki\"");
        problem(request, response, ErrorCode.UNAUTHORIZED, "a valid bearer token is required", requestId, Map.of());
    }

    /**
     * OPTIONS that is not a CORS preflight: the application would answer it with the methods a
     * route allows (Jersey even with a WADL description of the route, to anyone). The request runs
     * through the application only to learn that; the answer is 404 for an unknown route, else 405
     * with {@code Allow}.
     */
    private static void notAPreflight(HttpServletRequest request, HttpServletResponse response, FilterChain chain, String path,
                                      String requestId) throws IOException, ServletException {
        var probe = new AllowProbe(response);
        chain.doFilter(request, probe);
        if (probe.status == HttpServletResponse.SC_NOT_FOUND) {
            problem(request, response, ErrorCode.NOT_FOUND, "no resource at OPTIONS " + path, requestId, Map.of());
            return;
        }
        var allowed = probe.allowed();
        if (allowed != null) {
            response.setHeader("Allow", allowed);
        }
        problem(request, response, ErrorCode.METHOD_NOT_ALLOWED, "OPTIONS answers CORS preflights only", requestId, Map.of());
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

    private static void problem(HttpServletRequest request, HttpServletResponse response, ErrorCode code,
                                String detail, String requestId, Map<String, Object> extensions) throws IOException {
        int status = code.status();
        if (request.getContentLengthLong() != 0 && !"GET".equals(request.getMethod()) && !drained(request)) {
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

    /**
     * Reads and drops a small refused body, so that the connection stays open: closing a keep-alive
     * connection after each refusal of a storm of them is where Grizzly served a request whose
     * objects it was recycling (a 500 in one SecurityIT run, see docs/platform-notes.md). A large
     * or chunked body is not worth reading for a refusal.
     */
    private static boolean drained(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        if (declared < 0 || declared > DRAINED_BODY_BYTES) {
            return false;
        }
        try {
            request.getInputStream().skipNBytes(declared);
            return true;
        } catch (IOException | RuntimeException unreadable) {
            return false;
        }
    }

    /** Learns the status and the {@code Allow} header the application gives a request; writes nothing itself. */
    static final class AllowProbe extends HttpServletResponseWrapper {
        private static final ServletOutputStream DISCARD = new ServletOutputStream() {
            @Override
            public void write(int b) {
                // discarded
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                // never asynchronous
            }
        };
        int status = HttpServletResponse.SC_OK;
        private String allow;

        AllowProbe(HttpServletResponse response) {
            super(response);
        }

        /** @return the allowed methods but OPTIONS and TRACE (answered by nothing), or null when none were given */
        String allowed() {
            if (allow == null) {
                return null;
            }
            return java.util.Arrays.stream(allow.split(",")).map(String::strip)
                    .filter(m -> !m.isEmpty() && !m.equalsIgnoreCase("OPTIONS") && !m.equalsIgnoreCase("TRACE"))
                    .distinct().collect(java.util.stream.Collectors.joining(", "));
        }

        @Override
        public void setStatus(int sc) {
            status = sc;
        }

        @Override
        public int getStatus() {
            return status;
        }

        @Override
        public void sendError(int sc) {
            status = sc;
        }

        @Override
        public void sendError(int sc, String message) {
            status = sc;
        }

        @Override
        public void sendRedirect(String location) {
            status = HttpServletResponse.SC_FOUND;
        }

        @Override
        public void setHeader(String name, String value) {
            if ("Allow".equalsIgnoreCase(name)) {
                allow = value;
            }
        }

        @Override
        public void addHeader(String name, String value) {
            if ("Allow".equalsIgnoreCase(name)) {
                allow = allow == null ? value : allow + ", " + value;
            }
        }

        @Override
        public void setIntHeader(String name, int value) {
            // not the answer
        }

        @Override
        public void addIntHeader(String name, int value) {
            // not the answer
        }

        @Override
        public void setDateHeader(String name, long date) {
            // not the answer
        }

        @Override
        public void addDateHeader(String name, long date) {
            // not the answer
        }

        @Override
        public void setContentType(String type) {
            // not the answer
        }

        @Override
        public void setContentLength(int length) {
            // not the answer
        }

        @Override
        public void setContentLengthLong(long length) {
            // not the answer
        }

        @Override
        public void setCharacterEncoding(String charset) {
            // not the answer
        }

        @Override
        public void setLocale(java.util.Locale locale) {
            // not the answer
        }

        @Override
        public void setBufferSize(int size) {
            // not the answer
        }

        @Override
        public ServletOutputStream getOutputStream() {
            return DISCARD;
        }

        @Override
        public java.io.PrintWriter getWriter() {
            return new java.io.PrintWriter(java.io.Writer.nullWriter());
        }

        @Override
        public void flushBuffer() {
            // nothing to send
        }

        @Override
        public void reset() {
            status = HttpServletResponse.SC_OK;
            allow = null;
        }

        @Override
        public void resetBuffer() {
            // nothing buffered
        }

        @Override
        public boolean isCommitted() {
            return false;
        }
    }

    /**
     * A request whose Authorization header carried a valid token: its caller is the user principal,
     * its groups are the roles. An {@code access_token} parameter never becomes a principal: it is
     * good for the stream routes only, which read it themselves.
     */
    static final class Authenticated extends HttpServletRequestWrapper {
        private final BearerTokens.Caller caller;

        Authenticated(HttpServletRequest request, BearerTokens.Caller caller) {
            super(request);
            this.caller = caller;
        }

        @Override
        public java.security.Principal getUserPrincipal() {
            return caller;
        }

        @Override
        public String getRemoteUser() {
            return caller.subject();
        }

        @Override
        public boolean isUserInRole(String role) {
            return caller.inRole(role);
        }

        @Override
        public String getAuthType() {
            return "Bearer";
        }
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
                            throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE,
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
