package io.trapline.sql;

import io.trapline.analysis.AnalysisException;
import io.trapline.analysis.AnalysisOptions;
import io.trapline.analysis.CaptureSource;
import io.trapline.analysis.CaptureTableReader;
import io.trapline.analysis.Table;
import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CapturePaths;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventFlags;
import io.trapline.recorder.EventType;
import io.trapline.recorder.IoErrors;
import io.trapline.recorder.UnreadableTail;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Writes captures' tables out as Parquet, Arrow IPC or CSV, or their frames as a pcap file. */
public final class CaptureExport {
    private CaptureExport() {
    }

    /**
     * What was written: files and rows (frames for pcap); and the incomplete captures whose events were read up to an
     * unreadable tail (their queue file stops being readable after the events capture.json declares), one per capture.
     */
    public record Result(List<Path> files, long rows, List<UnreadableTail> unreadableTails) {
    }

    /** One entry per capture, the first found. */
    private static List<UnreadableTail> perCapture(List<UnreadableTail> tails) {
        java.util.Map<Path, UnreadableTail> byCapture = new java.util.LinkedHashMap<>();
        for (UnreadableTail t : tails) {
            byCapture.putIfAbsent(t.capture().toAbsolutePath().normalize(), t);
        }
        return List.copyOf(byCapture.values());
    }

    public static Result export(List<CaptureSource> captures, AnalysisOptions options, ExportFormat format, Path out) {
        return export(captures, options, format, null, out);
    }

    /** {@code phase}: for a timeline, only the events of that phase, timed from its start (null: all of them). */
    public static Result export(List<CaptureSource> captures, AnalysisOptions options, ExportFormat format, String phase,
                                Path out) {
        // never into a capture, the exported ones or any other: a file there becomes part of it
        Path enclosing = CapturePaths.enclosingCapture(out);
        if (enclosing != null) {
            throw new AnalysisException(out + ": inside capture " + enclosing + " (export never writes into a capture)");
        }
        if (phase != null && format != ExportFormat.timeline) {
            throw new AnalysisException("--phase: only a timeline export takes a phase (tables have the phases table)");
        }
        if (format == ExportFormat.pcap) {
            return oneFile(out, tmp -> pcap(captures, tmp));
        }
        if (format == ExportFormat.timeline) {
            return oneFile(out, tmp -> {
                List<UnreadableTail> tails = new ArrayList<>();
                long events;
                try (java.io.Writer w = Files.newBufferedWriter(tmp, java.nio.charset.StandardCharsets.UTF_8)) {
                    events = TimelineExport.write(captures, options, phase, w, tails);
                }
                return new Result(List.of(tmp), events, perCapture(tails));
            });
        }
        Path part = partOf(out);
        try {
            checkDirectory(out);
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createDirectory(part);
        } catch (IOException e) {
            throw new AnalysisException(out + ": cannot write: " + IoErrors.describe(e));
        }
        // Written beside the target and moved in place once whole (rename(2) replaces an empty directory): a failed
        // or interrupted export leaves nothing at the target, and the part directory is removed.
        try {
            Result r = format == ExportFormat.arrow ? arrow(captures, options, part) : viaDuckDb(captures, options, format, part);
            Files.move(part, out.toAbsolutePath().normalize(), StandardCopyOption.ATOMIC_MOVE);
            List<Path> files = new ArrayList<>();
            for (Path f : r.files()) {
                files.add(out.resolve(part.relativize(f)));
            }
            return new Result(files, r.rows(), r.unreadableTails());
        } catch (IOException e) {
            deleteTree(part);
            throw new AnalysisException(out + ": cannot write: " + IoErrors.describe(e));
        } catch (Throwable e) { // an Error too (out of memory, a fault on a mapped file): nothing is left behind
            deleteTree(part);
            throw e;
        }
    }

    /**
     * Where an export to {@code out} is written until it is whole: a sibling named after it and this process, so
     * that an interrupted export can be cleaned up ({@link #deleteTree}) and never looks finished.
     */
    public static Path partOf(Path out) {
        Path target = out.toAbsolutePath().normalize(); // "." and "dir/.." have a name to put beside them too
        return target.resolveSibling(target.getFileName() + "." + ProcessHandle.current().pid() + ".part");
    }

