package dev.rafiki.console.control;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The web console. */
@Dependent
public class ConsoleSettings {

    /**
     * Let the console offer the development token to pages on this machine. On by default: the
     * token only ever exists on a development server ({@link DevTokenOffer} checks the rest).
     */
    @Inject
    @ConfigProperty(name = "rafiki.console.offer-dev-token", defaultValue = "true")
    public boolean offerDevToken;
}
