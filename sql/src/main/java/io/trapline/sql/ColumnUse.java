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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which columns of the capture tables a query can read, so that the session converts only those (the exits table
 * for the per-packet query: 4 of 16 columns). Found from DuckDB's own parse of the statement
 * ({@code json_serialize_sql}), and conservative: a column counts as read when any unqualified column reference
 * anywhere in the statement carries its name. A qualified one ({@code pr.profile}) counts for the tables its
 * qualifier names or aliases anywhere in the statement; through a CTE or subquery alias it counts for none, since
 * such a column is made from references inside that CTE or subquery, which count themselves; and for every table
 * when the qualifier is neither. Every column of every table counts as read
 * when the statement has a star ({@code *}, {@code e.*}, {@code COLUMNS(...)}), a NATURAL join, positional or
 * renamed columns ({@code #1}, {@code FROM exits e(a, b)}), or a reference to a whole row by a table's name or
 * alias; and when the statement is not a SELECT DuckDB can serialize.
 */
final class ColumnUse {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> names = new HashSet<>();
    private final Set<String> singleNames = new HashSet<>();
    private final Set<String> relations = new HashSet<>();
    /** Column names by the qualifier they were written with ({@code pr.profile}: pr -> profile). */
    private final Map<String, Set<String>> qualified = new HashMap<>();
    /** Qualifiers bound to a base table, with the tables they name (a table's own name, or an alias of it). */
    private final Map<String, Set<String>> tablesOf = new HashMap<>();
    /** Qualifiers bound to a CTE or a subquery. */
    private final Set<String> derived = new HashSet<>();
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
                if (use.names.contains(f.getName()) || use.qualifiedReads(t, f.getName())) {
                    cols.add(f.getName());
                }
            }
            out.put(t, cols);
        }
        return out;
    }

    /** Whether some reference qualified by a name that may stand for table {@code t} reads its {@code column}. */
    private boolean qualifiedReads(Table t, String column) {
        for (Map.Entry<String, Set<String>> e : qualified.entrySet()) {
            if (!e.getValue().contains(column)) {
                continue;
            }
            Set<String> tables = tablesOf.get(e.getKey());
            if (tables != null ? tables.contains(t.label()) : !derived.contains(e.getKey())) {
                return true;
            }
        }
        return false;
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
                if (parts.size() == 2) {
                    qualified.computeIfAbsent(lower(parts.get(0).asText()), k -> new HashSet<>())
                            .add(lower(parts.get(1).asText()));
                } else {
                    for (JsonNode p : parts) {
                        names.add(lower(p.asText()));
                    }
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
        String alias = lower(n.path("alias").asText(""));
        if (cls.isEmpty() && n.has("type") && !alias.isEmpty()) {
            relations.add(alias); // a table reference's alias (expressions have a class)
        }
        if (cls.isEmpty() && "BASE_TABLE".equals(n.path("type").asText(""))) {
            String table = lower(n.path("table_name").asText(""));
            tablesOf.computeIfAbsent(alias.isEmpty() ? table : alias, k -> new HashSet<>()).add(table);
        } else if (cls.isEmpty() && n.has("type") && !alias.isEmpty()) {
            derived.add(alias); // a subquery or table function: its columns come from inside it
        }
        for (JsonNode u : n.path("using_columns")) {
            names.add(lower(u.asText()));
        }
        for (JsonNode entry : n.path("cte_map").path("map")) {
            relations.add(lower(entry.path("key").asText("")));
            derived.add(lower(entry.path("key").asText("")));
        }
        for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
            walk(it.next());
        }
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
