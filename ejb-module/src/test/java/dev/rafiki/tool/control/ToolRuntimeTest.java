package dev.rafiki.tool.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.platform.config.Settings;
import dev.rafiki.workspace.control.Workspaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A session's tools as a run gets them: its workspace is a directory only once a tool needs one. */
class ToolRuntimeTest {

    @TempDir
    Path root;

    ToolRuntime runtime() {
        var workspaces = new Workspaces() {
            @Override
            public Path directory() {
                return root;
            }
        };
        var runtime = new ToolRuntime();
        runtime.workspaces = workspaces;
        runtime.settings = Settings.defaults(ToolSettings.class);
        runtime.settings.sandbox = "none";
        runtime.init();
        return runtime;
    }

    @Test
    void aRunThatCallsNoWorkspaceToolLeavesNoWorkspaceBehind() throws Exception {
        var session = UUID.randomUUID();
        var tools = runtime().forSession(session, null);
        assertFalse(Files.exists(root.resolve(session.toString())), "no tool called, no directory");

        var written = tools.call("write_file", "{\"path\":\"notes/a.txt\",\"content\":\"hello\"}", () -> false);
        assertFalse(written.error(), written.content());
        assertEquals("hello", Files.readString(root.resolve(session.toString()).resolve("notes/a.txt")));
        var read = tools.call("read_file", "{\"path\":\"notes/a.txt\"}", () -> false);
        assertTrue(read.content().contains("hello"), read.content());
    }

    @Test
    void aWorkspaceThatCannotBeMadeFailsTheToolCallWithoutTheServersPath() throws Exception {
        var session = UUID.randomUUID();
        Files.writeString(root.resolve(session.toString()), "a file where the workspace would go");
        var result = runtime().forSession(session, null).call("list_files", "{}", () -> false);
        assertTrue(result.error(), result.content());
        assertEquals("the session's workspace could not be made; the tool did not run", result.content());
    }
}
