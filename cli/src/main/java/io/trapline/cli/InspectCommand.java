package io.trapline.cli;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code trapline inspect}: events one per line, in order. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print a capture's events, one per line: time, type, device, register name, value, payload.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CAPTURE", description = "Capture directory.")
    Path capture;

    @Option(names = "--from", paramLabel = "SEQ", defaultValue = "0", description = "Start at this sequence number (default 0).")
    long from;

    @Option(names = "--limit", paramLabel = "N", description = "Print at most N events (default: all).")
    Long limit;

    @Option(names = "--type", paramLabel = "T", split = ",",
            description = "Only these event types, comma-separated (e.g. mmio_read,mmio_write,kick).")
    List<String> types;

    @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES} (json = one object per line).")
    OutputFormat format;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (from < 0) {
            throw new UserError("--from: must be a sequence number >= 0, got " + from);
        }
        if (limit != null && limit < 0) {
            throw new UserError("--limit: must be >= 0, got " + limit);
        }
        boolean[] wanted = selectedTypes();
        PrintWriter out = spec.commandLine().getOut();
        try (CaptureReader reader = CaptureReader.open(capture)) {
            checkFrom(reader.metadata(), from);
            print(reader, wanted, out);
        }
        return 0;
    }

    /** A --from past the end of a capture whose size is known is a mistake, not an empty listing. */
    static void checkFrom(CaptureMetadata meta, long from) {
        if (meta.events() != null && from > 0 && from >= meta.events().count()) {
            throw new UserError("--from " + from + ": the capture has " + meta.events().count() + " events (sequence 0.."
                    + (meta.events().count() - 1) + ")");
        }
    }

    private void print(CaptureReader reader, boolean[] wanted, PrintWriter out) {
        try (EventCursor c = reader.cursor(from)) {
            EventLine line = new EventLine(reader.metadata());
            if (format == OutputFormat.text) {
                out.println(EventLine.header());
            }
            long printed = 0;
            long max = limit == null ? Long.MAX_VALUE : limit;
            while (printed < max && c.next()) {
                if (wanted != null && !wanted[c.type().code()]) {
                    continue;
                }
                out.println(format == OutputFormat.json ? line.json(c) : line.text(c));
                printed++;
                if (out.checkError()) {
                    break; // reader went away (e.g. piped into head)
                }
            }
            UnreadableTailWarnings warnings = new UnreadableTailWarnings(spec);
            warnings.warn(c.unreadableTail());
            warnings.incomplete(capture);
        }
    }

    private boolean[] selectedTypes() {
        if (types == null || types.isEmpty()) {
            return null;
        }
        boolean[] wanted = new boolean[256];
        for (String label : types) {
            EventType t = EventType.ofLabel(label);
            if (t == null) {
                throw new UserError("--type: unknown event type '" + label + "' (known: "
                        + Arrays.stream(EventType.values()).map(EventType::label).collect(Collectors.joining(", ")) + ")");
            }
            wanted[t.code()] = true;
        }
        return wanted;
    }
}
