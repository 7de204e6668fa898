package io.trapline.sql;

import io.trapline.analysis.AnalysisOptions;
import io.trapline.analysis.CaptureSource;
import io.trapline.analysis.CaptureTableReader;
import io.trapline.analysis.Table;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.UnreadableTail;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.duckdb.DuckDBConnection;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * DuckDB over a set of captures. Every table of {@link Table} is visible by its name; DuckDB reads it in place
 * through the Arrow C stream interface (no row-by-row inserts). A registered Arrow stream can be read once, so
 * each statement gets fresh streams. The database is in memory and never extension-downloading; with
 * {@code fileAccess} off (the {@code sql} command) a query can read and write no files, so it cannot modify a
 * capture.
 */
public final class SqlSession implements AutoCloseable {
    private final List<CaptureSource> captures;
    private final AnalysisOptions options;
    private final BufferAllocator allocator;
    private final DuckDBConnection connection;
    private final List<ArrowArrayStream> open = new ArrayList<>();
    private final List<CaptureTableReader> readers = new ArrayList<>();
    /** Captures a statement's scan read up to an unreadable tail, by directory, in the order found. */
    private final Map<java.nio.file.Path, UnreadableTail> unreadableTails = new java.util.LinkedHashMap<>();
    private boolean narrowColumns = true;

    private SqlSession(List<CaptureSource> captures, AnalysisOptions options, boolean fileAccess) {
        this.captures = List.copyOf(captures);
        this.options = options;
        // check every capture up front, so a bad one is reported as itself and not as a query error
        for (CaptureSource s : captures) {
            try (CaptureReader r = CaptureReader.open(s.path())) {
                r.metadata();
            }
        }
        this.allocator = new RootAllocator();
        try {
            Class.forName("org.duckdb.DuckDBDriver");
            Properties p = new Properties();
            // nothing can be downloaded here: parquet and json are built in
            p.setProperty("autoinstall_known_extensions", "false");
            p.setProperty("autoload_known_extensions", "false");
            Connection c = DriverManager.getConnection("jdbc:duckdb:", p);
            this.connection = c.unwrap(DuckDBConnection.class);
            if (!fileAccess) {
                try (Statement st = connection.createStatement()) {
                    st.execute("SET enable_external_access = false");
                    st.execute("SET lock_configuration = true");
                }
            }
        } catch (SQLException e) {
            allocator.close();
            throw SqlException.of(e);
        } catch (ClassNotFoundException e) {
            allocator.close();
            throw new IllegalStateException("DuckDB JDBC driver missing from the classpath", e);
        }
    }

    /** A session for queries: no file access. */
    public static SqlSession open(List<CaptureSource> captures, AnalysisOptions options) {
        return new SqlSession(captures, options, false);
    }

    /** A session that may write files (export). */
    public static SqlSession openWithFileAccess(List<CaptureSource> captures, AnalysisOptions options) {
        return new SqlSession(captures, options, true);
    }

    public List<CaptureSource> captures() {
        return captures;
    }

    public AnalysisOptions options() {
        return options;
    }

    /** What the last statement without a result reported ({@link #updateCount()}). */
    private long updateCount = -1;

    /**
     * Runs one statement and hands its result to {@code consumer}; errors come back as DuckDB's message. A query
     * gets tables narrowed to the columns it can read ({@link ColumnUse}); should the narrowed statement fail
     * before producing a result, it runs again over complete tables, so narrowing never changes an outcome.
     */
    public <T> T query(String sql, ResultHandler<T> consumer) {
        Map<Table, Set<String>> columns = narrowColumns && isQuery(sql) ? ColumnUse.of(connection, sql) : null;
        if (columns != null) {
            try {
                return run(sql, consumer, columns);
            } catch (NarrowedStatementFailed e) {
                // fall through: the same statement over every column reports its own result or error
            }
        }
        return run(sql, consumer, null);
    }

    /** Whether queries get tables narrowed to the columns they read (off only to compare, in tests). */
    void narrowColumns(boolean on) {
        narrowColumns = on;
    }

