package dev.rafiki.workspace.boundary;

import dev.rafiki.platform.http.Downloads;
import dev.rafiki.workspace.control.WorkspaceFiles;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLConnection;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;

/** A workspace file as a download, with a token or a signed link alike. */
public final class FileDownloads {

    private FileDownloads() {
    }

    public static Response answer(WorkspaceFiles.Opened opened, String range, String ifRange, String ifNoneMatch,
                                  String requestId) {
        var entry = opened.entry();
        var name = entry.path().substring(entry.path().lastIndexOf('/') + 1);
        var guessed = URLConnection.guessContentTypeFromName(name);
        FileChannel channel;
        try {
            // opened now: a later upload renames another file into place, this one stays readable as it was
            channel = FileChannel.open(opened.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var response = Downloads.answer(new Downloads.Content(name, guessed == null ? "application/octet-stream" : guessed,
                entry.size(), entry.sha256()), range, ifRange, ifNoneMatch, requestId, (start, length) -> body(channel, start, length));
        if (!(response.getEntity() instanceof StreamingOutput)) {
            close(channel);
        }
        return response;
    }

    private static StreamingOutput body(FileChannel channel, long start, long length) {
        return out -> {
            try (channel) {
                var target = Channels.newChannel(out);
                long position = start;
                long end = start + length;
                while (position < end) {
                    long sent = channel.transferTo(position, end - position, target);
                    if (sent <= 0) {
                        throw new IOException("the file is shorter than listed");
                    }
                    position += sent;
                }
            }
        };
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was read
        }
    }
}
