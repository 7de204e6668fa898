package io.trapline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventCursor;
import io.trapline.replay.Divergence;
import io.trapline.replay.DivergenceKind;
import io.trapline.replay.ReplayOptions;
import io.trapline.replay.ReplayResult;
import io.trapline.replay.Replayer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code trapline replay}: re-drive the recorded device models and report every divergence. Exit 0 identical, 1 divergent, 2 error. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay a capture through the device models and check every output against it (in embedded "
                + "captures also the virtual time it came at). Each divergence names its cause, what its addresses "
                + "are, and (the first) where the model was; then what each model did and which of its paths the "
                + "capture never took.",
                "Exit code: 0 identical, 1 divergences found, 2 error."})
final class ReplayCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CAPTURE", description = "Capture directory.")
    Path capture;

    @Option(names = "--model", paramLabel = "SPEC",
            description = "Replay against another model or configuration: [MODEL][,key=value...], e.g. e1000,mitigation=off.")
    String model;

    @Option(names = "--max-divergences", paramLabel = "N", defaultValue = "10", description = "Stop after N divergences (default ${DEFAULT-VALUE}).")
    int maxDivergences;

    @Option(names = "--from", paramLabel = "SEQ", defaultValue = "0",
            description = "Report divergences from this sequence on (devices are still re-driven from the start).")
    long from;

    @Option(names = "--context", paramLabel = "N", defaultValue = "4",
            description = "List the N events replayed before each divergence (default ${DEFAULT-VALUE}, at most "
                    + ReplayOptions.MAX_CONTEXT + ").")
    int context;

    @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES}.")
    OutputFormat format;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (maxDivergences < 1) {
            throw new UserError("--max-divergences: must be at least 1, got " + maxDivergences);
        }
        if (from < 0) {
            throw new UserError("--from: must be a sequence number >= 0, got " + from);
        }
        if (context < 0 || context > ReplayOptions.MAX_CONTEXT) {
            throw new UserError("--context: must be 0 to " + ReplayOptions.MAX_CONTEXT + ", got " + context);
        }
        ReplayOptions options = ReplayOptions.defaults().withMaxDivergences(maxDivergences).from(from).withContext(context);
        if (model != null) {
            ModelSpec m = ModelSpec.parse(model);
            options = options.withModel(m.model(), m.options());
        }
        PrintWriter out = spec.commandLine().getOut();
        try (CaptureReader reader = CaptureReader.open(capture)) {
            InspectCommand.checkFrom(reader.metadata(), from);
            ReplayResult r = Replayer.replay(reader, options);
            if (format == OutputFormat.json) {
                printJson(out, r);
            } else {
                printText(out, reader, r);
            }
            UnreadableTailWarnings warnings = new UnreadableTailWarnings(spec);
            warnings.warn(r.unreadableTail());
            warnings.incomplete(capture);
            return r.identical() ? 0 : 1;
        }
    }

    private void printText(PrintWriter out, CaptureReader reader, ReplayResult r) {
        out.printf(Locale.ROOT, "replayed %,d events (%,d inputs, %,d outputs checked) in %s: %,.0f events/s%n",
                r.events(), r.inputs(), r.outputsChecked(), Durations.span(r.elapsedNs()), r.eventsPerSecond());
        for (String u : r.unverifiable()) {
            out.println("unverifiable: " + u);
        }
        if (r.identical()) {
            // an imported trace checks only what it holds: say so where the verdict is read, not only above it
            out.println(r.unverifiable().isEmpty() ? "0 divergences"
                    : String.format(Locale.ROOT, "0 divergences in the %,d output%s that could be checked (see unverifiable, above)",
                            r.outputsChecked(), r.outputsChecked() == 1 ? "" : "s"));
            printActivity(out, r);
            return;
        }
        out.printf("%d divergence%s%s%n", r.divergences().size(), r.divergences().size() == 1 ? "" : "s",
                r.stoppedEarly() ? " (stopped at --max-divergences " + maxDivergences + ")" : "");
        EventLine lines = new EventLine(reader.metadata());
        int n = 0;
        for (Divergence d : r.divergences()) {
            out.printf(Locale.ROOT, "#%d  %s  time %s s  device %d  %s  %s%n", ++n,
                    d.sequence() < 0 ? "after the last event" : "sequence " + d.sequence(),
                    Durations.seconds(d.timeNs()), d.device(), d.kind().name().toLowerCase(Locale.ROOT), d.what());
            out.println("      expected: " + d.expected());
            out.println("      actual:   " + d.actual());
            if (!d.deviceState().isEmpty()) {
                StringBuilder state = new StringBuilder();
                d.deviceState().forEach((k, v) -> state.append(state.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
                out.println("      device then: " + state);
            }
            if (d.cause() >= 0) {
                try (EventCursor c = reader.cursor(d.cause())) {
                    if (c.next()) {
                        out.println("      caused by:  " + lines.text(c));
                    }
                }
            } else if (d.kind() != DivergenceKind.READ_VALUE && d.kind() != DivergenceKind.RECEIVE_RESULT
                    && d.kind() != DivergenceKind.MISSING_OUTPUT) { // what the device itself did, outside any input
                out.println("      caused by:  a device timer (no input was being replayed)");
            }
            if (d.context().length > 0) {
                out.println("      events before it:");
                try (EventCursor c = reader.cursor(d.context()[0])) {
                    int shown = 0;
                    while (shown < d.context().length && c.next()) {
                        if (c.sequence() == d.context()[shown]) {
                            out.println("        " + lines.text(c));
                            shown++;
                        }
                    }
                }
            }
        }
        printActivity(out, r);
    }

    /**
     * What each device model did over the replay, and what it never did: a capture that never wraps the RX ring
     * cannot show an RX-wrap bug, however many divergences it does not report.
     */
    private static void printActivity(PrintWriter out, ReplayResult r) {
        for (ReplayResult.DeviceReport d : r.activity()) {
            if (d.counts().isEmpty()) {
                continue;
            }
            out.printf("device %d (%s), what the replay exercised%s:%n", d.device(), d.model(),
                    d.partial() ? " before it stopped at --max-divergences (partial)" : "");
            int width = d.counts().keySet().stream().mapToInt(String::length).max().orElse(0);
            d.counts().forEach((name, n) -> {
                if (n > 0) {
                    out.printf(Locale.ROOT, "  %-" + width + "s %,12d%n", name, n);
                }
            });
            if (!d.neverExercised().isEmpty()) {
                out.println("  never: " + String.join("; ", d.neverExercised()));
            }
            if (d.guestError() != null) {
                out.println("  stopped serving the guest: " + d.guestError());
            }
        }
    }

    private void printJson(PrintWriter out, ReplayResult r) throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("capture", capture.toString());
        root.put("events", r.events());
        root.put("inputs", r.inputs());
        root.put("outputs_checked", r.outputsChecked());
        root.put("elapsed_ns", r.elapsedNs());
        root.put("events_per_second", Math.round(r.eventsPerSecond()));
        root.put("identical", r.identical());
        root.put("stopped_early", r.stoppedEarly());
        ArrayNode unverifiable = root.putArray("unverifiable");
        r.unverifiable().forEach(unverifiable::add);
        ArrayNode activity = root.putArray("activity");
        for (ReplayResult.DeviceReport d : r.activity()) {
            ObjectNode o = activity.addObject();
            o.put("device", d.device());
            o.put("model", d.model());
            ObjectNode counts = o.putObject("counts");
            d.counts().forEach(counts::put);
            d.neverExercised().forEach(o.putArray("never_exercised")::add);
            o.put("guest_error", d.guestError());
            o.put("partial", d.partial()); // stopped at --max-divergences: counts up to there, no never_exercised
        }
        ArrayNode divs = root.putArray("divergences");
        for (Divergence d : r.divergences()) {
            ObjectNode o = divs.addObject();
            o.put("sequence", d.sequence());
            o.put("time_ns", d.timeNs());
            o.put("device", d.device());
            o.put("kind", d.kind().name().toLowerCase(Locale.ROOT));
            o.put("what", d.what());
            o.put("expected", d.expected());
            o.put("actual", d.actual());
            if (d.firstByteDiff() >= 0) {
                o.put("first_byte_diff", d.firstByteDiff());
            }
            if (d.cause() >= 0) {
                o.put("cause_sequence", d.cause()); // absent: a device timer, or the input itself
            }
            if (!d.deviceState().isEmpty()) {
                ObjectNode state = o.putObject("device_state"); // the first divergence only
                d.deviceState().forEach(state::put);
            }
            ArrayNode ctx = o.putArray("context_sequences");
            for (long s : d.context()) {
                ctx.add(s);
            }
        }
        out.println(json.writeValueAsString(root));
    }
}
