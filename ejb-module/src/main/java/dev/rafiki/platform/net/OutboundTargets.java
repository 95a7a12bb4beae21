package dev.rafiki.platform.net;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where Rafiki may send requests to a URL a client gave (a webhook, an MCP server of an agent
 * profile). Without care such a URL would let anyone make the server call its own internal network
 * (the model backend, cloud metadata services): every address is judged by
 * {@link SpecialPurposeAddresses}, both when the URL is accepted (literal addresses, localhost) and
 * each time a request resolves the host (a name may point anywhere by then). Private networks pass
 * only when configuration allows them; the other special-purpose ranges (documentation, broadcast,
 * multicast, reserved, ...) never do.
 */
public final class OutboundTargets {

    private OutboundTargets() {
    }

    /** @return why the webhook URL is not acceptable, or null */
    public static String problem(String url, boolean allowPrivate) {
        return problem("the webhook url", url, allowPrivate);
    }

    /**
     * @param what names the URL in the answer, e.g. "the webhook url"
     * @return why the URL is not acceptable, or null
     */
    public static String problem(String what, String url, boolean allowPrivate) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return what + " is not a valid URI";
        }
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return what + " must be http or https";
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return what + " has no host";
        }
        if (uri.getRawUserInfo() != null) {
            return what + " must not carry credentials";
        }
        var host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!allowPrivate && (host.equals("localhost") || host.endsWith(".localhost"))) {
            return what + " must not point at this machine";
        }
        if (isLiteral(host)) {
            try {
                var refused = refusal(InetAddress.getByName(host), allowPrivate);
                return refused == null ? null : what + " must point at a public address: " + refused;
            } catch (UnknownHostException e) {
                return what + " has an invalid address";
            }
        }
        return null;
    }

    /** Resolves the host at the moment of a request: a name may point anywhere by then. */
    public static String resolvedProblem(URI uri, boolean allowPrivate) {
        try {
            for (var address : InetAddress.getAllByName(uri.getHost())) {
                var refused = refusal(address, allowPrivate);
                if (refused != null) {
                    return "refused: " + uri.getHost() + " resolves to " + refused;
                }
            }
            return null;
        } catch (UnknownHostException e) {
            return "unknown host " + uri.getHost();
        }
    }

    /** @return why Rafiki must not send a request to the address, or null */
    static String refusal(InetAddress address, boolean allowPrivate) {
        var verdict = SpecialPurposeAddresses.of(address);
        return switch (verdict.kind()) {
            case PUBLIC -> null;
            case PRIVATE -> allowPrivate ? null : address.getHostAddress() + ", in " + verdict.block() + ", a private network";
            case NEVER -> address.getHostAddress() + ", in " + verdict.block() + ", which is never a receiver";
        };
    }

    private static boolean isLiteral(String host) {
        return host.startsWith("[") || host.matches("[0-9.]+") || host.contains(":");
    }
}
