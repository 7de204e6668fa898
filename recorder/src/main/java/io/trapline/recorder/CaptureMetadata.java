package io.trapline.recorder;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.trapline.emulator.pci.PciConfigSpace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contents of {@code capture.json}: what was captured, from what, with which devices and workload.
 * Field meanings are documented in docs/capture-format.md. Unknown fields are kept readable by newer
 * minors (ignored here); an unknown major version is refused.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CaptureMetadata(
        Format format,
        Tool tool,
        Source source,
        Clock clock,
        String startedAt,
        Workload workload,
        List<DeviceInfo> devices,
        List<String> regions,
        String status,
        EventSummary events) {

    public static final String FILE_NAME = "capture.json";
    public static final String FORMAT_NAME = "trapline-capture";
    /** Format 2.0: events carry a CRC-32C (EventChecksum); 1.x captures stay readable. */
    public static final int FORMAT_MAJOR = 3;
    public static final int FORMAT_MINOR = 0;
    /** The oldest major version this trapline reads. */
    public static final int OLDEST_READABLE_MAJOR = 1;
    public static final String STATUS_RECORDING = "recording";
    public static final String STATUS_COMPLETE = "complete";

    /** The deepest nesting of arrays and objects read: the metadata's own is 4, free-form maps add a little. */
    static final int MAX_NESTING = 64;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build()).build())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public record Format(String name, int major, int minor) {
    }

    public record Tool(String name, String version) {
    }

    /** Where the events came from: {@code embedded}, {@code qemu-trace}, or {@code test}, plus free-form details. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Source(String kind, String description, Map<String, Object> details) {
    }

    /**
     * The clock of every event's time: {@code virtual} (embedded runs: ns of virtual time from machine start)
     * or {@code trace} (imported: ns since the first traced line; {@code originEpochNs} says when that was).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Clock(String domain, Long originEpochNs) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Workload(String name, Long seed, Map<String, Object> options) {
    }

    /** One device: its index is the device number in event headers. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record DeviceInfo(int index, String model, String transport, Map<String, Object> config,
                             Long negotiatedFeatures, List<Bar> bars) {
    }

    /** A BAR as the guest programmed it: kind {@code mmio} or {@code io}. */
    public record Bar(int index, String kind, long base, long size) {
    }

    /**
     * Filled in when the writer closes; absent (or partial) in a capture whose writer did not close. {@code phases}:
     * the phases its marks make (a phase_start and the next phase_end of the same name; one still open at the end
     * ends at the last event), written by a writer that closed, so that a reader finds them without a scan of the
     * events; null in captures written before it kept them, and in incomplete ones.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EventSummary(long count, long firstTimeNs, long lastTimeNs, List<PhaseSpan> phases) {
        @com.fasterxml.jackson.annotation.JsonCreator
        public EventSummary {
            // (a null among them, from a damaged capture.json, is left for readFrom to report: List.copyOf would throw)
            phases = phases == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(phases));
        }

        public EventSummary(long count, long firstTimeNs, long lastTimeNs) {
            this(count, firstTimeNs, lastTimeNs, null);
        }
    }

    /** A phase of the capture's marks: its name and the times of its start and end marks. */
    public record PhaseSpan(String name, long startNs, long endNs) {
    }

    /** Metadata for a new capture by this tool version, status "recording". */
    public static CaptureMetadata create(Source source, Clock clock, String startedAt, Workload workload,
                                         List<DeviceInfo> devices) {
        return new CaptureMetadata(new Format(FORMAT_NAME, FORMAT_MAJOR, FORMAT_MINOR),
                new Tool("trapline", ToolVersion.get()), source, clock, startedAt, workload,
                List.copyOf(devices), List.of(), STATUS_RECORDING, null);
    }

    public CaptureMetadata withRegions(List<String> newRegions) {
        return new CaptureMetadata(format, tool, source, clock, startedAt, workload, devices, List.copyOf(newRegions),
                status, events);
    }

    public CaptureMetadata withEvents(String newStatus, EventSummary summary) {
        return new CaptureMetadata(format, tool, source, clock, startedAt, workload, devices, regions, newStatus,
                summary);
    }

    public boolean complete() {
        return STATUS_COMPLETE.equals(status);
    }

    /** The device with this index, or null. */
    public DeviceInfo device(int index) {
        for (DeviceInfo d : devices) {
            if (d.index() == index) {
                return d;
            }
        }
        return null;
    }

    /** The region name with this index (OTHER_* events), or a placeholder naming the index. */
    public String regionName(int index) {
        return regions != null && index >= 0 && index < regions.size() ? regions.get(index) : "region#" + index;
    }

    public String toJson() {
        String text = CaptureJson.write(this);
        if (text != null) {
            return text;
        }
        return toJsonWithJackson();
    }

    /** The same text through Jackson's data binding: values of other types in the free-form maps (and tests). */
    String toJsonWithJackson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("capture metadata not serialisable", e);
        }
    }

    /** Writes capture.json into {@code dir} atomically (temp file + rename), so a crash never leaves half a file. */
    public void writeTo(Path dir) {
        Path target = dir.resolve(FILE_NAME);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try {
            Files.writeString(tmp, toJson() + "\n");
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp); // a half-written temporary file (disk full) is never left behind
            } catch (IOException ignored) {
                // the write's own error is the one to report
            }
            throw new CaptureException(target + ": cannot write: " + IoErrors.describe(e), e);
        }
    }

    /**
     * Jackson's message in the terms of the file, not of this code: without source locations (the error line names
     * the file and position already) and with Java type names as JSON kinds.
     */
    static String plainJsonMessage(String message) {
        return message.replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)", "")
                .replaceAll(",\\s*from `StreamReadConstraints\\.[A-Za-z]*\\(\\)`", "")
                .replaceAll("\\s*\\[Source:[^\\]]*\\]", "")
                .replaceAll("\\s*\\(token `[^`]*`\\)", "")
                .replaceAll("`java\\.util\\.[A-Za-z]*(List|Set)(<[^`]*>)?`", "a list")
                .replaceAll("`java\\.util\\.[A-Za-z]*Map(<[^`]*>)?`", "an object")
                .replaceAll("`io\\.trapline\\.[A-Za-z.]*\\$?([A-Za-z]+)`", "an object ($1)")
                .replaceAll("`java\\.lang\\.String`", "a string")
                .replaceAll("`(long|int|java\\.lang\\.Long|java\\.lang\\.Integer)`", "a number")
                .replaceAll("`(boolean|java\\.lang\\.Boolean)`", "true or false");
    }

    /** Reads and validates {@code dir/capture.json}; every problem is a {@link CaptureException} naming the file. */
    public static CaptureMetadata readFrom(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        JsonNode tree;
        String text;
        try {
            text = SmallFiles.readText(file, SmallFiles.CAPTURE_JSON);
        } catch (NoSuchFileException e) {
            throw new CaptureException(dir + ": not a capture (no " + FILE_NAME + ")");
        } catch (SmallFiles.UnsuitableFileException e) {
            throw new CaptureException(file + ": " + e.getMessage());
        } catch (IOException e) {
            throw new CaptureException(file + ": cannot read: " + IoErrors.describe(e), e);
        }
        try {
            tree = JSON.readTree(text);
        } catch (StreamConstraintsException e) {
            // deeper than MAX_NESTING, or a number or string longer than Jackson's limits: no location is known
            throw new CaptureException(file + ": " + (e.getMessage().contains("nesting depth")
                    ? "nested deeper than " + MAX_NESTING + " levels (a capture's metadata is a few levels deep)"
                    : plainJsonMessage(e.getOriginalMessage())));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new CaptureException(file + ": malformed JSON" + (at == null ? "" : " at line " + at.getLineNr()
                    + ", column " + at.getColumnNr()) + ": " + plainJsonMessage(e.getOriginalMessage()));
        }
        if (tree == null || !tree.isObject()) {
            throw new CaptureException(file + ": expected a JSON object");
        }
        JsonNode format = tree.get("format");
        JsonNode majorNode = format == null ? null : format.get("major");
        if (majorNode == null || majorNode.isNull()) {
            throw new CaptureException(file + ": missing format version (format.major)");
        }
        if (!majorNode.isIntegralNumber()) {
            throw new CaptureException(file + ": format.major is " + majorNode + ", not a version number (a whole number"
                    + " such as " + FORMAT_MAJOR + ")");
        }
        if (!FORMAT_NAME.equals(format.path("name").asText())) {
            throw new CaptureException(file + ": not a trapline capture (format.name is '" + format.path("name").asText() + "')");
        }
        if (!majorNode.canConvertToInt() || majorNode.asInt() < OLDEST_READABLE_MAJOR || majorNode.asInt() > FORMAT_MAJOR) {
            throw new CaptureException(file + ": capture format version " + majorNode.asText() + "."
                    + format.path("minor").asText() + " is not readable by this trapline (reads " + OLDEST_READABLE_MAJOR
                    + ".x to " + FORMAT_MAJOR + ".x)");
        }
        CaptureMetadata meta;
        try {
            meta = JSON.treeToValue(tree, CaptureMetadata.class);
        } catch (MismatchedInputException e) {
            throw new CaptureException(file + ": bad value for '" + pathOf(e) + "': " + plainJsonMessage(e.getOriginalMessage()));
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof InputCoercionException c) {
                // a number that does not fit its field: Jackson's message names neither the field nor the range plainly
                boolean isInt = c.getTargetType() == int.class || c.getTargetType() == Integer.class;
                throw new CaptureException(file + ": bad value for '" + pathOf(e) + "': " + numberText(c)
                        + " is out of range (a whole number from " + (isInt ? Integer.MIN_VALUE : Long.MIN_VALUE) + " to "
                        + (isInt ? Integer.MAX_VALUE : Long.MAX_VALUE) + ")");
            }
            throw new CaptureException(file + ": " + plainJsonMessage(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new CaptureException(file + ": " + plainJsonMessage(e.getOriginalMessage()));
        }
        if (meta.devices() == null) {
            throw new CaptureException(file + ": missing 'devices'");
        }
        java.util.Set<Integer> indexes = new java.util.HashSet<>();
        for (DeviceInfo d : meta.devices()) {
            if (d == null) {
                throw new CaptureException(file + ": 'devices' holds a null where a device should be");
            }
            // an event names its device by this index in one byte: two devices with one index, or one out of the
            // byte's range, leave events pointing at the wrong device or at none
            if (d.index() < 0 || d.index() > 0xFF) {
                throw new CaptureException(file + ": device index " + d.index() + " is outside 0..255 (the device byte of"
                        + " event headers)");
            }
            if (!indexes.add(d.index())) {
                throw new CaptureException(file + ": two devices have index " + d.index());
            }
            if (d.model() == null || d.model().isBlank()) {
                throw new CaptureException(file + ": device " + d.index() + " has no model");
            }
            if (d.bars() != null) {
                java.util.Set<Integer> barIndexes = new java.util.HashSet<>();
                for (Bar b : d.bars()) {
                    if (b == null) {
                        throw new CaptureException(file + ": device " + d.index() + " has a null BAR");
                    }
                    // a PCI function has six BARs; accesses name theirs by this index
                    if (b.index() < 0 || b.index() >= PciConfigSpace.BAR_COUNT) {
                        throw new CaptureException(file + ": device " + d.index() + " BAR index " + b.index()
                                + " is outside 0.." + (PciConfigSpace.BAR_COUNT - 1) + " (a PCI device's six BARs)");
                    }
                    if (!barIndexes.add(b.index())) {
                        throw new CaptureException(file + ": device " + d.index() + " lists BAR " + b.index() + " twice");
                    }
                    if (b.size() < 0) {
                        throw new CaptureException(file + ": device " + d.index() + " BAR " + b.index() + " has a negative"
                                + " size (" + b.size() + ")");
                    }
                }
            }
        }
        if (meta.events() != null && meta.events().count() < 0) {
            throw new CaptureException(file + ": events.count is " + meta.events().count() + " (a count of events is"
                    + " never negative)");
        }
        if (meta.events() != null && meta.events().phases() != null) {
            for (PhaseSpan ph : meta.events().phases()) {
                if (ph == null || ph.name() == null) {
                    throw new CaptureException(file + ": events.phases holds a phase without a name");
                }
                if (ph.endNs() < ph.startNs()) {
                    throw new CaptureException(file + ": phase '" + ph.name() + "' in events.phases ends (endNs "
                            + ph.endNs() + ") before it starts (startNs " + ph.startNs() + ")");
                }
                if (ph.startNs() < 0) { // event times are never negative, and a span from below 0 overflows
                    throw new CaptureException(file + ": phase '" + ph.name() + "' in events.phases starts before time 0"
                            + " (startNs " + ph.startNs() + "), where no event is");
                }
            }
        }
        return meta.regions() == null ? meta.withRegions(List.of()) : meta;
    }

    /** The number {@code e} is about, as written: Jackson's message holds it in its first parentheses. */
    private static String numberText(InputCoercionException e) {
        String m = e.getOriginalMessage();
        int open = m.indexOf('(');
        int close = m.indexOf(')', open + 1);
        return open >= 0 && close > open ? m.substring(open + 1, close) : "the number";
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** A small builder for the free-form maps in sources, workloads and device configs. */
    public static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            m.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
        }
        return m;
    }
}
