package dev.rafiki.budget.control;

import dev.rafiki.platform.db.SchemaMigrator;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * What users and agent profiles spent, per UTC day: charged in the transaction that records a
 * prompt's usage (on either path that records it), so the database is the truth on every node.
 * Reads for budget checks are cached for a moment per subject; a node forgets its cached value of a
 * subject as soon as it commits a charge of it, so its own prompts are seen at once and other
 * nodes' within the cache time.
 * <p>
 * Lock order: budget rows are the last a transaction takes (after sessions, prompts and accounts),
 * in the order (scope, subject, day), so two writers never wait on each other in a cycle.
 */
@ApplicationScoped
public class UsageCounters {

    public static final String USER = "user";
    public static final String AGENT = "agent";

    /** Whose spending: a user, or an agent profile (all of its prompts, whoever sent them). */
    public record Subject(String scope, String subject) {
        public static Subject user(String owner) {
            return new Subject(USER, owner);
        }

        public static Subject agent(UUID agentId) {
            return new Subject(AGENT, agentId.toString());
        }
    }

    public record Spent(long inputTokens, long outputTokens, long toolCalls, long toolMillis) {
        public static final Spent NONE = new Spent(0, 0, 0, 0);

        public long tokens() {
            return inputTokens + outputTokens;
        }
    }

    /** What a run cost, charged to its user and its profile (if any) on the UTC day it is recorded. */
    public record Charge(String owner, UUID agentId, LocalDate day, long inputTokens, long outputTokens,
                         long toolCalls, long toolMillis) {

        public static Charge now(String owner, UUID agentId, long inputTokens, long outputTokens, long toolCalls,
                                 long toolMillis) {
            return new Charge(owner, agentId, BudgetWindow.day(Instant.now()), inputTokens, outputTokens, toolCalls,
                    toolMillis);
        }

        boolean empty() {
            return inputTokens == 0 && outputTokens == 0 && toolCalls == 0 && toolMillis == 0;
        }

        List<Subject> subjects() {
            return agentId == null ? List.of(Subject.user(owner)) : List.of(Subject.user(owner), Subject.agent(agentId));
        }
    }

    private record Row(String scope, String subject, LocalDate day) {
    }

    private static final Comparator<Row> LOCK_ORDER =
            Comparator.comparing(Row::scope).thenComparing(Row::subject).thenComparing(Row::day);

    /**
     * The budget rows of a batch's charges as a data-modifying CTE of the group commit's statement
     * ({@link #bind} gives its seven parameters). It waits for the CTE named {@code after} (the
     * users' counters) to finish before it takes a row: budget rows are the last locks.
     */
    public static String upsertAfter(String after) {
        return """
                INSERT INTO budget_usage AS u (scope, subject, day, input_tokens, output_tokens, tool_calls, tool_millis)
                SELECT v.scope, v.subject, v.day::date, v.i, v.o, v.c, v.m
                FROM unnest(?::varchar[], ?::varchar[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])
                     AS v(scope, subject, day, i, o, c, m)
                WHERE (SELECT count(*) FROM %s) >= 0
                ON CONFLICT (scope, subject, day) DO UPDATE SET input_tokens = u.input_tokens + EXCLUDED.input_tokens,
                output_tokens = u.output_tokens + EXCLUDED.output_tokens, tool_calls = u.tool_calls + EXCLUDED.tool_calls,
                tool_millis = u.tool_millis + EXCLUDED.tool_millis""".formatted(after);
    }

    private static final String UPSERT_ONE = """
            INSERT INTO budget_usage AS u (scope, subject, day, input_tokens, output_tokens, tool_calls, tool_millis)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            ON CONFLICT (scope, subject, day) DO UPDATE SET input_tokens = u.input_tokens + EXCLUDED.input_tokens,
            output_tokens = u.output_tokens + EXCLUDED.output_tokens, tool_calls = u.tool_calls + EXCLUDED.tool_calls,
            tool_millis = u.tool_millis + EXCLUDED.tool_millis""";

    @Resource(lookup = SchemaMigrator.DATA_SOURCE)
    DataSource dataSource;

    @Resource
    TransactionSynchronizationRegistry transactions;

    @Inject
    BudgetSettings settings;

    private record Cached(LocalDate first, LocalDate next, Spent spent, long readAtNanos) {
    }

    private final ConcurrentHashMap<Subject, Cached> cache = new ConcurrentHashMap<>();

