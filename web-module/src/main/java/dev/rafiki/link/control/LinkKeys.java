package dev.rafiki.link.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The key signed links are signed with: {@code rafiki.links.key} (base64, at least 32 bytes) when
 * set, else the key file ({@code rafiki.links.key-location}), created with 32 random bytes
 * (owner-only) if missing. The file is looked at again on every use, so replacing or deleting it
 * rotates the key at once and every link signed before stops working; give every node of a
 * cluster the same file. Fails closed: a key that is malformed, too short or unreadable signs
 * nothing and accepts nothing. Plain code: the container's bean ({@link SignedLinks}) holds one.
 */
public final class LinkKeys {

    private static final Logger LOG = Logger.getLogger(LinkKeys.class.getName());

    private final LinkSignature configured;
    private final String configuredProblem;
    private final Path file;
    private volatile Loaded loaded;

    private record Loaded(Object fileKey, long size, long modified, LinkSignature signature, String problem) {
    }

    /**
     * @param configuredKey the base64 key from the configuration, or null to use the file
     * @param file          the key file, used when no key is configured
     */
    public LinkKeys(String configuredKey, Path file) {
        this.file = file;
        if (configuredKey == null || configuredKey.isBlank()) {
            configured = null;
            configuredProblem = null;
            return;
        }
        LinkSignature signature = null;
        String problem = null;
        try {
            signature = new LinkSignature(Base64.getDecoder().decode(configuredKey.strip()));
        } catch (IllegalArgumentException e) {
            problem = "rafiki.links.key is not the base64 of at least " + LinkSignature.MIN_KEY_BYTES + " bytes";
        }
        configured = signature;
        configuredProblem = problem;
    }

    /** The current key, or why there is none (then nothing is signed or accepted). */
    public Optional<LinkSignature> current() {
        if (configured != null || configuredProblem != null) {
            return Optional.ofNullable(configured);
        }
        try {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                create();
            }
            var attributes = Files.readAttributes(file, BasicFileAttributes.class);
            var known = loaded;
            long modified = attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
            if (known != null && Objects.equals(known.fileKey(), attributes.fileKey()) && known.size() == attributes.size()
                    && known.modified() == modified) {
                return Optional.ofNullable(known.signature());
            }
            LinkSignature signature = null;
            String problem = null;
            try {
                signature = new LinkSignature(Base64.getDecoder().decode(Files.readString(file).strip()));
            } catch (IllegalArgumentException e) {
                problem = file + " does not hold the base64 of at least " + LinkSignature.MIN_KEY_BYTES + " bytes";
                LOG.severe("signed links are disabled: " + problem);
            }
            loaded = new Loaded(attributes.fileKey(), attributes.size(), modified, signature, problem);
            return Optional.ofNullable(signature);
        } catch (IOException e) {
            LOG.severe("signed links are disabled: the key file " + file + " cannot be used: " + e);
            return Optional.empty();
        }
    }

    /** Why there is no key, for the log and the operator; null when there is one. */
    public String problem() {
        if (configuredProblem != null) {
            return configuredProblem;
        }
        var known = loaded;
        return known == null ? null : known.problem();
    }

    private void create() throws IOException {
        var bytes = new byte[LinkSignature.MIN_KEY_BYTES];
        new SecureRandom().nextBytes(bytes);
        Files.createDirectories(file.getParent());
        var temporary = file.resolveSibling(file.getFileName() + "." + System.nanoTime() + ".new");
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temporary, Base64.getEncoder().encodeToString(bytes) + "\n");
            // another node or request may have created it meanwhile: keep theirs
            Files.move(temporary, file);
            LOG.info("created the signed-link key " + file);
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // theirs is as good
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
