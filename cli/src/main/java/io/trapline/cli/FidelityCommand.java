package io.trapline.cli;

import io.trapline.recorder.embedded.FidelityReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code trapline fidelity}: the embedded guest side by side with the real QEMU captures of the same workload. */
@Command(name = "fidelity", mixinStandardHelpOptions = true,
        description = "Compare the embedded guest (web workload, tcg profile) with the real QEMU 7.2 captures, per request size.")
final class FidelityCommand implements Callable<Integer> {
    @Option(names = "--captures", paramLabel = "DIR", defaultValue = "../shared/captures/qemu-7.2-tcg",
            description = "Folder with the real runs (e1000/, virtio/ with trace.log.xz, phases.txt, packets.pcap); default ${DEFAULT-VALUE}.")
    Path captures;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        for (String run : new String[] {"e1000", "virtio"}) {
            if (!Files.isRegularFile(captures.resolve(run).resolve("trace.log.xz"))) {
                throw new UserError("--captures: " + captures.resolve(run).resolve("trace.log.xz") + " not found");
            }
        }
        Path work = Files.createTempDirectory("trapline-fidelity");
        try {
            spec.commandLine().getOut().print(FidelityReport.markdown(FidelityReport.build(captures, work)));
        } finally {
            FidelityReport.clean(work);
        }
        return 0;
    }
}
