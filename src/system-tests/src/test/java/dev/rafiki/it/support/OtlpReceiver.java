package dev.rafiki.it.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver ({@code POST /v1/traces}, protobuf), as a collector would run it:
 * it decodes the spans the server exports, from the wire format of
 * opentelemetry-proto's trace service, with just the fields the tests read.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** A received span: ids in lower-case hex, attributes as text. */
    public record Span(String traceId, String spanId, String parentSpanId, String name, int kind,
                       long startNanos, long endNanos, Map<String, String> attributes, int statusCode,
                       Map<String, String> resource) {
        public String attribute(String key) {
            return attributes.get(key);
        }
    }

    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();

    public OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try (exchange) {
                InputStream body = exchange.getRequestBody();
                if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                    body = new GZIPInputStream(body);
                }
                decodeRequest(ByteBuffer.wrap(body.readAllBytes()));
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Span> spans() {
        return List.copyOf(spans);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // --- protobuf, field by field --------------------------------------------------------------

    private void decodeRequest(ByteBuffer in) {
        while (in.hasRemaining()) {
            long tag = varint(in);
            if (tag >>> 3 == 1 && (tag & 7) == 2) {
                decodeResourceSpans(sub(in));
            } else {
                skip(in, (int) (tag & 7));
            }
        }
    }

    private void decodeResourceSpans(ByteBuffer in) {
        var resource = new LinkedHashMap<String, String>();
        var scopes = new ArrayList<ByteBuffer>();
        while (in.hasRemaining()) {
            long tag = varint(in);
            int field = (int) (tag >>> 3);
            if (field == 1 && (tag & 7) == 2) {
                var r = sub(in);
                while (r.hasRemaining()) {
                    long t = varint(r);
                    if (t >>> 3 == 1 && (t & 7) == 2) {
                        keyValue(sub(r), resource);
                    } else {
                        skip(r, (int) (t & 7));
                    }
                }
            } else if (field == 2 && (tag & 7) == 2) {
                scopes.add(sub(in));
            } else {
                skip(in, (int) (tag & 7));
            }
        }
        for (var scope : scopes) {
            while (scope.hasRemaining()) {
                long tag = varint(scope);
                if (tag >>> 3 == 2 && (tag & 7) == 2) {
                    spans.add(decodeSpan(sub(scope), Map.copyOf(resource)));
                } else {
                    skip(scope, (int) (tag & 7));
                }
            }
        }
    }

    private Span decodeSpan(ByteBuffer in, Map<String, String> resource) {
        String traceId = "";
        String spanId = "";
        String parent = "";
        String name = "";
        int kind = 0;
        long start = 0;
        long end = 0;
        int status = 0;
        var attributes = new LinkedHashMap<String, String>();
        while (in.hasRemaining()) {
            long tag = varint(in);
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (field) {
                case 1 -> traceId = HexFormat.of().formatHex(bytes(sub(in)));
                case 2 -> spanId = HexFormat.of().formatHex(bytes(sub(in)));
                case 4 -> parent = HexFormat.of().formatHex(bytes(sub(in)));
                case 5 -> name = text(sub(in));
                case 6 -> kind = (int) varint(in);
                case 7 -> start = in.order(ByteOrder.LITTLE_ENDIAN).getLong();
                case 8 -> end = in.order(ByteOrder.LITTLE_ENDIAN).getLong();
                case 9 -> keyValue(sub(in), attributes);
                case 15 -> {
                    var s = sub(in);
                    while (s.hasRemaining()) {
                        long t = varint(s);
                        if (t >>> 3 == 3 && (t & 7) == 0) {
                            status = (int) varint(s);
                        } else {
                            skip(s, (int) (t & 7));
                        }
                    }
                }
                default -> skip(in, wire);
            }
        }
        return new Span(traceId, spanId, parent, name, kind, start, end, attributes, status, resource);
    }

    private static void keyValue(ByteBuffer in, Map<String, String> into) {
        String key = null;
        String value = null;
        while (in.hasRemaining()) {
            long tag = varint(in);
            if (tag >>> 3 == 1 && (tag & 7) == 2) {
                key = text(sub(in));
            } else if (tag >>> 3 == 2 && (tag & 7) == 2) {
                value = anyValue(sub(in));
            } else {
                skip(in, (int) (tag & 7));
            }
        }
        if (key != null) {
            into.put(key, value);
        }
    }

    private static String anyValue(ByteBuffer in) {
        String value = null;
        while (in.hasRemaining()) {
            long tag = varint(in);
            int field = (int) (tag >>> 3);
            switch (field) {
                case 1 -> value = text(sub(in));
                case 2 -> value = Boolean.toString(varint(in) != 0);
                case 3 -> value = Long.toString(varint(in));
                case 4 -> value = Double.toString(Double.longBitsToDouble(in.order(ByteOrder.LITTLE_ENDIAN).getLong()));
                default -> skip(in, (int) (tag & 7));
            }
        }
        return value;
    }

    private static long varint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("malformed varint");
    }

    private static ByteBuffer sub(ByteBuffer in) {
        int length = (int) varint(in);
        var slice = in.slice(in.position(), length).order(ByteOrder.LITTLE_ENDIAN);
        in.position(in.position() + length);
        return slice;
    }

    private static void skip(ByteBuffer in, int wire) {
        switch (wire) {
            case 0 -> varint(in);
            case 1 -> in.position(in.position() + 8);
            case 2 -> sub(in);
            case 5 -> in.position(in.position() + 4);
            default -> throw new IllegalArgumentException("unsupported wire type " + wire);
        }
    }

    private static byte[] bytes(ByteBuffer in) {
        var out = new byte[in.remaining()];
        in.get(out);
        return out;
    }

    private static String text(ByteBuffer in) {
        return new String(bytes(in), StandardCharsets.UTF_8);
    }
}
