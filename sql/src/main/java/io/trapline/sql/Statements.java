package io.trapline.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into statements at semicolons outside quotes and comments. Each statement runs on its own,
 * with fresh table streams (a stream can be read once).
 */
public final class Statements {
    private Statements() {
    }

    /** A statement and the line it starts on in the text it came from (1-based: its first line of SQL, not comment). */
    public record Located(String sql, int line) {
    }

    public static List<String> split(String sql) {
        List<String> out = new ArrayList<>();
        for (Located l : locate(sql)) {
            out.add(l.sql());
        }
        return out;
    }

    /** {@link #split}, with the line each statement starts on, so an error can point into a file. */
    public static List<Located> locate(String sql) {
        List<Located> out = new ArrayList<>();
        int line = 1;
        int counted = 0; // newlines before this offset are in line
        for (int[] seg : segments(sql)) {
            String s = sql.substring(seg[0], seg[1]).strip();
            if (s.isEmpty() || onlyComments(s)) {
                continue;
            }
            int start = codeStart(sql, seg[0], seg[1]);
            for (; counted < start; counted++) {
                if (sql.charAt(counted) == '\n') {
                    line++;
                }
            }
            out.add(new Located(s, line));
        }
        return out;
    }

    /** The text after the last separating ';' (all of it when there is none): an unterminated statement, or blank. */
    public static String tail(String sql) {
        List<int[]> segs = segments(sql);
        int[] last = segs.get(segs.size() - 1);
        return sql.substring(last[0], last[1]);
    }

    /** Whether text holds a complete statement: it ends (outside quotes and comments) with a semicolon. */
    public static boolean complete(String sql) {
        return segments(sql).size() > 1 && isBlank(tail(sql));
    }

    /** Whether text has nothing to run: blank, or comments only. */
    public static boolean isBlank(String sql) {
        String s = sql.strip();
        return s.isEmpty() || onlyComments(s);
    }

    /** Offsets [start, end) of the text between separators; the last runs to the end of the text. */
    private static List<int[]> segments(String sql) {
        List<int[]> out = new ArrayList<>();
        int start = 0;
        int n = sql.length();
        for (int i = 0; i < n; i++) {
            char ch = sql.charAt(i);
            if (ch == '\'' || ch == '"') {
                int j = i + 1;
                while (j < n) {
                    if (sql.charAt(j) == ch) {
                        if (j + 1 < n && sql.charAt(j + 1) == ch) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                i = Math.min(n, j + 1) - 1;
            } else if (ch == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int j = sql.indexOf('\n', i);
                i = (j < 0 ? n : j) - 1;
            } else if (ch == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int j = sql.indexOf("*/", i + 2);
                i = (j < 0 ? n : j + 2) - 1;
            } else if (ch == ';') {
                out.add(new int[] {start, i});
                start = i + 1;
            }
        }
        out.add(new int[] {start, n});
        return out;
    }

    /** The first offset in [from, to) that is neither blank nor inside a comment; {@code from} when there is none. */
    private static int codeStart(String sql, int from, int to) {
        int i = from;
        while (i < to) {
            if (Character.isWhitespace(sql.charAt(i))) {
                i++;
            } else if (sql.startsWith("--", i)) {
                int j = sql.indexOf('\n', i);
                i = j < 0 || j > to ? to : j;
            } else if (sql.startsWith("/*", i)) {
                int j = sql.indexOf("*/", i + 2);
                i = j < 0 || j + 2 > to ? to : j + 2;
            } else {
                return i;
            }
        }
        return from;
    }

    private static boolean onlyComments(String s) {
        for (String line : s.split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("--")) {
                return false;
            }
        }
        return true;
    }
}
