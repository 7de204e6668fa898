package io.trapline.sql;

import io.trapline.analysis.TestCaptures;

import io.trapline.analysis.AnalysisOptions;
import io.trapline.analysis.CaptureSource;
import io.trapline.analysis.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SqlSessionTest {
    @TempDir
    Path tmp;

    private SqlSession session(Path... caps) {
        List<CaptureSource> s = new java.util.ArrayList<>();
        for (Path p : caps) {
            s.add(CaptureSource.parse(p.toString()));
        }
        return SqlSession.open(s, AnalysisOptions.defaults());
    }

    @Test
    void everyTableIsQueryableAgainAndAgain() {
        Path e = TestCaptures.e1000(tmp.resolve("e1000"));
        try (SqlSession s = session(e)) {
            assertEquals(20, s.queryLong("SELECT count(*) FROM events"));
            assertEquals(20, s.queryLong("SELECT count(*) FROM events"), "a fresh stream per statement");
            assertEquals(11, s.queryLong("SELECT count(*) FROM accesses"));
            assertEquals(2, s.queryLong("SELECT count(*) FROM packets"));
            assertEquals(2, s.queryLong("SELECT count(*) FROM interrupts"));
            assertEquals(0, s.queryLong("SELECT count(*) FROM kicks"));
            assertEquals(4, s.queryLong("SELECT count(*) FROM marks"));
            assertEquals(2, s.queryLong("SELECT count(*) FROM phases"));
            assertEquals(10, s.queryLong("SELECT count(*) FROM exits WHERE profile = 'kvm'"));
            assertEquals(1, s.queryLong("SELECT count(DISTINCT capture) FROM exits"));
            assertEquals("e1000", s.query("SELECT DISTINCT capture FROM packets", rs -> {
                rs.next();
                return rs.getString(1);
            }));
            // joins read two tables in one statement
            assertEquals(3, s.queryLong("SELECT count(*) FROM exits x JOIN packets p USING (capture, packet)"
                    + " WHERE x.profile = 'kvm' AND p.dir = 'tx'"));
        }
    }

    @Test
    void aTableNamedTwiceIsReadTwice() {
        try (SqlSession s = session(TestCaptures.e1000(tmp.resolve("e")))) {
            assertEquals(4, s.queryLong("SELECT count(*) FROM packets a JOIN packets b ON a.capture = b.capture"));
            assertEquals(2, s.queryLong("SELECT (SELECT count(*) FROM phases) + (SELECT count(*) FROM phases) - 2"));
            assertEquals(2, s.queryLong("SELECT count(*) FROM phases"), "the copy is gone afterwards");
        }
        assertEquals(2, SqlSession.mentions("SELECT x FROM exits e JOIN exits_extra j, exits", "exits"));
        // an alias or a column of the table's name is not a read: no copy of a big table for it
        assertEquals(1, SqlSession.mentions("SELECT count(*) AS exits, e.exits FROM exits e -- from exits", "exits"));
        assertEquals(2, SqlSession.mentions("SELECT * FROM packets a JOIN packets b USING (packet)", "packets"));
    }

    @Test
    void twoCapturesSideBySide() {
        try (SqlSession s = SqlSession.open(List.of(CaptureSource.parse("a=" + TestCaptures.e1000(tmp.resolve("e"))),
                CaptureSource.parse("b=" + TestCaptures.virtio(tmp.resolve("v")))), AnalysisOptions.defaults())) {
            assertEquals(2, s.queryLong("SELECT count(*) FROM (SELECT capture, count(*) FROM packets GROUP BY 1)"));
            assertEquals(3, s.queryLong("SELECT count(*) FROM packets WHERE capture = 'b'"));
        }
    }

    @Test
    void sqlErrorsAreDuckDbsMessage() {
        try (SqlSession s = session(TestCaptures.e1000(tmp.resolve("e")))) {
            SqlException ex = assertThrows(SqlException.class, () -> s.queryLong("SELECT nope FROM events"));
            assertTrue(ex.getMessage().contains("nope"), ex.getMessage());
            assertFalse(ex.getMessage().contains("\n"));
            assertThrows(SqlException.class, () -> s.queryLong("SELEC 1"));
            // the session still works after an error
            assertEquals(2, s.queryLong("SELECT count(*) FROM packets"));
        }
    }

    @Test
    void queriesCannotModifyCapturesOrTouchFiles() throws Exception {
        Path e = TestCaptures.e1000(tmp.resolve("e"));
        try (SqlSession s = session(e)) {
            assertThrows(SqlException.class, () -> s.query("DELETE FROM events", rs -> null));
            assertThrows(SqlException.class, () -> s.query("INSERT INTO packets SELECT * FROM packets", rs -> null));
            Path out = e.resolve("events").resolve("x.csv");
            assertThrows(SqlException.class, () -> s.query("COPY (SELECT 1) TO '" + out + "'", rs -> null));
            assertFalse(Files.exists(out));
            assertThrows(SqlException.class, () -> s.query("SET enable_external_access = true", rs -> null));
            assertEquals(20, s.queryLong("SELECT count(*) FROM events"));
        }
    }

    @Test
    void describeShowsEveryTable() {
        try (SqlSession s = session(TestCaptures.e1000(tmp.resolve("e")))) {
            for (Table t : Table.values()) {
                List<String[]> cols = s.columns(t);
                assertEquals("capture", cols.get(0)[0], t.label());
                assertEquals(t.schema().getFields().size(), cols.size());
            }
        }
    }
}
