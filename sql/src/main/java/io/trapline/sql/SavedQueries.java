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

    /** The SQL text of a saved query, or null when there is none of that name. */
    public static String text(String name) {
        String n = name.endsWith(".sql") ? name.substring(0, name.length() - 4) : name;
        if (!NAMES.contains(n)) {
            return null;
        }
        try (InputStream in = SavedQueries.class.getResourceAsStream("queries/" + n + ".sql")) {
            if (in == null) {
                throw new IllegalStateException("saved query " + n + " missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read saved query " + n, e);
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
