package dev.rafiki.stream.boundary;

import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Refuses WebSocket handshakes from browser pages whose origin is not allowed: a browser sends
 * its page's Origin and would otherwise let any site open a stream with the user's credentials.
 * Clients that send no Origin (backends, command-line tools) are not browsers and pass.
 */
public class OriginCheck extends ServerEndpointConfig.Configurator {

    /** {@code rafiki.cors.allowed-origins}: comma-separated origins, {@code *} for any; empty for none. */
    static Set<String> allowed() {
        var value = ConfigProvider.getConfig().getOptionalValue("rafiki.cors.allowed-origins", String.class).orElse("");
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    static boolean allows(Set<String> allowed, String origin) {
        return origin == null || origin.isBlank() || allowed.contains("*") || allowed.contains(origin.strip());
    }

    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return allows(allowed(), originHeaderValue);
    }
}
