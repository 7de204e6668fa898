package io.trapline.recorder.qemu;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.EventType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a QEMU trace import.
 *
 * @param lines            trace lines read
 * @param eventsByType     events written, by type
 * @param malformedCount   malformed trace lines (all counted; a pcap record that is not one refuses the import)
 * @param malformed        the first {@link #MAX_LISTED} of them, with line numbers
 * @param informational    well-formed trace lines of events the importer only reads for state or does not use
 * @param unattributed     kicks seen for no known virtio NIC
 * @param timeClamped      events whose time would have gone backwards (or before time 0), written at the previous time
 * @param pcapOffsetNs     added to pcap times to put them on the trace clock; null without a pcap
 * @param pcapAlignment    how that offset was found
 * @param warnings         one line each: inputs imported although something about them looks wrong (a phases line
 *                         outside the trace, a pcap merged unaligned, a pcap that ends inside its last record)
 */
public record ImportReport(Path output, Path trace, long lines, long eventsWritten, Map<EventType, Long> eventsByType,
                           long malformedCount, List<MalformedLine> malformed,
                           long informational, long unattributed, long timeClamped, Long originEpochNs,
                           Long pcapOffsetNs, String pcapAlignment, long frames,
                           List<CaptureMetadata.DeviceInfo> devices, List<String> warnings) {

    public static final int MAX_LISTED = 20;

    public long count(EventType type) {
        return eventsByType.getOrDefault(type, 0L);
    }

    /** A few lines for people: what was read, what was written, what was wrong. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("imported ").append(trace).append(" -> ").append(output).append('\n');
        sb.append("lines ").append(lines).append(", events ").append(eventsWritten)
                .append(", informational lines ").append(informational).append(", malformed ").append(malformedCount)
                .append('\n');
        for (CaptureMetadata.DeviceInfo d : devices) {
            sb.append("device ").append(d.index()).append(": ").append(d.model());
            if (d.transport() != null) {
                sb.append(" (").append(d.transport()).append(')');
            }
            sb.append(" at ").append(d.config().get("pciAddress"));
            for (CaptureMetadata.Bar b : d.bars()) {
                sb.append(String.format(" BAR%d %s 0x%x+0x%x", b.index(), b.kind(), b.base(), b.size()));
            }
            sb.append('\n');
        }
        sb.append("events:");
        eventsByType.forEach((t, n) -> sb.append(' ').append(t.label()).append('=').append(n));
        sb.append('\n');
        if (pcapOffsetNs != null) {
            sb.append(String.format("pcap offset %+.6f s (%s), %d frames%n", pcapOffsetNs / 1e9, pcapAlignment, frames));
        }
        if (timeClamped > 0) {
            sb.append("events written at the previous time (clock went backwards or before time 0): ")
                    .append(timeClamped).append('\n');
        }
        if (unattributed > 0) {
            sb.append("kicks for no known virtio NIC (not written): ").append(unattributed).append('\n');
        }
        for (MalformedLine m : malformed) {
            sb.append("malformed ").append(m).append('\n');
        }
        if (malformedCount > malformed.size()) {
            sb.append("... and ").append(malformedCount - malformed.size()).append(" more malformed\n");
        }
        return sb.toString();
    }
}
