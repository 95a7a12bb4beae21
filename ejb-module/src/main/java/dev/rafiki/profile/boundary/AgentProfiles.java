package dev.rafiki.profile.boundary;

import dev.rafiki.agent.control.ModelCatalog;
import dev.rafiki.platform.db.SqlStates;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.profile.control.AgentPin;
import dev.rafiki.profile.control.ProfileCache;
import dev.rafiki.profile.control.ProfileSettings;
import dev.rafiki.profile.control.ProfileSpec;
import dev.rafiki.profile.entity.AgentProfile;
import dev.rafiki.profile.entity.AgentProfileVersion;
import dev.rafiki.tool.control.JobToolSpecs;
import dev.rafiki.tool.control.McpRegistration;
import dev.rafiki.tool.control.McpTools;
import dev.rafiki.tool.control.WorkspaceTools;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Agent profiles as their users see them: their own, and the shared ones. Who may see and change
 * what is decided here and nowhere else: a private profile of another user is reported exactly
 * like a missing one; a shared one is read-only for everyone but administrators.
 */
@Stateless
public class AgentProfiles {

    /** Every built-in tool a profile may name, whether or not this node can run it now (the shell). */
    public static final Set<String> BUILT_IN_TOOLS = Stream.concat(WorkspaceTools.SPECS.stream(), JobToolSpecs.SPECS.stream())
            .map(dev.rafiki.tool.control.ToolSpec::name).collect(Collectors.toUnmodifiableSet());

    private static final Pattern UUID_FORM = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Inject
    ModelCatalog models;

    @Inject
    ProfileCache cache;

    @Inject
    ProfileSettings settings;

    @Inject
    McpTools mcp;

    /**
     * The tools a profile may name: the built-in ones (the job tools too, offered in jobs only;
     * the shell even where this node has no sandbox for it), then the MCP servers' tools known now.
     */
    public ToolView.Page tools() {
        var items = new java.util.ArrayList<ToolView>();
        Stream.concat(WorkspaceTools.SPECS.stream(), JobToolSpecs.SPECS.stream())
                .forEach(spec -> items.add(new ToolView(spec.name(), spec.description(), "built-in", null,
                        ProfileSpec.parseObject(spec.parametersSchema()))));
        for (var spec : mcp.specs()) {
            items.add(new ToolView(spec.name(), spec.description(), "mcp", spec.name().substring(0, spec.name().indexOf('.')),
                    ProfileSpec.parseObject(spec.parametersSchema())));
        }
        return new ToolView.Page(items);
    }

    /**
     * The MCP servers' tools change while the server runs: the tools a profile may name are taken per request.
     *
     * @param previous the MCP servers of the version a replacement follows, empty for a new profile
     */
    private ProfileSpec.Rules rules(List<McpRegistration> previous) {
        var tools = new HashSet<>(BUILT_IN_TOOLS);
        tools.addAll(mcp.names());
        return new ProfileSpec.Rules(tools, name -> models.resolve(name) != null, settings.maxInstructionsLength, settings.maxOutputSchemaLength,
                mcp.operatorServers(), mcp::urlProblem, previous);
    }

    public ProfileView create(String caller, boolean admin, JsonObject body) {
        var request = ProfileSpec.parse(body, rules(List.of()));
        boolean shared = Boolean.TRUE.equals(request.shared());
        if (shared && !admin) {
            throw new ApiException(ErrorCode.FORBIDDEN, "only administrators publish shared agents");
        }
        refuseTakenName(caller, request.name(), shared, null);
        var profile = new AgentProfile();
        profile.id = UUID.randomUUID();
        profile.owner = caller;
        profile.name = request.name();
        profile.shared = shared;
        profile.latestVersion = 1;
        profile.createdAt = Instant.now();
        profile.updatedAt = profile.createdAt;
        em.persist(profile);
        var version = version(profile, 1, request.spec(), caller);
        flush(request.name());
        return view(profile, version, request.spec());
    }

