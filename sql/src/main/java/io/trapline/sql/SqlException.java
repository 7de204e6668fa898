package io.trapline.sql;

/** A query DuckDB refused or could not run; the message is DuckDB's own, on one line. */
public final class SqlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SqlException(String message) {
        super(message);
    }

    /** DuckDB's message from a JDBC exception, on one line. */
    static SqlException of(java.sql.SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (m.contains("java.lang.OutOfMemoryError")) {
            // the table scan ran out of Java heap: DuckDB passes the error on with its Java stack trace in the text
            return new SqlException("out of memory while reading the capture tables (Java heap "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MiB; give it more with TRAPLINE_JAVA_OPTS=-Xmx...)");
        }
        return new SqlException(m.strip().replaceAll("\\s*\\n\\s*", " "));
    }
}
