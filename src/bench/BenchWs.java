import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Many WebSocket clients on one thread, for the fan-out row: every connection is opened and
 * upgraded one after another (blocking), then one selector thread reads all of them. The JDK
 * WebSocket client took about two thirds of a core for 500 subscribers during the row (pidstat),
 * on a machine of two cores that the server needs; this one only parses frames. It speaks what
 * the row needs: the upgrade with a bearer token, masked text frames out, text frames in
 * (fragmented or not), a pong for every ping, and the close frame. Compiled with the benchmarks
 * by src/bench/bench.
 */
final class BenchWs implements AutoCloseable {

    /** Called on the reading thread, one message at a time per connection. */
    interface Handler {
        void text(int connection, String message, long arrivedNanos);

        void closed(int connection, String why);
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Handler handler;
    private final Selector selector;
    private final List<Connection> connections = new ArrayList<>();
    private Thread reader;
    private volatile boolean closing;

    BenchWs(Handler handler) throws IOException {
        this.handler = handler;
        this.selector = Selector.open();
    }

    private static final class Connection {
        final int id;
        final SocketChannel channel;
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        final ByteArrayOutputStream message = new ByteArrayOutputStream();
        boolean closed;

        Connection(int id, SocketChannel channel) {
            this.id = id;
            this.channel = channel;
        }
    }

    /**
     * Opens a connection to {@code uri} (ws://host:port/path), upgrades it and sends {@code first}
     * as a text message (unless null); call before {@link #start()}.
     * @return the connection's number, as the handler is given it
     */
    int open(URI uri, String token, String first) throws IOException {
        var channel = SocketChannel.open(new InetSocketAddress(uri.getHost(), uri.getPort()));
        channel.socket().setTcpNoDelay(true);
        var key = new byte[16];
        RANDOM.nextBytes(key);
        var request = "GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(key) + "\r\nAuthorization: Bearer " + token + "\r\n\r\n";
        write(channel, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        var connection = new Connection(connections.size(), channel);
        // the answer's head, byte by byte: what follows it (frames already sent) stays in the buffer
        var head = new StringBuilder();
        var one = ByteBuffer.allocate(1);
        while (!head.toString().endsWith("\r\n\r\n")) {
            one.clear();
            if (channel.read(one) < 0) {
                throw new IOException("the server closed the connection during the upgrade: " + head);
            }
            head.append((char) one.get(0));
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("the upgrade was answered " + head.toString().lines().findFirst().orElse(""));
        }
        if (first != null) {
            send(channel, 0x1, first.getBytes(StandardCharsets.UTF_8));
        }
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ, connection);
        connections.add(connection);
        return connection.id;
    }

    /** Sends a text message on a connection, from any thread (the reading thread only reads). */
    void send(int connection, String text) throws IOException {
        var channel = connections.get(connection).channel;
        synchronized (channel) {
            send(channel, 0x1, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Starts the thread that reads every connection opened so far. */
    void start() {
        reader = new Thread(this::loop, "bench-ws-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void loop() {
        try {
            while (!closing) {
                selector.select(200);
                var now = System.nanoTime();
                for (var key : selector.selectedKeys()) {
                    var connection = (Connection) key.attachment();
                    try {
                        if (connection.channel.read(connection.in) < 0) {
                            gone(connection, key, "the server closed the connection");
                            continue;
                        }
                        frames(connection, now);
                        if (!connection.in.hasRemaining()) {
                            // a frame larger than the buffer: room for all of it
                            var bigger = ByteBuffer.allocate(connection.in.capacity() * 2);
                            connection.in.flip();
                            bigger.put(connection.in);
                            connection.in = bigger;
                        }
                    } catch (IOException e) {
                        gone(connection, key, e.toString());
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            if (!closing) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private void gone(Connection connection, SelectionKey key, String why) {
        key.cancel();
        if (!connection.closed && !closing) {
            connection.closed = true;
            handler.closed(connection.id, why);
        }
    }

    /** Parses every whole frame in the buffer; keeps a partial one for the next read. */
    private void frames(Connection connection, long now) throws IOException {
        var in = connection.in;
        in.flip();
        while (in.remaining() >= 2) {
            int start = in.position();
            int b0 = in.get() & 0xFF;
            int b1 = in.get() & 0xFF;
            long length = b1 & 0x7F;
            if (length == 126) {
                if (in.remaining() < 2) {
                    in.position(start);
                    break;
                }
                length = in.getShort() & 0xFFFF;
            } else if (length == 127) {
                if (in.remaining() < 8) {
                    in.position(start);
                    break;
                }
                length = in.getLong();
            }
            boolean masked = (b1 & 0x80) != 0;
            if (in.remaining() < length + (masked ? 4 : 0)) {
                in.position(start);
                break;
            }
            var mask = new byte[4];
            if (masked) {
                in.get(mask);
            }
            var payload = new byte[(int) length];
            in.get(payload);
            if (masked) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i & 3];
                }
            }
            int opcode = b0 & 0x0F;
            boolean fin = (b0 & 0x80) != 0;
            switch (opcode) {
                case 0x0, 0x1 -> {
                    connection.message.write(payload);
                    if (fin) {
                        handler.text(connection.id, connection.message.toString(StandardCharsets.UTF_8), now);
                        connection.message.reset();
                    }
                }
                case 0x9 -> {
                    synchronized (connection.channel) {
                        send(connection.channel, 0xA, payload);
                    }
                }
                case 0x8 -> {
                    connection.closed = true;
                    handler.closed(connection.id, "closed by the server: "
                            + (payload.length >= 2 ? ((payload[0] & 0xFF) << 8 | (payload[1] & 0xFF)) : 1005)
                            + (payload.length > 2 ? " " + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : ""));
                }
                default -> {
                    // pong or a binary frame: nothing the row reads
                }
            }
        }
        in.compact();
    }

    /** One masked frame, as a client must send it. */
    private static void send(SocketChannel channel, int opcode, byte[] payload) throws IOException {
        int headLength = payload.length < 126 ? 2 : payload.length < 65536 ? 4 : 10;
        var frame = ByteBuffer.allocate(headLength + 4 + payload.length);
        frame.put((byte) (0x80 | opcode));
        if (payload.length < 126) {
            frame.put((byte) (0x80 | payload.length));
        } else if (payload.length < 65536) {
            frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(payload.length);
        }
        var mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.put(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        frame.flip();
        write(channel, frame);
    }

    private static void write(SocketChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            if (channel.write(bytes) == 0) {
                Thread.onSpinWait(); // a non-blocking channel whose send buffer is full: rare for these sizes
            }
        }
    }

    @Override
    public void close() throws IOException {
        closing = true;
        selector.wakeup();
        if (reader != null) {
            try {
                reader.join(5_000); // the selector is closed under it otherwise
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (var connection : connections) {
            connection.channel.close();
        }
        selector.close();
    }
}
