package io.trapline.analysis;

import io.trapline.emulator.device.DeviceCatalog;
import io.trapline.recorder.CaptureMetadata;

import java.util.Locale;

/**
 * Which of a device model's registers take which path under KVM. One implementation per device model, so the
 * facts about one model (its coalesced registers, its notification region) live in one place.
 */
public interface DeviceExitRules {

    /** The path of a guest access: {@code write} or read, in BAR {@code bar} at {@code offset}. */
    AccessPath path(boolean write, int bar, long offset);

    /**
     * The path of a guest access whose value is known: a device whose notification register takes the queue's number
     * as the value written (virtio's legacy QUEUE_NOTIFY) needs it to tell which queue is notified.
     */
    default AccessPath path(boolean write, int bar, long offset, long value) {
        return path(write, bar, offset);
    }

    /** Whether a write at this place is a queue notification (so a KICK that follows it is the same access). */
    default boolean isNotify(int bar, long offset) {
        AccessPath p = path(true, bar, offset);
        return p == AccessPath.IOEVENTFD || p.vhostQueue();
    }

    /** The path of a notification of {@code queue} traced only as a KICK, without its write (QEMU with ioeventfd on). */
    default AccessPath kickPath(int queue) {
        return AccessPath.IOEVENTFD;
    }

    /**
     * Whether a guest write here can start a transmission, so that a frame sent right after it is the TX it started
     * (the doorbell of the attribution rule, docs/sql.md). Unknown models: any write.
     */
    default boolean startsTransmit(int bar, long offset) {
        return true;
    }

    /** Where a KICK event that has no traced write lands: its notification register ({@code bar}, {@code offset}). */
    default long[] notifyRegister(int queue) {
        return null;
    }

    /** Every access exits to userspace (a model trapline knows nothing special about). */
    DeviceExitRules ALL_EXIT = (write, bar, offset) -> AccessPath.USERSPACE;

    /** The rules for a captured device, found by its model name (through {@link DeviceCatalog}'s names). */
    static DeviceExitRules forDevice(CaptureMetadata.DeviceInfo device) {
        if (device == null || device.model() == null) {
            return ALL_EXIT;
        }
        String model = device.model().toLowerCase(Locale.ROOT);
        if (model.equals(DeviceCatalog.E1000)) {
            return E1000ExitRules.INSTANCE;
        }
        if (model.equals(DeviceCatalog.VIRTIO_NET)) {
            Object qemu = device.config() == null ? null : device.config().get("qemuOptions");
            return VirtioNetExitRules.forTransport(device.transport(),
                    qemu == null || DeviceCatalog.qemuIoeventfd(String.valueOf(qemu)));
        }
        return ALL_EXIT;
    }
}
