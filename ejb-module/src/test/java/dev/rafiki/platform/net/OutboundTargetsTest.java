package dev.rafiki.platform.net;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundTargetsTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:8080/hook", "http://127.0.0.1/hook", "http://10.1.2.3/hook",
            "http://192.168.0.10/hook", "http://172.16.5.5/hook", "http://169.254.169.254/latest/meta-data",
            "http://[::1]/hook", "http://[fd00::1]/hook", "http://100.64.0.1/hook", "http://[::ffff:127.0.0.1]/hook",
            "http://api.localhost/hook"})
    void internalAddressesAreRefusedUnlessAllowed(String url) {
        assertNotNull(OutboundTargets.problem(url, false), url);
        assertNull(OutboundTargets.problem(url, true), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://255.255.255.255/hook", "http://192.0.2.1/hook", "http://0.0.0.0/hook",
            "http://198.51.100.7/hook", "http://203.0.113.1/hook", "http://224.0.0.1/hook", "http://[2001:db8::1]/hook",
            "http://[ff02::1]/hook", "http://[::]/hook", "http://[2002:c000:201::1]/hook", "http://[64:ff9b::c000:201]/hook"})
    void specialPurposeAddressesThatAreNoNetworkAreRefusedEvenWhenPrivateOnesAreAllowed(String url) {
        assertNotNull(OutboundTargets.problem(url, false), url);
        assertNotNull(OutboundTargets.problem(url, true), url);
    }

    @Test
    void aNameIsJudgedByTheAddressesItResolvesTo() {
        assertNotNull(OutboundTargets.resolvedProblem(java.net.URI.create("http://localhost:9/hook"), false));
        assertNull(OutboundTargets.resolvedProblem(java.net.URI.create("http://localhost:9/hook"), true));
        assertNotNull(OutboundTargets.resolvedProblem(java.net.URI.create("http://192.0.2.1/hook"), true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/hook", "file:///etc/passwd", "http:///nohost", "not a url",
            "https://user:pass@example.com/hook", "javascript:alert(1)"})
    void onlyPlainHttpUrlsWithAHostAreAccepted(String url) {
        assertNotNull(OutboundTargets.problem(url, true), url);
    }

    @Test
    void publicTargetsAreAccepted() {
        assertNull(OutboundTargets.problem("https://hooks.example.com/rafiki?x=1", false));
        assertNull(OutboundTargets.problem("https://93.184.216.34/hook", false));
    }
}
