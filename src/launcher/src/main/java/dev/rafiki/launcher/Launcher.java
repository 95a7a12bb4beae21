package dev.rafiki.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs Rafiki on one machine with embedded defaults: nothing to install but Java.
 * <p>
 * Payara Micro runs as a child process so the database outlives an application-server crash
 * exactly as an external one would, and so Ctrl-C can stop the pieces in order: the server
 * (which stops the embedded broker cleanly) first, then PostgreSQL.
 */
public final class Launcher {

    private static final Logger LOG = Logger.getLogger(Launcher.class.getName());
    private static final String LISTENER =
            "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener";
    private static final long DEV_TOKEN_SECONDS = 30L * 24 * 3600;
    /** Starts of Payara Micro before the launcher gives up on a deployment that fails at boot. */
    static final int DEPLOY_ATTEMPTS = 3;

    /** How a start of Payara Micro ended up. */
    enum Readiness { READY, DEPLOYMENT_FAILED, HUNG, EXITED }

    private final Settings settings;
    private final Path home;
    private final Path data;
    /** The JDK that runs Payara Micro, found at start. */
    private PayaraJava.Jdk payaraJdk;

    Launcher(Settings settings, Path home) {
        this.settings = settings;
        this.home = home;
        this.data = settings.dataDir();
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s [launcher] %5$s%6$s%n");
        var home = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        var settings = Settings.fromProcess();
        new Operations(settings).configureLauncherLogging();
        if (args.length > 0 && args[0].equals("java-home")) {
            // the home of the JDK Payara Micro would run on, written to the file args[1], for
            // scripts (the Arquillian tests' JVM)
            if (args.length != 2) {
                LOG.severe("usage: java -jar rafiki-launcher.jar java-home FILE");
                System.exit(2);
            }
            try {
                Files.writeString(Path.of(args[1]), payaraJava(settings).home().toString());
                System.exit(0);
            } catch (IllegalStateException e) {
                LOG.severe(e.getMessage());
                System.exit(2);
            }
        }
        if (args.length > 0 && args[0].equals("services")) {
            // the shared database and broker of a cluster, in a process of their own (see Services)
            System.exit(new Services(settings).run());
        }
        System.exit(new Launcher(settings, home).run());
    }

    int run() throws Exception {
        createPrivate(data);
        try (var lockChannel = FileChannel.open(data.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             var lock = lockChannel.tryLock()) {
            if (lock == null) {
                LOG.severe("another Rafiki already runs on " + data + "; stop it or set RAFIKI_DATA_DIR");
                return 2;
            }
            return runLocked();
        }
    }

    /**
     * Creates the data directory readable by the server's user only, where the file system has
     * POSIX permissions: it holds keys, tokens, the database and every session's workspace. An
     * existing directory keeps its permissions (it may be shared on purpose) but is reported if
     * other users can enter it.
     */
    static void createPrivate(Path directory) throws IOException {
        var absolute = directory.toAbsolutePath();
        if (!Files.exists(absolute)) {
            Files.createDirectories(absolute.getParent());
            try {
                Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createDirectory(absolute);
            } catch (FileAlreadyExistsException raced) {
                // created by a concurrent start: its lock decides which one runs
            }
            return;
        }
        try {
            var permissions = Files.getPosixFilePermissions(absolute);
            if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"))) {
                LOG.warning("the data directory " + absolute + " is open to other users ("
                        + PosixFilePermissions.toString(permissions) + "): its keys are not, but its workspaces, broker "
                        + "store and logs are; 'chmod 700 " + absolute + "' closes it");
            }
        } catch (UnsupportedOperationException notPosix) {
            // no POSIX permissions to judge
        }
    }

