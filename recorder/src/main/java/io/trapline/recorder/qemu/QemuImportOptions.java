package io.trapline.recorder.qemu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What to import: a QEMU trace-event log (plain, .xz or .gz), optionally the pcap of the NIC's netdev, the
 * phases file, and the QEMU command line (by default {@code qemu-cmdline.txt} next to the trace, if present).
 * {@code strict} stops at the first malformed line instead of counting it.
 */
public record QemuImportOptions(Path trace, Path pcap, Path phases, Path cmdline, Path output, boolean strict,
                                String qemuVersion, boolean allowUnalignedPcap) {

    public static final String CMDLINE_FILE = "qemu-cmdline.txt";

    /**
     * The QEMU versions (X.Y) whose trace-event lines the importer reads: their event names and argument formats are
     * the ones it parses (docs/capture-format.md, "Imported QEMU captures"). Patch releases (X.Y.Z) of these share them.
     */
    public static final List<String> SUPPORTED_QEMU_VERSIONS = List.of("7.2");

    public QemuImportOptions {
        if (trace == null || output == null) {
            throw new IllegalArgumentException("trace and output are required");
        }
        if (qemuVersion != null && !isQemuVersion(qemuVersion)) {
            throw new IllegalArgumentException("QEMU version '" + qemuVersion + "' is not a version (X.Y or X.Y.Z)");
        }
    }

    /** Options that refuse a pcap the importer cannot align to the trace (see {@link #allowUnalignedPcap}). */
    public QemuImportOptions(Path trace, Path pcap, Path phases, Path cmdline, Path output, boolean strict,
                             String qemuVersion) {
        this(trace, pcap, phases, cmdline, output, strict, qemuVersion, false);
    }

    /** Whether {@code version} is written as a QEMU version: X.Y or X.Y.Z, decimal numbers. */
    public static boolean isQemuVersion(String version) {
        String[] parts = version.split("\\.", -1);
        if (parts.length < 2 || parts.length > 3) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 9 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the importer was written for {@code version}'s trace events: an X.Y in {@link #SUPPORTED_QEMU_VERSIONS}
     * (any patch release of it). Other versions may name or format some events differently.
     */
    public static boolean supportsQemuVersion(String version) {
        if (!isQemuVersion(version)) {
            return false;
        }
        String[] parts = version.split("\\.");
        return SUPPORTED_QEMU_VERSIONS.contains(Integer.parseInt(parts[0]) + "." + Integer.parseInt(parts[1]));
    }

    public static QemuImportOptions of(Path trace, Path output) {
        return new QemuImportOptions(trace, null, null, null, output, false, null, false);
    }

    public QemuImportOptions withPcap(Path p) {
        return new QemuImportOptions(trace, p, phases, cmdline, output, strict, qemuVersion, allowUnalignedPcap);
    }

    public QemuImportOptions withPhases(Path p) {
        return new QemuImportOptions(trace, pcap, p, cmdline, output, strict, qemuVersion, allowUnalignedPcap);
    }

    public QemuImportOptions withCmdline(Path p) {
        return new QemuImportOptions(trace, pcap, phases, p, output, strict, qemuVersion, allowUnalignedPcap);
    }

    /**
     * Whether a pcap that cannot be aligned to the trace (no TCP SYN in it, or no NIC receive line and no usable
     * work_start mark near its first SYN: a pcap of another run, most likely) is merged anyway, at the offset found
     * (0), with a warning in the report; without it such a pcap refuses the import.
     */
    public QemuImportOptions withAllowUnalignedPcap(boolean allow) {
        return new QemuImportOptions(trace, pcap, phases, cmdline, output, strict, qemuVersion, allow);
    }

    public QemuImportOptions withStrict(boolean s) {
        return new QemuImportOptions(trace, pcap, phases, cmdline, output, s, qemuVersion, allowUnalignedPcap);
    }

    public QemuImportOptions withQemuVersion(String v) {
        return new QemuImportOptions(trace, pcap, phases, cmdline, output, strict, v, allowUnalignedPcap);
    }

    /** The command-line file to read: the explicit one, else qemu-cmdline.txt beside the trace, else null. */
    Path effectiveCmdline() {
        if (cmdline != null) {
            return cmdline;
        }
        Path dir = trace.toAbsolutePath().getParent();
        Path beside = dir == null ? null : dir.resolve(CMDLINE_FILE);
        return beside != null && Files.isRegularFile(beside) ? beside : null;
    }

    /** The QEMU version: the explicit one, else a {@code qemu-X.Y} component of the trace's path, else null. */
    String effectiveQemuVersion() {
        if (qemuVersion != null) {
            return qemuVersion;
        }
        PathQemuVersion p = qemuVersionFromPath();
        return p == null ? null : p.version();
    }

    /**
     * A QEMU version named by the trace's path, and where: {@code component} is the path up to the directory (or file)
     * named {@code qemu-X.Y} or {@code qemu-X.Y.Z}, possibly followed by more ({@code qemu-7.2-tcg}).
     */
    public record PathQemuVersion(String version, Path component) {
    }

    /**
     * The version a {@code qemu-X.Y[.Z]} component of the trace's path names, the one nearest the file first; null
     * when none does. A component whose digits and dots after {@code qemu-} are not X.Y or X.Y.Z names no version
     * ({@code qemu-7}); dots after them end the version ({@code qemu-7.2.log}).
     */
    public PathQemuVersion qemuVersionFromPath() {
        for (Path p = trace.toAbsolutePath(); p != null; p = p.getParent()) {
            Path name = p.getFileName();
            if (name == null) {
                continue;
            }
            String s = name.toString();
            if (s.startsWith("qemu-") && s.length() > 5 && Character.isDigit(s.charAt(5))) {
                int e = 5;
                while (e < s.length() && (Character.isDigit(s.charAt(e)) || s.charAt(e) == '.')) {
                    e++;
                }
                while (s.charAt(e - 1) == '.') {
                    e--;
                }
                String version = s.substring(5, e);
                if (isQemuVersion(version)) {
                    return new PathQemuVersion(version, p);
                }
            }
        }
        return null;
    }
}
