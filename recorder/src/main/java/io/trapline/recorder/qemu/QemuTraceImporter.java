package io.trapline.recorder.qemu;

import io.trapline.recorder.CaptureException;
import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CaptureWriter;
import io.trapline.recorder.EventFlags;
import io.trapline.recorder.EventType;
import io.trapline.recorder.IoErrors;
import io.trapline.recorder.MarkKind;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports a QEMU 7.2 trace-event log (plus optional pcap and phases file) into a trapline capture. One
 * streaming pass over the trace (a second, partial one only to align a pcap), constant memory, no regular
 * expressions: lines are parsed in place by {@link TraceLine}. Conventions: docs/capture-format.md,
 * "Imported QEMU captures".
 */
public final class QemuTraceImporter {
    static final int NO_CPU = 0xFFFF;
    static final String INTERRUPT_MESSAGE_REGION = "interrupt-message";
    static final long APIC_BASE = 0xfee00000L;
    /** Phases and command-line files are read whole; they are a few hundred bytes in practice. */
    static final int MAX_SIDE_FILE = 4 << 20;

    private static final byte[] MR_WRITE = ascii("memory_region_ops_write");
    private static final byte[] MR_READ = ascii("memory_region_ops_read");
    private static final byte[] PCI_CFG_READ = ascii("pci_cfg_read");
    private static final byte[] PCI_CFG_WRITE = ascii("pci_cfg_write");
    private static final byte[] MAP_ADD = ascii("pci_update_mappings_add");
    private static final byte[] MAP_DEL = ascii("pci_update_mappings_del");
    private static final byte[] QUEUE_NOTIFY = ascii("virtio_queue_notify");
    private static final byte[] SET_STATUS = ascii("virtio_set_status");
    private static final byte[] IOAPIC_SET_IRQ = ascii("ioapic_set_irq");
    private static final byte[] KVM_RUN_EXIT = ascii("kvm_run_exit");
    private static final byte[] MSIX_WRITE_CONFIG = ascii("msix_write_config");
    private static final byte[] MAC_INDICATE = ascii("e1000x_mac_indicate");
    private static final byte[] VLAN_PKT = ascii("e1000x_vlan_is_vlan_pkt");
    private static final byte[] VQ_FLUSH = ascii("virtqueue_flush");

    private static final byte[] W_CPU = ascii("cpu");
    private static final byte[] W_MR = ascii("mr");
    private static final byte[] W_ADDR = ascii("addr");
    private static final byte[] W_VALUE = ascii("value");
    private static final byte[] W_SIZE = ascii("size");
    private static final byte[] W_NAME = ascii("name");
    private static final byte[] W_READ_ARROW = ascii("->");
    private static final byte[] W_WRITE_ARROW = ascii("<-");
    private static final byte[] W_VDEV = ascii("vdev");
    private static final byte[] W_N = ascii("n");
    private static final byte[] W_VQ = ascii("vq");
    private static final byte[] W_VAL = ascii("val");
    private static final byte[] W_VECTOR = ascii("vector:");
    private static final byte[] W_LEVEL = ascii("level:");
    private static final byte[] W_CPU_INDEX = ascii("cpu_index");
    private static final byte[] W_REASON = ascii("reason");
    private static final byte[] W_DEV = ascii("dev");
    private static final byte[] W_ENABLED = ascii("enabled");
    private static final byte[] W_MAC_TEXT = ascii("Indicating MAC to guest:");
    private static final byte[] E1000_PREFIX = ascii("e1000");
    private static final byte[] VIRTIO_NET_PREFIX = ascii("virtio-net-pci");

    private final QemuImportOptions options;
    private final String traceName;

    // inputs
    private QemuCmdline cmdline;
    private List<PhaseMarks.Mark> marks = List.of();
    private int nextMark;

    // output
    private CaptureWriter writer;
    private final Map<String, Object> sourceDetails = new LinkedHashMap<>();

    // trace state
    private final TraceLine tl = new TraceLine();
    private final RegionNames regionNames = new RegionNames();
    private final int[] writerRegion = new int[RegionNames.CAPACITY];
    private final List<PciNic> nics = new ArrayList<>();
    /** BDF -> NIC index; -1 unknown, -2 known not to be a NIC. */
    private final int[] nicByBdf = new int[1 << 16];
    private long originEpochNs = -1;
    /** 0 until the first event line; then 1 when lines carry the TID@time prefix, -1 when they do not. */
    private int timedTrace;
    private long lastTimeNs;
    private String traceMac;
    private int interruptMessageRegion = -1;

    // a pci_cfg_read waits for the pci-conf-data read after it, which gives size and vCPU
    private boolean pendingCfg;
    private long pendingTime;
    private int pendingNic;
    private long pendingOffset;
    private long pendingValue;
    // the pci-conf-data write just before a pci_cfg_write gives its size and vCPU
    private boolean prevConfDataWrite;
    private int prevConfDataSize;
    private int prevConfDataCpu;

    // pcap merge
    private PcapReader pcap;
    private boolean pcapHasFrame;
    private long pcapOffsetNs;
    private byte[] guestMac;
    private int pcapNic;
    private long frames;

