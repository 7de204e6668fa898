package io.trapline.emulator.virtio.net;

import io.trapline.emulator.memory.LittleEndian;
import io.trapline.emulator.virtio.pci.VirtioFeatures;
import io.trapline.emulator.virtio.ring.DescriptorChain;

/**
 * Commands on the control virtqueue, virtio 1.2 section 5.1.6.5: each element carries {class u8, command u8}
 * and command data in device-readable buffers and gets one ack byte back in a device-writable buffer.
 * Covers what Linux sends at bring-up and on link events: RX modes, the MAC table and address, VLAN
 * filter, announce acknowledgement and guest offloads.
 */
final class ControlQueue {
    static final int CLASS_RX = 0;
    static final int RX_PROMISC = 0;
    static final int RX_ALLMULTI = 1;
    static final int RX_ALLUNI = 2;
    static final int RX_NOMULTI = 3;
    static final int RX_NOUNI = 4;
    static final int RX_NOBCAST = 5;
    static final int CLASS_MAC = 1;
    static final int MAC_TABLE_SET = 0;
    static final int MAC_ADDR_SET = 1;
    static final int CLASS_VLAN = 2;
    static final int VLAN_ADD = 0;
    static final int VLAN_DEL = 1;
    static final int CLASS_ANNOUNCE = 3;
    static final int ANNOUNCE_ACK = 0;
    static final int CLASS_MQ = 4;
    static final int CLASS_GUEST_OFFLOADS = 5;
    static final int GUEST_OFFLOADS_SET = 0;
    static final int OK = 0;
    static final int ERR = 1;
    static final int HEADER = 2;

    /** Guest offloads a GUEST_OFFLOADS_SET may turn on: the GUEST_* receive offloads (QEMU). */
    private static final long GUEST_OFFLOAD_BITS = VirtioFeatures.bit(VirtioNetFeatures.GUEST_CSUM)
            | VirtioFeatures.bit(VirtioNetFeatures.GUEST_TSO4) | VirtioFeatures.bit(VirtioNetFeatures.GUEST_TSO6)
            | VirtioFeatures.bit(VirtioNetFeatures.GUEST_ECN) | VirtioFeatures.bit(VirtioNetFeatures.GUEST_UFO);

    private final RxFilter filter;
    private final NetConfigSpace config;
    private final byte[] scratch = new byte[RxFilter.MAC_TABLE_ENTRIES * 6];
    private long guestOffloads;

    ControlQueue(RxFilter filter, NetConfigSpace config) {
        this.filter = filter;
        this.config = config;
    }

    long guestOffloads() {
        return guestOffloads;
    }

    void reset(long negotiated) {
        guestOffloads = negotiated & GUEST_OFFLOAD_BITS;
    }

    /** Runs one command; the caller has checked the element has a header and room for the ack. */
    int execute(DescriptorChain chain, long negotiated) {
        if (!chain.read(0, scratch, 0, HEADER)) {
            return -1;
        }
        int cls = scratch[0] & 0xFF;
        int cmd = scratch[1] & 0xFF;
        long dataLength = chain.readableBytes() - HEADER;
        switch (cls) {
            case CLASS_RX:
                return rxMode(chain, cmd, dataLength);
            case CLASS_MAC:
                return cmd == MAC_ADDR_SET ? macAddress(chain, dataLength)
                        : cmd == MAC_TABLE_SET ? macTable(chain, dataLength) : ERR;
            case CLASS_VLAN:
                return vlan(chain, cmd, dataLength);
            case CLASS_ANNOUNCE:
                if (cmd == ANNOUNCE_ACK && (config.status() & NetConfigSpace.S_ANNOUNCE) != 0) {
                    config.setStatus(config.status() & ~NetConfigSpace.S_ANNOUNCE);
                    return OK;
                }
                return ERR;
            case CLASS_GUEST_OFFLOADS:
                return offloads(chain, cmd, dataLength, negotiated);
            default:
                return ERR;
        }
    }

    private int rxMode(DescriptorChain chain, int cmd, long dataLength) {
        if (dataLength != 1 || !chain.read(HEADER, scratch, 0, 1)) {
            return ERR;
        }
        boolean on = scratch[0] != 0;
        switch (cmd) {
            case RX_PROMISC: filter.promisc = on; break;
            case RX_ALLMULTI: filter.allmulti = on; break;
            case RX_ALLUNI: filter.alluni = on; break;
            case RX_NOMULTI: filter.nomulti = on; break;
            case RX_NOUNI: filter.nouni = on; break;
            case RX_NOBCAST: filter.nobcast = on; break;
            default: return ERR;
        }
        return OK;
    }

    private int macAddress(DescriptorChain chain, long dataLength) {
        if (dataLength != 6 || !chain.read(HEADER, scratch, 0, 6)) {
            return ERR;
        }
        config.setMac(scratch, 0);
        return OK;
    }

    /** Two tables, each {entries u32, entries x 6 bytes}: unicast then multicast (5.1.6.5.2). */
    private int macTable(DescriptorChain chain, long dataLength) {
        filter.clearMacTable();
        long at = HEADER;
        long end = HEADER + dataLength;
        for (int table = 0; table < 2; table++) {
            if (at + 4 > end || !chain.read(at, scratch, 0, 4)) {
                filter.clearMacTable();
                return ERR;
            }
            long entries = LittleEndian.u32(scratch, 0);
            at += 4;
            if (entries * 6 > end - at) {
                filter.clearMacTable();
                return ERR;
            }
            if (entries <= RxFilter.MAC_TABLE_ENTRIES) {
                int n = (int) entries;
                if (!chain.read(at, scratch, 0, n * 6)) {
                    filter.clearMacTable();
                    return ERR;
                }
                filter.addEntries(scratch, 0, n, table == 1);
            } else {
                filter.addEntries(scratch, 0, RxFilter.MAC_TABLE_ENTRIES + 1, table == 1);
            }
            at += entries * 6;
        }
        return at == end ? OK : ERR;
    }

    private int vlan(DescriptorChain chain, int cmd, long dataLength) {
        if (dataLength != 2 || !chain.read(HEADER, scratch, 0, 2)) {
            return ERR;
        }
        int vid = LittleEndian.u16(scratch, 0);
        if (vid >= RxFilter.MAX_VLAN || (cmd != VLAN_ADD && cmd != VLAN_DEL)) {
            return ERR;
        }
        filter.setVlan(vid, cmd == VLAN_ADD);
        return OK;
    }

    private int offloads(DescriptorChain chain, int cmd, long dataLength, long negotiated) {
        if (!VirtioFeatures.has(negotiated, VirtioNetFeatures.CTRL_GUEST_OFFLOADS) || cmd != GUEST_OFFLOADS_SET
                || dataLength != 8 || !chain.read(HEADER, scratch, 0, 8)) {
            return ERR;
        }
        long offloads = LittleEndian.u64(scratch, 0);
        if ((offloads & ~(negotiated & GUEST_OFFLOAD_BITS)) != 0) {
            return ERR;
        }
        guestOffloads = offloads;
        return OK;
    }
}
