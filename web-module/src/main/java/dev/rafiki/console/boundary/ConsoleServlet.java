package dev.rafiki.console.boundary;

import dev.rafiki.console.control.DevTokenOffer;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /console/…}: the console's files from the WAR's {@code /console/} folder, and
 * {@code GET /console/dev-token}, the development-token offer. A servlet of its own because the
 * API's JAX-RS application is mapped to {@code /*}, which leaves the container's default servlet
 * nothing to serve, and because every file must carry the same strict headers: scripts, styles,
 * images and connections from this origin only, nothing inline, never framed.
 */
@WebServlet(urlPatterns = {"/console", "/console/*"})
public class ConsoleServlet extends HttpServlet {

    /**
     * {@code connect-src 'self'} also covers WebSockets to this host (CSP Level 3); {@code blob:}
     * images are artifact previews the page fetched with its token.
     */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=UTF-8",
            "js", "text/javascript;charset=UTF-8",
            "css", "text/css;charset=UTF-8",
            "svg", "image/svg+xml");

    /** Plain relative names only: no "..", no hidden files, nothing percent-encoded. */
    private static final Pattern FILE = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+");

    @Inject
    DevTokenOffer devToken;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        var path = request.getPathInfo();
        if (path == null) {
            // relative URLs in the page resolve against /console/, not /
            response.setHeader("Location", request.getContextPath() + "/console/");
            response.setStatus(HttpServletResponse.SC_MOVED_PERMANENTLY);
            return;
        }
        if ("/dev-token".equals(path)) {
            offer(request, response);
            return;
        }
        var file = "/".equals(path) ? "/index.html" : path;
        var type = type(file);
        byte[] body = null;
        if (type != null) {
            try (var in = getServletContext().getResourceAsStream("/console" + file)) {
                body = in == null ? null : in.readAllBytes();
            }
        }
        if (body == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        secure(response);
        // revalidated on every load, so a new deployment is seen at once; unchanged files cost a 304
        response.setHeader("Cache-Control", "no-cache");
        var etag = "\"" + sha256(body) + "\"";
        response.setHeader("ETag", etag);
        if (etag.equals(request.getHeader("If-None-Match"))) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setContentType(type);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** 200 with the token when the offer stands, else 204: a page without an offer shows the sign-in form only. */
    private void offer(HttpServletRequest request, HttpServletResponse response) throws IOException {
        secure(response);
        response.setHeader("Cache-Control", "no-store");
        var token = devToken.offer(request);
        if (token.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(Json.createObjectBuilder().add("token", token.get()).build().toString());
    }

    static void secure(HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    }

    /** @return the media type of a console file, or null for a name the console does not serve */
    static String type(String file) {
        if (!FILE.matcher(file).matches()) {
            return null;
        }
        int dot = file.lastIndexOf('.');
        return dot < 0 ? null : TYPES.get(file.substring(dot + 1));
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
