package io.trapline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventConsistency;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventLayout;
import io.trapline.recorder.EventType;
import io.trapline.recorder.UnreadableTail;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code trapline info}: a capture's metadata, event counts by type and time span (verifying every event). */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a capture's metadata, event counts by type and time span.")
final class InfoCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CAPTURE", description = "Capture directory.")
    Path capture;

    @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    OutputFormat format;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (CaptureReader reader = CaptureReader.open(capture)) {
            CaptureMetadata meta = reader.metadata();
            Map<EventType, Long> counts = new EnumMap<>(EventType.class);
            long total = 0;
            long first = -1;
            long last = 0;
            Storage storage = new Storage();
            UnreadableTail unreadableTail;
            try (EventCursor c = reader.cursor()) {
                while (c.next()) {
                    String wrong = EventConsistency.problem(c);
                    if (wrong != null) {
                        throw c.corruptEvent(wrong);
                    }
                    counts.merge(c.type(), 1L, Long::sum);
                    storage.add(c);
                    if (first < 0) {
                        first = c.timeNs();
                    }
                    last = c.timeNs();
                    total++;
                }
                unreadableTail = c.unreadableTail();
            }
            if (format == OutputFormat.json) {
                printJson(out, meta, counts, total, first, last, storage, unreadableTail);
            } else {
                printText(out, meta, counts, total, first, last, storage, unreadableTail);
            }
        }
        return 0;
    }

    /** What the events take in the capture, and the transmitted frames stored once (format 3.0 recipes). */
    private static final class Storage {
        long bytes;
        long framesSent;
        long frameBytes;
        long frameBytesStored;
        long recipes;

        void add(EventCursor c) {
            bytes += EventLayout.HEADER_SIZE + c.storedPayloadLength();
            if (c.type() == EventType.FRAME_TX) {
                framesSent++;
                frameBytes += c.payloadLength();
                frameBytesStored += c.storedPayloadLength();
                recipes += c.storedAsRecipe() ? 1 : 0;
            }
        }
    }

    /**
     * {@code unreadableTail}: where and why the events of an incomplete capture end, when its queue file becomes
     * unreadable there (a writer that failed, e.g. on a full file system); null when they end where the writer stopped.
     */
    private void printText(PrintWriter out, CaptureMetadata meta, Map<EventType, Long> counts, long total, long first,
                           long last, Storage storage, UnreadableTail unreadableTail) {
        out.printf("capture   %s%n", capture);
        out.printf("format    %s %d.%d (written by %s %s)%n", meta.format().name(), meta.format().major(),
                meta.format().minor(), meta.tool() == null ? "?" : meta.tool().name(), meta.tool() == null ? "?" : meta.tool().version());
        out.printf("status    %s%n", meta.complete() ? "complete"
                : unreadableTail == null ? "incomplete: the writer did not close (" + total + " complete events recovered)"
                : "incomplete: the writer did not close; " + total + " events read before its end, where the queue file"
                        + " becomes unreadable (" + unreadableTail.reason() + ")");
        if (meta.source() != null) {
            out.printf("source    %s%s%n", meta.source().kind(),
                    meta.source().description() == null ? "" : ": " + meta.source().description());
        }
        if (meta.clock() != null) {
            out.printf("clock     %s%s%n", meta.clock().domain(),
                    meta.clock().originEpochNs() == null ? "" : " (time 0 = epoch + " + Durations.seconds(meta.clock().originEpochNs()) + " s)");
        }
        if (meta.startedAt() != null) {
            out.printf("started   %s%n", meta.startedAt());
        }
        if (meta.workload() != null) {
            out.printf("workload  %s%s%s%n", meta.workload().name(),
                    meta.workload().seed() == null ? "" : " seed=" + meta.workload().seed(),
                    meta.workload().options() == null ? "" : " " + meta.workload().options());
        }
        for (CaptureMetadata.DeviceInfo d : meta.devices()) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("device %d  %s", d.index(), d.model()));
            if (d.transport() != null) {
                sb.append(" (").append(d.transport()).append(')');
            }
            if (d.config() != null && !d.config().isEmpty()) {
                sb.append(' ').append(d.config());
            }
            if (d.negotiatedFeatures() != null) {
                sb.append(String.format(" features=0x%x", d.negotiatedFeatures()));
            }
            out.println(sb);
            if (d.bars() != null) {
                for (CaptureMetadata.Bar b : d.bars()) {
                    out.printf("          BAR%d %-4s 0x%x size 0x%x%n", b.index(), b.kind(), b.base(), b.size());
                }
            }
        }
        if (meta.regions() != null && !meta.regions().isEmpty()) {
            out.printf("regions   %s%n", String.join(", ", meta.regions()));
        }
        if (total == 0) {
            out.println("events    0");
            return;
        }
        out.printf("events    %d (sequence 0..%d)%n", total, total - 1);
        out.printf("time      %s .. %s s (span %s)%n", Durations.seconds(first), Durations.seconds(last), Durations.span(last - first));
        out.printf("size      %s of events, as stored%n", RecordCommand.bytes(storage.bytes));
        if (storage.framesSent > 0) {
            out.printf(Locale.ROOT, "frames    %,d sent, %s, stored in %s%s%n", storage.framesSent,
                    RecordCommand.bytes(storage.frameBytes), RecordCommand.bytes(storage.frameBytesStored),
                    storage.recipes == 0 ? "" : String.format(Locale.ROOT,
                            " (%,d of them as recipes over the DMA reads they were made of)", storage.recipes));
        }
        for (Map.Entry<EventType, Long> e : counts.entrySet()) {
            out.printf("  %-14s %,12d%n", e.getKey().label(), e.getValue());
        }
    }

    private void printJson(PrintWriter out, CaptureMetadata meta, Map<EventType, Long> counts, long total, long first,
                           long last, Storage storage, UnreadableTail unreadableTail) throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("capture", capture.toString());
        root.set("metadata", json.readTree(meta.toJson()));
        root.put("complete", meta.complete());
        if (unreadableTail != null) {
            root.put("unreadable_end", unreadableTail.reason());
        }
        ObjectNode ev = root.putObject("events");
        ev.put("count", total);
        ev.put("first_time_ns", total == 0 ? 0 : first);
        ev.put("last_time_ns", total == 0 ? 0 : last);
        ObjectNode byType = ev.putObject("by_type");
        counts.forEach((t, n) -> byType.put(t.label(), n));
        ev.put("stored_bytes", storage.bytes);
        ObjectNode frames = ev.putObject("frames_sent");
        frames.put("count", storage.framesSent);
        frames.put("bytes", storage.frameBytes);
        frames.put("stored_bytes", storage.frameBytesStored);
        frames.put("stored_as_recipes", storage.recipes);
        out.println(json.writeValueAsString(root));
    }
}
