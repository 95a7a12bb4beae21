package dev.rafiki.workspace.boundary;

import dev.rafiki.platform.http.Downloads;
import dev.rafiki.workspace.control.WorkspaceFiles;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;

/** A workspace file as a download, with a token or a signed link alike. */
public final class FileDownloads {

    private FileDownloads() {
    }

    /** Takes over {@code opened}'s channel: it is closed once written, or at once when nothing is sent. */
    public static Response answer(WorkspaceFiles.Opened opened, String range, String ifRange, String ifNoneMatch,
                                  String requestId) {
        var entry = opened.entry();
        var name = entry.path().substring(entry.path().lastIndexOf('/') + 1);
        var guessed = URLConnection.guessContentTypeFromName(name);
        var channel = opened.channel();
        Response response;
        try {
            response = Downloads.answer(new Downloads.Content(name, guessed == null ? "application/octet-stream" : guessed,
                    entry.size(), entry.sha256()), range, ifRange, ifNoneMatch, requestId, (start, length) -> body(channel, start, length));
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        }
        if (!(response.getEntity() instanceof StreamingOutput)) {
            close(channel);
        }
        return response;
    }

    private static StreamingOutput body(SeekableByteChannel channel, long start, long length) {
        return out -> {
            try (channel) {
                var target = Channels.newChannel(out);
                long position = start;
                long end = start + length;
                if (channel instanceof FileChannel file) {
                    while (position < end) {
                        long sent = file.transferTo(position, end - position, target);
                        if (sent <= 0) {
                            throw new IOException("the file is shorter than listed");
                        }
                        position += sent;
                    }
                    return;
                }
                channel.position(start);
                var buffer = ByteBuffer.allocate(65536);
                while (position < end) {
                    buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                    int n = channel.read(buffer);
                    if (n < 0) {
                        throw new IOException("the file is shorter than listed");
                    }
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        target.write(buffer);
                    }
                    position += n;
                }
            }
        };
    }

    private static void close(SeekableByteChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was read
        }
    }
}
