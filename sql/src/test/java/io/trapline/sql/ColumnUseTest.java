package io.trapline.sql;

import io.trapline.analysis.AnalysisOptions;
import io.trapline.analysis.CaptureSource;
import io.trapline.analysis.Table;
import io.trapline.analysis.TestCaptures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Which columns a query reads, and that narrowing the tables to them never changes a result. */
class ColumnUseTest {
    @TempDir
    Path tmp;
    private Connection db;

    @BeforeEach
    void open() throws Exception {
        Class.forName("org.duckdb.DuckDBDriver");
        db = DriverManager.getConnection("jdbc:duckdb:");
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    private Map<Table, Set<String>> use(String sql) {
        return ColumnUse.of(db, sql);
    }

    @Test
    void thePerPacketQueryReadsFourColumnsOfExits() {
        List<String> statements = Statements.split(SavedQueries.text("per-packet-exits"));
        assertEquals(2, statements.size(), "the measured intervals into a variable, then the query");
        Map<Table, Set<String>> use = use(statements.get(1));
        assertNotNull(use);
        assertEquals(Set.of("capture_profile", "packet", "cycles", "time_ns"), use.get(Table.EXITS));
        assertEquals(Set.of("capture", "refused", "time_ns"), use.get(Table.PACKETS));
        assertEquals(Set.of(), use.get(Table.INTERRUPTS));
        assertEquals(Set.of("capture", "profile", "capture_profile"), use.get(Table.PROFILES));
    }

    @Test
    void aQualifiedColumnCountsForTheTablesItsQualifierNames() {
        Map<Table, Set<String>> use = use("SELECT x.profile, k.dir, \"exits\".seq FROM exits x, packets k, exits"
                + " WHERE x.cycles > 0");
        assertEquals(Set.of("profile", "seq", "cycles"), use.get(Table.EXITS));
        assertEquals(Set.of("dir"), use.get(Table.PACKETS));
        assertEquals(Set.of(), use.get(Table.KICKS));
        // through a CTE or subquery: only what the inside reads; an unknown qualifier: every table
        use = use("WITH c AS (SELECT k.seq FROM kicks k) SELECT c.seq, s.n FROM c, (SELECT count(*) AS n FROM exits) s");
        assertEquals(Set.of("seq"), use.get(Table.KICKS));
        assertEquals(Set.of(), use.get(Table.EXITS));
        use = use("SELECT count(*) FROM exits WHERE nosuch.cycles > 0");
        assertEquals(Set.of("cycles"), use.get(Table.EXITS));
        assertEquals(Set.of(), use.get(Table.PACKETS)); // packets has no cycles column
    }

    @Test
    void unqualifiedNamesCountWhereverTheyAppear() {
        Map<Table, Set<String>> use = use("SELECT count(*) FROM exits x JOIN packets p USING (capture, packet)"
                + " WHERE x.profile = 'kvm' AND p.dir = 'tx' ORDER BY \"Offset\"");
        assertEquals(Set.of("capture", "packet", "profile", "offset"), use.get(Table.EXITS));
        assertEquals(Set.of("capture", "packet", "dir"), use.get(Table.PACKETS));
        assertEquals(Set.of(), use("SELECT count(*) FROM exits").get(Table.EXITS));
    }

    @Test
    void anythingThatCouldReadUnnamedColumnsReadsThemAll() {
        for (String sql : List.of("SELECT * FROM exits", "SELECT e.* FROM exits e", "FROM packets",
                "SELECT COLUMNS('.*_ns') FROM events", "SELECT count(*) FROM exits NATURAL JOIN accesses",
                "SELECT e FROM exits e", "SELECT to_json(exits) FROM exits", "SELECT a FROM exits AS e(a, b)",
                "SELECT #2 FROM exits", "DESCRIBE exits", "PRAGMA version", "SELEC broken")) {
            assertNull(use(sql), sql);
        }
    }

    private SqlSession session() {
        return SqlSession.open(List.of(new CaptureSource("e", TestCaptures.e1000(tmp.resolve("e"))),
                new CaptureSource("v", TestCaptures.virtio(tmp.resolve("v")))), AnalysisOptions.defaults());
    }

    private static List<List<Object>> rows(SqlSession s, String sql) {
        return s.query(sql, rs -> {
            List<List<Object>> out = new ArrayList<>();
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(md.getColumnName(i) + "=" + rs.getObject(i));
                }
                out.add(row);
            }
            return out;
        });
    }

    @Test
    void everySavedQueryGivesTheSameResultWithAndWithoutNarrowing() {
        List<String> queries = new ArrayList<>();
        for (String name : SavedQueries.NAMES) {
            queries.add(SavedQueries.text(name));
        }
        queries.add("SELECT profile, register, count(*), sum(cycles) FROM exits GROUP BY ALL ORDER BY ALL");
        queries.add("SELECT p.dir, p.protocol, count(x.seq) FROM packets p LEFT JOIN exits x USING (capture, packet)"
                + " GROUP BY ALL ORDER BY ALL");
        try (SqlSession s = session()) {
            for (String text : queries) {
                List<String> statements = Statements.split(text);
                for (String before : statements.subList(0, statements.size() - 1)) {
                    s.query(before, rs -> null); // a saved query's SET VARIABLE of the intervals it measures in
                }
                String q = statements.get(statements.size() - 1);
                s.narrowColumns(true);
                List<List<Object>> narrowed = rows(s, q);
                s.narrowColumns(false);
                List<List<Object>> whole = rows(s, q);
                assertFalse(whole.isEmpty(), q);
                assertEquals(whole, narrowed, q);
            }
        }
    }

    @Test
    void aColumnTheAnalysisMissedMeansARunOverWholeTables() {
        // the inner query is a string to the parser: its columns are invisible, so the first run fails to bind
        String sql = "SELECT count(*) FROM query('SELECT register FROM exits WHERE register = ''ICR''')";
        try (SqlSession s = session()) {
            List<List<Object>> narrowedFirst = rows(s, sql);
            s.narrowColumns(false);
            assertEquals(rows(s, sql), narrowedFirst);
            assertNotEquals(List.of(List.of("count_star()=0")), narrowedFirst);
        }
    }
}
