package dev.rafiki.console.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.platform.http.BearerTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevTokenOfferTest {

    static final String ACCEPTED = "header.accepted.signature";

    @TempDir
    Path data;

    DevTokenOffer offer = new DevTokenOffer();

    @BeforeEach
    void developmentServer() throws Exception {
        offer.tokens = new BearerTokens() {
            @Override
            public Credentials of(java.security.Principal principal, String accessToken) {
                return ACCEPTED.equals(accessToken)
                        ? new Credentials(Source.QUERY, new Caller("dev", java.util.Set.of("user"), null, null), null)
                        : new Credentials(Source.QUERY, null, "bad signature");
            }
        };
        offer.settings = dev.rafiki.platform.config.Settings.defaults(ConsoleSettings.class);
        offer.issuer = "rafiki-dev";
        offer.node = dev.rafiki.platform.config.Settings.defaults(dev.rafiki.platform.config.NodeSettings.class);
        offer.node.dataDir = data.toString();
        Files.writeString(data.resolve("dev-token"), ACCEPTED + "\n");
    }

    @Test
    void aDevelopmentServerOffersItsTokenToAPageOnTheSameMachine() {
        assertEquals(Optional.of(ACCEPTED), offer.offer("127.0.0.1", "127.0.0.1", "127.0.0.1"));
        assertEquals(Optional.of(ACCEPTED), offer.offer("0:0:0:0:0:0:0:1", "::1", "localhost"));
        assertEquals(Optional.of(ACCEPTED), offer.offer("127.0.0.1", "127.0.0.1", "[::1]"));
    }

    @Test
    void switchedOffThereIsNoOffer() {
        offer.settings.offerDevToken = false;
        assertTrue(offer.offer("127.0.0.1", "127.0.0.1", "localhost").isEmpty());
    }

    @Test
    void anotherIssuerMeansAProductionConfigurationAndNoOffer() {
        offer.issuer = "https://idp.example";
        assertTrue(offer.offer("127.0.0.1", "127.0.0.1", "localhost").isEmpty());
        offer.issuer = "";
        assertTrue(offer.offer("127.0.0.1", "127.0.0.1", "localhost").isEmpty());
    }

    @Test
    void aTokenTheServerDoesNotAcceptIsNeverOffered() throws Exception {
        Files.writeString(data.resolve("dev-token"), "left.over.by-a-development-run");
        assertTrue(offer.offer("127.0.0.1", "127.0.0.1", "localhost").isEmpty());
        Files.delete(data.resolve("dev-token"));
        assertTrue(offer.offer("127.0.0.1", "127.0.0.1", "localhost").isEmpty());
        offer.node.dataDir = "\0";
        assertTrue(offer.offer("127.0.0.1", "127.0.0.1", "localhost").isEmpty());
    }

    @Test
    void otherMachinesAndRebindableNamesGetNothing() {
        assertTrue(offer.offer("10.0.0.7", "10.0.0.1", "10.0.0.1").isEmpty(), "another machine");
        assertTrue(offer.offer("127.0.0.1", "10.0.0.1", "localhost").isEmpty(), "arrived on an outside interface");
        assertTrue(offer.offer("127.0.0.1", "127.0.0.1", "evil.example").isEmpty(), "a name rebound to 127.0.0.1");
        assertTrue(offer.offer("127.0.0.1", "127.0.0.1", "127.0.0.1.nip.io").isEmpty());
        assertTrue(offer.offer("127.0.0.1", "127.0.0.1", null).isEmpty());
        assertTrue(offer.offer(null, "127.0.0.1", "localhost").isEmpty(), "a connection already gone");
    }

    @Test
    void onlyLiteralLoopbackAddressesCount() {
        assertTrue(DevTokenOffer.loopbackAddress("127.0.0.1"));
        assertTrue(DevTokenOffer.loopbackAddress("127.1.2.3"));
        assertTrue(DevTokenOffer.loopbackAddress("::ffff:127.0.0.1"));
        assertTrue(DevTokenOffer.loopbackAddress("0:0:0:0:0:0:0:1"));
        assertFalse(DevTokenOffer.loopbackAddress("localhost"), "a name, not an address");
        assertFalse(DevTokenOffer.loopbackAddress("128.0.0.1"));
        assertFalse(DevTokenOffer.loopbackAddress("::2"));
        assertFalse(DevTokenOffer.loopbackAddress(""));
    }
}
