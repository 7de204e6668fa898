package io.trapline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code trapline import}: groups the importers of foreign recordings (today: QEMU trace-event logs). */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Turn a recording made by another tool into a trapline capture.",
        subcommands = {ImportQemuCommand.class})
final class ImportCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
