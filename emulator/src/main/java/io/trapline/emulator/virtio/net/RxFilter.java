package io.trapline.emulator.virtio.net;

/**
 * The receive filter the control queue programs (virtio 1.2, 5.1.6.5.1 and 5.1.6.5.2): promiscuous and
 * all-multicast modes, the CTRL_RX_EXTRA modes, a MAC table of unicast and multicast entries and a VLAN
 * table. Its decisions follow QEMU's receive_filter: promiscuous is on after reset, a table that
 * overflowed accepts its whole class, and without CTRL_VLAN every VLAN passes.
 */
final class RxFilter {
    /** QEMU's MAC_TABLE_ENTRIES. */
    static final int MAC_TABLE_ENTRIES = 64;
    static final int MAX_VLAN = 4096;

    boolean promisc;
    boolean allmulti;
    boolean alluni;
    boolean nomulti;
    boolean nouni;
    boolean nobcast;
    boolean uniOverflow;
    boolean multiOverflow;
    private final byte[] macs = new byte[MAC_TABLE_ENTRIES * 6];
    private int uniEntries;
    private int multiEntries;
    private final long[] vlans = new long[MAX_VLAN / 64];

    void reset(boolean vlanFiltering) {
        promisc = true;
        allmulti = false;
        alluni = false;
        nomulti = false;
        nouni = false;
        nobcast = false;
        clearMacTable();
        setAllVlans(!vlanFiltering);
    }

    void setAllVlans(boolean pass) {
        java.util.Arrays.fill(vlans, pass ? -1L : 0L);
    }

    void clearMacTable() {
        uniEntries = 0;
        multiEntries = 0;
        uniOverflow = false;
        multiOverflow = false;
    }

    /**
     * Loads one table from a MAC_TABLE_SET payload (unicast first, then multicast); false when it does not
     * fit the table, which then counts as overflowed for that class.
     */
    boolean addEntries(byte[] src, int off, int count, boolean multicast) {
        if (uniEntries + multiEntries + count > MAC_TABLE_ENTRIES) {
            if (multicast) {
                multiOverflow = true;
            } else {
                uniOverflow = true;
            }
            return false;
        }
        System.arraycopy(src, off, macs, (uniEntries + multiEntries) * 6, count * 6);
        if (multicast) {
            multiEntries += count;
        } else {
            uniEntries += count;
        }
        return true;
    }

    void setVlan(int vid, boolean on) {
        if (on) {
            vlans[vid >>> 6] |= 1L << (vid & 63);
        } else {
            vlans[vid >>> 6] &= ~(1L << (vid & 63));
        }
    }

    boolean vlan(int vid) {
        return (vlans[vid >>> 6] & (1L << (vid & 63))) != 0;
    }

    int uniEntries() {
        return uniEntries;
    }

    int multiEntries() {
        return multiEntries;
    }

    boolean accepts(byte[] frame, int off, int len, NetConfigSpace config) {
        if (promisc) {
            return true;
        }
        if (len < 14) {
            return false;
        }
        int type = (frame[off + 12] & 0xFF) << 8 | (frame[off + 13] & 0xFF);
        if (type == 0x8100 && len >= 16) {
            int vid = ((frame[off + 14] & 0xFF) << 8 | (frame[off + 15] & 0xFF)) & 0xFFF;
            if (!vlan(vid)) {
                return false;
            }
        }
        if ((frame[off] & 1) != 0) {
            if (isBroadcast(frame, off)) {
                return !nobcast;
            }
            if (nomulti) {
                return false;
            }
            if (allmulti || multiOverflow) {
                return true;
            }
            return inTable(frame, off, uniEntries, uniEntries + multiEntries);
        }
        if (nouni) {
            return false;
        }
        if (alluni || uniOverflow) {
            return true;
        }
        boolean ours = true;
        for (int i = 0; i < 6 && ours; i++) {
            ours = (frame[off + i] & 0xFF) == config.mac(i);
        }
        return ours || inTable(frame, off, 0, uniEntries);
    }

    private static boolean isBroadcast(byte[] frame, int off) {
        for (int i = 0; i < 6; i++) {
            if (frame[off + i] != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }

    private boolean inTable(byte[] frame, int off, int first, int end) {
        for (int e = first; e < end; e++) {
            boolean match = true;
            for (int i = 0; i < 6 && match; i++) {
                match = frame[off + i] == macs[e * 6 + i];
            }
            if (match) {
                return true;
            }
        }
        return false;
    }
}
