package io.trapline.analysis;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventType;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.List;

/**
 * {@code exits}: one row per exit under each selected profile: the guest access that caused it, its class
 * ({@link ExitClassifier}), who handles it, its price in cycles ({@link CostModel}) and the packet it is
 * attributed to ({@link Attribution}). Accesses that cause no exit under a profile (coalesced MMIO writes
 * under KVM) have no row for that profile.
 */
final class ExitsWriter extends TableWriter {
    private static final long DICT_PROFILE = 2;
    private static final long DICT_KIND = 3;
    private static final long DICT_DIR = 4;
    private static final long DICT_CLASS = 5;
    private static final long DICT_HANDLER = 6;
    static final Schema SCHEMA = new Schema(List.of(CAPTURE, dict("profile", DICT_PROFILE),
            i16(ProfilesWriter.CAPTURE_PROFILE), i64("seq"), i64("time_ns"),
            dict("kind", DICT_KIND), dict("dir", DICT_DIR), i32("device"), str("target"), i32("vcpu"), i32("region"),
            i64("offset"), str("register"), dict("class", DICT_CLASS), dict("handler", DICT_HANDLER), i64("cycles"),
            i64("packet")));
    private static final int MMIO = 0;
    private static final int PIO = 1;
    private static final int PCI_CFG = 2;
    private static final int OTHER = 3;
    private static final int KICK = 4;
    private static final List<String> KINDS = List.of("mmio", "pio", "pci_cfg", "other", "kick");
    private static final List<String> DIRS = List.of("read", "write");
    private static final List<String> HANDLERS = List.of("qemu", "kvm", "vhost");

    private final List<Profile> profiles;
    private final CostModel costs;
    private final int profileCount;
    /** The handler's dictionary index by [profile index][device path's ordinal + 1, 0 for none][class]. */
    private final int[][][] handlers;
    private final long[] cycles = new long[ExitClass.values().length];
    /** A device access's exit class by [pio][path][profile index] (null: no exit under that profile). */
    private final ExitClass[][][] accessClasses;

    // the batch's columns; those nobody reads are null and skipped row by row
    private DirectColumn profile;
    private DirectColumn captureProfile;
    /** This capture's first {@code capture_profile}: its index times the number of profiles. */
    private int firstCaptureProfile;
    private DirectColumn seq;
    private DirectColumn time;
    private DirectColumn kind;
    private DirectColumn dir;
    private DirectColumn device;
    private VarCharVector target;
    private DirectColumn vcpu;
    private DirectColumn region;
    private DirectColumn offset;
    private VarCharVector register;
    private DirectColumn exitClass;
    private DirectColumn handler;
    private DirectColumn cost;

    private DirectColumn packet;
    /** Whether the consumer reads any column besides capture, capture_profile, cycles and packet. */
    private boolean details;
    private Labels labels;
    private ExitClassifier classifier;
    private KickRegisters kickRegisters;
    private Attribution attribution;
    private final boolean[] notifyWritten = new boolean[256];
    private final boolean[] usedPio = new boolean[256];

    ExitsWriter(List<Profile> profiles, CostModel costs) {
        this.profiles = List.copyOf(profiles);
        this.costs = costs;
        profileCount = profiles.size();
        handlers = new int[profiles.size()][AccessPath.values().length + 1][ExitClass.values().length];
        for (int i = 0; i < profiles.size(); i++) {
            for (int path = 0; path <= AccessPath.values().length; path++) {
                for (ExitClass c : ExitClass.values()) {
                    handlers[i][path][c.ordinal()] = HANDLERS.indexOf(ExitClassifier.handler(profiles.get(i), c,
                            path == 0 ? null : AccessPath.values()[path - 1]));
                }
            }
        }
        for (ExitClass c : ExitClass.values()) {
            cycles[c.ordinal()] = costs.cycles(c);
        }
        accessClasses = new ExitClass[2][AccessPath.values().length][profileCount];
        for (int pio = 0; pio < 2; pio++) {
            for (AccessPath path : AccessPath.values()) {
                for (int i = 0; i < profileCount; i++) {
                    accessClasses[pio][path.ordinal()][i] = ExitClassifier.deviceAccess(profiles.get(i), pio == 1, path);
                }
            }
        }
    }

