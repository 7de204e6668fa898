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
        return new SqlException(m.strip().replaceAll("\\s*\\n\\s*", " "));
    }
}
