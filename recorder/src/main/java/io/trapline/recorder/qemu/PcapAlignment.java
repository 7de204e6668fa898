package io.trapline.recorder.qemu;

import java.nio.file.Path;

/**
 * Puts pcap time on the trace clock. QEMU's filter-dump stamps frames with the integer start second plus the
 * virtual clock, so pcap time lags the trace prefix by a fraction of a second to about a second, but the
 * lag is constant over a run. The offset is measured on one frame seen by both sides:
 * <ol>
 * <li>pcap: the first host-to-guest TCP SYN (the workload's first connection), walked back to the first
 *     host-to-guest frame of its burst (no gap of {@link #BURST_GAP_NS} or more between host-to-guest frames;
 *     e.g. slirp's ARP request just before it). Call its time P.</li>
 * <li>trace: the first line at or after P (the lag is never negative) showing the NIC receiving a frame:
 *     {@code e1000x_vlan_is_vlan_pkt} (QEMU 7.2 e1000 prints it only on the receive path), or
 *     {@code virtqueue_flush} of virtio queue 0 (receiveq1; its vq pointer comes from the
 *     {@code virtio_queue_notify ... n 0 vq P} lines of the driver's first refill).</li>
 * <li>offset = trace time - P.</li>
 * </ol>
 * Fallbacks, named in the report: no receive line -> the phases file's work_start minus P; nothing -> 0.
 */
final class PcapAlignment {
    static final long BURST_GAP_NS = 1_000_000_000L;
    /** How far past P the trace may be searched for the receive line. */
    static final long SEARCH_SPAN_NS = 5_000_000_000L;

    /** The pcap side of the alignment: anchor frame time, its record number, and the guest's MAC. */
    record PcapAnchor(long timeNs, long record, byte[] guestMac) {
    }

    /**
     * A whole pass over the pcap: the anchor (null without a SYN), the records read whole, and where the last one is
     * cut short ({@link PcapReader#cutShort()}, null when the file ends between records).
     */
    record PcapScan(PcapAnchor anchor, long wholeRecords, String cutShort) {
    }

    record Result(long offsetNs, String method) {
    }

    private PcapAlignment() {
    }

    /**
     * Reads the whole pcap before anything is written: a record that is not one, or a damaged compressed stream,
     * throws {@link PcapFileException} here; on the way it finds the anchor. {@code guestMac} may be null: then the
     * destination of the first TCP SYN is taken as the guest (the workload connects to a server in the guest).
     */
    static PcapScan scan(Path pcap, byte[] guestMac) {
        try (PcapReader r = new PcapReader(CompressedInput.open(pcap), pcap.toString())) {
            PcapAnchor anchor = anchor(r, guestMac);
            while (r.next()) {
                // the rest is read only to find out whether every record is one
            }
            return new PcapScan(anchor, r.wholeRecords(), r.cutShort());
        }
    }

    /** Reads {@code r} up to the anchor; null without a SYN (then the whole pcap was read). */
    private static PcapAnchor anchor(PcapReader r, byte[] guestMac) {
        byte[] mac = guestMac;
        long burstStart = -1;
        long burstRecord = -1;
        long lastRx = Long.MIN_VALUE;
        while (r.next()) {
            byte[] f = r.frame();
            int len = r.length();
            boolean syn = PcapReader.isTcpSyn(f, len);
            if (mac == null) {
                if (!syn) {
                    continue;
                }
                mac = java.util.Arrays.copyOfRange(f, 0, 6);
                return new PcapAnchor(r.timeNs(), r.record(), mac); // no direction known before this frame
            }
            if (PcapReader.sourceIs(f, len, mac)) {
                continue; // guest to host
            }
            long t = r.timeNs();
            if (burstStart < 0 || t - lastRx >= BURST_GAP_NS) {
                burstStart = t;
                burstRecord = r.record();
            }
            lastRx = t;
            if (syn) {
                return new PcapAnchor(burstStart, burstRecord, mac);
            }
        }
        return null;
    }

    static String macString(byte[] mac) {
        if (mac == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            sb.append(i == 0 ? "" : ":").append(String.format("%02x", mac[i] & 0xff));
        }
        return sb.toString();
    }

    static byte[] parseMac(String s) {
        if (s == null) {
            return null;
        }
        String[] parts = s.split(":");
        if (parts.length != 6) {
            return null;
        }
        byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) {
            try {
                mac[i] = (byte) Integer.parseInt(parts[i], 16);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return mac;
    }
}