    /**
     * Binds the charges (in lock order, one row per subject and day) as the parameters of
     * {@link #upsertAfter} from {@code first} on; once the caller's transaction commits, it calls
     * {@link #forget}.
     */
    public void bind(PreparedStatement statement, int first, Collection<Charge> charges) throws SQLException {
        var rows = rows(charges);
        int n = rows.size();
        var scopes = new String[n];
        var subjects = new String[n];
        var days = new String[n];
        var columns = new Long[4][n];
        int i = 0;
        for (var entry : rows.entrySet()) {
            scopes[i] = entry.getKey().scope();
            subjects[i] = entry.getKey().subject();
            days[i] = entry.getKey().day().toString();
            for (int column = 0; column < 4; column++) {
                columns[column][i] = entry.getValue()[column];
            }
            i++;
        }
        var c = statement.getConnection();
        statement.setArray(first, c.createArrayOf("varchar", scopes));
        statement.setArray(first + 1, c.createArrayOf("varchar", subjects));
        statement.setArray(first + 2, c.createArrayOf("text", days));
        for (int column = 0; column < 4; column++) {
            statement.setArray(first + 3 + column, c.createArrayOf("bigint", columns[column]));
        }
    }

    /** Charges in the caller's JTA transaction; this node's cached values are forgotten once it commits. */
    public void charge(EntityManager em, Charge charge) {
        var rows = rows(List.of(charge));
        for (var entry : rows.entrySet()) {
            var sums = entry.getValue();
            em.createNativeQuery(UPSERT_ONE)
                    .setParameter(1, entry.getKey().scope())
                    .setParameter(2, entry.getKey().subject())
                    .setParameter(3, entry.getKey().day())
                    .setParameter(4, sums[0])
                    .setParameter(5, sums[1])
                    .setParameter(6, sums[2])
                    .setParameter(7, sums[3])
                    .executeUpdate();
        }
        if (!rows.isEmpty()) {
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        forget(List.of(charge));
                    }
                }
            });
        }
    }

    /** The charged subjects' next check reads the database. */
    public void forget(Collection<Charge> charges) {
        for (var charge : charges) {
            charge.subjects().forEach(cache::remove);
        }
    }

    private static TreeMap<Row, long[]> rows(Collection<Charge> charges) {
        var rows = new TreeMap<Row, long[]>(LOCK_ORDER);
        for (var charge : charges) {
            if (charge.empty()) {
                continue;
            }
            for (var subject : charge.subjects()) {
                var sums = rows.computeIfAbsent(new Row(subject.scope(), subject.subject(), charge.day()), r -> new long[4]);
                sums[0] += charge.inputTokens();
                sums[1] += charge.outputTokens();
                sums[2] += charge.toolCalls();
                sums[3] += charge.toolMillis();
            }
        }
        return rows;
    }

    /** What {@code subject} spent from {@code first} to before {@code next}, at most the cache time old. */
    public Spent spent(Subject subject, LocalDate first, LocalDate next) {
        long now = System.nanoTime();
        var cached = cache.get(subject);
        if (cached != null && cached.first().equals(first) && cached.next().equals(next)
                && now - cached.readAtNanos() < settings.usageCacheMillis * 1_000_000) {
            return cached.spent();
        }
        var spent = read(subject, first, next);
        cache.put(subject, new Cached(first, next, spent, now));
        return spent;
    }

    /**
     * Deletes the counters of the days before {@code before}, at most {@code batch} rows per
     * statement: the caller runs without a transaction, so each batch commits on its own and no
     * long lock or huge transaction holds up the prompts that charge today's rows.
     *
     * @return how many rows went
     */
    public long prune(LocalDate before, int batch) {
        long removed = 0;
        try (var c = dataSource.getConnection();
             var delete = c.prepareStatement("""
                     DELETE FROM budget_usage WHERE (scope, subject, day) IN
                     (SELECT scope, subject, day FROM budget_usage WHERE day < ? LIMIT ?)""")) {
            delete.setObject(1, before);
            delete.setInt(2, batch);
            int deleted;
            do {
                deleted = delete.executeUpdate();
                removed += deleted;
            } while (deleted == batch);
            return removed;
        } catch (SQLException e) {
            throw new IllegalStateException("could not remove spending counters older than " + before + " (" + removed
                    + " removed)", e);
        }
    }

    /** What {@code subject} spent from {@code first} to before {@code next}, read now. */
    public Spent read(Subject subject, LocalDate first, LocalDate next) {
        try (var c = dataSource.getConnection();
             var select = c.prepareStatement("""
                     SELECT coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),
                     coalesce(sum(tool_calls), 0), coalesce(sum(tool_millis), 0)
                     FROM budget_usage WHERE scope = ? AND subject = ? AND day >= ? AND day < ?""")) {
            select.setString(1, subject.scope());
            select.setString(2, subject.subject());
            select.setObject(3, first);
            select.setObject(4, next);
            try (var row = select.executeQuery()) {
                row.next();
                return new Spent(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read what " + subject + " spent", e);
        }
    }
}
