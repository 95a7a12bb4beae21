package dev.rafiki.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class BrokerConfigTest {

    static final String CORE = "http://activemq.apache.org/schema/core";

    @TempDir
    Path temp;

    static Document parse(Path file) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    static Element only(Document xml, String name) {
        var elements = xml.getElementsByTagNameNS(CORE, name);
        assertEquals(1, elements.getLength(), "one <" + name + ">");
        return (Element) elements.item(0);
    }

    @Test
    void writesBrokerXmlIntoTheDirectoryCreatingIt() throws IOException {
        var directory = temp.resolve("a").resolve("broker");

        var file = BrokerConfig.write(directory, 0);

        assertEquals(directory.resolve("broker.xml"), file);
        assertTrue(Files.isRegularFile(file));
    }

    @Test
    void brokerIsPersistentWithKahaDbInsideTheDirectory() throws Exception {
        var directory = temp.resolve("broker");

        var xml = parse(BrokerConfig.write(directory, 0));

        assertEquals("beans", xml.getDocumentElement().getLocalName());
        var broker = only(xml, "broker");
        assertEquals("true", broker.getAttribute("persistent"));
        assertEquals("embedded", broker.getAttribute("brokerName"), "the adapter connects to vm://embedded");
        assertEquals(directory.toString(), broker.getAttribute("dataDirectory"));
        var kahaDb = Path.of(only(xml, "kahaDB").getAttribute("directory"));
        assertEquals(directory.resolve("kahadb"), kahaDb);
        assertTrue(kahaDb.startsWith(directory));
    }

    @Test
    void noTransportConnectorWithoutAPort() throws Exception {
        var xml = parse(BrokerConfig.write(temp, 0));

        assertEquals(0, xml.getElementsByTagNameNS(CORE, "transportConnector").getLength());
    }

    @Test
    void tcpConnectorOnTheGivenPort() throws Exception {
        var xml = parse(BrokerConfig.write(temp, 61617));

        var connector = only(xml, "transportConnector");
        assertEquals("tcp://0.0.0.0:61617", connector.getAttribute("uri"));
        assertEquals(only(xml, "broker"), connector.getParentNode().getParentNode());
    }

    @Test
    void rewritingReplacesTheConfiguration() throws Exception {
        BrokerConfig.write(temp, 61617);

        var xml = parse(BrokerConfig.write(temp, 0));

        assertEquals(0, xml.getElementsByTagNameNS(CORE, "transportConnector").getLength());
    }

    @Test
    void directoryWithXmlSpecialCharactersStaysValid() throws Exception {
        var directory = temp.resolve("R&D <\"test\">");

        var xml = parse(BrokerConfig.write(directory, 0));

        assertEquals(directory.toString(), only(xml, "broker").getAttribute("dataDirectory"));
    }
}
