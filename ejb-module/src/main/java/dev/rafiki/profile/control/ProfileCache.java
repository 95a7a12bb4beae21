package dev.rafiki.profile.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The definitions of profile versions this node ran, so a prompt costs no database read for its
 * profile. A version is never changed once written, so an entry can never be stale, on this
 * node or any other; only its size is bounded.
 */
@ApplicationScoped
public class ProfileCache {

    record Key(UUID id, int version) {
    }

    @Inject
    ProfileVersions versions;

    @Inject
    ProfileSettings settings;

    private final ConcurrentHashMap<Key, ProfileSpec> specs = new ConcurrentHashMap<>();

    /** The definition of a pinned version; {@link ProfileSpec#NONE} without a pin. */
    public ProfileSpec spec(UUID id, Integer version) {
        if (id == null || version == null) {
            return ProfileSpec.NONE;
        }
        var key = new Key(id, version);
        var spec = specs.get(key);
        if (spec == null) {
            spec = versions.load(id, version);
            if (spec == null) {
                // pins are foreign keys: this is a broken database, not a client's mistake
                throw new IllegalStateException("agent profile " + id + " has no version " + version);
            }
            remember(key, spec);
        }
        return spec;
    }

    /** A version just written: the first prompts with it need not read it back. */
    public void remember(UUID id, int version, ProfileSpec spec) {
        remember(new Key(id, version), spec);
    }

    private void remember(Key key, ProfileSpec spec) {
        if (specs.size() >= settings.cacheSize) {
            // crude but bounded: the versions in use are read again once each
            specs.clear();
        }
        specs.put(key, spec);
    }
}
