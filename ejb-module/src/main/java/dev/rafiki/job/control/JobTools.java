package dev.rafiki.job.control;

import dev.rafiki.agent.control.AgentLoop;
import dev.rafiki.agent.model.ToolCall;
import dev.rafiki.tool.control.ToolResult;
import dev.rafiki.workspace.control.Workspace;
import dev.rafiki.workspace.control.Workspaces;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * The tools a job has on top of the workspace tools: saving a file as a downloadable artifact,
 * and reporting progress to whoever watches the job.
 */
public final class JobTools implements AgentLoop.Tools {

    /** What a browser may safely be handed as a file name, and what a header can carry unquoted. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final Pattern MEDIA_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}");
    private static final int MAX_MESSAGE = 1000;

    private final AgentLoop.Tools workspaceTools;
    /** Made when a tool first needs it (saving an artifact from a file). */
    private final Workspaces.OnDemand workspace;
    private final ArtifactStore store;
    private final JobProgress progress;
    private final ArtifactStore.Run run;
    private final long maxArtifactBytes;

    public JobTools(AgentLoop.Tools workspaceTools, Workspaces.OnDemand workspace, ArtifactStore store, JobProgress progress,
                    ArtifactStore.Run run, long maxArtifactBytes) {
        this.workspaceTools = workspaceTools;
        this.workspace = workspace;
        this.store = store;
        this.progress = progress;
        this.run = run;
        this.maxArtifactBytes = maxArtifactBytes;
    }

    @Override
    public ToolResult call(String name, String arguments, BooleanSupplier cancelled) {
        return call(new ToolCall(null, name, arguments), cancelled);
    }

    @Override
    public ToolResult call(ToolCall call, BooleanSupplier cancelled) {
        return switch (call.name()) {
            case "save_artifact" -> withArguments(call, args -> save(call.id(), args));
            case "report_progress" -> withArguments(call, this::report);
            default -> workspaceTools.call(call, cancelled);
        };
    }

    private ToolResult save(String callId, JsonObject args) {
        var name = text(args, "name");
        if (name == null || !NAME.matcher(name).matches()) {
            return ToolResult.failed("'name' must be 1 to 200 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        var path = text(args, "path");
        var content = text(args, "content");
        if ((path == null) == (content == null)) {
            return ToolResult.failed("give exactly one of 'path' and 'content'");
        }
        var contentType = text(args, "content_type");
        if (contentType != null && !MEDIA_TYPE.matcher(contentType).matches()) {
            return ToolResult.failed("'content_type' must be a media type such as text/plain");
        }
        byte[] bytes;
        try {
            bytes = content != null ? content.getBytes(StandardCharsets.UTF_8) : readFile(path);
        } catch (Workspace.WorkspaceException | IOException e) {
            return ToolResult.failed(e.getMessage());
        }
        if (bytes == null) {
            return ToolResult.failed("an artifact may hold at most " + maxArtifactBytes + " bytes");
        }
        if (contentType == null) {
            var guessed = URLConnection.guessContentTypeFromName(name);
            contentType = guessed != null ? guessed : content != null ? "text/plain" : "application/octet-stream";
        }
        var saved = store.save(run, callId, name, contentType, bytes);
        return saved.map(meta -> ToolResult.ok("saved artifact '" + meta.name() + "' (" + meta.size() + " bytes, "
                        + meta.contentType() + ", sha256 " + meta.sha256() + ")"))
                .orElseGet(() -> ToolResult.failed("the job is no longer running; nothing was saved"));
    }

    /** @return null when the file is larger than an artifact may be */
    private byte[] readFile(String path) throws Workspace.WorkspaceException, IOException {
        var file = workspace.get().resolve(path);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("no such file: " + path);
        }
        try (var in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            var bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxArtifactBytes + 1));
            return bytes.length > maxArtifactBytes ? null : bytes;
        }
    }

    private ToolResult report(JsonObject args) {
        var value = args.get("percent");
        if (!(value instanceof JsonNumber number) || !number.isIntegral() || number.longValue() < 0 || number.longValue() > 100) {
            return ToolResult.failed("'percent' must be an integer from 0 to 100");
        }
        var message = text(args, "message");
        if (message != null && message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE);
        }
        return progress.report(run, number.intValue(), message)
                ? ToolResult.ok("progress " + number.intValue() + "% reported")
                : ToolResult.failed("the job is no longer running");
    }

    private static ToolResult withArguments(ToolCall call, java.util.function.Function<JsonObject, ToolResult> tool) {
        var arguments = call.arguments();
        try (var reader = Json.createReader(new StringReader(arguments == null || arguments.isBlank() ? "{}" : arguments))) {
            var value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                return ToolResult.failed("the arguments must be a JSON object");
            }
            return tool.apply(value.asJsonObject());
        } catch (jakarta.json.JsonException e) {
            return ToolResult.failed("the arguments are not valid JSON: " + e.getMessage());
        }
    }

    private static String text(JsonObject args, String field) {
        var value = args.get(field);
        return value instanceof JsonString s ? s.getString() : null;
    }
}