    @Override
    void bindColumns() {
        profile = reads("profile") ? direct(i32v("profile")) : null;
        captureProfile = reads(ProfilesWriter.CAPTURE_PROFILE) ? direct(i16v(ProfilesWriter.CAPTURE_PROFILE)) : null;
        seq = reads("seq") ? direct(i64v("seq")) : null;
        time = reads("time_ns") ? direct(i64v("time_ns")) : null;
        kind = reads("kind") ? direct(i32v("kind")) : null;
        dir = reads("dir") ? direct(i32v("dir")) : null;
        device = reads("device") ? direct(i32v("device")) : null;
        target = reads("target") ? strv("target") : null;
        vcpu = reads("vcpu") ? direct(i32v("vcpu")) : null;
        region = reads("region") ? direct(i32v("region")) : null;
        offset = reads("offset") ? direct(i64v("offset")) : null;
        register = reads("register") ? strv("register") : null;
        exitClass = reads("class") ? direct(i32v("class")) : null;
        handler = reads("handler") ? direct(i32v("handler")) : null;
        cost = reads("cycles") ? direct(i64v("cycles")) : null;
        packet = direct(i64v("packet")); // attribution fills it whether read or not
        details = profile != null || seq != null || time != null || kind != null || dir != null || device != null
                || target != null || vcpu != null || region != null || offset != null || register != null
                || exitClass != null || handler != null;
        if (attribution != null) {
            attribution.bind(packet);
        }
    }

    @Override
    void beginCapture(CaptureSource source, CaptureMetadata metadata) {
        super.beginCapture(source, metadata);
        firstCaptureProfile = ProfilesWriter.captureProfile(captureIndex(), 0, profileCount);
        labels = new Labels(metadata);
        classifier = new ExitClassifier(metadata);
        kickRegisters = new KickRegisters(classifier, labels);
        attribution = new Attribution(classifier);
        attribution.bind(packet);
        java.util.Arrays.fill(notifyWritten, false);
        java.util.Arrays.fill(usedPio, false);
    }

    @Override
    void onEvent(EventCursor c) {
        EventType t = c.type();
        boolean kickAlreadyWritten = t == EventType.KICK && notifyWritten[c.device()];
        if (t == EventType.KICK) {
            notifyWritten[c.device()] = false;
        } else {
            NotifyTracker.track(c, classifier, notifyWritten);
        }
        if (!kickAlreadyWritten) {
            attribution.observe(c); // a KICK observing its notify write is that same access, not a new one
        }
        switch (t) {
            case MMIO_READ, MMIO_WRITE, PIO_READ, PIO_WRITE -> {
                boolean pio = t == EventType.PIO_READ || t == EventType.PIO_WRITE;
                boolean write = t == EventType.MMIO_WRITE || t == EventType.PIO_WRITE;
                usedPio[c.device()] |= pio;
                byte[] reg = register != null ? labels.register(c.device(), c.region(), c.address()) : null;
                // the path is the register's, whatever the profile: look it up once
                AccessPath path = classifier.path(c.device(), write, c.region(), c.address(), c.value());
                ExitClass[] classes = accessClasses[pio ? 1 : 0][path.ordinal()];
                boolean doorbell = write && classifier.rules(c.device()).startsTransmit(c.region(), c.address());
                for (int i = 0; i < profileCount; i++) {
                    ExitClass ec = classes[i];
                    if (ec != null) {
                        row(c, i, ec, path.ordinal() + 1, pio ? PIO : MMIO, write, true, c.region(), c.address(), reg,
                                doorbell);
                    }
                }
            }
            case PCI_CFG_READ, PCI_CFG_WRITE -> {
                boolean write = t == EventType.PCI_CFG_WRITE;
                byte[] reg = register != null ? labels.configRegister(c.address()) : null;
                for (int i = 0; i < profileCount; i++) {
                    row(c, i, classifier.pciConfig(profiles.get(i)), 0, PCI_CFG, write, true, -1, c.address(), reg, false);
                }
            }
            case OTHER_READ, OTHER_WRITE -> {
                if (!classifier.isGuestAccess(c.region())) {
                    return;
                }
                boolean write = t == EventType.OTHER_WRITE;
                byte[] reg = register != null ? labels.otherRegister(c.region(), c.address()) : null;
                for (int i = 0; i < profileCount; i++) {
                    ExitClass ec = classifier.other(profiles.get(i), c.region(), c.address());
                    if (ec != null) {
                        row(c, i, ec, 0, OTHER, write, false, c.region(), c.address(), reg, false);
                    }
                }
            }
            case KICK -> {
                if (kickAlreadyWritten) {
                    return; // the notify write just before it was this access
                }
                // ioeventfd on: QEMU traced the notification but not the write that caused it
                long[] where = kickRegisters.where(c.device(), c.queue());
                boolean pio = usedPio[c.device()] || (where != null && classifier.isIoBar(c.device(), (int) where[0]));
                int bar = where == null ? -1 : (int) where[0];
                long off = where == null ? -1 : where[1];
                byte[] reg = kickRegisters.name(c.device(), where);
                AccessPath path = classifier.kickPath(c.device(), c.queue());
                for (int i = 0; i < profileCount; i++) {
                    row(c, i, ExitClassifier.deviceAccess(profiles.get(i), pio, path), path.ordinal() + 1, KICK, true,
                            true, bar, off, reg, true);
                }
            }
            default -> {
            }
        }
    }

