package dev.rafiki.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The Java that runs Payara Micro. Payara Micro 7 (Jakarta EE 11) needs Java 21 or newer, while the
 * launcher itself, the build and the tests run on the machine's default Java (17 here): the
 * launcher finds a newer JDK rather than asking every user to switch their default.
 * <p>
 * Order: {@code rafiki.java.home} (RAFIKI_JAVA_HOME), which must be new enough; the launcher's own
 * Java; {@code JAVA_HOME}; the newest JDK in the usual places (Debian's {@code /usr/lib/jvm}, ...).
 * None new enough: the launcher refuses to start and says what to install or set.
 */
final class PayaraJava {

    static final int MINIMUM = 21;

    /** Where JDKs are installed by packages and installers, each holding one JDK per directory. */
    static final List<Path> USUAL_PLACES = List.of(Path.of("/usr/lib/jvm"), Path.of("/usr/java"), Path.of("/opt/java"),
            Path.of("/Library/Java/JavaVirtualMachines"));

    private PayaraJava() {
    }

    /** A JDK: its home and its feature version, read once from its release file. */
    record Jdk(Path home, int version) {
        static Jdk at(Path home) {
            return new Jdk(home, PayaraJava.version(home));
        }

        Path java() {
            return home.resolve("bin").resolve("java");
        }
    }

    /** @return a JDK of {@link #MINIMUM} or newer; @throws IllegalStateException if none */
    static Jdk find(Optional<String> configured, Path ownHome, Optional<String> javaHomeVariable, List<Path> places) {
        if (configured.isPresent()) {
            var jdk = Jdk.at(Path.of(configured.get()));
            if (jdk.version() < MINIMUM) {
                throw new IllegalStateException("rafiki.java.home (RAFIKI_JAVA_HOME) is " + jdk.home() + ", "
                        + (jdk.version() == 0 ? "not a Java installation (no bin/java and release file)" : "Java " + jdk.version())
                        + ": Payara Micro needs Java " + MINIMUM + " or newer");
            }
            return jdk;
        }
        var candidates = new ArrayList<Path>();
        candidates.add(ownHome);
        javaHomeVariable.map(Path::of).ifPresent(candidates::add);
        for (var candidate : candidates) {
            var jdk = Jdk.at(candidate);
            if (jdk.version() >= MINIMUM) {
                return jdk;
            }
        }
        return places.stream()
                .flatMap(PayaraJava::homesIn)
                .map(Jdk::at)
                .filter(jdk -> jdk.version() >= MINIMUM)
                .max(Comparator.comparingInt(Jdk::version).thenComparing(jdk -> jdk.home().toString()))
                .orElseThrow(() -> new IllegalStateException("Payara Micro needs Java " + MINIMUM + " or newer; the launcher runs on "
                        + "Java " + Runtime.version().feature() + " and found no newer JDK in JAVA_HOME or " + places
                        + ". Install one (Debian: apt-get install openjdk-21-jdk-headless) or set RAFIKI_JAVA_HOME to it."));
    }

    /** The JDK homes directly in {@code place}, and macOS's {@code X.jdk/Contents/Home}. */
    private static Stream<Path> homesIn(Path place) {
        if (!Files.isDirectory(place)) {
            return Stream.empty();
        }
        try (var entries = Files.list(place)) {
            return entries.flatMap(dir -> Stream.of(dir, dir.resolve("Contents").resolve("Home"))).toList().stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    /**
     * The feature version of the JDK at {@code home}, from its {@code release} file (every JDK since 9
     * has one), or 0 if it is not a usable Java installation.
     */
    static int version(Path home) {
        var release = home.resolve("release");
        if (!Files.isExecutable(home.resolve("bin").resolve("java")) || !Files.isRegularFile(release)) {
            return 0;
        }
        var properties = new Properties();
        try (var in = Files.newBufferedReader(release)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + release, e);
        } catch (IllegalArgumentException e) {
            return 0; // not a properties file: not a JDK's release file
        }
        var value = properties.getProperty("JAVA_VERSION", "").replace("\"", "");
        var feature = value.startsWith("1.") ? value.substring(2) : value; // 1.8.0_x is Java 8
        try {
            return Integer.parseInt(feature.split("[.+\\-_]")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
