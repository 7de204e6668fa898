package io.trapline.recorder.qemu;

import io.trapline.recorder.IoErrors;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Streams a classic libpcap file (the format QEMU's {@code filter-dump} writes): either byte order, micro- or
 * nanosecond timestamps, Ethernet link type. One reusable frame buffer. A record that no pcap writer produces (a
 * frame longer than {@link #MAX_FRAME} or than the frame it was captured from, shorter than an Ethernet header, a time
 * stamp fraction of a second or more) is refused with a {@link PcapFileException} naming the file, the record and its
 * byte offset: the records after it cannot be found. A last record cut short (a capture stopped while writing) ends the
 * stream instead, described by {@link #cutShort()}: the frames before it stay usable. A compressed pcap whose xz or
 * gzip stream breaks off or does not decode is refused as a whole, as a compressed trace is: a
 * {@link PcapFileException} naming the file and the last whole record before the break.
 */
final class PcapReader implements AutoCloseable {
    static final int LINKTYPE_ETHERNET = 1;
    /** Largest frame accepted (a 64 KiB GSO frame plus headers). */
    static final int MAX_FRAME = 256 * 1024;
    /** Smallest frame accepted: an Ethernet header. */
    static final int MIN_FRAME = 14;
    static final int FILE_HEADER = 24;

    private final InputStream in;
    private final String file;
    private final boolean swapped;
    private final boolean nanos;
    private final byte[] header = new byte[16];
    private final byte[] frame = new byte[MAX_FRAME];
    private long record;
    /** Records read whole, and whether the 24-byte file header was (where a damaged compressed stream breaks off). */
    private long whole;
    private boolean headerRead;
    private long timeNs;
    private int length;
    /** Bytes of the (decompressed) pcap read so far, and where the current record starts. */
    private long offset;
    private long recordOffset;
    private String cutShort;

    PcapReader(InputStream in, String file) {
        this.in = in;
        this.file = file;
        byte[] g = new byte[FILE_HEADER];
        int n = readFully(g, FILE_HEADER);
        if (n < FILE_HEADER) {
            throw new PcapFileException(file + ": not a pcap file (shorter than the 24-byte header)");
        }
        long magic = le32(g, 0);
        switch ((int) magic) {
            case 0xa1b2c3d4 -> { swapped = false; nanos = false; }
            case 0xa1b23c4d -> { swapped = false; nanos = true; }
            case 0xd4c3b2a1 -> { swapped = true; nanos = false; }
            case 0x4d3cb2a1 -> { swapped = true; nanos = true; }
            default -> throw new PcapFileException(file + ": not a classic pcap file (magic 0x"
                    + Long.toHexString(magic) + "; pcapng is not supported)");
        }
        long linkType = u32(g, 20) & 0x0fffffff;
        if (linkType != LINKTYPE_ETHERNET) {
            throw new PcapFileException(file + ": pcap link type " + linkType + " is not Ethernet (1)");
        }
        headerRead = true;
    }

    /**
     * Next frame; false at the end or at a last record cut short (then {@link #cutShort()} says where). Throws a
     * {@link PcapFileException} at a record no pcap writer produces.
     */
    boolean next() {
        if (cutShort != null) {
            return false;
        }
        recordOffset = offset;
        int n = readFully(header, 16);
        if (n == 0) { // the end (of a compressed stream, too: one that breaks off throws instead)
            return false;
        }
        record++;
        if (n < 16) {
            return cutShort("after " + n + " of its 16 header bytes");
        }
        long sec = u32(header, 0);
        long sub = u32(header, 4);
        long incl = u32(header, 8);
        long orig = u32(header, 12);
        if (sub >= (nanos ? 1_000_000_000L : 1_000_000L)) {
            throw malformed("time stamp fraction " + sub + (nanos ? " ns" : " us") + " is a second or more");
        }
        if (incl > MAX_FRAME) {
            throw malformed("frame length " + incl + " exceeds " + MAX_FRAME + " bytes");
        }
        if (incl < MIN_FRAME) {
            throw malformed("frame length " + incl + " is shorter than an Ethernet header (" + MIN_FRAME + " bytes)");
        }
        if (incl > orig) {
            throw malformed("frame length " + incl + " exceeds the length of the frame it was captured from (" + orig
                    + ")");
        }
        int got = readFully(frame, (int) incl);
        if (got < incl) {
            return cutShort("after " + got + " of its " + incl + " frame bytes");
        }
        timeNs = sec * 1_000_000_000L + (nanos ? sub : sub * 1000);
        length = (int) incl;
        whole++;
        return true;
    }

    /** Where the current record starts, in words: the file's byte offset, or the decompressed data's. */
    private String where() {
        return "record " + record + " at " + (in instanceof DecompressingReader ? "decompressed " : "") + "byte offset "
                + recordOffset;
    }

    /**
     * A record no pcap writer produces. In a compressed pcap it may be what a damaged xz or gzip stream decoded to
     * before its check failed: the rest of the stream is decoded first, and a stream that breaks off or does not decode
     * is refused as such.
     */
    private PcapFileException malformed(String what) {
        checkCompressedStream();
        return new PcapFileException(file + ": " + where() + ": " + what + "; not a pcap record (a damaged file?),"
                + " nothing imported");
    }

    /** Ends the stream at a record the file ends inside (in a compressed pcap: once the stream proves whole). */
    private boolean cutShort(String what) {
        checkCompressedStream();
        cutShort = "the pcap ends inside " + where() + " (" + what + ")";
        return false;
    }

    /** Decodes the rest of a compressed pcap (a damaged part of it is refused); nothing for a plain one. */
    private void checkCompressedStream() {
        if (in instanceof DecompressingReader) {
            while (readFully(frame, frame.length) == frame.length) {
                // decoded only to find out whether the stream is whole
            }
        }
    }

    private int readFully(byte[] b, int len) {
        int off = 0;
        while (off < len) {
            int r;
            try {
                r = in.read(b, off, len - off);
            } catch (IOException e) {
                if (in instanceof DecompressingReader d) {
                    throw damaged(d, e);
                }
                throw new PcapFileException(file + ": cannot read after byte offset " + (offset + off) + ": "
                        + IoErrors.describe(e) + "; nothing imported", e);
            }
            if (r < 0) {
                break;
            }
            off += r;
        }
        offset += off;
        return off;
    }

    /** A compressed pcap whose stream broke off or does not decode, named with the last whole record before it. */
    private PcapFileException damaged(DecompressingReader d, IOException e) {
        String where = headerRead ? "after record " + whole : "before the first record";
        String what = e instanceof EOFException ? "truncated " + d.format() + " data: the stream breaks off " + where
                : "corrupt " + d.format() + " data " + where + " (" + IoErrors.describe(e) + ")";
        return new PcapFileException(file + ": " + what + "; nothing imported", e);
    }

    private long u32(byte[] b, int o) {
        return swapped ? be32(b, o) : le32(b, o);
    }

    private static long le32(byte[] b, int o) {
        return (b[o] & 0xffL) | (b[o + 1] & 0xffL) << 8 | (b[o + 2] & 0xffL) << 16 | (b[o + 3] & 0xffL) << 24;
    }

    private static long be32(byte[] b, int o) {
        return (b[o + 3] & 0xffL) | (b[o + 2] & 0xffL) << 8 | (b[o + 1] & 0xffL) << 16 | (b[o] & 0xffL) << 24;
    }

    long record() {
        return record;
    }

    long timeNs() {
        return timeNs;
    }

    byte[] frame() {
        return frame;
    }

    int length() {
        return length;
    }

    /** Records read whole so far. */
    long wholeRecords() {
        return whole;
    }

    /** Where the last record is cut short ("the pcap ends inside record N at byte offset O (...)"); else null. */
    String cutShort() {
        return cutShort;
    }

    String file() {
        return file;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // nothing useful to do: the frames were already read
        }
    }

    // ---- Ethernet/IPv4/TCP facts used for direction and alignment ----

    /** Source MAC of an Ethernet frame equals {@code mac} (6 bytes). */
    static boolean sourceIs(byte[] f, int len, byte[] mac) {
        if (len < 14 || mac == null) {
            return false;
        }
        for (int i = 0; i < 6; i++) {
            if (f[6 + i] != mac[i]) {
                return false;
            }
        }
        return true;
    }

    /** An IPv4 TCP segment with SYN set and ACK clear (a connection request). */
    static boolean isTcpSyn(byte[] f, int len) {
        if (len < 34 || f[12] != 0x08 || f[13] != 0x00 || (f[14] & 0xf0) != 0x40 || f[23] != 6) {
            return false;
        }
        int ihl = (f[14] & 0x0f) * 4;
        int tcp = 14 + ihl;
        if (ihl < 20 || len < tcp + 14) {
            return false;
        }
        int flags = f[tcp + 13] & 0xff;
        return (flags & 0x02) != 0 && (flags & 0x10) == 0;
    }
}
