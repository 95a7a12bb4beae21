package dev.rafiki.client;

import jakarta.json.Json;
import java.io.IOException;
import java.util.Map;

/**
 * {@code GET /ws}: one {@code subscribe} frame, then its events. The {@code subscribed} frame names
 * the start cursor; an {@code error} frame is the problem it carries; a close (4008 for a
 * subscriber that fell behind, or a server going down) ends the feed.
 */
final class WebSocketFeed implements Feed {

    private final Frames frames;

    private WebSocketFeed(Frames frames) {
        this.frames = frames;
    }

    static Feed.Opener opener(Frames.Connector connector, Map<String, String> query) {
        return (cursor, activity) -> {
            var frames = connector.connect(activity);
            var subscribe = Json.createObjectBuilder().add("type", "subscribe");
            if (query.isEmpty()) {
                subscribe.add("scope", "user");
            }
            query.forEach(subscribe::add);
            if (cursor != null) {
                subscribe.add("after", cursor);
            }
            frames.send(subscribe.build().toString());
            return new WebSocketFeed(frames);
        };
    }

    @Override
    public Item next() throws IOException {
        while (true) {
            var frame = frames.next();
            if (frame == null) {
                return null;
            }
            switch (frame.getString("type", "")) {
                case "subscribed" -> {
                    return new Item(frame.getJsonNumber("after").longValue(), null);
                }
                case "keep-alive", "unsubscribed" -> {
                    // nothing to hand over
                }
                case "error" -> throw WebSocketConnection.problem(frame);
                default -> {
                    if (frame.containsKey("stream")) {
                        return event(frame);
                    }
                }
            }
        }
    }

    /** An event frame, with the cursor its {@code stream} says to resume with. */
    static Item event(jakarta.json.JsonObject frame) {
        var cursor = "user".equals(frame.getString("stream")) ? frame.getJsonNumber("user_seq") : frame.getJsonNumber("seq");
        return new Item(cursor.longValue(), frame.toString());
    }

    @Override
    public void close() {
        frames.close();
    }
}