    // report
    private long lines;
    private long informational;
    private long unattributed;
    private long timeClamped;
    private long malformedCount;
    private final List<MalformedLine> malformed = new ArrayList<>();
    private String pcapAlignment;
    private Long pcapOffsetReported;
    /** One line each, for the user: inputs imported although something about them looks wrong. */
    private final List<String> warnings = new ArrayList<>();
    /** Epoch ns of the last timed trace line (the trace's span ends there). */
    private long lastLineEpochNs = -1;

    private QemuTraceImporter(QemuImportOptions options) {
        this.options = options;
        this.traceName = options.trace().toString();
        Arrays.fill(nicByBdf, -1);
        Arrays.fill(writerRegion, -1);
    }

    /** Runs the import; throws {@link CaptureException} for unusable inputs or (strict) the first malformed line. */
    public static ImportReport run(QemuImportOptions options) {
        return new QemuTraceImporter(options).importAll();
    }

    private ImportReport importAll() {
        String notFile = notARegularFile(options.trace(), "trace");
        if (notFile != null) {
            throw new CaptureException(options.trace() + ": " + notFile);
        }
        if (options.pcap() != null && (notFile = notARegularFile(options.pcap(), "pcap")) != null) {
            throw new PcapFileException(options.pcap() + ": " + notFile);
        }
        Path cmdFile = options.effectiveCmdline();
        if (cmdFile != null) {
            cmdline = QemuCmdline.parse(readCmdline(cmdFile));
        }
        if (options.phases() != null) {
            marks = readPhases(options.phases());
        }
        if (options.pcap() != null) {
            alignPcap();
        }
        sourceDetails.put("traceFile", options.trace().getFileName().toString());
        String version = options.effectiveQemuVersion();
        if (version != null) {
            sourceDetails.put("qemuVersion", version);
        }
        String accel = cmdline == null ? null : cmdline.accelerator();
        sourceDetails.put("accelerator", accel == null ? "unknown" : accel);
        if (cmdline != null) {
            sourceDetails.put("cmdline", cmdline.text());
        }
        if (options.pcap() != null) {
            sourceDetails.put("pcapFile", options.pcap().getFileName().toString());
        }
        if (options.phases() != null) {
            sourceDetails.put("phasesFile", options.phases().getFileName().toString());
        }
        CaptureMetadata meta = CaptureMetadata.create(
                new CaptureMetadata.Source("qemu-trace", "QEMU trace-event log", sourceDetails),
                new CaptureMetadata.Clock("trace", null), null, null, List.of());
        writer = CaptureWriter.createBatched(options.output(), meta);
        boolean ok = false;
        try {
            if (options.pcap() != null) {
                pcap = new PcapReader(CompressedInput.open(options.pcap()), options.pcap().toString());
                pcapHasFrame = pcap.next();
            }
            importTrace();
            checkMarksInTrace();
            drainMerged(Long.MAX_VALUE);
            if (writer.count() == writer.count(EventType.MARK)) { // nothing but the phase file's marks
                throw new CaptureException(options.trace() + ": no QEMU trace events in it (" + lines + " lines, "
                        + malformedCount + " of them malformed): not a trace-event log of a NIC?");
            }
            writer.updateMetadata(finalMetadata());
            writer.close();
            ok = true;
        } finally {
            if (pcap != null) {
                pcap.close();
            }
            if (!ok) {
                writer.close();
                deleteOutput();
            }
        }
        Map<EventType, Long> byType = new EnumMap<>(EventType.class);
        for (EventType t : EventType.values()) {
            if (writer.count(t) > 0) {
                byType.put(t, writer.count(t));
            }
        }
        return new ImportReport(options.output(), options.trace(), lines, writer.count(), byType, malformedCount,
                List.copyOf(malformed), informational, unattributed, timeClamped,
                originEpochNs < 0 ? null : originEpochNs, pcapOffsetReported, pcapAlignment, frames,
                writer.metadata().devices(), List.copyOf(warnings));
    }

    /**
     * Why {@code file} cannot be read as the {@code what} file (missing, a directory, a device, a FIFO...); null for a
     * regular file. The trace and the pcap are read twice when a pcap is aligned to the trace, a device such as
     * /dev/zero never ends, and a FIFO without a writer would block the import at its opening.
     */
    static String notARegularFile(Path file, String what) {
        if (Files.isRegularFile(file)) {
            return null;
        }
        if (!Files.exists(file)) {
            return "no such " + what + " file";
        }
        if (Files.isDirectory(file)) {
            return "is a directory, not a " + what + " file";
        }
        String kind = "is not a regular file";
        try {
            int type = (Integer) Files.getAttribute(file, "unix:mode") & 0170000;
            kind = switch (type) {
                case 0010000 -> "is a FIFO (named pipe), not a regular file";
                case 0020000 -> "is a character device, not a regular file";
                case 0060000 -> "is a block device, not a regular file";
                case 0140000 -> "is a socket, not a regular file";
                default -> kind;
            };
        } catch (IOException | RuntimeException e) {
            // no unix attributes here: the general words will do
        }
        return kind;
    }

