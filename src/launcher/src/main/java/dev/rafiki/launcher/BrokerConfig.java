package dev.rafiki.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded ActiveMQ broker's configuration: persistent (KahaDB in the data directory), so
 * accepted work survives restarts and crashes; optionally reachable over TCP by other nodes.
 */
final class BrokerConfig {

    private BrokerConfig() {
    }

    static Path write(Path directory, int tcpPort) throws IOException {
        Files.createDirectories(directory);
        var connectors = tcpPort > 0
                ? "    <transportConnectors>\n      <transportConnector name=\"tcp\" uri=\"tcp://0.0.0.0:" + tcpPort + "\"/>\n    </transportConnectors>\n"
                : "";
        var xml = """
                <beans xmlns="http://www.springframework.org/schema/beans"
                       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd
                                           http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
                  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="embedded" persistent="true"
                          useJmx="false" useShutdownHook="false" dataDirectory="%1$s">
                    <persistenceAdapter>
                      <kahaDB directory="%1$s/kahadb"/>
                    </persistenceAdapter>
                %2$s  </broker>
                </beans>
                """.formatted(xmlAttribute(directory.toString()), connectors);
        var file = directory.resolve("broker.xml");
        Files.writeString(file, xml);
        return file;
    }

    static String xmlAttribute(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
