package dev.rafiki.tool.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rafiki.workspace.control.Workspace;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellSandboxTest {

    static final String SECRET = "outside-secret-0815";
    /** Variables a clean shell may have: the three the sandbox sets and those the shell sets itself. */
    static final Set<String> CLEAN_ENV = Set.of("PATH", "HOME", "LANG", "PWD", "OLDPWD", "SHLVL", "_");

    @TempDir
    Path temp;

    Path outside;
    Workspace workspace;

    @BeforeEach
    void create() throws IOException {
        outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        workspace = new Workspace(temp.resolve("ws"));
    }

    WorkspaceTools tools(ShellSandbox sandbox) {
        return new WorkspaceTools(workspace, sandbox,
                new WorkspaceTools.Limits(1024, 1024, 4096, Duration.ofSeconds(1), Duration.ofSeconds(2)));
    }

    static String shell(String command) {
        return shell(command, 0);
    }

    static String shell(String command, int timeoutSeconds) {
        var json = jakarta.json.Json.createObjectBuilder().add("command", command);
        if (timeoutSeconds > 0) {
            json.add("timeout_seconds", timeoutSeconds);
        }
        return json.build().toString();
    }

    static Set<String> envNames(String envOutput) {
        return Arrays.stream(envOutput.split("\n")).filter(l -> l.contains("="))
                .map(l -> l.substring(0, l.indexOf('='))).collect(Collectors.toSet());
    }

    /** Runs a probe that connects to a TCP port of the host's loopback; true when the host saw a connection. */
    static boolean hostSawConnection(WorkspaceTools tools) throws IOException {
        try (var server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(1500);
            var result = tools.call("run_shell", shell(
                    "bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + " && echo CONNECTED'", 2), () -> false);
            try (var ignored = server.accept()) {
                assertTrue(result.content().contains("CONNECTED"), result::toString);
                return true;
            } catch (SocketTimeoutException e) {
                assertFalse(result.content().contains("CONNECTED"), result::toString);
                return false;
            }
        }
    }

    @Test
    void noneIsUnconfinedOnlyWhenAskedFor() {
        assertEquals(ShellSandbox.Mode.NONE, ShellSandbox.of("none", Optional.empty()).mode());
        assertEquals(ShellSandbox.Mode.NONE, ShellSandbox.of(" none ", Optional.empty()).mode());
    }

    @Test
    void autoUsesBubblewrapOnlyWhenItWorksHere() {
        var installed = ShellSandbox.findBwrap();
        var works = installed != null && ShellSandbox.probe(installed) == null;
        var expected = works ? ShellSandbox.Mode.BWRAP : ShellSandbox.Mode.UNAVAILABLE;
        assertEquals(expected, ShellSandbox.of("auto", Optional.empty()).mode());
        assertEquals(expected, ShellSandbox.of(null, Optional.empty()).mode());
        assertEquals(expected, ShellSandbox.of("auto", Optional.of(" ")).mode(), "a blank path is no path");
    }

    @Test
    void withoutBubblewrapAutoLeavesNoShellAndNeverRunsUnconfined() {
        var sandbox = ShellSandbox.of("auto", Optional.of(temp.resolve("missing/bwrap").toString()));
        assertEquals(ShellSandbox.Mode.UNAVAILABLE, sandbox.mode());
        assertFalse(sandbox.available());
        assertTrue(sandbox.unavailableBecause().contains(temp.resolve("missing/bwrap").toString()), sandbox.unavailableBecause());

        var result = tools(sandbox).call("run_shell", shell("echo ran > made.txt; cat " + outside.resolve("secret.txt")), () -> false);
        assertTrue(result.error(), result::toString);
        assertTrue(result.content().contains("not available"), result.content());
        assertTrue(result.content().contains("nothing was run"), result.content());
        assertFalse(result.content().contains(SECRET), result.content());
        assertFalse(Files.exists(workspace.root().resolve("made.txt")), "the command ran");
        assertThrows(IllegalStateException.class, () -> sandbox.processFor("true", workspace.root()));

        var offered = WorkspaceTools.specs(sandbox).stream().map(s -> s.name()).toList();
        assertEquals(java.util.List.of("list_files", "read_file", "write_file"), offered);
        assertEquals(4, WorkspaceTools.specs(ShellSandbox.none()).size());
    }

    @Test
    void aBubblewrapThatDoesNotWorkIsNotTrusted() {
        // installed but refused by the kernel (a container without namespaces) looks like this: it fails at once
        var sandbox = ShellSandbox.of("auto", Optional.of("/bin/false"));
        assertEquals(ShellSandbox.Mode.UNAVAILABLE, sandbox.mode());
        assertTrue(sandbox.unavailableBecause().contains("does not work here"), sandbox.unavailableBecause());
        assertTrue(sandbox.unavailableBecause().contains("exit status 1"), sandbox.unavailableBecause());
    }

    @Test
    void bwrapIsRequiredAsBeforeAndNotProbed() {
        var missing = ShellSandbox.of("bwrap", Optional.of(temp.resolve("missing/bwrap").toString()));
        assertEquals(ShellSandbox.Mode.UNAVAILABLE, missing.mode());
        assertTrue(missing.unavailableBecause().contains("rafiki.tool.shell.sandbox=bwrap"), missing.unavailableBecause());
        assertEquals(ShellSandbox.Mode.BWRAP, ShellSandbox.of("bwrap", Optional.of("/bin/false")).mode());
    }

    @Test
    void anUnknownSettingLeavesNoShell() {
        var sandbox = ShellSandbox.of("nonee", Optional.empty());
        assertEquals(ShellSandbox.Mode.UNAVAILABLE, sandbox.mode());
        assertTrue(sandbox.unavailableBecause().contains("'nonee'"), sandbox.unavailableBecause());
    }

    @Nested
    class WithoutSandbox {

        WorkspaceTools tools;

        @BeforeEach
        void create() {
            tools = tools(ShellSandbox.none());
        }

        ToolResult run(String command) {
            return tools.call("run_shell", shell(command), () -> false);
        }

        @Test
        void echoOutputIsReturned() {
            assertEquals(ToolResult.ok("hello world\n"), run("echo hello world"));
        }

        @Test
        void stderrIsMergedIntoTheOutput() {
            var result = run("echo out; echo err >&2");
            assertFalse(result.error());
            assertTrue(result.content().contains("out") && result.content().contains("err"), result.content());
        }

        @Test
        void runsInTheWorkspaceDirectory() throws IOException {
            assertEquals(workspace.root() + "\n", run("pwd").content());
            Files.writeString(workspace.root().resolve("host.txt"), "from host");
            assertEquals("from host", run("cat host.txt").content());
            assertFalse(run("echo made > made.txt").error());
            assertEquals("made\n", Files.readString(workspace.root().resolve("made.txt")));
        }

        @Test
        void nonZeroExitStatusIsAnErrorWithTheStatus() {
            var result = run("echo partial; exit 3");
            assertTrue(result.error());
            assertEquals("partial\n\n[exit status 3]", result.content());
            var missing = run("no-such-command-rafiki");
            assertTrue(missing.error());
            assertTrue(missing.content().contains("[exit status 127]"), missing.content());
        }

        @Test
        void outputIsCappedWithAMarker() {
            var result = run("head -c 10000 /dev/zero | tr '\\0' x");
            assertFalse(result.error(), result::toString);
            assertTrue(result.content().startsWith("x".repeat(4096) + "\n[output truncated: 10000 bytes, kept 4096]"),
                    () -> result.content().substring(Math.max(0, result.content().length() - 200)));
            assertEquals(4096 + "\n[output truncated: 10000 bytes, kept 4096]".length(), result.content().length());
        }

        @Test
        void environmentIsClean() {
            var result = run("env");
            assertFalse(result.error(), result::toString);
            var names = envNames(result.content());
            assertTrue(CLEAN_ENV.containsAll(names), () -> "unexpected variables: " + names);
            assertTrue(result.content().contains("HOME=" + workspace.root()), result.content());
        }

        @Test
        void commandIsKilledAtItsTimeLimit() {
            long start = System.nanoTime();
            var result = tools.call("run_shell", shell("echo before; sleep 30", 1), () -> false);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 5000, "took " + millis + " ms");
            assertTrue(millis >= 900, "stopped before its time limit: " + millis + " ms");
            assertTrue(result.error());
            assertTrue(result.content().contains("timed out"), result.content());
            assertTrue(result.content().contains("before"), "output before the kill is kept: " + result.content());
        }

        @Test
        void timeoutIsCappedAtTheMaximum() {
            long start = System.nanoTime();
            var result = tools.call("run_shell", shell("sleep 30", 100), () -> false);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 5000, "took " + millis + " ms");
            assertTrue(result.content().contains("timed out after 2 s"), result.content());
        }

        @Test
        void defaultTimeoutAppliesWithoutTimeoutSeconds() {
            long start = System.nanoTime();
            var result = run("sleep 30");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 5000, "took " + millis + " ms");
            assertTrue(result.content().contains("timed out after 1 s"), result.content());
        }

        @Test
        void childProcessesAreKilledWithTheShell() throws Exception {
            var result = tools.call("run_shell", shell("sleep 30 & echo $! > bg.pid; sleep 30", 1), () -> false);
            assertTrue(result.content().contains("timed out"), result.content());
            long pid = Long.parseLong(Files.readString(workspace.root().resolve("bg.pid")).strip());
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                    "the background child " + pid + " survived the kill");
        }

        @Test
        void cancellationStopsTheCommand() {
            long start = System.nanoTime();
            BooleanSupplier cancelled = () -> System.nanoTime() - start > Duration.ofMillis(300).toNanos();
            var result = tools.call("run_shell", shell("sleep 30", 2), cancelled);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 1500, "took " + millis + " ms");
            assertTrue(result.error());
            assertTrue(result.content().contains("cancelled"), result.content());
        }

        @Test
        void networkProbeWorksUnconfined() throws IOException {
            // the control for the sandbox's network test: the same probe does reach the host here
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/bash")), "bash not installed");
            assertTrue(hostSawConnection(tools));
        }
    }

    @Nested
    class WithBubblewrap {

        WorkspaceTools tools;

        @BeforeEach
        void create() {
            var installed = ShellSandbox.findBwrap();
            assumeTrue(installed != null && ShellSandbox.probe(installed) == null, "bubblewrap not installed or not working here");
            tools = tools(ShellSandbox.bubblewrap(ShellSandbox.findBwrap()));
        }

        ToolResult run(String command) {
            return tools.call("run_shell", shell(command), () -> false);
        }

        @Test
        void commandsRunInSlashWorkspace() {
            assertEquals(ToolResult.ok("/workspace\n"), run("pwd"));
        }

        @Test
        void filesWrittenByTheShellAppearInTheWorkspace() throws IOException {
            var result = run("mkdir -p sub && echo made-inside > sub/made.txt");
            assertFalse(result.error(), result::toString);
            assertEquals("made-inside\n", Files.readString(workspace.root().resolve("sub/made.txt")));
        }

        @Test
        void filesOfTheWorkspaceAreVisibleToTheShell() throws IOException {
            Files.writeString(workspace.root().resolve("host.txt"), "from host");
            assertEquals(ToolResult.ok("from host"), run("cat host.txt"));
            assertEquals(ToolResult.ok("from host"), run("cat /workspace/host.txt"));
        }

        @Test
        void exitStatusPassesThroughTheSandbox() {
            var result = run("exit 7");
            assertTrue(result.error());
            assertTrue(result.content().contains("[exit status 7]"), result.content());
        }

        @Test
        void hostEtcPasswdIsNotReadable() throws IOException {
            var hostPasswd = Files.readString(Path.of("/etc/passwd"));
            var firstLine = hostPasswd.lines().findFirst().orElseThrow();
            var result = run("cat /etc/passwd");
            assertTrue(result.error(), result::toString);
            assertFalse(result.content().contains(firstLine), result.content());
        }

        @Test
        void directoryOutsideTheWorkspaceIsNotVisible() {
            var byPath = run("cat " + outside.resolve("secret.txt"));
            assertTrue(byPath.error(), byPath::toString);
            assertFalse(byPath.content().contains(SECRET));
            var listing = run("ls " + temp);
            assertTrue(listing.error(), listing::toString);
            assertFalse(listing.content().contains("outside"));
            var search = run("find / -path /proc -prune -o -path /usr -prune -o -name secret.txt -print");
            assertFalse(search.content().contains("secret.txt"), search.content());
        }

        @Test
        void dotDotDoesNotLeaveTheWorkspace() {
            var result = run("cat ../outside/secret.txt; cat ../secret.txt; cat ../../outside/secret.txt");
            assertTrue(result.error(), result::toString);
            assertFalse(result.content().contains(SECRET), result.content());
        }

        @Test
        void tmpIsPrivate() throws IOException {
            // the host's /tmp holds this test's own directories; the sandbox must see an empty one
            var result = run("ls -A /tmp");
            assertEquals(ToolResult.ok(""), result);
            assertFalse(run("echo x > /tmp/from-sandbox").error());
            assertFalse(Files.exists(Path.of("/tmp/from-sandbox")));
        }

        @Test
        void usrIsReadOnly() {
            var result = run("touch /usr/rafiki-test-file");
            assertTrue(result.error(), result::toString);
            assertFalse(Files.exists(Path.of("/usr/rafiki-test-file")));
        }

        @Test
        void networkNamespaceIsEmpty() throws IOException {
            var interfaces = run("cat /proc/net/dev");
            assertFalse(interfaces.error(), interfaces::toString);
            var names = interfaces.content().lines().filter(l -> l.contains(":"))
                    .map(l -> l.substring(0, l.indexOf(':')).strip()).collect(Collectors.toSet());
            assertEquals(Set.of("lo"), names, interfaces.content());

            var hostNamespace = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
            var inside = run("readlink /proc/self/ns/net");
            assertFalse(inside.error(), inside::toString);
            assertNotEquals(hostNamespace, inside.content().strip(), "the command shares the host's network namespace");
        }

        @Test
        void hostLoopbackIsNotReachable() throws IOException {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/bash")), "bash not installed");
            assertFalse(hostSawConnection(tools), "a command in the sandbox connected to the host");
        }

        @Test
        void environmentIsClean() {
            var result = run("env");
            assertFalse(result.error(), result::toString);
            var names = envNames(result.content());
            assertTrue(CLEAN_ENV.containsAll(names), () -> "unexpected variables: " + names);
            assertTrue(result.content().contains("HOME=/workspace"), result.content());
            assertFalse(result.content().contains("JAVA_HOME"), result.content());
        }

        @Test
        void symlinkToHostFileCreatedInsideRevealsNothing() throws IOException {
            var firstLine = Files.readString(Path.of("/etc/passwd")).lines().findFirst().orElseThrow();
            var result = run("ln -s /etc/passwd p; cat p");
            assertFalse(result.content().contains(firstLine), result.content());
            // and the link it left behind is not followed by the file tools on the host either
            assertTrue(Files.isSymbolicLink(workspace.root().resolve("p")));
            var read = tools.call("read_file", "{\"path\":\"p\"}", () -> false);
            assertTrue(read.error(), read::toString);
            assertFalse(read.content().contains(firstLine), read.content());
        }

        @Test
        void symlinkToOutsideDirectoryCreatedInsideRevealsNothing() throws IOException {
            var result = run("ln -s " + outside + " door; cat door/secret.txt");
            assertFalse(result.content().contains(SECRET), result.content());
            var read = tools.call("read_file", "{\"path\":\"door/secret.txt\"}", () -> false);
            assertTrue(read.error(), read::toString);
            assertFalse(read.content().contains(SECRET), read.content());
            var write = tools.call("write_file", "{\"path\":\"door/new.txt\",\"content\":\"x\"}", () -> false);
            assertTrue(write.error(), write::toString);
            assertFalse(Files.exists(outside.resolve("new.txt")));
        }

        @Test
        void commandIsKilledAtItsTimeLimit() {
            long start = System.nanoTime();
            var result = tools.call("run_shell", shell("sleep 30", 1), () -> false);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 5000, "took " + millis + " ms");
            assertTrue(result.content().contains("timed out"), result.content());
        }

        @Test
        void childProcessesDieWithTheTimedOutCommand() throws Exception {
            // a pid of the sandbox's own PID namespace means nothing on the host: the child proves it
            // is alive by writing a file once the kill should have happened
            var result = tools.call("run_shell", shell("(sleep 2; echo late > late.txt) & sleep 30", 1), () -> false);
            assertTrue(result.content().contains("timed out"), result.content());
            Thread.sleep(2500);
            assertFalse(Files.exists(workspace.root().resolve("late.txt")), "a child of the killed command ran on");
        }

        @Test
        void backgroundProcessesDieWithTheCommand() throws Exception {
            var result = run("(sleep 1; echo late > late.txt) & echo started");
            assertEquals(ToolResult.ok("started\n"), result);
            Thread.sleep(2000);
            assertFalse(Files.exists(workspace.root().resolve("late.txt")), "a background process outlived its command");
        }

        @Test
        void cancellationStopsTheCommand() {
            long start = System.nanoTime();
            BooleanSupplier cancelled = () -> System.nanoTime() - start > Duration.ofMillis(300).toNanos();
            var result = tools.call("run_shell", shell("sleep 30", 2), cancelled);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 1500, "took " + millis + " ms");
            assertTrue(result.content().contains("cancelled"), result.content());
        }

        @Test
        void commandLineUnsharesEverythingAndClearsTheEnvironment() {
            var sandbox = ShellSandbox.bubblewrap(ShellSandbox.findBwrap());
            var line = sandbox.processFor("true", workspace.root()).command();
            assertNotNull(line);
            assertTrue(line.contains("--unshare-all"), line::toString);
            assertTrue(line.contains("--clearenv"), line::toString);
            assertTrue(line.contains("--die-with-parent"), line::toString);
            assertEquals(java.util.List.of("/bin/sh", "-c", "true"), line.subList(line.size() - 3, line.size()));
        }
    }
}
