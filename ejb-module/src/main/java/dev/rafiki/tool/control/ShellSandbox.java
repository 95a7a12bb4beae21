package dev.rafiki.tool.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How a shell command is confined. With bubblewrap (Debian package {@code bubblewrap}) the
 * command sees a read-only {@code /usr}, a private {@code /tmp}, the workspace as
 * {@code /workspace} and nothing else of the host: no {@code /etc}, no data directory, no
 * network, its own PID namespace, an empty environment. Without a working sandbox the shell is
 * unavailable, unless an operator chose {@code none}: then the command only gets the workspace
 * as working directory and an empty environment, which confines nothing.
 */
public final class ShellSandbox {

    /** {@code UNAVAILABLE}: no shell command runs at all. */
    public enum Mode { BWRAP, NONE, UNAVAILABLE }

    /** What {@code auto} asks of bubblewrap before trusting it: the real command line, once. */
    private static final long PROBE_SECONDS = 10;

    private final Mode mode;
    private final Path bwrap;
    private final String unavailableBecause;

    private ShellSandbox(Mode mode, Path bwrap, String unavailableBecause) {
        this.mode = mode;
        this.bwrap = bwrap;
        this.unavailableBecause = unavailableBecause;
    }

    public static ShellSandbox bubblewrap(Path bwrap) {
        return new ShellSandbox(Mode.BWRAP, bwrap, null);
    }

    public static ShellSandbox none() {
        return new ShellSandbox(Mode.NONE, null, null);
    }

    public static ShellSandbox unavailable(String because) {
        return new ShellSandbox(Mode.UNAVAILABLE, null, because);
    }

    /**
     * @param setting   {@code auto} (bubblewrap if it works here, else no shell), {@code bwrap}
     *                  (bubblewrap, not probed), {@code none} (unconfined)
     * @param bwrapPath the bubblewrap binary; empty: looked for in the usual places
     */
    public static ShellSandbox of(String setting, Optional<String> bwrapPath) {
        var value = setting == null ? "auto" : setting.strip();
        var configured = bwrapPath.map(String::strip).filter(p -> !p.isEmpty()).map(Path::of);
        var binary = configured.or(() -> Optional.ofNullable(findBwrap()))
                .filter(Files::isExecutable);
        var missing = configured.map(p -> "bubblewrap was not found at " + p + " (rafiki.tool.shell.bwrap-path)")
                .orElse("bubblewrap is not installed");
        return switch (value) {
            case "none" -> none();
            case "bwrap" -> binary.map(ShellSandbox::bubblewrap)
                    .orElseGet(() -> unavailable("rafiki.tool.shell.sandbox=bwrap, but " + missing));
            case "auto" -> {
                if (binary.isEmpty()) {
                    yield unavailable("no sandbox: " + missing);
                }
                var failure = probe(binary.get());
                yield failure == null ? bubblewrap(binary.get())
                        : unavailable("no sandbox: bubblewrap does not work here (" + failure + ")");
            }
            default -> unavailable("rafiki.tool.shell.sandbox is '" + value + "'; it must be auto, bwrap or none");
        };
    }

    static Path findBwrap() {
        for (var dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
            var candidate = Path.of(dir, "bwrap");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Runs a command that does nothing through the very command line every shell command gets:
     * bubblewrap may be installed and still fail, e.g. in a container that forbids namespaces.
     *
     * @return why it failed, or null when it worked
     */
    static String probe(Path bwrap) {
        Path directory = null;
        try {
            directory = Files.createTempDirectory("rafiki-sandbox-probe");
            var process = bubblewrap(bwrap).processFor("exit 0", directory).start();
            process.getOutputStream().close();
            if (!process.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "a trivial command did not end within " + PROBE_SECONDS + " s";
            }
            var output = new String(process.getInputStream().readNBytes(1000), StandardCharsets.UTF_8).strip();
            return process.exitValue() == 0 ? null
                    : "exit status " + process.exitValue() + (output.isEmpty() ? "" : ": " + output);
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            if (directory != null) {
                try {
                    Files.deleteIfExists(directory);
                } catch (IOException ignored) {
                    // a stray empty temporary directory
                }
            }
        }
    }

    public Mode mode() {
        return mode;
    }

    public boolean available() {
        return mode != Mode.UNAVAILABLE;
    }

    /** Why no shell command runs, for {@code UNAVAILABLE}; else null. */
    public String unavailableBecause() {
        return unavailableBecause;
    }

    /** The command line that runs {@code command} with {@code workspace} as its working directory. */
    public ProcessBuilder processFor(String command, Path workspace) {
        if (mode == Mode.UNAVAILABLE) {
            throw new IllegalStateException("the shell is unavailable: " + unavailableBecause);
        }
        var line = new ArrayList<String>();
        if (mode == Mode.BWRAP) {
            line.addAll(List.of(bwrap.toString(),
                    "--ro-bind", "/usr", "/usr",
                    "--symlink", "usr/bin", "/bin",
                    "--symlink", "usr/sbin", "/sbin",
                    "--symlink", "usr/lib", "/lib",
                    "--symlink", "usr/lib64", "/lib64",
                    "--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
                    "--proc", "/proc",
                    "--dev", "/dev",
                    "--tmpfs", "/tmp",
                    "--bind", workspace.toString(), "/workspace",
                    "--chdir", "/workspace",
                    "--unshare-all",
                    "--die-with-parent",
                    "--new-session",
                    "--clearenv",
                    "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin",
                    "--setenv", "HOME", "/workspace",
                    "--setenv", "LANG", "C.UTF-8",
                    "/bin/sh", "-c", command));
        } else {
            line.addAll(List.of("/bin/sh", "-c", command));
        }
        var builder = new ProcessBuilder(line).directory(workspace.toFile()).redirectErrorStream(true);
        if (mode == Mode.NONE) {
            // the server's own variables (API keys, database password) are not the command's business
            builder.environment().clear();
            builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
            builder.environment().put("HOME", workspace.toString());
            builder.environment().put("LANG", "C.UTF-8");
        }
        return builder;
    }
}
