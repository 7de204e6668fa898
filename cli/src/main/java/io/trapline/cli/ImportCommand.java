package io.trapline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code trapline import}: groups the importers of foreign recordings (today: QEMU trace-event logs). */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Turn a recording made by another tool into a trapline capture.",
        subcommands = {ImportQemuCommand.class})
final class ImportCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** No importer named: a usage error (usage on stderr, exit 2). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Trapline.EXIT_USER_ERROR;
    }
}
