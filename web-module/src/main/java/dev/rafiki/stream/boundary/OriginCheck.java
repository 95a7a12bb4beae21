package dev.rafiki.stream.boundary;

import dev.rafiki.platform.edge.Cors;
import dev.rafiki.platform.edge.EdgeSettings;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Set;

/**
 * Refuses WebSocket handshakes from browser pages whose origin is not allowed: a browser sends
 * its page's Origin and would otherwise let any site open a stream with the user's credentials.
 * Clients that send no Origin (backends, command-line tools) are not browsers and pass.
 */
public class OriginCheck extends ServerEndpointConfig.Configurator {

    /**
     * {@code rafiki.cors.allowed-origins}. Looked up, not injected: the WebSocket container builds
     * configurators itself; the dependent settings object is released at once.
     */
    static Set<String> allowed() {
        var lookup = CDI.current().select(EdgeSettings.class);
        var settings = lookup.get();
        try {
            return Cors.origins(settings.corsAllowedOrigins.orElse(""));
        } finally {
            lookup.destroy(settings);
        }
    }

    static boolean allows(Set<String> allowed, String origin) {
        return origin == null || origin.isBlank() || allowed.contains("*") || allowed.contains(origin.strip());
    }

    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return allows(allowed(), originHeaderValue);
    }
}
