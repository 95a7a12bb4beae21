package dev.rafiki.stream.boundary;

import jakarta.websocket.server.ServerEndpoint;

/**
 * {@code GET /events} with a WebSocket upgrade: the same endpoint as {@code /ws}, frames and
 * cursors included (the seed's surface names the two as aliases). A {@code GET /events} without
 * an upgrade is the Server-Sent Events stream of {@link EventsResource}: the WebSocket container
 * takes only upgrade requests.
 */
@ServerEndpoint(value = "/events", configurator = OriginCheck.class)
public class EventsSocket extends EventSocket {
}
