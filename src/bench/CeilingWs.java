import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.UUID;

/**
 * The stream row's ceiling: a bare WebSocket server on loopback (plain JDK sockets, one thread
 * per connection, TCP_NODELAY) that does no work at all. To each text message it answers at once
 * with the three frames a streamed prompt's client waits for, each written on its own, as a
 * server writes them: accepted, one message.delta, prompt.completed. Driven by the same client as
 * Rafiki's row 3 (StreamBench ttft, BenchWs), it gives what this machine, this JDK and that client
 * manage for one prompt's round trip with an empty server, the floor under row 3's figures.
 *
 * Usage: java -cp CLASSES CeilingWs PORT
 */
public class CeilingWs {

    static final java.util.logging.Logger REPORT = BenchReport.logger();
    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        var server = new ServerSocket(port, 1024, InetAddress.getLoopbackAddress());
        REPORT.info("WebSocket ceiling listening on 127.0.0.1:" + port);
        while (true) {
            var socket = server.accept();
            var thread = new Thread(() -> serve(socket), "ceiling-ws");
            thread.setDaemon(true);
            thread.start();
        }
    }

    static void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            var in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
            var out = socket.getOutputStream();
            String key = null;
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Key")) {
                    key = line.substring(colon + 1).trim();
                }
            }
            if (key == null) {
                out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            var accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            var session = UUID.randomUUID().toString();
            while (true) {
                int first = in.readUnsignedByte();
                int second = in.readUnsignedByte();
                int opcode = first & 0x0f;
                long length = second & 0x7f;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                var mask = new byte[4];
                if ((second & 0x80) != 0) {
                    in.readFully(mask);
                }
                var payload = new byte[(int) length];
                in.readFully(payload);
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i & 3];
                }
                switch (opcode) {
                    case 0x8 -> {
                        frame(out, 0x88, payload);
                        return;
                    }
                    case 0x9 -> frame(out, 0x8a, payload);
                    case 0x1, 0x0 -> {
                        if ((first & 0x80) != 0) { // the message's last frame: answer it
                            var prompt = UUID.randomUUID().toString();
                            var ids = "\"prompt_id\":\"" + prompt + "\",\"session_id\":\"" + session + "\"";
                            frame(out, 0x81, ("{\"type\":\"accepted\"," + ids + "}").getBytes(StandardCharsets.UTF_8));
                            frame(out, 0x81, ("{\"type\":\"message.delta\"," + ids + ",\"text\":\"echo: ceiling\"}")
                                    .getBytes(StandardCharsets.UTF_8));
                            frame(out, 0x81, ("{\"type\":\"prompt.completed\"," + ids + ",\"answer\":\"echo: ceiling\"}")
                                    .getBytes(StandardCharsets.UTF_8));
                        }
                    }
                    default -> {
                        // pongs and anything else: nothing to answer
                    }
                }
            }
        } catch (EOFException | java.net.SocketException gone) {
            // the client closed the connection
        } catch (Exception e) {
            REPORT.warning("WebSocket ceiling: " + e);
        }
    }

    /** One unmasked frame, written and flushed on its own. */
    static void frame(OutputStream out, int head, byte[] payload) throws IOException {
        var frame = new ByteArrayOutputStream(payload.length + 4);
        frame.write(head);
        if (payload.length < 126) {
            frame.write(payload.length);
        } else if (payload.length < 65536) {
            frame.write(126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        frame.write(payload);
        out.write(frame.toByteArray());
        out.flush();
    }

    static String readLine(DataInputStream in) throws IOException {
        var line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException();
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
