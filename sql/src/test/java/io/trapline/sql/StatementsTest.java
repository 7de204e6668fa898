package io.trapline.sql;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Splitting SQL text at its separators, and where each statement starts. */
class StatementsTest {
    @Test
    void splitsAtSemicolonsOutsideQuotesAndComments() {
        assertEquals(List.of("SELECT ';'", "SELECT 2 -- a;b", "SELECT 3"),
                Statements.split("SELECT ';'; SELECT 2 -- a;b\n; SELECT 3"));
        assertEquals(List.of(), Statements.split("  ; -- nothing\n;"));
    }

    @Test
    void eachStatementKnowsItsFirstLineOfSql() {
        List<Statements.Located> l = Statements.locate("SELECT 1;\n\n-- why\n/* more\n */ SELECT\n  2; SELECT 'a\nb'; SELECT 4");
        assertEquals(List.of(new Statements.Located("SELECT 1", 1),
                new Statements.Located("-- why\n/* more\n */ SELECT\n  2", 5),
                new Statements.Located("SELECT 'a\nb'", 6),
                new Statements.Located("SELECT 4", 7)), l);
    }

    @Test
    void theTailIsWhatFollowsTheLastSeparator() {
        assertEquals(" .tables\n", Statements.tail("SELECT 1; .tables\n"));
        assertEquals("SELECT ';", Statements.tail("SELECT ';"));
        assertTrue(Statements.complete("SELECT 1; -- done\n"));
        assertFalse(Statements.complete("SELECT 1"));
        assertFalse(Statements.complete("SELECT ';"));
    }
}
