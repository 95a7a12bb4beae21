package dev.rafiki.it.arquillian;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * A real PostgreSQL for the Payara Micro that Arquillian starts. It must be up before that
 * server boots (the application migrates its schema at deployment), which is before any test
 * class runs, hence a launcher-session listener rather than a test extension.
 */
public class ArquillianDatabase implements LauncherSessionListener {

    private EmbeddedPostgres postgres;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (postgres != null || System.getProperty("payara.microJar") == null) {
            return; // only where failsafe prepared an Arquillian run
        }
        try {
            postgres = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty("rafiki.it.db.port", Integer.toString(postgres.getPort()));
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
