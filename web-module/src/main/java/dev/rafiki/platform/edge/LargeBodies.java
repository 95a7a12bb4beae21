package dev.rafiki.platform.edge;

/**
 * A route whose requests may carry a body larger than {@code rafiki.http.max-body-bytes} (file
 * uploads), told to the edge by the feature that owns the route, so that the edge, below every
 * feature, needs to know none of them.
 */
public interface LargeBodies {

    /** @return the largest body this request may carry, or -1 when its route is not one of these */
    long maxBytes(String method, String path);
}
