package io.trapline.cli;

import io.trapline.recorder.SmallFiles;
import io.trapline.sql.SavedQueries;
import io.trapline.sql.SqlException;
import io.trapline.sql.SqlSession;
import io.trapline.sql.Statements;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code trapline sql}: SQL over the capture tables; an interactive shell when no query is given. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Run SQL (DuckDB) over captures' tables: events, accesses, packets, interrupts, kicks, marks,"
                + " phases, exits, profiles, windows (see docs/sql.md). Every table has a 'capture' column.",
                "With no -e, -f or -q: an interactive shell (.tables, .schema, .queries, .run NAME, .quit)."})
final class SqlCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CAPTURE", arity = "0..*", description = "Capture directories, or NAME=DIR.")
    List<String> captures;

    @Option(names = {"-e", "--execute"}, paramLabel = "SQL", description = "Run this SQL (statements separated by ';').")
    String execute;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Run the SQL in this file.")
    Path file;

    @Option(names = {"-q", "--query"}, paramLabel = "NAME", description = "Run a saved query (see --list).")
    String saved;

    @Option(names = "--list", description = "List the saved queries and stop.")
    boolean list;

    @Option(names = "--format", defaultValue = "table", description = "Output: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    TableFormat format;

    @Mixin
    AnalysisSetup setup;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            for (String n : SavedQueries.NAMES) {
                out.printf("%-18s %s%n", n, SavedQueries.description(n));
            }
            return 0;
        }
        int given = (execute != null ? 1 : 0) + (file != null ? 1 : 0) + (saved != null ? 1 : 0);
        if (given > 1) {
            throw new UserError("give one of -e, -f and -q");
        }
        String sql = execute;
        if (file != null) {
            try {
                sql = SmallFiles.readText(file, SmallFiles.SQL_SCRIPT);
            } catch (NoSuchFileException e) {
                throw new UserError(file + ": no such file");
            } catch (SmallFiles.UnsuitableFileException e) {
                throw new UserError("--file: " + file + ": " + e.getMessage());
            } catch (IOException e) {
                throw new UserError(file + ": cannot read: " + io.trapline.recorder.IoErrors.describe(e));
            }
        }
        if (saved != null) {
            sql = SavedQueries.text(saved);
            if (sql == null) {
                throw new UserError("no saved query '" + saved + "' (known: " + String.join(", ", SavedQueries.NAMES) + ")");
            }
        }
        String query = sql;
        return AnalysisSetup.userErrors(() -> {
            UnreadableTailWarnings warnings = new UnreadableTailWarnings(spec);
            try (SqlSession s = SqlSession.open(AnalysisSetup.captures(captures), setup.options())) {
                if (query == null) {
                    warnings.incomplete(s.captures());
                    return new SqlShell(s, format, out, warnings).run(spec.commandLine().getErr());
                }
                List<Statements.Located> statements = Statements.locate(query);
                if (statements.isEmpty()) {
                    throw new UserError("no SQL statement given");
                }
                for (int i = 0; i < statements.size(); i++) {
                    Statements.Located st = statements.get(i);
                    try {
                        run(s, st.sql(), out);
                    } catch (SqlException e) {
                        String where = where(st, i, statements.size());
                        throw where == null ? e : new UserError(where + ": " + e.getMessage());
                    }
                    warnings.warn(s.unreadableTails());
                }
                warnings.incomplete(s.captures());
            }
            return 0;
        });
    }

    /**
     * Which statement failed, when there is more than one place it could be: DuckDB's LINE counts within the
     * statement, so a file names the line the statement starts on, a saved query its name and that line, and -e
     * with several statements the statement's number. Null for a single -e statement.
     */
    private String where(Statements.Located st, int index, int count) {
        if (file != null) {
            return file + ":" + st.line();
        }
        if (saved != null) {
            return "query " + saved + ", line " + st.line();
        }
        return count > 1 ? "-e statement " + (index + 1) + " of " + count : null;
    }

    void run(SqlSession s, String statement, PrintWriter out) {
        s.query(statement, rs -> {
            if (rs != null) {
                ResultPrinter.print(out, rs, format);
            }
            return null;
        });
        out.flush();
    }
}
