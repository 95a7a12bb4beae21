package dev.rafiki.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the launcher picks the Java that runs Payara Micro 7 (21 or newer), on JDK layouts in a temporary directory. */
class PayaraJavaTest {

    @TempDir
    Path dir;

    /** A JDK layout: an executable bin/java and a release file naming {@code version}. */
    Path jdk(String name, String version) throws IOException {
        var home = Files.createDirectories(dir.resolve(name));
        var java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }

    @Test
    void readsTheFeatureVersionOfEachReleaseFileFormat() throws IOException {
        assertEquals(25, PayaraJava.version(jdk("temurin-25", "25.0.3")));
        assertEquals(21, PayaraJava.version(jdk("jdk-21", "21")));
        assertEquals(17, PayaraJava.version(jdk("openjdk-17", "17.0.15")));
        assertEquals(8, PayaraJava.version(jdk("jdk8", "1.8.0_402")));
        assertEquals(26, PayaraJava.version(jdk("ea", "26-ea")));
        var noJava = Files.createDirectories(dir.resolve("jre-docs"));
        Files.writeString(noJava.resolve("release"), "JAVA_VERSION=\"25\"\n");
        assertEquals(0, PayaraJava.version(noJava), "a release file without bin/java is not a Java to run");
        assertEquals(0, PayaraJava.version(dir.resolve("missing")));
    }

    @Test
    void takesItsOwnJavaWhenNewEnough() throws IOException {
        var own = jdk("own", "21.0.5");
        var place = Files.createDirectories(dir.resolve("jvm"));
        jdk("jvm/temurin-25", "25.0.3");
        assertEquals(own, PayaraJava.find(Optional.empty(), own, Optional.empty(), List.of(place)).home());
    }

    @Test
    void takesJavaHomeBeforeSearching() throws IOException {
        var own = jdk("own", "17.0.15");
        var javaHome = jdk("home", "22");
        var place = Files.createDirectories(dir.resolve("jvm"));
        jdk("jvm/temurin-25", "25.0.3");
        assertEquals(javaHome, PayaraJava.find(Optional.empty(), own, Optional.of(javaHome.toString()), List.of(place)).home());
    }

    @Test
    void findsTheNewestJdkInTheUsualPlacesWhenItsOwnIsTooOld() throws IOException {
        var own = jdk("own", "17.0.15");
        var place = Files.createDirectories(dir.resolve("jvm"));
        jdk("jvm/java-17-openjdk-amd64", "17.0.15");
        jdk("jvm/java-21-openjdk-amd64", "21.0.9");
        var newest = jdk("jvm/temurin-25-jdk-amd64", "25.0.3");
        Files.createDirectories(place.resolve("openjdk-17")); // Debian's docs-only directory: no java in it
        var tooOldHome = jdk("old-home", "11.0.2");
        assertEquals(newest, PayaraJava.find(Optional.empty(), own, Optional.of(tooOldHome.toString()),
                List.of(dir.resolve("nowhere"), place)).home());
    }

    @Test
    void findsMacOsBundles() throws IOException {
        var own = jdk("own", "17");
        var place = Files.createDirectories(dir.resolve("JavaVirtualMachines"));
        var bundle = jdk("JavaVirtualMachines/temurin-21.jdk/Contents/Home", "21.0.1");
        assertEquals(bundle, PayaraJava.find(Optional.empty(), own, Optional.empty(), List.of(place)).home());
    }

    @Test
    void refusesLoudlyWhenNoJavaIsNewEnough() throws IOException {
        var own = jdk("own", "17.0.15");
        var place = Files.createDirectories(dir.resolve("jvm"));
        jdk("jvm/java-17-openjdk-amd64", "17.0.15");
        var e = assertThrows(IllegalStateException.class,
                () -> PayaraJava.find(Optional.empty(), own, Optional.empty(), List.of(place)).home());
        assertTrue(e.getMessage().contains("Java 21 or newer") && e.getMessage().contains("RAFIKI_JAVA_HOME"), e.getMessage());
    }

    @Test
    void aConfiguredJavaMustBeNewEnoughEvenWhenAnotherWouldDo() throws IOException {
        var own = jdk("own", "25");
        var configured = jdk("configured", "17.0.15");
        var e = assertThrows(IllegalStateException.class,
                () -> PayaraJava.find(Optional.of(configured.toString()), own, Optional.empty(), List.of()).home());
        assertTrue(e.getMessage().contains("Java 17"), e.getMessage());
        var notJava = Files.createDirectories(dir.resolve("not-java"));
        e = assertThrows(IllegalStateException.class,
                () -> PayaraJava.find(Optional.of(notJava.toString()), own, Optional.empty(), List.of()).home());
        assertTrue(e.getMessage().contains("not a Java installation"), e.getMessage());
        var good = jdk("good", "21");
        assertEquals(good, PayaraJava.find(Optional.of(good.toString()), jdk("old", "17"), Optional.empty(), List.of()).home());
    }
}