    /** Writes one export file into the part file it is given. */
    private interface FileWriter {
        Result write(Path part) throws IOException;
    }

    /**
     * One file written beside {@code out}, moved in place once complete: an existing file, even an empty one (or a
     * symbolic link), is never touched; the part file is removed whatever ends the export.
     */
    private static Result oneFile(Path out, FileWriter writer) {
        Path tmp = null;
        try {
            if (Files.isDirectory(out)) {
                throw new AnalysisException(out + ": is a directory (this export writes one file)");
            }
            if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new AnalysisException(out + ": exists (refusing to overwrite)");
            }
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                try {
                    Files.createDirectories(parent);
                } catch (java.nio.file.FileAlreadyExistsException e) { // a file where a folder of the path should be
                    throw new AnalysisException(out + ": " + e.getFile() + " is not a directory");
                }
            }
            // Beside the target (same file system, so the move is atomic), with the permissions a new file gets.
            tmp = partOf(out);
            Result r = writer.write(tmp);
            publish(tmp, out);
            return new Result(List.of(out), r.rows(), r.unreadableTails());
        } catch (IOException e) {
            throw new AnalysisException(out + ": cannot write: " + IoErrors.describe(e));
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the error being reported matters more
                }
            }
        }
    }

    /**
     * Puts the finished {@code part} at {@code out} without replacing anything: a hard link fails if a file appeared
     * at {@code out} while the export ran (rename(2) would replace it). Where the file system has no hard links, a
     * move after a last look.
     */
    static void publish(Path part, Path out) throws IOException {
        try {
            Files.createLink(out, part);
            Files.delete(part);
            return;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new AnalysisException(out + ": exists (refusing to overwrite; it appeared while the export ran)");
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new AnalysisException(out + ": exists (refusing to overwrite)");
            }
        }
        Files.move(part, out, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes {@code path} and everything under it, as far as it can (a file or a directory). */
    public static void deleteTree(Path path) {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort: the export's own error is the one to report
        }
    }

    /** The target of a directory export must be absent or an empty directory. */
    private static void checkDirectory(Path out) throws IOException {
        if (Files.exists(out)) {
            if (!Files.isDirectory(out)) {
                throw new AnalysisException(out + ": exists and is not a directory");
            }
            try (var entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new AnalysisException(out + ": directory is not empty (refusing to overwrite)");
                }
            }
        }
    }

    private static Result viaDuckDb(List<CaptureSource> captures, AnalysisOptions options, ExportFormat format, Path dir) {
        List<Path> files = new ArrayList<>();
        long rows = 0;
        try (SqlSession s = SqlSession.openWithFileAccess(captures, options)) {
            for (Table t : Table.values()) {
                String sql;
                if (format == ExportFormat.parquet) {
                    Path target = dir.resolve(t.label());
                    sql = "COPY (SELECT * FROM " + t.label() + ") TO " + CaptureComparison.quote(target.toString())
                            + " (FORMAT parquet, PARTITION_BY (capture), WRITE_PARTITION_COLUMNS true)";
                    files.add(target);
                } else {
                    Path target = dir.resolve(t.label() + ".csv");
                    sql = "COPY (SELECT * FROM " + t.label() + ") TO " + CaptureComparison.quote(target.toString())
                            + " (FORMAT csv, HEADER true)";
                    files.add(target);
                }
                rows += s.query(sql, rs -> rs != null && rs.next() ? rs.getLong(1) : Math.max(0, s.updateCount()));
                if (format == ExportFormat.parquet) {
                    emptyPartitions(s, t, dir.resolve(t.label()), captures);
                }
            }
            return new Result(files, rows, s.unreadableTails());
        }
    }

    /**
     * A partitioned COPY writes no partition for a capture without rows in the table (an e1000 capture's kicks),
     * and no directory at all when no capture has any: a reader's {@code TABLE/*}{@code /*.parquet} then finds
     * nothing, or misses a capture. Each such capture gets a partition holding one file with the table's columns
     * and no rows. DuckDB names partitions by the percent-encoded value, which any encoding of the same name
     * decodes to, so the names are compared decoded.
     */
    private static void emptyPartitions(SqlSession s, Table t, Path tableDir, List<CaptureSource> captures) {
        java.util.Set<String> written = new java.util.HashSet<>();
        if (Files.isDirectory(tableDir)) {
            try (var dirs = Files.list(tableDir)) {
                dirs.map(d -> d.getFileName().toString()).filter(n -> n.startsWith(PARTITION))
                        .forEach(n -> written.add(percentDecode(n.substring(PARTITION.length()))));
            } catch (IOException e) {
                throw new AnalysisException(tableDir + ": " + IoErrors.describe(e));
            }
        }
        for (CaptureSource c : captures) {
            if (written.contains(c.name())) {
                continue;
            }
            Path file = tableDir.resolve(PARTITION + percentEncode(c.name())).resolve("data_0.parquet");
            try {
                Files.createDirectories(file.getParent());
            } catch (IOException e) {
                throw new AnalysisException(file.getParent() + ": " + IoErrors.describe(e));
            }
            s.query("COPY (SELECT * FROM " + t.label() + " LIMIT 0) TO " + CaptureComparison.quote(file.toString())
                    + " (FORMAT parquet)", rs -> 0L);
        }
    }

    private static final String PARTITION = "capture=";

    /** RFC 3986 percent-encoding of UTF-8, every byte but the unreserved characters. */
    static String percentEncode(String value) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char ch = (char) (b & 0xFF);
            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || "-._~".indexOf(ch) >= 0) {
                sb.append(ch);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return sb.toString();
    }

    /** The inverse of {@link #percentEncode} (a '+' stays a '+'); a malformed escape is kept as it is. */
    static String percentDecode(String value) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int i = 0;
        while (i < value.length()) {
            int hi = value.charAt(i) == '%' && i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(value.charAt(i + 2), 16) : -1;
            if (lo >= 0) {
                out.write(hi << 4 | lo);
                i += 3;
            } else {
                int cp = value.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Result arrow(List<CaptureSource> captures, AnalysisOptions options, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        long rows = 0;
        List<UnreadableTail> tails = new ArrayList<>();
        try (BufferAllocator a = new RootAllocator()) {
            for (Table t : Table.values()) {
                Path target = dir.resolve(t.label() + ".arrow");
                try (CaptureTableReader r = new CaptureTableReader(a, t, captures, options);
                     FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    VectorSchemaRoot root = r.getVectorSchemaRoot();
                    try (ArrowFileWriter w = new ArrowFileWriter(root, r, ch)) {
                        w.start();
                        while (r.loadNextBatch()) {
                            w.writeBatch();
                            rows += root.getRowCount();
                        }
                        w.end();
                    }
                    tails.addAll(r.unreadableTails());
                }
                files.add(target);
            }
        }
        return new Result(files, rows, perCapture(tails));
    }

    /**
     * The frames of every capture in one file: a libpcap file (microsecond time stamps, link type 1 = Ethernet) for
     * one capture, pcapng with an interface per capture for several. Time is the capture's clock: for imported
     * captures (clock "trace") the host time the trace started plus time_ns; for embedded captures virtual time from
     * 0. Refused RX frames are left out (the device did not take them; the same frame comes again when it does).
     */
    private static Result pcap(List<CaptureSource> captures, Path out) throws IOException {
        long frames = 0;
        List<UnreadableTail> tails = new ArrayList<>();
        // One capture: a classic pcap, which every tool reads. Several: pcapng with an interface per capture, named
        // after it, so that their frames (each capture on its own clock) can be told apart in Wireshark.
        FrameFile file = captures.size() == 1 ? new ClassicPcap() : new Pcapng();
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out))) {
            file.begin(os);
            byte[] buf = new byte[2048];
            for (int i = 0; i < captures.size(); i++) {
                CaptureSource c = captures.get(i);
                file.beginCapture(os, c.name());
                try (CaptureReader r = CaptureReader.open(c.path()); EventCursor e = r.cursor()) {
                    CaptureMetadata.Clock clock = r.metadata().clock();
                    long origin = clock != null && clock.originEpochNs() != null ? clock.originEpochNs() : 0;
                    while (e.next()) {
                        EventType t = e.type();
                        if ((t != EventType.FRAME_RX && t != EventType.FRAME_TX) || (e.flags() & EventFlags.REFUSED) != 0) {
                            continue;
                        }
                        int len = e.payloadLength();
                        if (buf.length < len) {
                            buf = new byte[len];
                        }
                        e.copyPayload(buf, 0);
                        file.frame(os, i, origin + e.timeNs(), buf, len);
                        frames++;
                    }
                    if (e.unreadableTail() != null) {
                        tails.add(e.unreadableTail());
                    }
                }
            }
        }
        return new Result(List.of(out), frames, perCapture(tails));
    }

    /** The largest part of a frame a file holds. */
    private static final int SNAP_LENGTH = 262_144;

    /** How frames are laid out in the exported file. */
    private interface FrameFile {
        void begin(OutputStream os) throws IOException;

        void beginCapture(OutputStream os, String name) throws IOException;

        void frame(OutputStream os, int capture, long epochNs, byte[] frame, int length) throws IOException;
    }

    /** libpcap: microsecond time stamps, link type 1 (Ethernet). */
    private static final class ClassicPcap implements FrameFile {
        private final ByteBuffer rec = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);

        @Override
        public void begin(OutputStream os) throws IOException {
            ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(SNAP_LENGTH).putInt(1);
            os.write(h.array());
        }

        @Override
        public void beginCapture(OutputStream os, String name) {
        }

        @Override
        public void frame(OutputStream os, int capture, long ns, byte[] frame, int length) throws IOException {
            int caplen = Math.min(length, SNAP_LENGTH);
            rec.clear();
            rec.putInt((int) (ns / 1_000_000_000L)).putInt((int) (ns % 1_000_000_000L / 1000)).putInt(caplen).putInt(length);
            os.write(rec.array());
            os.write(frame, 0, caplen);
        }
    }

    /**
     * pcapng (draft-ietf-opsawg-pcapng): a section header, an interface description per capture (link type 1,
     * {@code if_name} the capture's name, {@code if_tsresol} nanoseconds) and an enhanced packet block per frame.
     */
    private static final class Pcapng implements FrameFile {
        @Override
        public void begin(OutputStream os) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0)
                    .putLong(-1L) // section length not given
                    .putInt(28);
            os.write(b.array());
        }

        @Override
        public void beginCapture(OutputStream os, String name) throws IOException {
            byte[] n = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int nameOption = 4 + pad4(n.length);
            int length = 16 + nameOption + 8 /* if_tsresol */ + 4 /* opt_endofopt */ + 4;
            ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0x00000001).putInt(length).putShort((short) 1).putShort((short) 0).putInt(SNAP_LENGTH);
            b.putShort((short) 2).putShort((short) n.length).put(n); // if_name
            b.position(b.position() + pad4(n.length) - n.length);
            b.putShort((short) 9).putShort((short) 1).put((byte) 9).put(new byte[3]); // if_tsresol: 10^-9 s
            b.putInt(0); // opt_endofopt
            b.putInt(length);
            os.write(b.array());
        }

        @Override
        public void frame(OutputStream os, int capture, long ns, byte[] frame, int length) throws IOException {
            int caplen = Math.min(length, SNAP_LENGTH);
            int blockLength = 32 + pad4(caplen);
            ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0x00000006).putInt(blockLength).putInt(capture).putInt((int) (ns >>> 32)).putInt((int) ns)
                    .putInt(caplen).putInt(length);
            os.write(b.array());
            os.write(frame, 0, caplen);
            os.write(new byte[pad4(caplen) - caplen]);
            ByteBuffer end = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(blockLength);
            os.write(end.array());
        }

        private static int pad4(int n) {
            return (n + 3) & ~3;
        }
    }
}
