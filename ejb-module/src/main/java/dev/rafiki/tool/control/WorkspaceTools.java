package dev.rafiki.tool.control;

import dev.rafiki.workspace.control.Workspace.WorkspaceException;
import dev.rafiki.workspace.control.Workspace;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The tools a model can call, all confined to one session's workspace: list, read and write
 * files, and run a shell command (time limit, output cap, sandbox, cancellation).
 */
public final class WorkspaceTools {

    public static final List<ToolSpec> SPECS = List.of(
            new ToolSpec("list_files", "List the files and directories at a path of the workspace (default: its root).",
                    "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\",\"description\":\"relative path\"}}}"),
            new ToolSpec("read_file", "Read a text file of the workspace (a binary file is described: size and SHA-256).",
                    "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"]}"),
            new ToolSpec("write_file", "Create or replace a text file of the workspace; missing directories are created.",
                    "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},\"content\":{\"type\":\"string\"}},"
                            + "\"required\":[\"path\",\"content\"]}"),
            new ToolSpec("run_shell", "Run a shell command (/bin/sh -c) in the workspace, without network. "
                    + "Output (stdout and stderr) is truncated; the command is killed at its time limit.",
                    "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\"},"
                            + "\"timeout_seconds\":{\"type\":\"integer\",\"minimum\":1}},\"required\":[\"command\"]}"));

    /** The tools to offer a model: a shell that cannot run is not offered. */
    public static List<ToolSpec> specs(ShellSandbox sandbox) {
        return sandbox.available() ? SPECS : SPECS.stream().filter(spec -> !spec.name().equals("run_shell")).toList();
    }

    /** Limits of one tool call. */
    public record Limits(int readMaxBytes, int writeMaxBytes, int outputMaxBytes, Duration shellTimeout,
                         Duration shellMaxTimeout) {
    }

    private final Workspace workspace;
    private final ShellSandbox sandbox;
    private final Limits limits;

    public WorkspaceTools(Workspace workspace, ShellSandbox sandbox, Limits limits) {
        this.workspace = workspace;
        this.sandbox = sandbox;
        this.limits = limits;
    }

    public ToolResult call(String name, String arguments, BooleanSupplier cancelled) {
        JsonObject args;
        try (var reader = Json.createReader(new StringReader(arguments == null || arguments.isBlank() ? "{}" : arguments))) {
            var value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                return ToolResult.failed("the arguments must be a JSON object");
            }
            args = value.asJsonObject();
        } catch (jakarta.json.JsonException e) {
            return ToolResult.failed("the arguments are not valid JSON: " + e.getMessage());
        }
        try {
            return switch (name) {
                case "list_files" -> list(optional(args, "path", "."));
                case "read_file" -> read(required(args, "path"));
                case "write_file" -> write(required(args, "path"), required(args, "content"));
                case "run_shell" -> shell(required(args, "command"), args.getInt("timeout_seconds", 0), cancelled);
                default -> ToolResult.failed("unknown tool: " + name);
            };
        } catch (WorkspaceException e) {
            return ToolResult.failed(e.getMessage());
        } catch (ClassCastException e) {
            return ToolResult.failed("an argument has the wrong type");
        } catch (IOException e) {
            return ToolResult.failed("the tool failed: " + e.getMessage());
        }
    }

    private ToolResult list(String path) throws WorkspaceException, IOException {
        var directory = workspace.resolve(path);
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return ToolResult.failed("not a directory: " + path);
        }
        try (var entries = Files.list(directory)) {
            var listing = entries.sorted().map(p -> workspace.relative(p) + (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "/" : ""))
                    .collect(Collectors.joining("\n"));
            return ToolResult.ok(listing.isEmpty() ? "(empty)" : listing);
        }
    }

    private ToolResult read(String path) throws WorkspaceException, IOException {
        var file = workspace.resolve(path);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return ToolResult.failed("no such file: " + path);
        }
        try (var in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            var bytes = in.readNBytes(limits.readMaxBytes() + 1);
            boolean truncated = bytes.length > limits.readMaxBytes();
            int length = Math.min(bytes.length, limits.readMaxBytes());
            if (ToolText.binary(bytes, length)) {
                return ToolResult.ok(truncated ? ToolText.binaryFile(Files.size(file), null)
                        : ToolText.binaryFile(length, bytes));
            }
            var text = ToolText.decode(bytes, length, truncated);
            return ToolResult.ok(truncated ? text + "\n[truncated at " + limits.readMaxBytes() + " bytes]" : text);
        } catch (NoSuchFileException e) {
            return ToolResult.failed("no such file: " + path);
        }
    }

    private ToolResult write(String path, String content) throws WorkspaceException, IOException {
        var bytes = content.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > limits.writeMaxBytes()) {
            return ToolResult.failed("the content is larger than " + limits.writeMaxBytes() + " bytes");
        }
        var file = workspace.resolve(path);
        if (file.equals(workspace.root())) {
            return ToolResult.failed("a file name is required");
        }
        Files.createDirectories(file.getParent());
        // re-check after creating directories: nothing on the way may have become a link
        file = workspace.resolve(path);
        Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        return ToolResult.ok("wrote " + bytes.length + " bytes to " + workspace.relative(file));
    }

    private ToolResult shell(String command, int timeoutSeconds, BooleanSupplier cancelled) throws IOException {
        if (!sandbox.available()) {
            // a model may call a tool it was not offered: it is told why, and nothing runs
            return ToolResult.failed("run_shell is not available on this server (" + sandbox.unavailableBecause()
                    + "); nothing was run");
        }
        var timeout = timeoutSeconds > 0
                ? Duration.ofSeconds(Math.min(timeoutSeconds, limits.shellMaxTimeout().toSeconds()))
                : limits.shellTimeout();
        var process = sandbox.processFor(command, workspace.root()).start();
        process.getOutputStream().close();
        if (!sandbox.available()) {
            // a model may call a tool it was not offered: it is told why, and nothing runs
            return ToolResult.failed("run_shell is not available on this server (" + sandbox.unavailableBecause()
                    + "); nothing was run");
        }
        var output = new CappedOutput(process.getInputStream(), limits.outputMaxBytes());
        output.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        String ending = null;
        try {
            while (!process.waitFor(50, TimeUnit.MILLISECONDS)) {
                if (cancelled.getAsBoolean()) {
                    ending = "cancelled";
                    break;
                }
                if (System.nanoTime() > deadline) {
                    ending = "timed out after " + timeout.toSeconds() + " s";
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ending = "interrupted";
        }
        if (ending != null) {
            kill(process);
        }
        output.finish();
        var text = output.text();
        if (ending != null) {
            return ToolResult.failed(text + "\n[command " + ending + "; killed]");
        }
        int exit = process.exitValue();
        return new ToolResult(text + (exit == 0 ? "" : "\n[exit status " + exit + "]"), exit != 0);
    }

    /** The whole process tree: a shell's children would otherwise outlive it. */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String required(JsonObject args, String name) throws WorkspaceException {
        var value = args.get(name);
        if (!(value instanceof JsonString s)) {
            throw new WorkspaceException("the string argument '" + name + "' is required");
        }
        return s.getString();
    }

    private static String optional(JsonObject args, String name, String fallback) throws WorkspaceException {
        return args.containsKey(name) && args.get(name).getValueType() != JsonValue.ValueType.NULL
                ? required(args, name) : fallback;
    }

    /** Drains a process's output on its own thread, keeping at most {@code max} bytes. */
    private static final class CappedOutput extends Thread {
        private final InputStream in;
        private final int max;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long total;

        CappedOutput(InputStream in, int max) {
            super("tool-output");
            setDaemon(true);
            this.in = in;
            this.max = max;
        }

        @Override
        public void run() {
            var buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (kept) {
                        int room = (int) Math.max(0, max - kept.size());
                        kept.write(buffer, 0, Math.min(room, n));
                        total += n;
                    }
                }
            } catch (IOException ignored) {
                // the process was killed: keep what was read
            }
        }

        void finish() {
            try {
                join(1000);
                in.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException ignored) {
                // already closed
            }
        }

        String text() {
            synchronized (kept) {
                var text = ToolText.decode(kept.toByteArray(), kept.size(), total > max);
                return total > max ? text + "\n[output truncated: " + total + " bytes, kept " + max + "]" : text;
            }
        }
    }
}
