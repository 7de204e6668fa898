package io.trapline.emulator.e1000;

import java.util.Arrays;
import java.util.Objects;

/**
 * Configuration of an {@link E1000}: what QEMU's {@code -device e1000,...} properties choose.
 *
 * @param mac        the MAC address (6 bytes), placed in the EEPROM and RAL0/RAH0
 * @param mitigation QEMU's {@code mitigation} property (default on): interrupt moderation with ITR/RADV/TADV;
 *                   off makes ITR, RDTR, RADV and TADV read 0 and ignore writes, as QEMU does
 * @param ioWindow   false (QEMU 7.2): BAR1 reads 0 and ignores writes; true: IOADDR/IODATA reach the
 *                   registers indirectly as the SDM (13.2.1) describes
 * @param linkUp     whether the cable is connected when the device is created
 */
public record E1000Config(byte[] mac, boolean mitigation, boolean ioWindow, boolean linkUp) {

    /** QEMU's default MAC for the first NIC, and the one in the shared captures. */
    public static final byte[] QEMU_DEFAULT_MAC = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

    public E1000Config {
        Objects.requireNonNull(mac, "mac");
        if (mac.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + mac.length);
        }
        if ((mac[0] & 1) != 0) {
            throw new IllegalArgumentException("a NIC's MAC address must not be multicast");
        }
        mac = mac.clone();
    }

    /** QEMU 7.2 defaults with MAC 52:54:00:12:34:56. */
    public static E1000Config defaults() {
        return new E1000Config(QEMU_DEFAULT_MAC, true, false, true);
    }

    public E1000Config withMac(byte[] newMac) {
        return new E1000Config(newMac, mitigation, ioWindow, linkUp);
    }

    public E1000Config withMitigation(boolean on) {
        return new E1000Config(mac, on, ioWindow, linkUp);
    }

    public E1000Config withIoWindow(boolean on) {
        return new E1000Config(mac, mitigation, on, linkUp);
    }

    public E1000Config withLinkUp(boolean up) {
        return new E1000Config(mac, mitigation, ioWindow, up);
    }

    /** Parses {@code 52:54:00:12:34:56}. */
    public static byte[] parseMac(String text) {
        String[] parts = text.split(":");
        if (parts.length != 6) {
            throw new IllegalArgumentException("MAC address must be six hex bytes separated by ':': " + text);
        }
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return b;
    }

    @Override
    public byte[] mac() {
        return mac.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof E1000Config c && Arrays.equals(mac, c.mac) && mitigation == c.mitigation
                && ioWindow == c.ioWindow && linkUp == c.linkUp;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mac) * 31 + Objects.hash(mitigation, ioWindow, linkUp);
    }

    @Override
    public String toString() {
        return String.format("E1000Config[mac=%02x:%02x:%02x:%02x:%02x:%02x, mitigation=%s, ioWindow=%s, linkUp=%s]",
                mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], mitigation, ioWindow, linkUp);
    }
}