    /** The caller's own profiles and the shared ones, oldest (or newest) first, from a cursor. */
    public Page list(String caller, UUID after, boolean newestFirst, int limit) {
        var query = new StringBuilder("SELECT p FROM AgentProfile p WHERE p.deletedAt IS NULL AND (p.owner = :caller OR p.shared = true)");
        AgentProfile cursor = null;
        if (after != null) {
            cursor = visible(caller, after);
            query.append(newestFirst ? " AND (p.createdAt < :at OR (p.createdAt = :at AND p.id < :id))"
                    : " AND (p.createdAt > :at OR (p.createdAt = :at AND p.id > :id))");
        }
        query.append(newestFirst ? " ORDER BY p.createdAt DESC, p.id DESC" : " ORDER BY p.createdAt, p.id");
        var q = em.createQuery(query.toString(), AgentProfile.class).setParameter("caller", caller);
        if (cursor != null) {
            q.setParameter("at", cursor.createdAt).setParameter("id", cursor.id);
        }
        var rows = q.setMaxResults(limit + 1).getResultList();
        var items = rows.stream().limit(limit).map(p -> view(p, p.latestVersion)).toList();
        return new Page(items, rows.size() > limit ? items.get(items.size() - 1).id().toString() : null);
    }

    /** A page of profiles; {@code nextCursor} is null on the last page. */
    @Schema(name = "AgentPage")
    public record Page(@Schema(required = true) List<ProfileView> items,
                       @Schema(description = "absent on the last page; pass as after") String nextCursor) {
    }

    public ProfileView get(String caller, UUID id) {
        var profile = visible(caller, id);
        return view(profile, profile.latestVersion);
    }

    /** An older (or the latest) version; also of a deleted profile, for the sessions still pinned to it. */
    public ProfileView version(String caller, UUID id, int number) {
        var profile = em.find(AgentProfile.class, id);
        if (profile == null || !profile.owner.equals(caller) && !profile.shared
                || number < 1 || number > profile.latestVersion) {
            throw ApiException.notFound("agent " + id + " version " + number);
        }
        return view(profile, number);
    }

    /** Replaces the definition: a new version; sessions pinned to older ones keep theirs. */
    public ProfileView replace(String caller, boolean admin, UUID id, JsonObject body) {
        var profile = changeable(caller, admin, id);
        var request = ProfileSpec.parse(body, rules(cache.spec(profile.id, profile.latestVersion).mcpServers()));
        if (request.shared() != null && request.shared() != profile.shared) {
            throw ApiException.invalid("'shared' is set when an agent is created and cannot change");
        }
        em.refresh(profile, LockModeType.PESSIMISTIC_WRITE);
        if (profile.deletedAt != null) {
            throw ApiException.notFound("agent " + id);
        }
        if (!profile.name.equals(request.name())) {
            refuseTakenName(profile.owner, request.name(), profile.shared, profile.id);
            profile.name = request.name();
        }
        profile.latestVersion++;
        profile.updatedAt = Instant.now();
        var version = version(profile, profile.latestVersion, request.spec(), caller);
        flush(request.name());
        return view(profile, version, request.spec());
    }

    public void delete(String caller, boolean admin, UUID id) {
        var profile = changeable(caller, admin, id);
        em.refresh(profile, LockModeType.PESSIMISTIC_WRITE);
        if (profile.deletedAt == null) {
            profile.deletedAt = Instant.now();
        }
    }

    /**
     * The latest version of a profile the caller may use, named by id or by name (their own
     * first, then a shared one): for a new session, or for one prompt.
     */
    public AgentPin resolve(String caller, String reference) {
        AgentProfile profile;
        if (UUID_FORM.matcher(reference).matches()) {
            profile = visible(caller, UUID.fromString(reference));
        } else {
            profile = em.createQuery("""
                            SELECT p FROM AgentProfile p WHERE p.name = :name AND p.deletedAt IS NULL
                            AND (p.owner = :caller OR p.shared = true) ORDER BY CASE WHEN p.owner = :caller THEN 0 ELSE 1 END""",
                            AgentProfile.class)
                    .setParameter("name", reference).setParameter("caller", caller)
                    .setMaxResults(1).getResultStream().findFirst()
                    .orElseThrow(() -> ApiException.notFound("agent '" + shortened(reference) + "'"));
        }
        return pin(profile.id, profile.latestVersion);
    }

