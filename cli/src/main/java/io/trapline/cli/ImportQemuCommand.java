package io.trapline.cli;

import io.trapline.recorder.qemu.ImportReport;
import io.trapline.recorder.qemu.PcapFileException;
import io.trapline.recorder.qemu.PhasesFileException;
import io.trapline.recorder.qemu.QemuImportOptions;
import io.trapline.recorder.qemu.QemuTraceImporter;
import io.trapline.recorder.qemu.UnalignedPcapException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code trapline import qemu}: a QEMU 7.2 trace-event log (+ pcap, phases) into a capture. */
@Command(name = "qemu", mixinStandardHelpOptions = true,
        description = {"Import a QEMU trace-event log (plain, .xz or .gz) into a new capture.",
                "Malformed lines are counted and listed with their line numbers; --strict stops at the first.",
                "Conventions: docs/capture-format.md, 'Imported QEMU captures'."})
final class ImportQemuCommand implements Callable<Integer> {
    @Option(names = "--trace", required = true, paramLabel = "FILE", description = "QEMU trace log (-trace ... -D FILE).")
    Path trace;

    @Option(names = "--pcap", paramLabel = "FILE", description = "pcap of the NIC's netdev (filter-dump), merged as frames.")
    Path pcap;

    @Option(names = "--phases", paramLabel = "FILE",
            description = "Marks file: 'name seconds' per line, trace clock ('#' comments); a malformed line, or a phase that ends before it starts (work_end before work_start), is an error.")
    Path phases;

    @Option(names = "--cmdline", paramLabel = "FILE",
            description = "QEMU command line (default: qemu-cmdline.txt beside the trace, if present).")
    Path cmdline;

    @Option(names = "--qemu-version", paramLabel = "X.Y",
            description = "QEMU version of the trace, X.Y or X.Y.Z (default: from a qemu-X.Y path component). The importer reads 7.2's trace events; another version, given or from the path, is imported with a warning, refused with --strict.")
    String qemuVersion;

    @Option(names = "--strict", description = "Stop at the first malformed line, at a phases line outside the trace, or at a pcap that ends inside its last record (no capture is left behind).")
    boolean strict;

    @Option(names = "--allow-unaligned-pcap",
            description = "Merge a pcap that cannot be aligned to the trace (no TCP SYN, or none near a NIC receive line or work_start: another run's?) at offset 0, with a warning; without it such a pcap is an error.")
    boolean allowUnalignedPcap;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "New capture directory (must not exist or be empty).")
    Path output;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (qemuVersion != null && !QemuImportOptions.isQemuVersion(qemuVersion)) {
            throw new UserError("--qemu-version: '" + qemuVersion + "' is not a QEMU version (X.Y or X.Y.Z)");
        }
        QemuImportOptions options = new QemuImportOptions(trace, pcap, phases, cmdline, output, strict, qemuVersion,
                allowUnalignedPcap);
        if (qemuVersion != null) {
            checkSupported(qemuVersion, "--qemu-version", "");
        } else {
            QemuImportOptions.PathQemuVersion fromPath = options.qemuVersionFromPath();
            if (fromPath != null) {
                checkSupported(fromPath.version(), "QEMU " + fromPath.version() + " from the trace's path ("
                        + fromPath.component() + ")", "; --qemu-version overrides it");
            }
        }
        ImportReport report;
        try (Interruption stop = Interruption.on("import", output + " keeps the events imported so far and stays"
                + " incomplete (capture.json status \"recording\"); the commands that read it say so", () -> { })) {
            report = QemuTraceImporter.run(options);
        } catch (PhasesFileException e) {
            throw new UserError("--phases: " + e.getMessage());
        } catch (UnalignedPcapException | PcapFileException e) {
            throw new UserError("--pcap: " + e.getMessage());
        }
        spec.commandLine().getOut().print(report.summary());
        for (String w : report.warnings()) {
            spec.commandLine().getErr().println("trapline import qemu: warning: " + w);
        }
        return 0;
    }

    /**
     * A version the importer was not written for: a one-line warning naming {@code source} (where the version came
     * from), or refused with --strict.
     */
    private void checkSupported(String version, String source, String strictHint) {
        if (QemuImportOptions.supportsQemuVersion(version)) {
            return;
        }
        String why = source + ": the importer reads the trace events of QEMU "
                + String.join(", ", QemuImportOptions.SUPPORTED_QEMU_VERSIONS) + ", and " + version
                + " may name or format some of them differently";
        if (strict) {
            throw new UserError(why + " (--strict refuses it" + strictHint + ")");
        }
        spec.commandLine().getErr().println("trapline import qemu: warning: " + why + "; importing anyway");
    }
}
