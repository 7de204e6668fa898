package io.trapline.analysis;

import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/** The tables a capture is read as. Columns are documented in docs/sql.md. */
public enum Table {
    EVENTS(EventsWriter.SCHEMA, o -> new EventsWriter()),
    ACCESSES(AccessesWriter.SCHEMA, o -> new AccessesWriter()),
    PACKETS(PacketsWriter.SCHEMA, o -> new PacketsWriter()),
    INTERRUPTS(InterruptsWriter.SCHEMA, o -> new InterruptsWriter()),
    KICKS(KicksWriter.SCHEMA, o -> new KicksWriter()),
    MARKS(MarksWriter.SCHEMA, o -> new MarksWriter()),
    PHASES(PhasesWriter.SCHEMA, o -> new PhasesWriter()),
    EXITS(ExitsWriter.SCHEMA, o -> new ExitsWriter(o.profiles(), o.costs())),
    PROFILES(ProfilesWriter.SCHEMA, o -> new ProfilesWriter(o.profiles())),
    WINDOWS(WindowsWriter.SCHEMA, o -> new WindowsWriter());

    private final Schema schema;
    private final Function<AnalysisOptions, TableWriter> writer;

    Table(Schema schema, Function<AnalysisOptions, TableWriter> writer) {
        this.schema = schema;
        this.writer = writer;
    }

    /** The name SQL sees: {@code events}, {@code exits}... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Schema schema() {
        return schema;
    }

    /**
     * The table's schema narrowed to {@code columns} (names as in {@link #schema()}, in the table's order); null
     * means every column. A narrowing that leaves nothing keeps {@code capture}, so that a batch still has rows.
     */
    public Schema schema(Set<String> columns) {
        if (columns == null) {
            return schema;
        }
        List<Field> kept = new ArrayList<>();
        for (Field f : schema.getFields()) {
            if (columns.contains(f.getName())) {
                kept.add(f);
            }
        }
        if (kept.isEmpty()) {
            kept.add(schema.findField("capture"));
        }
        return new Schema(kept);
    }

    TableWriter newWriter(AnalysisOptions options) {
        return writer.apply(options);
    }

    public static Table ofLabel(String s) {
        for (Table t : values()) {
            if (t.label().equalsIgnoreCase(s.trim())) {
                return t;
            }
        }
        return null;
    }
}
