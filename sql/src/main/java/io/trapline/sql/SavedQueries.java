package io.trapline.sql;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The canned reports: plain {@code .sql} files shipped in the jar (io/trapline/sql/queries), runnable by name. */
public final class SavedQueries {
    /** Their names, in the order {@code trapline sql --list} shows them. */
    public static final List<String> NAMES = List.of("per-packet-exits", "exit-breakdown", "e1000-vs-virtio",
            "interrupt-rate");

    private SavedQueries() {
    }

    /** A line that stands for a shared part of several queries (queries/parts/NAME.sql), put in its place. */
    static final String INCLUDE = "-- include: ";

    /**
     * The SQL text of a saved query, or null when there is none of that name; parts it includes are in place, so the
     * text runs as it is (its statements one after the other).
     */
    public static String text(String name) {
        String n = name.endsWith(".sql") ? name.substring(0, name.length() - 4) : name;
        if (!NAMES.contains(n)) {
            return null;
        }
        StringBuilder sql = new StringBuilder();
        for (String line : resource("queries/" + n + ".sql").split("\n", -1)) {
            if (line.startsWith(INCLUDE)) {
                sql.append(resource("queries/parts/" + line.substring(INCLUDE.length()).trim()));
            } else {
                sql.append(line).append('\n');
            }
        }
        return sql.substring(0, sql.length() - 1);
    }

    private static String resource(String path) {
        try (InputStream in = SavedQueries.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    /** The first comment line of a saved query: what it shows. */
    public static String description(String name) {
        String t = text(name);
        for (String line : t.split("\n")) {
            if (line.startsWith("--")) {
                return line.substring(2).trim();
            }
        }
        return "";
    }
}
