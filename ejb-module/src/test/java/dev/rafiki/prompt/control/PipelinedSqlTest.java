package dev.rafiki.prompt.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PipelinedSqlTest {

    @Test
    void aPlainFenceIsWrappedSoThatItFailsUnlessItChangedOneRow() {
        var part = PipelinedSql.checked("UPDATE agent_session SET worker = worker WHERE id = ? AND worker = ?");
        assertEquals("WITH rafiki_guard AS (UPDATE agent_session SET worker = worker WHERE id = ? AND worker = ? RETURNING 1) "
                + "SELECT rafiki_fence(count(*)) FROM rafiki_guard", part.sql());
        assertEquals(2, part.parameters());
    }

    @Test
    void aFenceWithItsOwnWithListKeepsItAndCountsTheRowsOfItsLastStatement() {
        var part = PipelinedSql.checked("""
                WITH fence AS (UPDATE s SET n = n + 1 WHERE id = ? AND (w IS NULL OR e < now()) RETURNING id),
                accepted AS (INSERT INTO p (id, f) SELECT ?, make_interval(secs => ?) FROM fence RETURNING id)
                INSERT INTO j (id) SELECT ?::uuid FROM accepted""");
        assertEquals("""
                WITH fence AS (UPDATE s SET n = n + 1 WHERE id = ? AND (w IS NULL OR e < now()) RETURNING id),
                accepted AS (INSERT INTO p (id, f) SELECT ?, make_interval(secs => ?) FROM fence RETURNING id), \
                rafiki_guard AS (INSERT INTO j (id) SELECT ?::uuid FROM accepted RETURNING 1) \
                SELECT rafiki_fence(count(*)) FROM rafiki_guard""", part.sql());
        assertEquals(4, part.parameters());
    }

    @Test
    void aFenceThatReturnsRowsOrIsTwoStatementsIsAMistake() {
        assertThrows(IllegalArgumentException.class, () -> PipelinedSql.checked("UPDATE t SET a = 1 RETURNING a"));
        assertThrows(IllegalArgumentException.class, () -> PipelinedSql.checked("UPDATE t SET a = 1; DELETE FROM t"));
        assertThrows(IllegalArgumentException.class, () -> PipelinedSql.checked("WITH x AS (SELECT 1)"));
    }

    @Test
    void aPipelineIsItsPartsThenTheLastStatementOneTextPerShape() {
        var fence = PipelinedSql.checked("UPDATE t SET a = a WHERE id = ?");
        var write = PipelinedSql.plain("INSERT INTO u (id) VALUES (?)");
        var text = PipelinedSql.pipeline(java.util.List.of(fence, write, write), "SELECT 1;\nCOMMIT");
        assertEquals(fence.sql() + ";\n" + write.sql() + ";\n" + write.sql() + ";\nSELECT 1;\nCOMMIT", text);
        org.junit.jupiter.api.Assertions.assertSame(text,
                PipelinedSql.pipeline(java.util.List.of(fence, write, write), "SELECT 1;\nCOMMIT"), "made once");
        assertEquals("SELECT 1", PipelinedSql.pipeline(java.util.List.of(), "SELECT 1"));
    }
}