    /** A statement over narrowed tables failed before handing out a result. */
    private static final class NarrowedStatementFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NarrowedStatementFailed() {
            super(null, null, false, false);
        }
    }

    private <T> T run(String sql, ResultHandler<T> consumer, Map<Table, Set<String>> columns) {
        List<Table> materialized = registerTables(sql, columns);
        try (Statement st = connection.createStatement()) {
            boolean hasResult;
            try {
                hasResult = st.execute(sql);
            } catch (SQLException e) {
                if (columns != null && failure() == null) {
                    throw new NarrowedStatementFailed();
                }
                throw e;
            }
            if (!hasResult) {
                updateCount = st.getUpdateCount();
                return consumer.handle(null);
            }
            try (ResultSet rs = st.getResultSet()) {
                return consumer.handle(rs);
            }
        } catch (SQLException e) {
            RuntimeException failure = failure();
            if (failure != null) {
                throw failure; // a corrupt capture: report it as itself, not as DuckDB's scan error
            }
            throw SqlException.of(e);
        } finally {
            dropMaterialized(materialized);
            releaseTables();
        }
    }

    /** The failure that ended a table's scan in this statement (a corrupt capture), or null. */
    private RuntimeException failure() {
        for (CaptureTableReader r : readers) {
            if (r.failure() != null) {
                return r.failure();
            }
        }
        return null;
    }

    /** Rows the last statement without a result said it changed or wrote (e.g. {@code COPY ... TO}); -1 if none. */
    public long updateCount() {
        return updateCount;
    }

    /** Runs a statement whose result is a single number. */
    public long queryLong(String sql) {
        return query(sql, rs -> {
            if (rs == null || !rs.next()) {
                throw new SqlException("no result: " + sql);
            }
            return rs.getLong(1);
        });
    }

    /** Receives a statement's result set (null for a statement without one). */
    @FunctionalInterface
    public interface ResultHandler<T> {
        T handle(ResultSet rs) throws SQLException;
    }

    /**
     * Registers a fresh stream for every table, holding {@code columns} of it (null: all columns), and starts
     * converting the tables the statement reads, all at once. A table the statement names more than once (a
     * self-join, two subqueries) is first copied into a temporary table of that name for this statement: a stream
     * can be read only once. Returns the tables copied.
     */
    /**
     * How far each capture's events have been checksummed, for the whole session: the tables of one statement scan
     * the same captures at once, and each event is checksummed by one of them; a later statement (a saved query
     * that sets its intervals first, then selects) does not check the same events again. A capture's events do not
     * change while it is read (one being written only grows).
     */
    private final java.util.concurrent.ConcurrentMap<java.nio.file.Path, io.trapline.recorder.ChecksumProgress> verified =
            new java.util.concurrent.ConcurrentHashMap<>();

    private List<Table> registerTables(String sql, Map<Table, Set<String>> columns) {
        List<Table> copied = new ArrayList<>();
        List<CaptureTableReader> reads = new ArrayList<>();
        for (Table t : Table.values()) {
            CaptureTableReader reader = new CaptureTableReader(allocator, t, captures, options,
                    columns == null ? null : columns.get(t));
            reader.shareChecksums(verified);
            ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator);
            Data.exportArrayStream(allocator, reader, stream);
            open.add(stream);
            readers.add(reader);
            int mentioned = isQuery(sql) ? mentions(sql, t.label()) : 0;
            boolean twice = mentioned > 1;
            if (mentioned > 0 && readsRows(sql)) {
                reads.add(reader);
            }
            connection.registerArrowStream(twice ? STREAM_PREFIX + t.label() : t.label(), stream);
            if (twice) {
                try (Statement st = connection.createStatement()) {
                    // registering a stream makes a temporary view of its name: replace it for this statement
                    st.execute("DROP VIEW IF EXISTS " + t.label());
                    st.execute("CREATE TEMP TABLE " + t.label() + " AS SELECT * FROM " + STREAM_PREFIX + t.label());
                    copied.add(t);
                } catch (SQLException e) {
                    dropMaterialized(copied);
                    releaseTables();
                    throw SqlException.of(e);
                }
            }
        }
        for (CaptureTableReader r : reads) {
            try {
                r.start();
            } catch (java.io.IOException e) {
                // it starts on the consumer's first request instead
            }
        }
        return copied;
    }

    private static final String STREAM_PREFIX = "trapline_stream_";

    private void dropMaterialized(List<Table> tables) {
        for (Table t : tables) {
            try (Statement st = connection.createStatement()) {
                st.execute("DROP TABLE IF EXISTS temp." + t.label());
            } catch (SQLException e) {
                // dropping a temporary copy: nothing else depends on it
            }
        }
    }

    private static final java.util.Set<String> QUERY_WORDS = java.util.Set.of("select", "with", "from", "table",
            "values", "describe", "show", "summarize", "explain", "pivot", "unpivot", "(");

    private static final java.util.Set<String> DESCRIBING_WORDS = java.util.Set.of("describe", "show", "explain");

    /** Whether a query reads its tables' rows (DESCRIBE, SHOW and EXPLAIN only look at their schemas). */
    static boolean readsRows(String sql) {
        return isQuery(sql) && !DESCRIBING_WORDS.contains(firstWord(sql));
    }

    /** Whether a statement only reads (so copying a table for it changes nothing a writer could see). */
    static boolean isQuery(String sql) {
        return QUERY_WORDS.contains(firstWord(sql));
    }

    /** The statement's first word in lower case after leading comments ("(" for a parenthesized query; "" if none). */
    private static String firstWord(String sql) {
        String s = sql.strip();
        while (s.startsWith("--") || s.startsWith("/*")) {
            int end = s.startsWith("--") ? s.indexOf('\n') : s.indexOf("*/");
            if (end < 0) {
                return "";
            }
            s = s.substring(end + (s.startsWith("--") ? 1 : 2)).strip();
        }
        if (s.startsWith("(")) {
            return "(";
        }
        int i = 0;
        while (i < s.length() && Character.isLetter(s.charAt(i))) {
            i++;
        }
        return s.substring(0, i).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * How many times {@code sql} reads table {@code word}: occurrences as a whole word right after FROM, JOIN or a
     * comma (a FROM list), outside comments. An alias or column of the same name ({@code count(*) AS exits}) is
     * not a read. Counting a read too many only costs a copy; too few, and DuckDB reports the stream as used up.
     */
    static int mentions(String sql, String word) {
        String s = stripComments(sql).toLowerCase(java.util.Locale.ROOT);
        int n = 0;
        for (int i = s.indexOf(word); i >= 0; i = s.indexOf(word, i + word.length())) {
            boolean before = i == 0 || !Character.isLetterOrDigit(s.charAt(i - 1)) && s.charAt(i - 1) != '_'
                    && s.charAt(i - 1) != '.' && s.charAt(i - 1) != '"';
            int end = i + word.length();
            boolean after = end >= s.length() || !Character.isLetterOrDigit(s.charAt(end)) && s.charAt(end) != '_';
            if (before && after && readsTable(s, i)) {
                n++;
            }
        }
        return n;
    }

    /** Whether the word at {@code at} follows FROM, JOIN or a comma. */
    private static boolean readsTable(String s, int at) {
        int j = at - 1;
        while (j >= 0 && Character.isWhitespace(s.charAt(j))) {
            j--;
        }
        if (j < 0) {
            return false;
        }
        if (s.charAt(j) == ',') {
            return true;
        }
        int end = j + 1;
        while (j >= 0 && Character.isLetter(s.charAt(j))) {
            j--;
        }
        String prev = s.substring(j + 1, end);
        return prev.equals("from") || prev.equals("join");
    }

    private static String stripComments(String sql) {
        StringBuilder sb = new StringBuilder();
        for (String part : Statements.split(sql)) {
            for (String line : part.split("\n")) {
                int c = line.indexOf("--");
                sb.append(c >= 0 ? line.substring(0, c) : line).append('\n');
            }
        }
        return sb.toString();
    }

    private void releaseTables() {
        for (ArrowArrayStream s : open) {
            s.release();
            s.close();
        }
        open.clear();
        for (CaptureTableReader r : readers) {
            for (UnreadableTail t : r.unreadableTails()) {
                unreadableTails.putIfAbsent(t.capture().toAbsolutePath().normalize(), t);
            }
        }
        readers.clear();
    }

    /**
     * The incomplete captures whose events the statements so far read up to an unreadable tail (their queue file stops
     * being readable after the events capture.json declares: what the tables hold of them ends there), one per capture
     * in the order found.
     */
    public List<UnreadableTail> unreadableTails() {
        return List.copyOf(unreadableTails.values());
    }

    /** The table names and each one's columns with their SQL types, as DuckDB sees them. */
    public List<String[]> columns(Table t) {
        return query("DESCRIBE SELECT * FROM " + t.label(), rs -> {
            List<String[]> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new String[] {rs.getString(1), rs.getString(2)});
            }
            return out;
        });
    }

    @Override
    public void close() {
        releaseTables();
        try {
            connection.close();
        } catch (SQLException e) {
            // closing an in-memory database: nothing to recover
        }
        allocator.close();
    }
}
