package io.trapline.cli;

import io.trapline.recorder.embedded.FidelityReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code trapline fidelity}: the embedded guest side by side with the real QEMU captures of the same workload. */
@Command(name = "fidelity", mixinStandardHelpOptions = true,
        description = {"Compare the embedded guest (web workload, tcg profile) with the real QEMU 7.2 captures, per request size.",
                "Each real run is recorded again on the embedded guest with the device options of its QEMU command line.",
                "Repeated runs (the same QEMU -device line and requests) make one row per metric: their mean, and "
                        + "their spread beside it.",
                "Exit 0 when every row is within its bound (15%%, or a known gap's own), 1 when one is not, 2 on bad input."})
final class FidelityCommand implements Callable<Integer> {
    /** The shared captures' folder, beside the checkout. */
    static final String SHARED_CAPTURES = "../shared/captures/qemu-7.2-tcg";

    @Option(names = "--captures", paramLabel = "DIR",
            description = {"Folder of real runs, one subfolder each with trace.log.xz, phases.txt and packets.pcap, as "
                    + "samples/qemu/capture.sh writes them; default " + SHARED_CAPTURES + " beside this checkout "
                    + "(wherever the command runs).",
                    "A run's workload-results.txt gives its request groups (default: 200 x 1 KiB, 20 x 64 KiB)."})
    Path captures;

    @Option(names = "--runs", paramLabel = "RUN[,RUN...]", split = ",",
            description = "Compare only these runs (subfolder names, e.g. virtio,virtio_intx); default every run found.")
    List<String> runs;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (captures == null) {
            Path beside = Checkout.existing(SHARED_CAPTURES);
            captures = beside != null ? beside : Path.of(SHARED_CAPTURES);
        }
        if (!Files.isDirectory(captures)) {
            throw new UserError("--captures: " + captures + " is not a directory");
        }
        List<String> found = FidelityReport.runFolders(captures);
        // a run named twice is compared once (its recording goes to a folder named after it)
        List<String> chosen = runs == null ? found : new ArrayList<>(new LinkedHashSet<>(runs));
        for (String run : chosen) {
            if (!found.contains(run)) {
                throw new UserError("--runs: no run '" + run + "' under " + captures + " (runs there: "
                        + (found.isEmpty() ? "none" : String.join(", ", found)) + ")");
            }
        }
        if (chosen.isEmpty()) {
            throw new UserError("--captures: no runs under " + captures
                    + " (a run is a subfolder with trace.log.xz, phases.txt and packets.pcap)");
        }
        Path work = Files.createTempDirectory("trapline-fidelity");
        try {
            FidelityReport.Report report = FidelityReport.build(captures, chosen, work);
            spec.commandLine().getOut().print(FidelityReport.markdown(report));
            return report.outsideBounds().isEmpty() ? 0 : 1;
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage()); // a run folder's workload-results.txt that does not describe its run
        } finally {
            FidelityReport.clean(work);
        }
    }
}
