import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A lean HTTP/1.1 client for the benchmarks: one keep-alive connection, blocking, used by one
 * thread. The JDK HttpClient took a third to a half of the machine's two cores while 16 of its
 * clients drove the job row (pidstat), so the row measured the load generator as much as the
 * server; this one costs about what wrk does per request. It speaks just what the benchmarks
 * need: a request with a body or without, an answer framed by Content-Length or chunked.
 * Compiled with the benchmarks by src/bench/bench.
 */
final class BenchHttp implements AutoCloseable {

    /** An answer: status, headers by lower-case name, body. */
    record Answer(int status, Map<String, String> headers, String body) {
    }

    private final URI base;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    BenchHttp(URI base, int timeoutMillis) {
        this.base = base;
        this.timeoutMillis = timeoutMillis;
    }

    /** Sends one request; a connection the server closed meanwhile is opened again once. */
    Answer send(String method, String path, Map<String, String> headers, String body) throws IOException {
        byte[] request = request(method, path, headers, body);
        boolean fresh = socket == null;
        try {
            return exchange(request);
        } catch (IOException e) {
            close();
            if (fresh) {
                throw e;
            }
            return exchange(request); // a keep-alive connection may have been closed by the server while idle
        }
    }

    private Answer exchange(byte[] request) throws IOException {
        if (socket == null) {
            var s = new Socket();
            s.setTcpNoDelay(true);
            s.setSoTimeout(timeoutMillis);
            s.connect(new InetSocketAddress(base.getHost(), base.getPort()), timeoutMillis);
            socket = s;
            in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
            out = s.getOutputStream();
        }
        out.write(request);
        out.flush();
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before an answer");
        }
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        var headers = new HashMap<String, String>();
        for (String line = line(); line != null && !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        byte[] content;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            var all = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                all.write(in.readNBytes(size));
                line(); // the chunk's CRLF
            }
            for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
                // trailers are not used by the benchmarks
            }
            content = all.toByteArray();
        } else {
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            content = in.readNBytes(length);
            if (content.length < length) {
                throw new IOException("connection closed in the middle of an answer");
            }
        }
        if ("close".equalsIgnoreCase(headers.get("connection"))) {
            close();
        }
        return new Answer(status, headers, new String(content, StandardCharsets.UTF_8));
    }

    private byte[] request(String method, String path, Map<String, String> headers, String body) {
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        var head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                .append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(payload.length).append("\r\n");
        }
        byte[] start = head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[start.length + payload.length];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(payload, 0, all, start.length, payload.length);
        return all;
    }

    /** One line without its CRLF, or null at the end of the stream. */
    private String line() throws IOException {
        var bytes = new ByteArrayOutputStream(64);
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b == '\n') {
                int n = bytes.size();
                byte[] raw = bytes.toByteArray();
                return new String(raw, 0, n > 0 && raw[n - 1] == '\r' ? n - 1 : n, StandardCharsets.ISO_8859_1);
            }
            bytes.write(b);
        }
        return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        socket = null;
        in = null;
        out = null;
    }
}
