package dev.rafiki.session.boundary;

import dev.rafiki.platform.edge.LargeBodies;
import dev.rafiki.workspace.control.WorkspaceFiles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.regex.Pattern;

/** A file upload ({@code PUT /session/{id}/files/{path}}) may be as large as an upload may be. */
@ApplicationScoped
public class UploadBodies implements LargeBodies {

    private static final Pattern UPLOAD = Pattern.compile("/session/[^/]+/files/.+");

    @Inject
    WorkspaceFiles files;

    @Override
    public long maxBytes(String method, String path) {
        return "PUT".equals(method) && UPLOAD.matcher(path).matches() ? files.maxUploadBytes() : -1;
    }
}
