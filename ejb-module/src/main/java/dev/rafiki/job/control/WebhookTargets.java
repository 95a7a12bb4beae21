package dev.rafiki.job.control;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where Rafiki may POST. A webhook URL comes from a client, so without care it would let anyone
 * make the server call its own internal network (the model backend, cloud metadata services):
 * unless allowed by configuration, addresses that are not public are refused, both when the job
 * is submitted (literal addresses, localhost) and when each delivery resolves the host.
 */
public final class WebhookTargets {

    private WebhookTargets() {
    }

    /** @return why the URL is not acceptable, or null */
    public static String problem(String url, boolean allowPrivate) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "the webhook url is not a valid URI";
        }
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return "the webhook url must be http or https";
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return "the webhook url has no host";
        }
        if (uri.getRawUserInfo() != null) {
            return "the webhook url must not carry credentials";
        }
        if (allowPrivate) {
            return null;
        }
        var host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return "the webhook url must not point at this machine";
        }
        if (isLiteral(host)) {
            try {
                if (!isPublic(InetAddress.getByName(host))) {
                    return "the webhook url must point at a public address";
                }
            } catch (UnknownHostException e) {
                return "the webhook url has an invalid address";
            }
        }
        return null;
    }

    /** Resolves the host at delivery time: a name may point anywhere by then. */
    public static String resolvedProblem(URI uri, boolean allowPrivate) {
        if (allowPrivate) {
            return null;
        }
        try {
            for (var address : InetAddress.getAllByName(uri.getHost())) {
                if (!isPublic(address)) {
                    return "refused: " + uri.getHost() + " resolves to a non-public address";
                }
            }
            return null;
        } catch (UnknownHostException e) {
            return "unknown host " + uri.getHost();
        }
    }

    static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        var bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            return (bytes[0] & 0xfe) != 0xfc; // unique local fc00::/7
        }
        int first = bytes[0] & 0xff;
        int second = bytes[1] & 0xff;
        return first != 0 && !(first == 100 && second >= 64 && second < 128); // this network, carrier-grade NAT
    }

    private static boolean isLiteral(String host) {
        return host.startsWith("[") || host.matches("[0-9.]+") || host.contains(":");
    }
}
