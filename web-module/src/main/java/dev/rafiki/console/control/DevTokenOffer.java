package dev.rafiki.console.control;

import dev.rafiki.platform.config.NodeSettings;
import dev.rafiki.platform.http.BearerTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Offers the development token to the console, so that someone trying Rafiki on their own machine
 * signs in with one click. Fails closed: the token is offered only when every one of these holds,
 * and any doubt (a file that cannot be read, an address that cannot be parsed) means no offer.
 * <ol>
 * <li>{@code rafiki.console.offer-dev-token} is on (the default);</li>
 * <li>the server verifies tokens with the development issuer {@code rafiki-dev}: the launcher sets
 * it only when no production key is configured, and a production configuration names the issuer
 * of its identity provider;</li>
 * <li>{@code <rafiki.data.dir>/dev-token} holds a token this server accepts (signature by the
 * configured key, issuer, expiry, the {@code user} group): the launcher writes it only in
 * development mode, and a stale one left by a development run does not verify with a production
 * key;</li>
 * <li>the request came over loopback (both ends of the connection), and names a loopback host, so
 * that neither another machine nor a page of another site whose name was rebound to 127.0.0.1 (DNS
 * rebinding) gets it.</li>
 * </ol>
 */
@ApplicationScoped
public class DevTokenOffer {

    static final String DEVELOPMENT_ISSUER = "rafiki-dev";
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("(::ffff:)?127(\\.\\d{1,3}){3}", Pattern.CASE_INSENSITIVE);
    private static final Pattern IPV6_LOOPBACK = Pattern.compile("::1|(0{1,4}:){7}0{0,3}1");

    @Inject
    BearerTokens tokens;

    @Inject
    ConsoleSettings settings;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.issuer", defaultValue = "")
    String issuer;

    @Inject
    NodeSettings node;

    /** @return the development token, when it may be offered to this request */
    public Optional<String> offer(HttpServletRequest request) {
        return offer(request.getRemoteAddr(), request.getLocalAddr(), request.getServerName());
    }

    Optional<String> offer(String remote, String local, String host) {
        if (!settings.offerDevToken || !DEVELOPMENT_ISSUER.equals(issuer) || !onThisMachine(remote, local, host)) {
            return Optional.empty();
        }
        String token;
        try {
            token = Files.readString(Path.of(node.dataDir, "dev-token")).strip();
        } catch (IOException | InvalidPathException | SecurityException noToken) {
            return Optional.empty();
        }
        // offered only if this server accepts it as a user's token, by the rules of every route
        var credentials = tokens.of(null, token);
        return credentials.valid() && credentials.caller().user() ? Optional.of(token) : Optional.empty();
    }

    /** Both ends of the connection are loopback addresses and the page asked for a loopback name. */
    static boolean onThisMachine(String remote, String local, String host) {
        return loopbackAddress(remote) && loopbackAddress(local) && loopbackName(host);
    }

    static boolean loopbackName(String host) {
        return host != null && ("localhost".equalsIgnoreCase(host) || loopbackAddress(host));
    }

    /** A literal loopback address only: never a name, which would be looked up (and could be rebound). */
    static boolean loopbackAddress(String address) {
        if (address == null) {
            return false;
        }
        var literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        return IPV4_LOOPBACK.matcher(literal).matches() || IPV6_LOOPBACK.matcher(literal).matches();
    }
}
