package io.trapline.sql;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DuckDB's errors as one line a person reads. */
class SqlExceptionTest {
    @Test
    void aMessageOnSeveralLinesBecomesOne() {
        assertEquals("Parser Error: syntax error at or near \"FROM\" LINE 1: SELECT FROM",
                SqlException.of(new SQLException("Parser Error: syntax error at or near \"FROM\"\n\nLINE 1: SELECT FROM\n"))
                        .getMessage());
    }

    @Test
    void aScanThatRanOutOfHeapSaysSoWithoutTheJavaStackTrace() {
        String duck = "Invalid Input Error: arrow_scan: get_next failed(): java.lang.OutOfMemoryError: Java heap space\n"
                + "\tat java.base/java.util.Arrays.copyOfRange(Arrays.java:3822)\n\tat io.trapline.analysis.X.y(X.java:1)";
        String m = SqlException.of(new SQLException(duck)).getMessage();
        assertTrue(m.startsWith("out of memory while reading the capture tables (Java heap "), m);
        assertTrue(m.contains("TRAPLINE_JAVA_OPTS=-Xmx"), m);
        assertFalse(m.contains("at java.base"), m);
    }
}
