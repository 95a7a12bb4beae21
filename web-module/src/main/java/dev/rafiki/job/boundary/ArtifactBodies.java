package dev.rafiki.job.boundary;

import dev.rafiki.job.control.ArtifactStore;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.util.UUID;

/** An artifact's bytes as a download, with a token or a signed link alike: the same chunks, the same checks. */
public final class ArtifactBodies {

    /** Read a chunk at a time, so a large artifact never sits whole in memory. */
    private static final int CHUNK = 1 << 20;

    private ArtifactBodies() {
    }

    public static StreamingOutput of(ArtifactStore store, UUID jobId, ArtifactStore.Meta meta, long start, long length) {
        return out -> {
            long position = start;
            long end = start + length;
            while (position < end) {
                int size = (int) Math.min(CHUNK, end - position);
                var chunk = store.read(jobId, meta.name(), meta.sha256(), position, size)
                        .orElseThrow(() -> new IOException("the artifact was replaced during the download"));
                if (chunk.length == 0) {
                    throw new IOException("the artifact is shorter than recorded");
                }
                out.write(chunk);
                position += chunk.length;
            }
        };
    }
}