    /** The command-line file's text, read up to {@link #MAX_SIDE_FILE} bytes (a device or a pipe never ends). */
    private static String readCmdline(Path file) {
        byte[] raw;
        try (InputStream in = Files.newInputStream(file)) {
            raw = in.readNBytes(MAX_SIDE_FILE + 1);
        } catch (IOException e) {
            throw new CaptureException(file + ": cannot read: " + IoErrors.describe(e), e);
        }
        if (raw.length > MAX_SIDE_FILE) {
            throw new CaptureException(file + ": command-line file larger than " + MAX_SIDE_FILE + " bytes");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new CaptureException(file + ": " + IoErrors.describe(e), e);
        }
    }

    // ---------------------------------------------------------------- trace pass

    private void importTrace() {
        try (InputStream in = CompressedInput.open(options.trace())) {
            LineReader lr = new LineReader(in);
            while (lr.next()) {
                if (lr.unterminated() && lr.failure() != null) {
                    break; // the stream broke off inside this line: refused below, not a malformed line
                }
                lines++;
                byte[] b = lr.buffer();
                int s = lr.start();
                int e = lr.end();
                if (lr.binary() || lr.overlong()) {
                    flushPendingCfg();
                    malformed(traceName, lr.lineNumber(), lr.overlong() ? "line longer than " + LineReader.MAX_LINE
                            + " bytes" : "binary data (control bytes) in a text trace", b, s, e);
                    continue;
                }
                if (e == s) {
                    continue; // empty line: nothing to import
                }
                if (!tl.parse(b, s, e)) {
                    flushPendingCfg();
                    malformed(traceName, lr.lineNumber(), tl.problem(), b, s, e);
                    continue;
                }
                if (timedTrace == 0) {
                    timedTrace = tl.hasPrefix() ? 1 : -1;
                } else if (tl.hasPrefix() != (timedTrace > 0)) {
                    // the first event line decides the form; QEMU never mixes them in one log
                    flushPendingCfg();
                    malformed(traceName, lr.lineNumber(), tl.hasPrefix() ? "TID@SECONDS.MICROS: prefix in a log"
                            + " without prefixes" : "missing the TID@SECONDS.MICROS: prefix", b, s, e);
                    continue;
                }
                long t = lineTime();
                if (!dispatch(t)) {
                    malformed(traceName, lr.lineNumber(), tl.problem(), b, s, e);
                }
            }
            flushPendingCfg();
            if (lr.failure() != null) {
                // refused as a whole (importAll deletes the output): a capture of the trace up to an arbitrary
                // point of the run would pass for the whole run
                throw new CaptureException(traceName + ": " + damage(in, lr.failure(), lines) + "; nothing imported",
                        lr.failure());
            }
        } catch (IOException e) {
            throw new CaptureException(traceName + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** What broke off the trace after {@code lines} whole lines, in words. */
    private static String damage(InputStream in, IOException e, long lines) {
        if (!(in instanceof DecompressingReader d)) {
            return "cannot read after line " + lines + ": " + IoErrors.describe(e);
        }
        if (e instanceof EOFException) {
            return "truncated " + d.format() + " data: the stream breaks off after line " + lines;
        }
        return "corrupt " + d.format() + " data after line " + lines + " (" + IoErrors.describe(e) + ")";
    }

    /** Event time of the current line: ns since the first timed line, never before the previous event. */
    private long lineTime() {
        if (!tl.hasPrefix()) {
            return lastTimeNs;
        }
        long epoch = tl.timeNs();
        if (originEpochNs < 0) {
            originEpochNs = epoch;
        }
        lastLineEpochNs = Math.max(lastLineEpochNs, epoch);
        long t = epoch - originEpochNs;
        if (t < lastTimeNs) {
            timeClamped++;
            return lastTimeNs;
        }
        return t;
    }

    /** Handles one parsed line; false when its arguments are malformed. */
    private boolean dispatch(long t) {
        boolean confDataWrite = false;
        try {
            if (tl.nameIs(MR_WRITE)) {
                confDataWrite = memoryAccess(t, true);
                return !tl.bad();
            }
            if (tl.nameIs(MR_READ)) {
                memoryAccess(t, false);
                return !tl.bad();
            }
            flushPendingCfg();
            if (tl.nameIs(PCI_CFG_READ) || tl.nameIs(PCI_CFG_WRITE)) {
                pciConfig(t);
            } else if (tl.nameIs(MAP_ADD) || tl.nameIs(MAP_DEL)) {
                mapping();
            } else if (tl.nameIs(QUEUE_NOTIFY)) {
                queueNotify(t);
            } else if (tl.nameIs(IOAPIC_SET_IRQ)) {
                ioapicSetIrq(t);
            } else if (tl.nameIs(SET_STATUS)) {
                tl.word(W_VDEV);
                long vdev = tl.hex();
                tl.word(W_VAL);
                tl.dec();
                tl.done();
                if (!tl.bad()) {
                    nicForVdev(vdev);
                }
            } else if (tl.nameIs(KVM_RUN_EXIT)) {
                tl.word(W_CPU_INDEX);
                long cpu = tl.dec();
                tl.punct(',');
                tl.word(W_REASON);
                long reason = tl.dec();
                tl.done();
                if (!tl.bad()) {
                    emit(t, EventType.EXIT, 0, cpuQueue(cpu), 0, 0, 0, reason, 0);
                }
            } else if (tl.nameIs(MSIX_WRITE_CONFIG)) {
                tl.word(W_DEV);
                int ns = tl.token();
                int ne = tl.position();
                tl.word(W_ENABLED);
                long enabled = tl.dec();
                if (!tl.bad() && enabled == 1) {
                    String dev = new String(tl.bytes(), ns, ne - ns, StandardCharsets.US_ASCII);
                    for (PciNic n : nics) {
                        if (n.qemuName.equals(dev)) {
                            n.msixEnabled = true;
                        }
                    }
                }
            } else if (tl.nameIs(MAC_INDICATE)) {
                if (tl.peekWord(W_MAC_TEXT)) {
                    int ms = tl.token();
                    if (!tl.bad() && traceMac == null) {
                        traceMac = new String(tl.bytes(), ms, tl.position() - ms, StandardCharsets.US_ASCII);
                    }
                }
                informational++;
            } else {
                informational++;
            }
            return !tl.bad();
        } finally {
            prevConfDataWrite = confDataWrite;
        }
    }

    /** memory_region_ops_read/write: "cpu %d mr %p addr 0x%x value 0x%x size %u name '%s'". */
    private boolean memoryAccess(long t, boolean write) {
        tl.word(W_CPU);
        long cpu = tl.dec();
        tl.word(W_MR);
        tl.token();
        tl.word(W_ADDR);
        long addr = tl.hex();
        tl.word(W_VALUE);
        long value = tl.hex();
        tl.word(W_SIZE);
        long size = tl.dec();
        tl.word(W_NAME);
        int ns = tl.quotedToEnd();
        if (tl.bad()) {
            flushPendingCfg();
            return false;
        }
        if (size < 1 || size > 8) {
            flushPendingCfg();
            tl.reject("access size " + size + " is not 1..8");
            return false;
        }
        int region = regionNames.id(tl.bytes(), ns, tl.end() - 1);
        RegionNames.Kind kind = regionNames.kind(region);
        int queue = cpuQueue(cpu);
        if (pendingCfg) {
            if (!write && kind == RegionNames.Kind.PCI_CONF_DATA) {
                emitPendingCfg((int) size, queue);
            } else {
                flushPendingCfg();
            }
        }
        if (kind == RegionNames.Kind.APIC_MSI) {
            apicAccess(t, write, queue, addr, value, (int) size, region);
            return false;
        }
        for (int i = 0; i < nics.size(); i++) {
            PciNic nic = nics.get(i);
            int bar = nic.barOf(addr);
            if (bar >= 0) {
                nicAccess(t, nic, bar, kind, write, queue, addr - nic.barBase[bar], value, (int) size);
                return false;
            }
        }
        emit(t, write ? EventType.OTHER_WRITE : EventType.OTHER_READ, 0, queue, writerRegion(region), (int) size,
                addr, value, 0);
        if (write && kind == RegionNames.Kind.PCI_CONF_DATA) {
            prevConfDataSize = (int) size;
            prevConfDataCpu = queue;
            return true;
        }
        return false;
    }

    private void nicAccess(long t, PciNic nic, int bar, RegionNames.Kind kind, boolean write, int queue, long offset,
                           long value, int size) {
        switch (kind) {
            case MSIX_TABLE -> {
                if (write) {
                    nic.msixTableWrite(offset, size, value);
                }
            }
            case VIRTIO_COMMON -> {
                nic.usedModern = true;
                if (write) {
                    // QEMU puts each modern capability structure on its own 4 KiB page of the BAR
                    nic.modernCommonWrite(offset & 0xfff, value);
                }
            }
            case VIRTIO_ISR, VIRTIO_DEVICE, VIRTIO_NOTIFY -> nic.usedModern = true;
            case VIRTIO_LEGACY -> {
                nic.usedLegacy = true;
                if (write) {
                    nic.legacyWrite(offset, value);
                }
            }
            default -> {
            }
        }
        boolean io = nic.barIsIo(bar);
        EventType type = io ? (write ? EventType.PIO_WRITE : EventType.PIO_READ)
                : (write ? EventType.MMIO_WRITE : EventType.MMIO_READ);
        emit(t, type, nic.index, queue, bar, size, offset, value, 0);
    }

    /**
     * The LAPIC page. QEMU (hw/intc/apic.c, apic_mem_write) treats a write whose page offset is above 0xfff, or
     * whose register index ((offset >> 4) & 0xff) is 0, as an interrupt message rather than a register write.
     * Messages matching a NIC's MSI-X entry become MSI events of that NIC; other messages (the IOAPIC's) are
     * OTHER_WRITE in region "interrupt-message"; register accesses are OTHER_* in region "apic-msi".
     */
    private void apicAccess(long t, boolean write, int queue, long addr, long value, int size, int region) {
        long off = (addr - APIC_BASE) & 0xfffff;
        boolean message = write && (off > 0xfff || ((off >> 4) & 0xff) == 0);
        if (message) {
            for (PciNic nic : nics) {
                int vector = nic.msixVector(addr, value);
                if (vector >= 0) {
                    emit(t, EventType.MSI, nic.index, vector, 0, 0, addr, value, 0); // a message, not an access: size 0
                    return;
                }
            }
            if (interruptMessageRegion < 0) {
                interruptMessageRegion = writer.region(INTERRUPT_MESSAGE_REGION);
            }
            emit(t, EventType.OTHER_WRITE, 0, NO_CPU, interruptMessageRegion, size, addr, value, 0);
            return;
        }
        emit(t, write ? EventType.OTHER_WRITE : EventType.OTHER_READ, 0, queue, writerRegion(region), size, addr,
                value, 0);
    }

    /** pci_cfg_read "%s %02x:%02x.%x @0x%x -> 0x%x" / pci_cfg_write "... @0x%x <- 0x%x". */
    private void pciConfig(long t) {
        boolean read = tl.nameIs(PCI_CFG_READ);
        int ns = tl.token();
        int ne = tl.position();
        int bdf = tl.bdf();
        tl.spaces();
        tl.punct('@');
        long offset = tl.hex();
        tl.word(read ? W_READ_ARROW : W_WRITE_ARROW);
        long value = tl.hex();
        tl.done();
        if (tl.bad()) {
            return;
        }
        if (offset > 0xfff) {
            tl.reject("config offset beyond 4 KiB");
            return;
        }
        PciNic nic = nicFor(bdf, ns, ne);
        if (nic == null) {
            informational++;
            return;
        }
        nic.configValue((int) offset, value, !read);
        if (read) {
            pendingCfg = true;
            pendingTime = t;
            pendingNic = nic.index;
            pendingOffset = offset;
            pendingValue = value;
        } else {
            int size = prevConfDataWrite ? prevConfDataSize : 0;
            int queue = prevConfDataWrite ? prevConfDataCpu : NO_CPU;
            emit(t, EventType.PCI_CFG_WRITE, nic.index, queue, 0, size, offset, value, 0);
        }
    }

    private void emitPendingCfg(int size, int queue) {
        pendingCfg = false;
        emit(pendingTime, EventType.PCI_CFG_READ, pendingNic, queue, 0, size, pendingOffset, pendingValue, 0);
    }

    /** A pci_cfg_read not followed by its pci-conf-data read: size and vCPU unknown (0 and 0xFFFF). */
    private void flushPendingCfg() {
        if (pendingCfg) {
            emitPendingCfg(0, NO_CPU);
        }
    }

    /** pci_update_mappings_add/del "%s %02x:%02x.%x %d,0x%x+0x%x". */
    private void mapping() {
        boolean add = tl.nameIs(MAP_ADD);
        int ns = tl.token();
        int ne = tl.position();
        int bdf = tl.bdf();
        long bar = tl.dec();
        tl.punct(',');
        long base = tl.hex();
        tl.punct('+');
        long size = tl.hex();
        tl.done();
        if (tl.bad()) {
            return;
        }
        if (bar < 0 || bar > 6) {
            tl.reject("BAR index " + bar + " is not 0..6");
            return;
        }
        PciNic nic = nicFor(bdf, ns, ne);
        if (nic == null) {
            informational++;
            return;
        }
        if (add) {
            nic.map((int) bar, base, size);
        } else {
            nic.unmap((int) bar);
        }
    }

    /** virtio_queue_notify "vdev %p n %d vq %p": one KICK (flag DERIVED) for queue n. */
    private void queueNotify(long t) {
        tl.word(W_VDEV);
        long vdev = tl.hex();
        tl.word(W_N);
        long n = tl.dec();
        tl.word(W_VQ);
        tl.hex();
        tl.done();
        if (tl.bad()) {
            return;
        }
        if (n < 0 || n > 0xFFFF) {
            tl.reject("queue index " + n + " out of range");
            return;
        }
        PciNic nic = nicForVdev(vdev);
        if (nic == null) {
            unattributed++;
            return;
        }
        emit(t, EventType.KICK, nic.index, (int) n, 0, 0, 0, 0, EventFlags.DERIVED);
    }

    /**
     * ioapic_set_irq "vector: %d level: %d" (the vector is the GSI): an INTX event for each NIC whose interrupt
     * line (config 0x3c) is that GSI, when the level changes. The matching pic_set_irq lines describe the same
     * change as seen by the 8259 and are not imported twice.
     */
    private void ioapicSetIrq(long t) {
        tl.word(W_VECTOR);
        long gsi = tl.dec();
        tl.word(W_LEVEL);
        long level = tl.dec();
        tl.done();
        if (tl.bad()) {
            return;
        }
        boolean any = false;
        for (PciNic nic : nics) {
            if (nic.interruptLine >= 0 && nic.interruptLine == gsi) {
                any = true;
                int l = level != 0 ? 1 : 0;
                if (l != nic.intxLevel) {
                    nic.intxLevel = l;
                    emit(t, EventType.INTX, nic.index, 0, 0, 0, 0, l, 0);
                }
            }
        }
        if (!any) {
            informational++;
        }
    }

    private PciNic nicFor(int bdf, int nameStart, int nameEnd) {
        int idx = nicByBdf[bdf];
        if (idx >= 0) {
            return nics.get(idx);
        }
        if (idx == -2) {
            return null;
        }
        byte[] b = tl.bytes();
        if (!startsWith(b, nameStart, nameEnd, E1000_PREFIX) && !startsWith(b, nameStart, nameEnd, VIRTIO_NET_PREFIX)) {
            nicByBdf[bdf] = -2;
            return null;
        }
        String name = new String(b, nameStart, nameEnd - nameStart, StandardCharsets.US_ASCII);
        String model = PciNic.modelOf(name);
        if (model == null || nics.size() >= 255) {
            nicByBdf[bdf] = -2;
            return null;
        }
        PciNic nic = new PciNic(nics.size(), name, model, bdf);
        nics.add(nic);
        nicByBdf[bdf] = nic.index;
        return nic;
    }

    /** The virtio NIC of a vdev pointer: a known one, else the first virtio NIC not yet tied to a pointer. */
    private PciNic nicForVdev(long vdev) {
        for (PciNic n : nics) {
            if (n.virtio() && n.vdev == vdev) {
                return n;
            }
        }
        for (PciNic n : nics) {
            if (n.virtio() && n.vdev == 0) {
                n.vdev = vdev;
                return n;
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int s, int e, byte[] prefix) {
        if (e - s < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[s + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private int writerRegion(int regionId) {
        int r = writerRegion[regionId];
        if (r < 0) {
            r = writer.region(regionNames.name(regionId));
            writerRegion[regionId] = r;
        }
        return r;
    }

    private static int cpuQueue(long cpu) {
        return cpu < 0 || cpu >= NO_CPU ? NO_CPU : (int) cpu;
    }

    /** Writes a trace event after every pcap frame and mark that comes strictly before it. */
    private void emit(long t, EventType type, int device, int queue, int region, int size, long address, long value,
                      int flags) {
        if (t < lastTimeNs) {
            t = lastTimeNs;
        }
        drainMerged(t);
        writer.append(t, type, device, queue, region, size, address, value, flags, null, 0, 0);
        lastTimeNs = t;
    }

    // ---------------------------------------------------------------- phases and pcap merge

    /** The form of a phases file, for its error lines. */
    static final String PHASES_FORM = "(a phases file holds 'name seconds' per line: a name without spaces, then seconds"
            + " on the trace's clock, e.g. 'work_start 1795635747.616137'; blank lines and '#' comments are skipped)";

    /**
     * Reads the phases file; any problem with it refuses the import ({@link PhasesFileException}): a line that is not
     * 'name seconds', or a phase that ends before it starts.
     */
    private static List<PhaseMarks.Mark> readPhases(Path file) {
        byte[] raw;
        try (InputStream in = CompressedInput.open(file)) {
            raw = in.readNBytes(MAX_SIDE_FILE + 1);
        } catch (IOException e) {
            throw new PhasesFileException(file + ": cannot read: " + IoErrors.describe(e), e);
        } catch (CaptureException e) { // CompressedInput's: no such file, cannot read
            throw new PhasesFileException(e.getMessage(), e);
        }
        if (raw.length > MAX_SIDE_FILE) {
            throw new PhasesFileException(file + ": phases file larger than " + MAX_SIDE_FILE + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new PhasesFileException(file + ": " + IoErrors.describe(e), e);
        }
        List<String> lines = text.lines().toList();
        List<PhaseMarks.Mark> instants = new ArrayList<>();
        String[] why = new String[1];
        for (int i = 0; i < lines.size(); i++) {
            why[0] = null;
            PhaseMarks.Mark m = PhaseMarks.parseLine(lines.get(i), i, why);
            if (m != null) {
                instants.add(m);
            } else if (why[0] != null) {
                throw new PhasesFileException(file + ":" + (i + 1) + ": " + why[0] + " " + PHASES_FORM);
            }
        }
        String misordered = PhaseMarks.misordered(instants);
        if (misordered != null) {
            // its phase would be left out, and the commands that measure it would measure the whole capture instead
            throw new PhasesFileException(file + ":" + misordered);
        }
        return PhaseMarks.withDerivedPhases(instants);
    }

    /** How far a phases line may lie outside the trace's lines: QEMU starts before its first and exits after its last. */
    static final long MARK_SLACK_NS = 5_000_000_000L;

    /**
     * A phases line whose time lies well outside the trace (another run's file, a typo) would be placed at the
     * trace's start or after its end, so that its phases measure the wrong events: a warning naming the first such
     * line, or with --strict an error.
     */
    private void checkMarksInTrace() {
        if (originEpochNs < 0 || marks.isEmpty()) {
            return; // no clock to compare with
        }
        PhaseMarks.Mark first = null;
        int outside = 0;
        for (PhaseMarks.Mark m : marks) {
            if (m.kind() == MarkKind.INSTANT
                    && (m.epochNs() < originEpochNs - MARK_SLACK_NS || m.epochNs() > lastLineEpochNs + MARK_SLACK_NS)) {
                outside++;
                if (first == null || m.order() < first.order()) {
                    first = m;
                }
            }
        }
        if (first == null) {
            return;
        }
        String why = String.format(java.util.Locale.ROOT, "%s:%d: '%s' at %s s lies outside the trace (%s .. %s s)",
                options.phases(), first.order() + 1, first.name(), seconds(first.epochNs()), seconds(originEpochNs),
                seconds(lastLineEpochNs)) + (outside > 1 ? " and so do " + (outside - 1) + " more of its lines" : "");
        if (options.strict()) {
            throw new PhasesFileException(why + " (--strict)");
        }
        warnings.add("--phases: " + why + "; imported at the trace's start or past its end");
    }

    private static String seconds(long epochNs) {
        return String.format(java.util.Locale.ROOT, "%d.%06d", epochNs / 1_000_000_000L, epochNs % 1_000_000_000L / 1000);
    }

    /** Emits pcap frames and marks whose trace-clock time is before {@code t} (all of them for MAX_VALUE). */
    private void drainMerged(long t) {
        if (originEpochNs < 0 && t != Long.MAX_VALUE) {
            return; // nothing can be placed before the first timed line is known
        }
        while (true) {
            long frameT = pcapHasFrame ? pcap.timeNs() + pcapOffsetNs - originEpochNs : Long.MAX_VALUE;
            long markT = nextMark < marks.size() ? marks.get(nextMark).epochNs() - originEpochNs : Long.MAX_VALUE;
            if (frameT == Long.MAX_VALUE && markT == Long.MAX_VALUE) {
                return;
            }
            if (markT <= frameT) {
                if (markT >= t) {
                    return;
                }
                PhaseMarks.Mark m = marks.get(nextMark++);
                byte[] name = m.name().getBytes(StandardCharsets.UTF_8);
                writer.append(placed(markT), EventType.MARK, 0, 0, 0, 0, m.epochNs(), m.kind().code(), 0, name, 0,
                        name.length);
            } else {
                if (frameT >= t) {
                    return;
                }
                byte[] f = pcap.frame();
                int len = pcap.length();
                boolean tx = PcapReader.sourceIs(f, len, guestMac);
                writer.append(placed(frameT), tx ? EventType.FRAME_TX : EventType.FRAME_RX, pcapNic, 0, 0, 0, 0, len, 0,
                        f, 0, len);
                frames++;
                pcapHasFrame = pcap.next();
            }
        }
    }

    private long placed(long t) {
        if (t < lastTimeNs) {
            timeClamped++;
            return lastTimeNs;
        }
        lastTimeNs = t;
        return t;
    }

    /** Finds the pcap offset before the main pass (see {@link PcapAlignment}). */
    private void alignPcap() {
        String mac = configuredMac();
        guestMac = PcapAlignment.parseMac(mac);
        PcapAlignment.PcapScan scan = PcapAlignment.scan(options.pcap(), guestMac);
        if (scan.cutShort() != null) {
            // a capture stopped while writing: the frames before the cut are whole, the cut one is lost
            String why = options.pcap() + ": " + scan.cutShort();
            if (options.strict()) {
                throw new PcapFileException(why + " (--strict)");
            }
            warnings.add("--pcap: " + why + ": a capture stopped while writing? The " + scan.wholeRecords()
                    + " records before it are imported");
        }
        PcapAlignment.PcapAnchor anchor = scan.anchor();
        boolean aligned = false;
        if (anchor == null) {
            pcapOffsetNs = 0;
            pcapAlignment = "no host-to-guest TCP SYN in the pcap" + (scan.cutShort() == null ? ""
                    : "'s " + scan.wholeRecords() + " whole records") + ": offset 0 (unaligned)";
        } else {
            if (guestMac == null) {
                guestMac = anchor.guestMac();
            }
            long[] found = findReceiveLine(anchor.timeNs());
            if (found != null) {
                pcapOffsetNs = found[0] - anchor.timeNs();
                pcapAlignment = "pcap record " + anchor.record() + " (first frame of the burst with the first TCP SYN)"
                        + " = NIC receive at trace line " + found[1];
                aligned = true;
            } else {
                Long workStart = null;
                for (PhaseMarks.Mark m : marks) {
                    if (m.kind() == MarkKind.INSTANT && m.name().equals("work_start")) {
                        workStart = m.epochNs();
                        break;
                    }
                }
                if (workStart != null && Math.abs(workStart - anchor.timeNs()) <= PcapAlignment.SEARCH_SPAN_NS) {
                    pcapOffsetNs = workStart - anchor.timeNs();
                    pcapAlignment = "pcap record " + anchor.record() + " = phases work_start (no NIC receive line in"
                            + " the trace; error = host-to-device latency)";
                    aligned = true;
                } else if (workStart != null) {
                    // the lag is under a second in every run: a first SYN this far from work_start is another run's
                    pcapOffsetNs = 0;
                    pcapAlignment = String.format(java.util.Locale.ROOT, "no NIC receive line in the trace within %d s of"
                            + " the pcap's first TCP SYN, and phases work_start is %.1f s from it: offset 0 (unaligned)",
                            PcapAlignment.SEARCH_SPAN_NS / 1_000_000_000L, (workStart - anchor.timeNs()) / 1e9);
                } else {
                    pcapOffsetNs = 0;
                    pcapAlignment = "no NIC receive line in the trace within " + PcapAlignment.SEARCH_SPAN_NS / 1_000_000_000L
                            + " s of the pcap's first TCP SYN and no work_start mark: offset 0 (unaligned)";
                }
            }
        }
        if (!aligned) {
            // frames merged at an arbitrary offset would pass for what the NIC did at that point of the run
            String why = options.pcap() + ": cannot be aligned to the trace (" + pcapAlignment + "); a pcap of another run?";
            if (!options.allowUnalignedPcap()) {
                throw new UnalignedPcapException(why + " (--allow-unaligned-pcap merges it anyway)");
            }
            warnings.add("--pcap: " + why + "; merged anyway (--allow-unaligned-pcap)");
        }
        pcapOffsetReported = pcapOffsetNs;
        sourceDetails.put("pcapOffsetNs", pcapOffsetNs);
        sourceDetails.put("pcapAlignment", pcapAlignment);
    }

    /** The guest MAC from the command line's NIC -device (mac=), or null. */
    private String configuredMac() {
        if (cmdline == null) {
            return null;
        }
        for (String dev : cmdline.nicDevices()) {
            String mac = QemuCmdline.option(dev, "mac");
            if (mac != null) {
                return mac;
            }
        }
        return null;
    }

    /**
     * Partial pass: the first NIC receive line at or after {@code fromEpochNs} within {@link
     * PcapAlignment#SEARCH_SPAN_NS}. Returns {epoch ns, line number} or null.
     */
    private long[] findReceiveLine(long fromEpochNs) {
        TraceLine line = new TraceLine();
        long rxVq = 0;
        boolean rxVqKnown = false;
        try (InputStream in = CompressedInput.open(options.trace())) {
            LineReader lr = new LineReader(in);
            while (lr.next()) {
                if (lr.binary() || lr.overlong() || !line.parse(lr.buffer(), lr.start(), lr.end()) || !line.hasPrefix()) {
                    continue;
                }
                if (line.nameIs(QUEUE_NOTIFY)) {
                    line.word(W_VDEV);
                    line.hex();
                    line.word(W_N);
                    long n = line.dec();
                    line.word(W_VQ);
                    long vq = line.hex();
                    if (!line.bad() && n == 0 && !rxVqKnown) {
                        rxVq = vq;
                        rxVqKnown = true;
                    }
                    continue;
                }
                long time = line.timeNs();
                if (time < fromEpochNs) {
                    continue;
                }
                if (time > fromEpochNs + PcapAlignment.SEARCH_SPAN_NS) {
                    return null;
                }
                boolean receive = false;
                if (line.nameIs(VLAN_PKT)) {
                    receive = true;
                } else if (rxVqKnown && line.nameIs(VQ_FLUSH)) {
                    line.word(W_VQ);
                    long vq = line.hex();
                    receive = !line.bad() && vq == rxVq;
                }
                if (receive) {
                    return new long[] {time, lr.lineNumber()};
                }
            }
        } catch (IOException e) {
            throw new CaptureException(traceName + ": cannot read: " + e.getMessage(), e);
        }
        return null;
    }

    // ---------------------------------------------------------------- results

    private CaptureMetadata finalMetadata() {
        List<String> nicOptions = cmdline == null ? List.of() : cmdline.nicDevices();
        List<CaptureMetadata.DeviceInfo> devices = new ArrayList<>();
        for (PciNic nic : nics) {
            String opts = nic.index < nicOptions.size() ? nicOptions.get(nic.index) : null;
            String mac = opts == null ? null : QemuCmdline.option(opts, "mac");
            if (mac == null && nic.model.equals(PciNic.E1000)) {
                mac = traceMac;
            }
            if (mac == null && nics.size() == 1 && guestMac != null) {
                mac = PcapAlignment.macString(guestMac);
            }
            devices.add(nic.describe(mac, opts));
        }
        devices.sort(Comparator.comparingInt(CaptureMetadata.DeviceInfo::index));
        sourceDetails.put("lines", lines);
        sourceDetails.put("malformedLines", malformedCount);
        CaptureMetadata m = writer.metadata();
        CaptureMetadata.Source src = new CaptureMetadata.Source("qemu-trace", "QEMU trace-event log", sourceDetails);
        CaptureMetadata.Clock clock = new CaptureMetadata.Clock("trace", originEpochNs < 0 ? null : originEpochNs);
        return new CaptureMetadata(m.format(), m.tool(), src, clock, m.startedAt(), m.workload(), devices, m.regions(),
                m.status(), m.events());
    }

    private void malformed(String file, long line, String reason, byte[] b, int s, int e) {
        malformedCount++;
        MalformedLine m = new MalformedLine(file, line, reason, b == null ? "" : TraceLine.excerpt(b, s, e));
        if (options.strict()) {
            throw new CaptureException(m.file() + ":" + m.line() + ": " + m.reason() + " (--strict)");
        }
        if (malformed.size() < ImportReport.MAX_LISTED) {
            malformed.add(m);
        }
    }

    private void deleteOutput() {
        Path dir = options.output();
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            // leave what could not be removed; the error being thrown matters more
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