    private int runLocked() throws Exception {
        LOG.info("data directory: " + data);
        try {
            payaraJdk = payaraJava(settings);
        } catch (IllegalStateException e) {
            LOG.severe(e.getMessage());
            return 2;
        }
        LOG.info("Payara Micro runs on Java " + payaraJdk.version() + " in " + payaraJdk.home());
        var env = new HashMap<String, String>();
        EmbeddedDatabase database = null;
        if (settings.get("rafiki.db.url").isEmpty()) {
            database = EmbeddedDatabase.start(data.resolve("postgres"), settings.getInt("rafiki.db.port", 0));
            env.put("RAFIKI_DB_URL", database.jdbcUrl());
            env.put("RAFIKI_DB_USER", "postgres");
            env.put("RAFIKI_DB_PASSWORD", "postgres");
            LOG.info("embedded PostgreSQL on 127.0.0.1:" + database.port() + ", data in " + data.resolve("postgres"));
        } else {
            LOG.info("using the database at " + settings.get("rafiki.db.url").get());
        }
        configureJwt(env);

        var current = new java.util.concurrent.atomic.AtomicReference<Process>();
        var stopping = new java.util.concurrent.atomic.AtomicBoolean();
        var db = database;
        var shutdown = new Thread(() -> {
            stopping.set(true);
            Process running;
            synchronized (current) { // not while a start is under way: that one is stopped too
                running = current.get();
            }
            if (running != null) {
                stopPayara(running);
            }
            closeQuietly(db);
        }, "rafiki-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);

        Process payara;
        for (int attempt = 1; ; attempt++) {
            synchronized (current) {
                if (stopping.get()) {
                    return 0;
                }
                payara = startPayara(env);
                current.set(payara);
            }
            Files.writeString(data.resolve("server.pid"), Long.toString(payara.pid()));
            var readiness = awaitReady(payara);
            if (readiness == Readiness.READY || stopping.get()) {
                break;
            }
            if (readiness == Readiness.EXITED) {
                // Payara Micro 7 also fails a boot now and then by giving up: HK2 could not
                // resolve its own MicroProfile Config resolver, "Failed to start, exiting", status 0
                // (seen once in CI). Before Rafiki was ever ready, an exit is a failed start.
                stopPayara(payara); // only if an interrupt ended the wait early: it has ended already
                LOG.warning("Payara Micro exited with status " + payara.waitFor() + " while starting");
            } else if (readiness == Readiness.HUNG) {
                // seen once in CI on Payara Micro 7: two boot threads deadlocked in HK2's
                // configuration, the listener never opened. Its threads go to the log first.
                LOG.warning("Payara Micro did not open its listener within " + bootTimeoutSeconds() + " s; its threads:");
                threadDump(payara);
                payara.destroyForcibly().waitFor();
            } else {
                // Payara Micro stays up without the application when a deployment fails at boot: a
                // server answering 503 for ever helps nobody, a fresh start usually deploys (seen
                // in CI: the resource adapter's validation met a null context class loader at boot)
                stopPayara(payara);
            }
            if (attempt == DEPLOY_ATTEMPTS) {
                LOG.severe("Rafiki could not be deployed in " + DEPLOY_ATTEMPTS + " starts of Payara Micro (see its log above); stopping");
                closeUnlessShuttingDown(shutdown, database);
                return 1;
            }
            LOG.warning("Payara Micro " + switch (readiness) {
                        case HUNG -> "hung at boot";
                        case EXITED -> "ended its boot";
                        default -> "started without Rafiki deployed";
                    } + " (its log above says why); starting it again (" + (attempt + 1) + " of " + DEPLOY_ATTEMPTS + ")");
        }
        int exit = payara.waitFor();
        if (!stopping.get()) {
            LOG.warning("Payara Micro exited with status " + exit + "; stopping");
            closeUnlessShuttingDown(shutdown, database);
        }
        return exit;
    }

    int bootTimeoutSeconds() {
        return settings.getInt("rafiki.payara.boot-timeout-seconds", 120);
    }

    /** Payara Micro's threads into the log, with the jcmd of the JDK it runs on (there may be none: a JRE). */
    private void threadDump(Process payara) {
        var jcmd = payaraJdk.home().resolve("bin").resolve("jcmd");
        if (!Files.isExecutable(jcmd)) {
            return;
        }
        try {
            // through a file, so a jcmd that never ends cannot hold the launcher up
            var dump = Files.createTempFile(data, "threads", ".txt");
            try {
                var process = new ProcessBuilder(jcmd.toString(), Long.toString(payara.pid()), "Thread.print")
                        .redirectErrorStream(true).redirectOutput(dump.toFile()).start();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                LOG.warning(Files.readString(dump));
            } finally {
                Files.deleteIfExists(dump);
            }
        } catch (IOException e) {
            LOG.warning("no thread dump: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the database here, unless the JVM is already shutting down and the hook does it. */
    private static void closeUnlessShuttingDown(Thread shutdown, EmbeddedDatabase database) {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdown);
        } catch (IllegalStateException alreadyStopping) {
            return;
        }
        closeQuietly(database);
    }

    private void configureJwt(Map<String, String> env) throws IOException {
        if (settings.productionJwt()) {
            settings.get("rafiki.jwt.public-key-location")
                    .ifPresent(location -> env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", location));
            settings.get("rafiki.jwt.issuer").ifPresent(issuer -> env.put("MP_JWT_VERIFY_ISSUER", issuer));
            settings.get("rafiki.jwt.audiences").ifPresent(aud -> env.put("MP_JWT_VERIFY_AUDIENCES", aud));
            LOG.info("tokens are verified with the configured public key; no development token is issued");
            return;
        }
        var jwt = DevJwt.loadOrCreate(devKeyDir());
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", jwt.publicKeyFile().toUri().toString());
        env.put("MP_JWT_VERIFY_ISSUER", DevJwt.ISSUER);
        var tokenFile = data.resolve("dev-token");
        DevJwt.writeSecret(tokenFile, jwt.token(DevJwt.DEFAULT_USER, List.of("user"), DEV_TOKEN_SECONDS) + "\n");
        LOG.info("development mode: bearer token for user '" + DevJwt.DEFAULT_USER + "' (valid 30 days) written to "
                + tokenFile + " (signing key in " + jwt.publicKeyFile().getParent() + ")");
    }

    private Process startPayara(Map<String, String> env) throws IOException {
        var root = data.resolve("payara");
        deleteTree(root); // Payara Micro replays a reused root's deployments; start from a fresh one
        Files.createDirectories(root);
        var preBoot = root.resolve("pre-boot.asadmin");
        Files.writeString(preBoot, String.join("\n", preBootCommands()) + "\n");
        var postBoot = root.resolve("post-boot.asadmin");
        Files.writeString(postBoot, String.join("\n", postBootCommands()) + "\n");
        var postDeploy = root.resolve("post-deploy.asadmin");
        Files.writeString(postDeploy, String.join("\n", postDeployCommands()) + "\n");

        int port = settings.getInt("rafiki.http.port", 8080);
        var command = new ArrayList<String>();
        command.add(payaraJdk.java().toString());
        if (payaraJdk.version() >= 23) {
            // Payara's data grid (Hazelcast's shaded JCTools) reads fields through sun.misc.Unsafe,
            // which Java 23+ warns about at every start: allowed, quietly, until Hazelcast moves off it
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        // G1 unloaded classes in every concurrent cycle's Remark pause: 20-45 ms of walking Payara's
        // 30 000 classes to find the ~150 that ever unload, and the longest pause of the
        // 500-subscriber fan-out. Unloading waits for a full collection instead; the high-water mark starts above
        // the ~160 MB a started server holds, or each crossing of it during the boot would be one
        // (docs/platform-notes.md, session 24). Before rafiki.java.opts, which can override them.
        command.add("-XX:-ClassUnloadingWithConcurrentMark");
        command.add("-XX:MetaspaceSize=256m");
        command.addAll(List.of(settings.get("rafiki.java.opts", "-Xms256m -Xmx1g -XX:+UseG1GC").split("\\s+")));
        var node = settings.get("rafiki.node.id", hostName() + "-" + port);
        command.add("-Drafiki.node.id=" + node);
        command.addAll(tracing(node));
        command.add("-Djava.io.tmpdir=" + Files.createDirectories(root.resolve("tmp")));
        // Without it every Json.createXxx() searches the class path and OSGi for a JSON-P provider:
        // about an eighth of a request's CPU (MP-JWT parses every token with it). See docs/platform-notes.md.
        command.add("-Djakarta.json.provider=org.eclipse.parsson.JsonProviderImpl");
        // Writes wait for the socket in the writing thread. Without it Grizzly answered isReady()
        // false to Tyrus on almost every WebSocket, which then queued each frame for a WriteListener
        // run on another thread (a hand-off per frame), and on every close an uncaught
        // NullPointerException in Payara's callback killed a thread (~2 000 per bench run). A
        // stalled reader still holds only what its socket holds (docs/platform-notes.md, session 23).
        command.add("-Dorg.glassfish.grizzly.http.io.OutputBuffer.isBlocking=true");
        if (Boolean.parseBoolean(settings.get("rafiki.cluster.enabled", "false"))) {
            // the data grid listens on rafiki.cluster.interface only, not on every interface
            command.add("-Dhazelcast.socket.bind.any=false");
        }
        command.addAll(List.of("-jar", home.resolve("payara-micro.jar").toString(),
                "--port", Integer.toString(port),
                "--rootdir", root.resolve("root").toString(),
                "--prebootcommandfile", preBoot.toString(),
                "--postbootcommandfile", postBoot.toString(),
                "--postdeploycommandfile", postDeploy.toString(),
                "--deploy", home.resolve("rafiki.war").toString(),
                "--contextroot", "/",
                "--disablephonehome"));
        command.addAll(new Operations(settings).payaraOptions(root));
        if (!clustered()) {
            // Alone, the node still runs Payara's data grid, because JCache (the rate limits) needs
            // it: under --nohazelcast the injected CacheManager is null. Verified with this file:
            // "No join method is enabled! Starting standalone.", member port on 127.0.0.1 only,
            // no multicast socket. (--nocluster kept the port open on every interface.)
            var grid = root.resolve("hazelcast.xml");
            Files.writeString(grid, soloDataGrid("rafiki-solo-" + java.util.UUID.randomUUID()));
            command.addAll(List.of("--hzconfigfile", grid.toString()));
        } else {
            command.addAll(clusterArguments());
        }
        var builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putAll(env);
        builder.environment().put("RAFIKI_DATA_DIR", data.toString());
        LOG.info("starting Payara Micro on http://" + settings.get("rafiki.http.host", "127.0.0.1") + ":" + port);
        return builder.start();
    }

    static PayaraJava.Jdk payaraJava(Settings settings) {
        return PayaraJava.find(settings.get("rafiki.java.home"), Path.of(System.getProperty("java.home")),
                Optional.ofNullable(System.getenv("JAVA_HOME")).filter(v -> !v.isBlank()), PayaraJava.USUAL_PLACES);
    }

    /**
     * Cluster mode: Payara's data grid (Hazelcast) forms one cluster of the nodes listed in
     * {@code rafiki.cluster.members}, found over TCP, never by multicast, so a node can only join
     * the cluster it was told about (and never a stranger's on the same network). The grid carries
     * what Payara shares between nodes, such as the JCache caches. Kept apart from the single-node
     * flags on purpose.
     */
    List<String> clusterArguments() {
        var members = settings.get("rafiki.cluster.members").orElseThrow(() -> new IllegalArgumentException(
                "rafiki.cluster.enabled needs rafiki.cluster.members (RAFIKI_CLUSTER_MEMBERS): the data-grid"
                        + " addresses of the nodes, e.g. 10.0.0.1:5900,10.0.0.2:5900"));
        var arguments = new ArrayList<>(List.of(
                "--clustername", settings.get("rafiki.cluster.name", "rafiki"),
                "--clustermode", "tcpip:" + members.replaceAll("\\s+", ""),
                "--startport", Integer.toString(settings.getInt("rafiki.cluster.port", 5900)),
                "--interfaces", settings.get("rafiki.cluster.interface", "127.0.0.1")));
        if (!Boolean.parseBoolean(settings.get("rafiki.cluster.host-aware", "false"))) {
            // with host awareness, nodes sharing a host keep no backups of each other's grid data
            arguments.add("--nohostaware");
        }
        return arguments;
    }

    /**
     * Where the development signing key lives. Nodes of one cluster must share it (a token from one
     * node is then valid on all), so they point this at one directory.
     */
    Path devKeyDir() {
        return settings.get("rafiki.jwt.dev-key-dir").map(d -> Path.of(d).toAbsolutePath().normalize())
                .orElse(data.resolve("dev-jwt"));
    }

    /**
     * A data grid of one member: no discovery of any kind, a cluster name nobody else has, and
     * its member port bound to loopback only (by default Hazelcast binds every interface).
     */
    static String soloDataGrid(String clusterName) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <hazelcast xmlns="http://www.hazelcast.com/schema/config">
                  <cluster-name>%s</cluster-name>
                  <properties>
                    <property name="hazelcast.socket.bind.any">false</property>
                    <property name="hazelcast.phone.home.enabled">false</property>
                  </properties>
                  <network>
                    <port auto-increment="true" port-count="1000">6900</port>
                    <join>
                      <auto-detection enabled="false"/>
                      <multicast enabled="false"/>
                      <tcp-ip enabled="false"/>
                    </join>
                    <interfaces enabled="true">
                      <interface>127.0.0.1</interface>
                    </interfaces>
                  </network>
                </hazelcast>
                """.formatted(clusterName);
    }

    private boolean clustered() {
        return Boolean.parseBoolean(settings.get("rafiki.cluster.enabled", "false"));
    }

    /** The adapter must be configured and deployed before the application that uses it. */
    List<String> postBootCommands() throws IOException {
        var commands = new ArrayList<String>();
        var brokerUrl = settings.get("rafiki.broker.url");
        if (brokerUrl.isPresent()) {
            LOG.info("using the JMS broker at " + brokerUrl.get());
            commands.add("create-resource-adapter-config --property ServerUrl=" + escape(brokerUrl.get()) + " activemq-rar");
        } else {
            var brokerXml = BrokerConfig.write(data.resolve("broker"), settings.getInt("rafiki.broker.port", 0));
            LOG.info("embedded JMS broker, data in " + data.resolve("broker"));
            commands.add("create-resource-adapter-config --property ServerUrl=vm\\://embedded?create\\=false"
                    + ":BrokerXmlConfig=xbean\\:file\\:" + escape(brokerXml.toString()) + " activemq-rar");
        }
        commands.add("deploy --name activemq-rar " + home.resolve("activemq-rar.rar"));
        return commands;
    }

    /**
     * Before the server boots, so the listener never opens early: it stays closed until the
     * application is deployed (see postDeployCommands), and a client never meets a half-started
     * server's HTML error pages or an empty, "UP" readiness.
     */
    List<String> preBootCommands() {
        return List.of(LISTENER + ".address=" + settings.get("rafiki.http.host", "127.0.0.1"),
                LISTENER + ".enabled=false");
    }

    static List<String> postDeployCommands() {
        return List.of(LISTENER + ".enabled=true");
    }

    /** asadmin property syntax: ':' separates properties and '=' separates name from value. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:").replace("=", "\\=");
    }

    /**
     * Waits until Rafiki answers ready, or Payara Micro shows that the deployment failed: the
     * HTTP listener opens only after the deployment (post-deploy command), so a readiness answer
     * that names no application means there is none.
     */
    Readiness awaitReady(Process payara) {
        var url = URI.create("http://127.0.0.1:" + settings.getInt("rafiki.http.port", 8080) + "/health/ready");
        long started = System.nanoTime();
        long bootDeadline = started + TimeUnit.SECONDS.toNanos(bootTimeoutSeconds());
        boolean answered = false;
        while (payara.isAlive()) {
            try {
                var connection = (HttpURLConnection) url.toURL().openConnection();
                connection.setConnectTimeout(1000);
                connection.setReadTimeout(5000);
                int status = connection.getResponseCode();
                // the listener opened: the boot is over (Rafiki waiting for its database is not hung)
                answered = true;
                var body = status == 200 ? connection.getInputStream() : connection.getErrorStream();
                var text = body == null ? "" : new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                // until the application is deployed, the server's readiness has no checks of ours
                if (status == 200 && text.contains("\"rafiki\"")) {
                    var seconds = (System.nanoTime() - started) / 1e9;
                    LOG.info(String.format("Rafiki is ready at http://127.0.0.1:%d (%.1f s). Try: curl -H \"Authorization: Bearer $(cat %s)\" ...",
                            settings.getInt("rafiki.http.port", 8080), seconds, data.resolve("dev-token")));
                    return Readiness.READY;
                }
                // Payara Micro 6 names the missing application; 7 answers UP with no check at all
                if (text.contains("No Application deployed") || text.replace(" ", "").contains("\"checks\":[]")) {
                    return Readiness.DEPLOYMENT_FAILED;
                }
            } catch (IOException notYet) {
                // still starting, unless the boot has taken far longer than it ever does
                if (!answered && System.nanoTime() > bootDeadline) {
                    return Readiness.HUNG;
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Readiness.EXITED;
            }
        }
        return Readiness.EXITED;
    }

    private static void stopPayara(Process payara) {
        if (!payara.isAlive()) {
            return;
        }
        LOG.info("stopping Payara Micro");
        payara.destroy();
        try {
            if (!payara.waitFor(90, TimeUnit.SECONDS)) {
                LOG.warning("Payara Micro did not stop in 90 s; killing it");
                payara.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(EmbeddedDatabase database) {
        if (database == null) {
            return;
        }
        try {
            LOG.info("stopping PostgreSQL");
            database.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "PostgreSQL did not stop cleanly", e);
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /**
     * MicroProfile Telemetry is off unless an OTLP endpoint is set; then every span of a prompt's
     * life goes there (see "Tracing" in the README). Other otel.* settings (sampler, headers) can
     * be added as OTEL_* environment variables.
     */
    List<String> tracing(String node) {
        var endpoint = settings.get("rafiki.tracing.otlp-endpoint");
        if (endpoint.isEmpty() || endpoint.get().isBlank()) {
            return List.of();
        }
        return List.of("-Dotel.sdk.disabled=false", "-Dotel.traces.exporter=otlp",
                "-Dotel.exporter.otlp.endpoint=" + endpoint.get().strip(),
                "-Dotel.exporter.otlp.protocol=" + settings.get("rafiki.tracing.otlp-protocol", "http/protobuf"),
                "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none",
                "-Dotel.service.name=" + settings.get("rafiki.tracing.service-name", "rafiki"),
                "-Dotel.resource.attributes=service.instance.id=" + node);
    }

}
