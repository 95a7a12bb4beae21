package dev.rafiki.tool.control;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * A client transport that remembers the JSON-RPC id of each {@code tools/call} it sends, so that a
 * call given up on can be cancelled on the server with {@code notifications/cancelled}. The SDK
 * (2.0.1) neither sends that notification nor shows a request's id; it hands the transport the
 * very request object it was given, which is how a call is found again here.
 */
final class CallTracking implements McpClientTransport {

    static final String CANCELLED = "notifications/cancelled";

    private final McpClientTransport inner;
    private final Map<Object, Object> ids = Collections.synchronizedMap(new IdentityHashMap<>());

    CallTracking(McpClientTransport inner) {
        this.inner = inner;
    }

    /** From now on, the id under which {@code request} is sent is kept until {@link #forget}. */
    void track(McpSchema.CallToolRequest request) {
        ids.put(request, null);
    }

    void forget(McpSchema.CallToolRequest request) {
        ids.remove(request);
    }

    /**
     * Tells the server that the call of {@code request} is abandoned, if it was sent; the server may
     * stop its work. Fire and forget: the caller has given up waiting already.
     */
    void cancel(McpSchema.CallToolRequest request, String reason, Consumer<Throwable> failed) {
        var id = ids.remove(request);
        if (id == null) {
            return; // never sent: there is nothing to cancel
        }
        inner.sendMessage(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, CANCELLED,
                Map.of("requestId", id, "reason", reason))).subscribe(null, failed);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCRequest request && ids.containsKey(request.params())) {
            ids.replace(request.params(), request.id());
        }
        return inner.sendMessage(message);
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return inner.connect(handler);
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        inner.setExceptionHandler(handler);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return inner.closeGracefully();
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
        return inner.unmarshalFrom(data, type);
    }

    @Override
    public List<String> protocolVersions() {
        return inner.protocolVersions();
    }
}
