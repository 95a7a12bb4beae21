package dev.rafiki.launcher;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Stands in for payara-micro.jar in the launcher's tests. Each start reads what to do from the
 * line of {@code fake-payara-plan} (in the data directory) with its number: "exit" ends the boot
 * as Payara Micro 7 sometimes does (status 0), "ready" answers /health/ready with Rafiki's check
 * up once, then exits with status 7. Every start also writes the JVM options it was given that
 * the launcher sets, as its JVM reads them, to {@code fake-payara-jvm}.
 */
public final class FakePayaraMicro {

    public static void main(String[] args) throws Exception {
        var data = Path.of(System.getenv("RAFIKI_DATA_DIR"));
        var starts = data.resolve("fake-payara-starts");
        int start = Files.exists(starts) ? Files.readAllLines(starts).size() + 1 : 1;
        Files.writeString(starts, "start\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        var vm = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        Files.write(data.resolve("fake-payara-jvm"), List.of(
                "ClassUnloadingWithConcurrentMark=" + vm.getVMOption("ClassUnloadingWithConcurrentMark").getValue(),
                "MetaspaceSize=" + vm.getVMOption("MetaspaceSize").getValue(),
                "isBlocking=" + System.getProperty("org.glassfish.grizzly.http.io.OutputBuffer.isBlocking")));
        var plan = Files.readAllLines(data.resolve("fake-payara-plan"));
        if (!plan.get(start - 1).equals("ready")) {
            System.exit(0);
        }
        int port = Integer.parseInt(List.of(args).get(List.of(args).indexOf("--port") + 1));
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        var answered = new java.util.concurrent.CountDownLatch(1);
        server.createContext("/health/ready", exchange -> {
            var body = "{\"status\":\"UP\",\"checks\":[{\"name\":\"rafiki\",\"status\":\"UP\",\"data\":{}}]}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            answered.countDown();
        });
        server.start();
        answered.await();
        server.stop(1);
        System.exit(7);
    }
}
