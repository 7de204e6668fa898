package io.trapline.cli;

import io.trapline.recorder.CaptureException;
import io.trapline.recorder.IoErrors;
import io.trapline.recorder.ToolVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code trapline} command: subcommands only; each parses, calls one module API, formats the result. */
@Command(name = "trapline",
        mixinStandardHelpOptions = true,
        versionProvider = Trapline.Version.class,
        description = "Capture, replay and measure what NIC drivers do to e1000 and virtio-net device models.",
        subcommands = {DemoCommand.class, RecordCommand.class, FidelityCommand.class, InfoCommand.class, InspectCommand.class, ImportCommand.class, ReplayCommand.class, DiffCommand.class,
                AnalyzeCommand.class, SqlCommand.class, ExportCommand.class,
                CommandLine.HelpCommand.class})
public final class Trapline implements java.util.concurrent.Callable<Integer> {
    /** Exit code for user errors (bad flag, bad file, corrupt capture). */
    public static final int EXIT_USER_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** No subcommand given: that is a usage error, so the usage goes to stderr and the exit code says so. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USER_ERROR;
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs trapline with the given streams; returns the exit code. Used by main and by tests. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Trapline());
        cl.setOut(out);
        cl.setErr(err);
        // An empty path ("-o ''") would mean the current directory: refuse it wherever a path is taken.
        cl.registerConverter(java.nio.file.Path.class, s -> {
            if (s.isEmpty()) {
                throw new CommandLine.TypeConversionException("empty path");
            }
            return java.nio.file.Path.of(s);
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine cmd = ex.getCommandLine();
            String name = cmd.getCommandSpec().qualifiedName(); // "trapline import qemu", not just "qemu"
            err.println(cmd.getCommandName().equals("trapline") ? "trapline: " + ex.getMessage()
                    : name + ": " + ex.getMessage() + " (see '" + name + " --help')");
            err.flush();
            return EXIT_USER_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof CaptureException || ex instanceof UserError) {
                err.println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
                err.flush();
                return EXIT_USER_ERROR;
            }
            if (IoErrors.isMappedMemoryFault(ex)) {
                // a mapped capture file that cannot be backed or read, wherever the command met it
                err.println(cmd.getCommandSpec().qualifiedName() + ": a capture file's mapped pages could not be"
                        + " written or read: its file system is full, or the file was cut short while in use");
                err.flush();
                return EXIT_USER_ERROR;
            }
            throw ex;
        });
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("trapline: out of memory (Java heap " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB; give it more with TRAPLINE_JAVA_OPTS=-Xmx...)");
            code = 1;
        }
        out.flush();
        err.flush();
        return code;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"trapline " + ToolVersion.get()};
        }
    }
}
