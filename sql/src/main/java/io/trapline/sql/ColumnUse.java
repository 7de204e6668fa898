package io.trapline.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trapline.analysis.Table;
import org.apache.arrow.vector.types.pojo.Field;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which columns of the capture tables a query can read, so that the session converts only those (the exits table
 * for the per-packet query: 4 of 16 columns). Found from DuckDB's own parse of the statement
 * ({@code json_serialize_sql}), and conservative: a column counts as read when any column reference anywhere in
 * the statement carries its name, whatever table or alias qualifies it. Every column of every table counts as read
 * when the statement has a star ({@code *}, {@code e.*}, {@code COLUMNS(...)}), a NATURAL join, positional or
 * renamed columns ({@code #1}, {@code FROM exits e(a, b)}), or a reference to a whole row by a table's name or
 * alias; and when the statement is not a SELECT DuckDB can serialize.
 */
final class ColumnUse {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> names = new HashSet<>();
    private final Set<String> singleNames = new HashSet<>();
    private final Set<String> relations = new HashSet<>();
    private boolean everything;

    private ColumnUse() {
    }

    /** The columns each table may be read for, or null when every column of every table must be there. */
    static Map<Table, Set<String>> of(Connection connection, String sql) {
        JsonNode tree;
        try (PreparedStatement st = connection.prepareStatement("SELECT json_serialize_sql(?)")) {
            st.setString(1, sql);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                tree = JSON.readTree(rs.getString(1));
            }
        } catch (SQLException | IOException e) {
            return null;
        }
        if (tree == null || tree.path("error").asBoolean(true)) {
            return null;
        }
        return of(tree);
    }

    /** The same, from the serialized statement. */
    static Map<Table, Set<String>> of(JsonNode serialized) {
        ColumnUse use = new ColumnUse();
        use.walk(serialized.path("statements"));
        if (use.everything) {
            return null;
        }
        for (Table t : Table.values()) {
            use.relations.add(t.label());
        }
        for (String n : use.singleNames) {
            if (use.relations.contains(n)) {
                return null; // a whole row (a struct) of a table or alias
            }
        }
        Map<Table, Set<String>> out = new EnumMap<>(Table.class);
        for (Table t : Table.values()) {
            Set<String> cols = new HashSet<>();
            for (Field f : t.schema().getFields()) {
                if (use.names.contains(f.getName())) {
                    cols.add(f.getName());
                }
            }
            out.put(t, cols);
        }
        return out;
    }

    private void walk(JsonNode n) {
        if (everything) {
            return;
        }
        if (n.isArray()) {
            for (JsonNode c : n) {
                walk(c);
            }
            return;
        }
        if (!n.isObject()) {
            return;
        }
        String cls = n.path("class").asText("");
        switch (cls) {
            case "STAR", "POSITIONAL_REFERENCE" -> everything = true;
            case "COLUMN_REF" -> {
                JsonNode parts = n.path("column_names");
                for (JsonNode p : parts) {
                    names.add(lower(p.asText()));
                }
                if (parts.size() == 1) {
                    singleNames.add(lower(parts.get(0).asText()));
                }
            }
            default -> {
            }
        }
        if ("NATURAL".equals(n.path("ref_type").asText(""))) {
            everything = true;
        }
        if (n.path("column_name_alias").size() > 0) {
            everything = true; // columns renamed by position: names in the query no longer match the table's
        }
        if (n.has("table_name")) {
            relations.add(lower(n.path("table_name").asText("")));
        }
        if (cls.isEmpty() && n.has("type") && !n.path("alias").asText("").isEmpty()) {
            relations.add(lower(n.path("alias").asText())); // a table reference's alias (expressions have a class)
        }
        for (JsonNode u : n.path("using_columns")) {
            names.add(lower(u.asText()));
        }
        for (JsonNode entry : n.path("cte_map").path("map")) {
            relations.add(lower(entry.path("key").asText("")));
        }
        for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
            walk(it.next());
        }
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
