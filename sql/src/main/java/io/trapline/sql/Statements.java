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

    public static List<String> split(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
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
                cur.append(sql, i, Math.min(n, j + 1));
                i = j;
            } else if (ch == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int j = sql.indexOf('\n', i);
                j = j < 0 ? n : j;
                cur.append(sql, i, j);
                i = j - 1;
            } else if (ch == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int j = sql.indexOf("*/", i + 2);
                j = j < 0 ? n : j + 2;
                cur.append(sql, i, j);
                i = j - 1;
            } else if (ch == ';') {
                add(out, cur);
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        add(out, cur);
        return out;
    }

    /** Whether text holds a complete statement: it ends (outside quotes and comments) with a semicolon. */
    public static boolean complete(String sql) {
        String t = sql.strip();
        if (!t.endsWith(";")) {
            return false;
        }
        // the final ';' must be a separator, not inside a string: re-split and check nothing is left open
        int quotes = 0;
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) == '\'') {
                quotes++;
            }
        }
        return quotes % 2 == 0;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().strip();
        if (!s.isEmpty() && !onlyComments(s)) {
            out.add(s);
        }
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
