package io.trapline.replay;

import io.trapline.emulator.device.Device;
import io.trapline.emulator.device.GuestAddressNames;
import io.trapline.emulator.net.FrameFields;

/**
 * Says what the raw values of a divergence are, for the report: the guest memory a DMA address falls in, as its
 * device model names it ({@code queue 2 (controlq) used[1]}, {@code TX desc 0 (TDBA+0xc) status}), the MSI-X
 * vector a message comes from and what uses it, and the protocol field at a byte of a transmitted frame
 * ({@code TCP checksum}). Each method returns text to append (starting with ", ") or "" when there is no name.
 *
 * <p>Names come from {@link GuestAddressNames}, which only reads what the device holds: asking changes no model
 * state and no output, so a replay reports the same divergences with or without names.
 */
final class DivergenceNames {
    private final Device[] devices;
    private final FrameFields frame = new FrameFields();

    DivergenceNames(Device[] devices) {
        this.devices = devices;
    }

    private GuestAddressNames names(int dev) {
        return dev >= 0 && dev < devices.length && devices[dev] instanceof GuestAddressNames n ? n : null;
    }

    /** {@code , queue 2 (controlq) used[1]} for a DMA of {@code length} bytes at {@code address}. */
    String dma(int dev, long address, long length) {
        GuestAddressNames n = names(dev);
        if (n == null) {
            return "";
        }
        try {
            return suffix(n.describeDma(address, length));
        } catch (RuntimeException e) {
            return ""; // a name is a convenience: never let it hide the divergence
        }
    }

    /** The MSI-X vector of a message: {@code vector}, or when negative the table entry holding the message. */
    String msi(int dev, int vector, long address, long data) {
        GuestAddressNames n = names(dev);
        if (n == null) {
            return "";
        }
        try {
            return suffix(n.describeMsi(vector, address, (int) data));
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** {@code , byte 50: TCP checksum}: the header field at {@code offset} of a frame. */
    String frameByte(byte[] f, int length, int offset) {
        if (offset < 0 || offset >= length || length > f.length) {
            return "";
        }
        frame.parse(f, length);
        String field = frame.fieldName(f, length, offset);
        return field == null ? "" : ", byte " + offset + ": " + field;
    }

    private static String suffix(String name) {
        return name == null ? "" : ", " + name;
    }
}