    /**
     * Writes one exit row. The columns the per-packet figures need are written here; the rest, only when the
     * consumer reads any of them, by {@link #details}, which keeps this method small enough to be inlined.
     */
    private void row(EventCursor c, int p, ExitClass ec, int path, int k, boolean write, boolean onDevice, int reg,
                     long off, byte[] registerName, boolean doorbell) {
        int r = newRow();
        if (captureProfile != null) {
            captureProfile.setShort(r, (short) (firstCaptureProfile + p));
        }
        if (cost != null) {
            cost.setLong(r, cycles[ec.ordinal()]);
        }
        if (details) {
            details(c, r, p, ec, path, k, write, onDevice, reg, off, registerName);
        }
        attribution.assign(r, c.timeNs(), doorbell);
    }

    private void details(EventCursor c, int r, int p, ExitClass ec, int path, int k, boolean write, boolean onDevice,
                         int reg, long off, byte[] registerName) {
        if (profile != null) {
            profile.setInt(r, p);
        }
        if (seq != null) {
            seq.setLong(r, c.sequence());
        }
        if (time != null) {
            time.setLong(r, c.timeNs());
        }
        if (kind != null) {
            kind.setInt(r, k);
        }
        if (dir != null) {
            dir.setInt(r, write ? 1 : 0);
        }
        if (device != null) {
            if (onDevice) {
                device.setInt(r, c.device());
            } else {
                device.setNull(r);
            }
        }
        if (target != null) {
            target.setSafe(r, k == OTHER ? labels.region(c.region()) : labels.model(c.device()));
        }
        if (vcpu != null) {
            if (c.type() != EventType.KICK && c.queue() != 0xFFFF) {
                vcpu.setInt(r, c.queue());
            } else {
                vcpu.setNull(r);
            }
        }
        if (region != null) {
            if (reg >= 0) {
                region.setInt(r, reg);
            } else {
                region.setNull(r);
            }
        }
        if (offset != null) {
            if (off >= 0) {
                offset.setLong(r, off);
            } else {
                offset.setNull(r);
            }
        }
        if (register != null) {
            register.setSafe(r, registerName);
        }
        if (exitClass != null) {
            exitClass.setInt(r, ec.ordinal());
        }
        if (handler != null) {
            handler.setInt(r, handlers[p][path][ec.ordinal()]);
        }
    }

    @Override
    List<String> dictionary(long id) {
        if (id == DICT_PROFILE) {
            return profiles.stream().map(Profile::label).toList();
        }
        if (id == DICT_KIND) {
            return KINDS;
        }
        if (id == DICT_DIR) {
            return DIRS;
        }
        if (id == DICT_CLASS) {
            return java.util.Arrays.stream(ExitClass.values()).map(ExitClass::label).toList();
        }
        if (id == DICT_HANDLER) {
            return HANDLERS;
        }
        return null;
    }

    @Override
    boolean holdsBatch() {
        return attribution != null && attribution.hasPending();
    }

    @Override
    void endCapture() {
        attribution.settle(-2);
    }
}
