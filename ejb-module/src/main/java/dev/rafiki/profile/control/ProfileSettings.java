package dev.rafiki.profile.control;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Agent profiles: how large a definition may be, how many versions a node keeps. */
@Dependent
public class ProfileSettings {

    /** Longest {@code instructions}, in characters ({@code 413} beyond). */
    @Inject
    @ConfigProperty(name = "rafiki.agents.max-instructions-length", defaultValue = "100000")
    public int maxInstructionsLength;

    /** Longest {@code output_schema}, as JSON text ({@code 413} beyond). */
    @Inject
    @ConfigProperty(name = "rafiki.agents.max-output-schema-length", defaultValue = "65536")
    public int maxOutputSchemaLength;

    /** Versions a node keeps in memory; a version never changes, so the cache is never stale. */
    @Inject
    @ConfigProperty(name = "rafiki.agents.cache-size", defaultValue = "1000")
    public int cacheSize;
}
