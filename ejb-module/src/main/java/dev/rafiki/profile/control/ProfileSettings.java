package dev.rafiki.profile.control;

import jakarta.enterprise.context.Dependent;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Agent profiles: how large a definition may be, how many versions a node keeps. */
@ConfigProperties(prefix = "rafiki.agents")
@Dependent
public class ProfileSettings {

    /** Longest {@code instructions}, in characters ({@code 413} beyond). */
    @ConfigProperty(name = "max-instructions-length", defaultValue = "100000")
    public int maxInstructionsLength;

    /** Longest {@code output_schema}, as JSON text ({@code 413} beyond). */
    @ConfigProperty(name = "max-output-schema-length", defaultValue = "65536")
    public int maxOutputSchemaLength;

    /** Versions a node keeps in memory; a version never changes, so the cache is never stale. */
    @ConfigProperty(name = "cache-size", defaultValue = "1000")
    public int cacheSize;
}
