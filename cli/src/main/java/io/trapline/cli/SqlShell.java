package io.trapline.cli;

import io.trapline.analysis.Table;
import io.trapline.sql.SavedQueries;
import io.trapline.sql.SqlException;
import io.trapline.sql.SqlSession;
import io.trapline.sql.Statements;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The interactive SQL shell: line editing and history (JLine; history in ~/.trapline_sql_history), statements
 * over several lines until a ';', and dot commands: .tables, .schema [TABLE], .queries, .run NAME, .help, .quit.
 * An error is printed as DuckDB's message and the shell goes on.
 */
final class SqlShell {
    private static final String PROMPT = "trapline> ";
    private static final String CONTINUE = "     ...> ";

    private final SqlSession session;
    private final TableFormat format;
    private final PrintWriter out;
    /** After each statement: the captures it found incomplete (null: none to give). */
    private final UnreadableTailWarnings warnings;

    SqlShell(SqlSession session, TableFormat format, PrintWriter out) {
        this(session, format, out, null);
    }

    SqlShell(SqlSession session, TableFormat format, PrintWriter out, UnreadableTailWarnings warnings) {
        this.session = session;
        this.format = format;
        this.out = out;
        this.warnings = warnings;
    }

    /** Where lines come from: JLine on a terminal, plain lines from a pipe or a test. Null at the end. */
    private interface Lines {
        String next(String prompt);
    }

    /** Runs on the process's terminal (JLine: editing, history); on plain lines when stdin is not a terminal. */
    int run(PrintWriter err) throws IOException {
        if (System.console() == null) {
            return run(System.in, err);
        }
        try (Terminal t = TerminalBuilder.builder().system(true).build()) {
            LineReader reader = LineReaderBuilder.builder().terminal(t).appName("trapline")
                    .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".trapline_sql_history"))
                    .variable(LineReader.SECONDARY_PROMPT_PATTERN, CONTINUE)
                    .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                    .build();
            // the banner only for a person at a terminal: on a pipe it would be mixed into the results (--format csv)
            out.println("trapline sql: tables " + tableList() + ". End statements with ';'. .help for commands.");
            out.flush();
            atTerminal = true;
            return loop(prompt -> {
                while (true) {
                    try {
                        return reader.readLine(prompt);
                    } catch (UserInterruptException e) {
                        return ""; // Ctrl-C: drop the line, keep the shell
                    } catch (EndOfFileException e) {
                        return null;
                    }
                }
            }, err);
        }
    }

    /**
     * Runs on plain lines (a pipe, a test): no banner, no prompts, no history. Every statement runs, and the exit code
     * is 2 if any of them (or a dot command) failed, so that a script notices.
     */
    int run(InputStream in, PrintWriter err) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        loop(prompt -> {
            try {
                return r.readLine();
            } catch (IOException e) {
                return null;
            }
        }, err);
        return failed > 0 ? 2 : 0;
    }

    /** Statements and dot commands that ended in an error so far. */
    private int failed;
    /** A person reads the output: a statement without results says it ran; on a pipe stdout holds only results. */
    private boolean atTerminal;

    private int loop(Lines lines, PrintWriter err) {
        StringBuilder buf = new StringBuilder();
        while (true) {
            String line = lines.next(buf.length() == 0 ? PROMPT : CONTINUE);
            if (line == null) {
                // the input ended: a last statement without its ';' still runs, as with -e and -f
                runAll(Statements.split(buf.toString()), err);
                break;
            }
            if (buf.length() == 0 && line.strip().startsWith(".")) {
                if (!dot(line.strip(), err)) {
                    break;
                }
                out.flush();
                continue;
            }
            buf.append(line).append('\n');
            String text = buf.toString();
            String tail = Statements.tail(text);
            if (Statements.isBlank(tail)) {
                runAll(Statements.split(text), err);
            } else if (tail.strip().startsWith(".") && tail.length() < text.length()) {
                // statements then a dot command on one line ("select 1; .tables"): the statements, then the command
                runAll(Statements.split(text.substring(0, text.length() - tail.length())), err);
                boolean goOn = dot(tail.strip(), err);
                buf.setLength(0);
                out.flush();
                if (!goOn) {
                    break;
                }
                continue;
            } else {
                continue; // the statement goes on on the next line
            }
            buf.setLength(0);
            out.flush();
        }
        out.flush();
        return 0;
    }

    private void runAll(List<String> statements, PrintWriter err) {
        for (String st : statements) {
            try {
                session.query(st, rs -> {
                    if (rs != null) {
                        ResultPrinter.print(out, rs, format);
                    } else if (atTerminal) {
                        out.println("OK");
                    }
                    return null;
                });
            } catch (SqlException e) {
                fail(e.getMessage(), err);
            }
            warnIncomplete();
        }
        out.flush();
    }

    /** An error goes to stderr, after the results so far, and counts for the exit code. */
    private void fail(String message, PrintWriter err) {
        out.flush();
        failed++;
        err.println(message);
        err.flush();
    }

    /** Runs a dot command; false to leave the shell. Its errors count like a failed statement's. */
    private boolean dot(String cmd, PrintWriter err) {
        String[] parts = cmd.split("\\s+", 2);
        String arg = parts.length > 1 ? parts[1].trim() : "";
        switch (parts[0]) {
            case ".quit", ".exit", ".q" -> {
                return false;
            }
            case ".tables" -> out.println(tableList());
            case ".schema" -> {
                for (Table t : Table.values()) {
                    if (arg.isEmpty() || t.label().equalsIgnoreCase(arg)) {
                        out.println(t.label() + " (");
                        var cols = session.columns(t);
                        for (int i = 0; i < cols.size(); i++) {
                            out.printf("  %-14s %s%s%n", cols.get(i)[0], cols.get(i)[1], i + 1 < cols.size() ? "," : "");
                        }
                        out.println(")");
                    }
                }
                if (!arg.isEmpty() && Table.ofLabel(arg) == null) {
                    fail("no table '" + arg + "' (tables: " + tableList() + ")", err);
                }
            }
            case ".queries" -> {
                for (String n : SavedQueries.NAMES) {
                    out.printf("%-18s %s%n", n, SavedQueries.description(n));
                }
            }
            case ".run" -> {
                String sql = SavedQueries.text(arg);
                if (sql == null) {
                    fail("no saved query '" + arg + "' (.queries lists them)", err);
                } else {
                    runAll(Statements.split(sql), err);
                }
            }
            case ".help" -> out.println(".tables | .schema [TABLE] | .queries | .run NAME | .quit;"
                    + " SQL statements end with ';' and may span lines");
            default -> fail("unknown command " + parts[0] + " (.help lists them)", err);
        }
        return true;
    }

    private void warnIncomplete() {
        if (warnings != null) {
            warnings.warn(session.unreadableTails());
        }
    }

    private static String tableList() {
        StringBuilder sb = new StringBuilder();
        for (Table t : Table.values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(t.label());
        }
        return sb.toString();
    }
}
