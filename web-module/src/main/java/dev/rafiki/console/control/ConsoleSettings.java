package dev.rafiki.console.control;

import jakarta.enterprise.context.Dependent;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The web console. */
@ConfigProperties(prefix = "rafiki.console")
@Dependent
public class ConsoleSettings {

    /**
     * Let the console offer the development token to pages on this machine. On by default: the
     * token only ever exists on a development server ({@link DevTokenOffer} checks the rest).
     */
    @ConfigProperty(name = "offer-dev-token", defaultValue = "true")
    public boolean offerDevToken;
}
