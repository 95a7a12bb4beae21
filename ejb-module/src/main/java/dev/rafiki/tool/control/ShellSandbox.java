package dev.rafiki.tool.control;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a shell command is confined. With bubblewrap (Debian package {@code bubblewrap}) the
 * command sees a read-only {@code /usr}, a private {@code /tmp}, the workspace as
 * {@code /workspace} and nothing else of the host: no {@code /etc}, no data directory, no
 * network, its own PID namespace, an empty environment. Without it, the command only gets the
 * workspace as working directory and an empty environment, which confines nothing: that mode
 * exists for development machines and is announced in the log.
 */
public final class ShellSandbox {

    public enum Mode { BWRAP, NONE }

    private final Mode mode;
    private final Path bwrap;

    public ShellSandbox(Mode mode, Path bwrap) {
        this.mode = mode;
        this.bwrap = bwrap;
    }

    /** {@code auto}: bubblewrap when it is installed, else none. */
    public static ShellSandbox of(String setting) {
        var bwrap = findBwrap();
        return switch (setting == null ? "auto" : setting.strip()) {
            case "none" -> new ShellSandbox(Mode.NONE, null);
            case "bwrap" -> {
                if (bwrap == null) {
                    throw new IllegalStateException("rafiki.tool.shell.sandbox=bwrap, but bwrap is not installed");
                }
                yield new ShellSandbox(Mode.BWRAP, bwrap);
            }
            default -> bwrap != null ? new ShellSandbox(Mode.BWRAP, bwrap) : new ShellSandbox(Mode.NONE, null);
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

    public Mode mode() {
        return mode;
    }

    /** The command line that runs {@code command} with {@code workspace} as its working directory. */
    public ProcessBuilder processFor(String command, Path workspace) {
        var line = new ArrayList<String>();
        Path directory = workspace;
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
            directory = workspace;
        } else {
            line.addAll(List.of("/bin/sh", "-c", command));
        }
        var builder = new ProcessBuilder(line).directory(directory.toFile()).redirectErrorStream(true);
        if (mode == Mode.NONE) {
            builder.environment().clear();
            builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
            builder.environment().put("HOME", workspace.toString());
            builder.environment().put("LANG", "C.UTF-8");
        }
        return builder;
    }
}
