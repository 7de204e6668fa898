package io.trapline.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Prints rows of values as an aligned text table, CSV, JSON (an array of objects) or a Markdown table. */
final class ResultPrinter {
    /** Rows a text or Markdown table shows; the rest are counted (use --format csv for everything). */
    static final int MAX_TABLE_ROWS = 10_000;

    private ResultPrinter() {
    }

    /** Prints a JDBC result: CSV and JSON stream row by row; tables hold at most {@link #MAX_TABLE_ROWS} rows. */
    static long print(PrintWriter out, ResultSet rs, TableFormat format) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<String> header = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            header.add(md.getColumnLabel(i));
        }
        long n = 0;
        if (format == TableFormat.csv) {
            out.println(csvLine(header));
            while (rs.next()) {
                out.println(csvLine(row(rs, header.size())));
                n++;
            }
            return n;
        }
        if (format == TableFormat.json) {
            try {
                JsonGenerator g = new JsonFactory().createGenerator(out);
                g.writeStartArray();
                while (rs.next()) {
                    List<Object> r = row(rs, header.size());
                    g.writeStartObject();
                    for (int i = 0; i < header.size(); i++) {
                        g.writeFieldName(header.get(i));
                        writeJson(g, r.get(i));
                    }
                    g.writeEndObject();
                    n++;
                }
                g.writeEndArray();
                g.flush();
                out.println();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return n;
        }
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
            if (rows.size() < MAX_TABLE_ROWS) {
                rows.add(row(rs, header.size()));
            }
            n++;
        }
        print(out, header, rows, format);
        if (n > rows.size()) {
            out.printf("(%d rows, first %d shown; --format csv prints all)%n", n, rows.size());
        } else {
            out.printf("(%d row%s)%n", n, n == 1 ? "" : "s");
        }
        return n;
    }

    private static List<Object> row(ResultSet rs, int width) throws SQLException {
        List<Object> r = new ArrayList<>(width);
        for (int i = 1; i <= width; i++) {
            r.add(rs.getObject(i));
        }
        return r;
    }

    static void print(PrintWriter out, List<String> header, List<List<Object>> rows, TableFormat format) {
        switch (format) {
            case csv -> {
                out.println(csvLine(header));
                rows.forEach(r -> out.println(csvLine(r)));
            }
            case json -> {
                try {
                    JsonGenerator g = new JsonFactory().createGenerator(out).useDefaultPrettyPrinter();
                    g.writeStartArray();
                    for (List<Object> r : rows) {
                        g.writeStartObject();
                        for (int i = 0; i < header.size(); i++) {
                            g.writeFieldName(header.get(i));
                            writeJson(g, r.get(i));
                        }
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.flush();
                    out.println();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case markdown -> {
                out.println("| " + String.join(" | ", header) + " |");
                StringBuilder sep = new StringBuilder("|");
                for (int i = 0; i < header.size(); i++) {
                    sep.append(i == 0 ? "---|" : "---:|");
                }
                out.println(sep);
                for (List<Object> r : rows) {
                    List<String> cells = new ArrayList<>();
                    for (Object o : r) {
                        cells.add(text(o).replace("|", "\\|"));
                    }
                    out.println("| " + String.join(" | ", cells) + " |");
                }
            }
            case table -> {
                int[] w = new int[header.size()];
                for (int i = 0; i < w.length; i++) {
                    w[i] = header.get(i).length();
                }
                for (List<Object> r : rows) {
                    for (int i = 0; i < w.length; i++) {
                        w[i] = Math.max(w[i], text(r.get(i)).length());
                    }
                }
                out.println(line(header, w, null));
                StringBuilder sep = new StringBuilder();
                for (int i = 0; i < w.length; i++) {
                    sep.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
                }
                out.println(sep);
                for (List<Object> r : rows) {
                    out.println(line(r, w, r));
                }
            }
        }
    }

    private static String line(List<?> cells, int[] w, List<Object> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            String t = text(cells.get(i));
            boolean right = values != null && (values.get(i) instanceof Number || values.get(i) instanceof Missing);
            sb.append(i == 0 ? "" : "  ");
            sb.append(right ? " ".repeat(w[i] - t.length()) + t : t + (i == w.length - 1 ? "" : " ".repeat(w[i] - t.length())));
        }
        return sb.toString();
    }

    /** A figure that cannot be given, printed as {@code text} where the number would stand (right-aligned). */
    record Missing(String text) {
    }

    static String text(Object o) {
        if (o == null) {
            return "NULL";
        }
        if (o instanceof Missing m) {
            return m.text();
        }
        if (o instanceof Double || o instanceof Float) {
            double d = ((Number) o).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf"; // as DuckDB prints them (e.g. 1/0)
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return String.valueOf((long) d);
            }
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return o.toString();
    }

    private static String csvLine(List<?> cells) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            Object o = cells.get(i);
            String t = o == null ? "" : text(o);
            if (t.contains(",") || t.contains("\"") || t.contains("\n")) {
                t = "\"" + t.replace("\"", "\"\"") + "\"";
            }
            sb.append(i == 0 ? "" : ",").append(t);
        }
        return sb.toString();
    }

    private static void writeJson(JsonGenerator g, Object o) throws IOException {
        if (o == null || o instanceof Missing) {
            g.writeNull();
        } else if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
            g.writeNumber(((Number) o).longValue());
        } else if (o instanceof BigInteger b) {
            g.writeNumber(b);
        } else if (o instanceof BigDecimal b) {
            g.writeNumber(b);
        } else if (o instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else if (o instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            g.writeString(o.toString());
        }
    }
}
