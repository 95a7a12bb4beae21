import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * The ceiling of the benchmark: a bare JDK HttpServer on loopback that does no work at all, driven
 * by the same load generators as Rafiki (src/bench/bench), so that every Rafiki figure can be
 * read against what this machine, this JDK and these clients manage with an empty server.
 *
 * Every request gets 200 and a small JSON body. To keep the clients' logic identical, the body
 * has the shape the clients read from Rafiki: a POST whose body names a "session_id" gets it
 * back ({"answer":...,"session_id":...}: the wrk script frees that session on it); any other
 * request gets a fresh {"id":...,"session_id":...} (as POST /session does).
 *
 * Usage: java -Dsun.net.httpserver.nodelay=true -cp CLASSES Ceiling PORT [THREADS]
 */
public class Ceiling {

    /** Figures on standard output, where the bench script reads them; problems on standard error. */
    static final java.util.logging.Logger REPORT = BenchReport.logger();

    static final byte[] KEY = "\"session_id\":\"".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.createContext("/", Ceiling::handle);
        server.start();
        REPORT.info("ceiling listening on 127.0.0.1:" + port + " with " + threads + " threads");
    }

    static void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] request = exchange.getRequestBody().readAllBytes();
            String session = session(request);
            String body = session != null
                    ? "{\"answer\":\"echo: ceiling\",\"session_id\":\"" + session + "\",\"status\":\"completed\"}"
                    : "{\"id\":\"" + (session = UUID.randomUUID().toString()) + "\",\"session_id\":\"" + session + "\"}";
            byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    /** The value of "session_id" in the request body, or null; a plain scan, no JSON parser. */
    static String session(byte[] body) {
        outer:
        for (int i = 0; i + KEY.length <= body.length; i++) {
            for (int k = 0; k < KEY.length; k++) {
                if (body[i + k] != KEY[k]) {
                    continue outer;
                }
            }
            int from = i + KEY.length;
            for (int end = from; end < body.length; end++) {
                if (body[end] == '"') {
                    return new String(body, from, end - from, StandardCharsets.US_ASCII);
                }
            }
            return null;
        }
        return null;
    }
}
