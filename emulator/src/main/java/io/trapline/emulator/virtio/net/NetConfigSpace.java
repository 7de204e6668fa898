package io.trapline.emulator.virtio.net;

import io.trapline.emulator.memory.LittleEndian;

/**
 * {@code struct virtio_net_config}, virtio 1.2 section 5.1.4: mac[6] at 0, status u16 at 6 (LINK_UP 1,
 * ANNOUNCE 2), max_virtqueue_pairs u16 at 8, mtu u16 at 10. How much of it the driver sees follows QEMU's
 * rule (virtio_net_set_config_size): up to the last field an offered feature needs — mac and status
 * (8 bytes) unless MQ or MTU is offered, which this model does not.
 */
final class NetConfigSpace {
    static final int MAC = 0;
    static final int STATUS = 6;
    static final int MAX_VIRTQUEUE_PAIRS = 8;
    static final int MTU = 10;
    static final int LAYOUT_SIZE = 12;
    static final int VISIBLE_SIZE = 8;
    static final int S_LINK_UP = 1;
    static final int S_ANNOUNCE = 2;

    private final byte[] bytes = new byte[LAYOUT_SIZE];

    NetConfigSpace(byte[] mac) {
        setMac(mac, 0);
        setStatus(S_LINK_UP);
        LittleEndian.put16(bytes, MAX_VIRTQUEUE_PAIRS, 1);
        LittleEndian.put16(bytes, MTU, 1500);
    }

    int size() {
        return VISIBLE_SIZE;
    }

    int readByte(int offset) {
        return bytes[offset] & 0xFF;
    }

    void setMac(byte[] src, int off) {
        System.arraycopy(src, off, bytes, MAC, 6);
    }

    void writeMacByte(int index, int value) {
        bytes[MAC + index] = (byte) value;
    }

    int mac(int index) {
        return bytes[MAC + index] & 0xFF;
    }

    byte[] macBytes() {
        byte[] m = new byte[6];
        System.arraycopy(bytes, MAC, m, 0, 6);
        return m;
    }

    int status() {
        return LittleEndian.u16(bytes, STATUS);
    }

    void setStatus(int status) {
        LittleEndian.put16(bytes, STATUS, status);
    }
}
