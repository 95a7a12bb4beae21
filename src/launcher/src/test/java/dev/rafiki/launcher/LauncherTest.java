package dev.rafiki.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherTest {

    static final String LISTENER = "network-config.network-listeners.network-listener.http-listener";

    @TempDir
    Path temp;

    @Test
    void theDataDirectoryIsCreatedForItsOwnerOnly() throws IOException {
        var data = temp.resolve("new/data");
        Launcher.createPrivate(data);
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Launcher.createPrivate(data);
        assertEquals("rwxr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(data)),
                "an existing directory keeps what its owner chose");
    }

    Path data() {
        return temp.resolve("data");
    }

    Path home() {
        return temp.resolve("home");
    }

    Launcher launcher(Map<String, String> env) {
        var all = new HashMap<>(env);
        all.put("RAFIKI_DATA_DIR", data().toString());
        return new Launcher(new Settings(all, new Properties()), home());
    }

    List<String> postBoot(Map<String, String> env) throws IOException {
        return launcher(env).postBootCommands();
    }

    static int indexOf(List<String> commands, String prefix) {
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /** A lone node's data grid (for JCache) must never join or be joined: no discovery, loopback only. */
    @Test
    void theSoloDataGridDiscoversNobodyAndListensOnLoopbackOnly() throws Exception {
        var xml = Launcher.soloDataGrid("rafiki-solo-test");
        var document = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        var join = (org.w3c.dom.Element) document.getElementsByTagName("join").item(0);
        for (var method : new String[] {"multicast", "tcp-ip", "auto-detection"}) {
            assertEquals("false", ((org.w3c.dom.Element) join.getElementsByTagName(method).item(0)).getAttribute("enabled"), method);
        }
        assertEquals("127.0.0.1", document.getElementsByTagName("interface").item(0).getTextContent());
        assertEquals("rafiki-solo-test", document.getElementsByTagName("cluster-name").item(0).getTextContent());
        assertTrue(xml.contains("<property name=\"hazelcast.socket.bind.any\">false</property>"));
    }

    @Test
    void escapeProtectsAsadminPropertySeparators() {
        assertEquals("tcp\\://mq\\:61616", Launcher.escape("tcp://mq:61616"));
        assertEquals("a\\=b", Launcher.escape("a=b"));
        assertEquals("C\\:\\\\data\\\\broker.xml", Launcher.escape("C:\\data\\broker.xml"));
        assertEquals("/plain/path", Launcher.escape("/plain/path"));
    }

    @Test
    void embeddedBrokerIsConfiguredFromItsXmlInTheDataDirectory() throws IOException {
        var commands = postBoot(Map.of());

        var brokerXml = data().resolve("broker").resolve("broker.xml");
        assertTrue(Files.isRegularFile(brokerXml), "broker.xml written");
        assertTrue(commands.contains("create-resource-adapter-config --property "
                + "ServerUrl=vm\\://embedded?create\\=false:BrokerXmlConfig=xbean\\:file\\:" + Launcher.escape(brokerXml.toString())
                + " activemq-rar"), String.join("\n", commands));
    }

    @Test
    void externalBrokerIsUsedAsGivenAndNoneIsWritten() throws IOException {
        var commands = postBoot(Map.of("RAFIKI_BROKER_URL", "tcp://mq.internal:61616"));

        assertTrue(commands.contains("create-resource-adapter-config --property ServerUrl=tcp\\://mq.internal\\:61616 activemq-rar"),
                String.join("\n", commands));
        assertTrue(commands.stream().noneMatch(c -> c.contains("vm\\://embedded")));
        assertFalse(Files.exists(data().resolve("broker")), "no embedded broker configuration");
    }

    @Test
    void adapterIsDeployedAfterItsConfigurationAndLast() throws IOException {
        for (var env : List.of(Map.<String, String>of(), Map.of("RAFIKI_BROKER_URL", "tcp://mq:61616"))) {
            var commands = postBoot(env);

            int config = indexOf(commands, "create-resource-adapter-config ");
            int deploy = indexOf(commands, "deploy ");
            assertTrue(config >= 0, "adapter configured");
            assertEquals("deploy --name activemq-rar " + home().resolve("activemq-rar.rar"), commands.get(deploy));
            assertTrue(deploy > config, "deployed after it is configured");
            assertEquals(commands.size() - 1, deploy);
        }
    }

    @Test
    void listenerIsBoundAndClosedBeforeBootAndOpenedOnlyAfterDeployment() throws IOException {
        var preBoot = launcher(Map.of("RAFIKI_HTTP_HOST", "0.0.0.0")).preBootCommands();

        assertTrue(preBoot.stream().anyMatch(c -> c.startsWith("set ") && c.endsWith(LISTENER + ".address=0.0.0.0")),
                String.join("\n", preBoot));
        assertTrue(preBoot.stream().anyMatch(c -> c.startsWith("set ") && c.endsWith(LISTENER + ".enabled=false")),
                String.join("\n", preBoot));
        assertTrue(postBoot(Map.of()).stream().noneMatch(c -> c.contains(LISTENER)), "not reopened before deployment");

        assertEquals(1, Launcher.postDeployCommands().size());
        assertTrue(Launcher.postDeployCommands().get(0).startsWith("set "));
        assertTrue(Launcher.postDeployCommands().get(0).endsWith(LISTENER + ".enabled=true"));
    }

    @Test
    void listenerAddressDefaultsToLoopback() {
        assertTrue(launcher(Map.of()).preBootCommands().stream().anyMatch(c -> c.endsWith(LISTENER + ".address=127.0.0.1")));
    }

    @Test
    void brokerPortOpensATcpConnector() throws IOException {
        postBoot(Map.of("RAFIKI_BROKER_PORT", "61617"));

        assertTrue(Files.readString(data().resolve("broker").resolve("broker.xml")).contains("tcp://0.0.0.0:61617"));
    }

    @Test
    void clusterFindsItsMembersOverTcpNeverByMulticast() {
        var arguments = launcher(Map.of("RAFIKI_CLUSTER_ENABLED", "true", "RAFIKI_CLUSTER_NAME", "blue",
                "RAFIKI_CLUSTER_MEMBERS", "10.0.0.1:5900, 10.0.0.2:5901", "RAFIKI_CLUSTER_PORT", "5901",
                "RAFIKI_CLUSTER_INTERFACE", "10.0.0.2")).clusterArguments();

        assertEquals(List.of("--clustername", "blue", "--clustermode", "tcpip:10.0.0.1:5900,10.0.0.2:5901",
                "--startport", "5901", "--interfaces", "10.0.0.2", "--nohostaware"), arguments);
    }

    @Test
    void clusterWithoutMembersIsRefusedWithTheSettingToUse() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> launcher(Map.of("RAFIKI_CLUSTER_ENABLED", "true")).clusterArguments());

        assertTrue(e.getMessage().contains("RAFIKI_CLUSTER_MEMBERS"), e.getMessage());
    }

    @Test
    void nodesOfAClusterCanShareOneDevelopmentKey() {
        assertEquals(data().resolve("dev-jwt"), launcher(Map.of()).devKeyDir());
        assertEquals(temp.resolve("shared-key"), launcher(Map.of("RAFIKI_JWT_DEV_KEY_DIR", temp.resolve("shared-key").toString())).devKeyDir());
    }

    @Test
    void tracingIsOffUntilAnEndpointIsSet() {
        assertEquals(List.of(), launcher(Map.of()).tracing("n1"));
        assertEquals(List.of(), launcher(Map.of("RAFIKI_TRACING_OTLP_ENDPOINT", " ")).tracing("n1"));
        var on = launcher(Map.of("RAFIKI_TRACING_OTLP_ENDPOINT", "http://collector:4318")).tracing("n1");
        assertTrue(on.contains("-Dotel.sdk.disabled=false"), on.toString());
        assertTrue(on.contains("-Dotel.exporter.otlp.endpoint=http://collector:4318"), on.toString());
        assertTrue(on.contains("-Dotel.resource.attributes=service.instance.id=n1"), on.toString());
        assertTrue(on.contains("-Dotel.service.name=rafiki"), on.toString());
    }

    /**
     * What the launcher reads from a stand-in for Payara Micro's HTTP listener that answers
     * /health/ready with {@code status} and {@code body}, while {@code payara} (a command) runs.
     */
    Launcher.Readiness readiness(int status, String body, String... payara) throws Exception {
        var server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health/ready", exchange -> {
            var bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        var process = new ProcessBuilder(payara).start();
        try {
            // a boot timeout shorter than the slow cases: a server that answers is never hung
            return launcher(Map.of("RAFIKI_HTTP_PORT", Integer.toString(server.getAddress().getPort()),
                    "RAFIKI_PAYARA_BOOT_TIMEOUT_SECONDS", "1")).awaitReady(process);
        } finally {
            process.destroyForcibly();
            server.stop(0);
        }
    }

    @Test
    void aServerThatAnswersWithoutTheApplicationIsADeploymentThatFailed() throws Exception {
        // what Payara Micro answers when the deployment at boot failed (seen in CI)
        assertEquals(Launcher.Readiness.DEPLOYMENT_FAILED, readiness(503,
                "{\"status\":\"DOWN\",\"checks\":[{\"name\":\"No Application deployed\",\"status\":\"DOWN\",\"data\":{}}]}",
                "sleep", "60"));
    }

    @Test
    void aServerUpWithNoCheckAtAllHasNoApplicationEither() throws Exception {
        // what Payara Micro 7.2026.11 answers when the deployment at boot failed
        assertEquals(Launcher.Readiness.DEPLOYMENT_FAILED, readiness(200, "{\"status\":\"UP\",\"checks\":[]}", "sleep", "60"));
    }

    @Test
    void rafikisOwnChecksAnsweringUpMeanReady() throws Exception {
        assertEquals(Launcher.Readiness.READY, readiness(200,
                "{\"status\":\"UP\",\"checks\":[{\"name\":\"rafiki\",\"status\":\"UP\",\"data\":{}}]}", "sleep", "60"));
    }

    @Test
    void aServerWhoseListenerNeverOpensIsHungOnceTheBootTimeoutHasPassed() throws Exception {
        // Payara Micro 7 deadlocked at boot once in CI: the process lives, nothing listens
        var nobody = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        int port = nobody.getLocalPort();
        nobody.close();
        var process = new ProcessBuilder("sleep", "60").start();
        try {
            long started = System.nanoTime();
            assertEquals(Launcher.Readiness.HUNG, launcher(Map.of("RAFIKI_HTTP_PORT", Integer.toString(port),
                    "RAFIKI_PAYARA_BOOT_TIMEOUT_SECONDS", "1")).awaitReady(process));
            assertTrue(System.nanoTime() - started >= 1_000_000_000L, "not before the timeout");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void aServerThatIsNotReadyYetIsWaitedForUntilItsProcessEnds() throws Exception {
        // Rafiki deployed but its database check down: not a failed deployment, the launcher waits
        assertEquals(Launcher.Readiness.EXITED, readiness(503,
                "{\"status\":\"DOWN\",\"checks\":[{\"name\":\"rafiki\",\"status\":\"DOWN\",\"data\":{}}]}", "sleep", "2"));
    }
    /**
     * A launcher whose payara-micro.jar is {@link FakePayaraMicro}, doing at each start what
     * {@code plan} says; the database is "external", so none is started.
     */
    int runWithFakePayara(String... plan) throws Exception {
        return runWithFakePayara(Map.of(), plan);
    }

    int runWithFakePayara(Map<String, String> env, String... plan) throws Exception {
        Files.createDirectories(home());
        var manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS, FakePayaraMicro.class.getName());
        var entry = FakePayaraMicro.class.getName().replace('.', '/') + ".class";
        try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(home().resolve("payara-micro.jar")), manifest);
             var bytes = FakePayaraMicro.class.getClassLoader().getResourceAsStream(entry)) {
            jar.putNextEntry(new java.util.jar.JarEntry(entry));
            bytes.transferTo(jar);
        }
        Files.createDirectories(data());
        Files.write(data().resolve("fake-payara-plan"), List.of(plan));
        int port;
        try (var free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        var all = new HashMap<>(env);
        all.put("RAFIKI_HTTP_PORT", Integer.toString(port));
        all.put("RAFIKI_DB_URL", "jdbc:postgresql://127.0.0.1:1/unused");
        return launcher(all).run();
    }

    int fakePayaraStarts() throws IOException {
        return Files.readAllLines(data().resolve("fake-payara-starts")).size();
    }

    /** The options of the JVM the launcher started, as that JVM read them. */
    Map<String, String> fakePayaraJvm() throws IOException {
        var options = new HashMap<String, String>();
        for (var line : Files.readAllLines(data().resolve("fake-payara-jvm"))) {
            options.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        return options;
    }

    @Test
    void payaraUnloadsClassesOnlyInFullCollectionsAndWritesFramesInTheSendingThread() throws Exception {
        assertEquals(7, runWithFakePayara("ready"));
        var jvm = fakePayaraJvm();
        assertEquals("false", jvm.get("ClassUnloadingWithConcurrentMark"), "no class unloading in G1's Remark pauses");
        assertEquals(Long.toString(256L << 20), jvm.get("MetaspaceSize"), "no full collection at each metaspace step of the boot");
        assertEquals("true", jvm.get("isBlocking"));
    }

    @Test
    void javaOptionsOverrideTheLaunchersGcOptions() throws Exception {
        assertEquals(7, runWithFakePayara(Map.of("RAFIKI_JAVA_OPTS", "-Xmx256m -XX:+ClassUnloadingWithConcurrentMark -XX:MetaspaceSize=64m"), "ready"));
        var jvm = fakePayaraJvm();
        assertEquals("true", jvm.get("ClassUnloadingWithConcurrentMark"));
        assertEquals(Long.toString(64L << 20), jvm.get("MetaspaceSize"));
    }

    @Test
    void aPayaraThatEndsItsBootIsStartedAgain() throws Exception {
        // Payara Micro 7 once gave up its boot in CI ("Failed to start, exiting", status 0)
        assertEquals(7, runWithFakePayara("exit", "ready"), "the second start's own exit status");
        assertEquals(2, fakePayaraStarts());
    }

    @Test
    void aPayaraThatEndsEveryBootIsGivenUpAfterThreeStarts() throws Exception {
        assertEquals(1, runWithFakePayara("exit", "exit", "exit", "ready"));
        assertEquals(Launcher.DEPLOY_ATTEMPTS, fakePayaraStarts());
    }
}
