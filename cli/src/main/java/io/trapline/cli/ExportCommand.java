package io.trapline.cli;

import io.trapline.sql.CaptureExport;
import io.trapline.sql.ExportFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code trapline export}: the tables as Parquet, Arrow IPC or CSV, the frames as pcap, the events as a timeline. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write captures' tables as Parquet (partitioned by table and capture), Arrow IPC or CSV files,"
                + " their frames as a pcap file (pcapng, an interface per capture, for several; Wireshark, tshark),"
                + " or their events as a timeline (Chrome's Trace Event Format JSON: ui.perfetto.dev, chrome://tracing)."})
final class ExportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CAPTURE", arity = "1..*", description = "Capture directories, or NAME=DIR.")
    List<String> captures;

    @Option(names = "--format", required = true,
            description = "parquet | arrow | csv (a directory of files), pcap or timeline (one file).")
    ExportFormat format;

    @Option(names = "--phase", paramLabel = "NAME[,NAME...]",
            description = "timeline only: the events of this phase (of several names, the first each capture has),"
                    + " timed from its start, so captures line up.")
    String phase;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "PATH", description = "Where to write.")
    Path output;

    @Mixin
    AnalysisSetup setup;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        return AnalysisSetup.userErrors(() -> {
            List<io.trapline.analysis.CaptureSource> sources = AnalysisSetup.captures(captures);
            CaptureExport.Result r;
            Path part = CaptureExport.partOf(output);
            try (Interruption stop = Interruption.on("export", "nothing written to " + output,
                    () -> CaptureExport.deleteTree(part))) {
                r = CaptureExport.export(sources, setup.options(), format, phase, output);
            }
            out.printf("%s: %d %s written to %s%n", format, r.rows(),
                    format == ExportFormat.pcap ? "frames" : format == ExportFormat.timeline ? "trace events" : "rows", output);
            UnreadableTailWarnings warnings = new UnreadableTailWarnings(spec);
            warnings.warn(r.unreadableTails());
            warnings.incomplete(sources);
            return 0;
        });
    }
}
