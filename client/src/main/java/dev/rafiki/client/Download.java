package dev.rafiki.client;

import java.nio.file.Path;

/**
 * A downloaded artifact: where it is, its size and ETag; {@code notModified} when the copy on
 * disk was current ({@code 304}) and nothing was transferred; {@code resumed} how many times the
 * transfer went on from where a dropped connection left it ({@code Range}).
 */
public record Download(Path path, long size, String etag, boolean notModified, int resumed) {
}
