package dev.rafiki.platform.log;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Silences container warnings that say nothing to an operator but cost every request: for each
 * request answered from another thread (every {@code POST /query}), Weld on Payara warns five
 * times (WELD-000714/715 guard leak, WELD-000225 bean store leak twice, WELD-000335 conversation
 * still active) and then cleans up itself: five log lines per request, written under the
 * console's lock. The asadmin {@code set-log-levels} boot command reported success but did not take effect on Payara
 * Micro; levels set from the application do, on Payara Micro and in the EAR on Payara Server.
 */
@ApplicationScoped
public class QuietLoggers {

    /** Held: java.util.logging keeps loggers only weakly, and a collected logger forgets its level. */
    private static final List<Logger> QUIETED = List.of(Logger.getLogger("org.jboss.weld.Servlet"),
            Logger.getLogger("org.jboss.weld.Context"), Logger.getLogger("org.jboss.weld.Conversation"));

    void quiet(@Observes @Initialized(ApplicationScoped.class) Object started) {
        QUIETED.forEach(logger -> logger.setLevel(Level.SEVERE));
    }
}