    /** A given version of a profile the caller may use (a session pinned on purpose to an older one). */
    public AgentPin resolve(String caller, String reference, int version) {
        var latest = resolve(caller, reference);
        if (version < 1 || version > latest.version()) {
            throw ApiException.notFound("agent '" + shortened(reference) + "' version " + version);
        }
        return pin(latest.id(), version);
    }

    private AgentPin pin(UUID id, int version) {
        return new AgentPin(id, version, cache.spec(id, version).model());
    }

    private AgentProfile visible(String caller, UUID id) {
        var profile = em.find(AgentProfile.class, id);
        if (profile == null || profile.deletedAt != null || !profile.owner.equals(caller) && !profile.shared) {
            throw ApiException.notFound("agent " + id);
        }
        return profile;
    }

    private AgentProfile changeable(String caller, boolean admin, UUID id) {
        var profile = visible(caller, id);
        if (profile.shared ? !admin : !profile.owner.equals(caller)) {
            throw new ApiException(ErrorCode.FORBIDDEN, "agent " + id + " is shared: only administrators change it");
        }
        return profile;
    }

    private void refuseTakenName(String owner, String name, boolean shared, UUID except) {
        var taken = em.createQuery("""
                        SELECT COUNT(p) FROM AgentProfile p WHERE p.name = :name AND p.deletedAt IS NULL
                        AND (p.owner = :owner OR (:shared = true AND p.shared = true)) AND p.id <> :except""", Long.class)
                .setParameter("name", name).setParameter("owner", owner).setParameter("shared", shared)
                .setParameter("except", except == null ? new UUID(0, 0) : except)
                .getSingleResult();
        if (taken > 0) {
            throw nameTaken(name);
        }
    }

    /** Two creations racing for one name: the database's unique index decides, the loser gets the same 409. */
    private void flush(String name) {
        try {
            em.flush();
        } catch (PersistenceException e) {
            if (SqlStates.uniqueViolation(e)) {
                throw nameTaken(name);
            }
            throw e;
        }
    }

    private static ApiException nameTaken(String name) {
        return new ApiException(ErrorCode.AGENT_NAME_TAKEN, "an agent named '" + name + "' already exists");
    }

    private AgentProfileVersion version(AgentProfile profile, int number, ProfileSpec spec, String author) {
        var version = new AgentProfileVersion();
        version.profileId = profile.id;
        version.version = number;
        version.definition = spec.toJson().toString();
        version.createdBy = author;
        version.createdAt = profile.updatedAt;
        em.persist(version);
        return version;
    }

    private ProfileView view(AgentProfile profile, int number) {
        var version = em.find(AgentProfileVersion.class, new AgentProfileVersion.Key(profile.id, number));
        return view(profile, version, ProfileSpec.fromJson(version.definition));
    }

    private static ProfileView view(AgentProfile profile, AgentProfileVersion version, ProfileSpec spec) {
        return new ProfileView(profile.id, profile.name, profile.owner, profile.shared, version.version,
                profile.latestVersion, spec.instructions(), spec.model(), spec.temperature(), spec.maxTokens(),
                spec.tools(), dev.rafiki.agent.control.ApprovalRules.toJson(spec.approval()),
                new ProfileView.Limits(spec.maxSteps(), spec.maxSeconds(), spec.maxPromptTokens()), spec.outputSchema(),
                spec.mcpServers().isEmpty() ? null : spec.mcpServersJson(true), profile.createdAt, version.createdAt,
                profile.deletedAt != null ? Boolean.TRUE : null);
    }

    private static String shortened(String text) {
        return text.length() > 100 ? text.substring(0, 100) + "…" : text;
    }
}
