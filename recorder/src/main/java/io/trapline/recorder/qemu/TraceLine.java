package io.trapline.recorder.qemu;

import java.nio.charset.StandardCharsets;

/**
 * One QEMU trace-event line, parsed in place (no allocation): the optional {@code TID@SECONDS.MICROS:} prefix
 * written by {@code -msg timestamp=on}-era simple/log backends, the event name, and a scanner over the
 * arguments. Scanning methods never throw: a mismatch sets {@link #bad()} and records why, so the caller
 * can report the line as malformed.
 */
final class TraceLine {
    private byte[] b;
    private int end;
    private boolean hasPrefix;
    private long tid;
    private long timeNs;
    private int nameStart;
    private int nameEnd;
    private int p;
    private String problem;

    /** Parses prefix and event name; false (with {@link #problem()}) when the line is not a trace event. */
    boolean parse(byte[] buf, int start, int end) {
        this.b = buf;
        this.end = end;
        this.problem = null;
        int i = start;
        hasPrefix = false;
        if (i < end && isDigit(buf[i])) {
            long t = 0;
            int digits = 0;
            while (i < end && isDigit(buf[i])) {
                t = t * 10 + (buf[i++] - '0');
                if (++digits > 18) {
                    return fail("thread id too long");
                }
            }
            if (i >= end || buf[i] != '@') {
                return fail("line starts with digits but has no TID@SECONDS.MICROS: prefix");
            }
            tid = t;
            i++;
            long sec = 0;
            digits = 0;
            while (i < end && isDigit(buf[i])) {
                sec = sec * 10 + (buf[i++] - '0');
                if (++digits > 12) {
                    return fail("timestamp seconds too long");
                }
            }
            if (digits == 0 || i >= end || buf[i] != '.') {
                return fail("bad timestamp in prefix");
            }
            i++;
            long frac = 0;
            int fd = 0;
            while (i < end && isDigit(buf[i])) {
                if (fd < 9) {
                    frac = frac * 10 + (buf[i] - '0');
                    fd++;
                } else {
                    return fail("timestamp fraction too long");
                }
                i++;
            }
            if (fd == 0 || i >= end || buf[i] != ':') {
                return fail("bad timestamp in prefix");
            }
            for (int k = fd; k < 9; k++) {
                frac *= 10;
            }
            timeNs = sec * 1_000_000_000L + frac;
            hasPrefix = true;
            i++;
        }
        nameStart = i;
        while (i < end && isNameChar(buf[i])) {
            i++;
        }
        nameEnd = i;
        if (nameEnd == nameStart) {
            return fail("no event name");
        }
        if (i < end && buf[i] != ' ') {
            return fail("bad character after event name");
        }
        p = i < end ? i + 1 : i;
        return true;
    }

    private boolean fail(String why) {
        problem = why;
        return false;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isNameChar(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (c >= 'A' && c <= 'Z');
    }

    boolean hasPrefix() {
        return hasPrefix;
    }

    long tid() {
        return tid;
    }

    /** The prefix time as ns since the epoch (µs resolution in QEMU's output). */
    long timeNs() {
        return timeNs;
    }

    byte[] bytes() {
        return b;
    }

    int nameStart() {
        return nameStart;
    }

    int nameEnd() {
        return nameEnd;
    }

    boolean nameIs(byte[] name) {
        int len = nameEnd - nameStart;
        if (len != name.length) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            if (b[nameStart + k] != name[k]) {
                return false;
            }
        }
        return true;
    }

    String name() {
        return new String(b, nameStart, nameEnd - nameStart, StandardCharsets.US_ASCII);
    }

    /** Why the line (or an argument) did not parse, or null. */
    String problem() {
        return problem;
    }

    boolean bad() {
        return problem != null;
    }

    /** Marks the line malformed (first reason wins). */
    void reject(String why) {
        if (problem == null) {
            problem = why;
        }
    }

    // ---- argument scanning ----

    void spaces() {
        skipSpaces();
    }

    private void skipSpaces() {
        while (p < end && b[p] == ' ') {
            p++;
        }
    }

    /** Expects the literal word (e.g. {@code cpu}, {@code ->}) as the next token. */
    void word(byte[] w) {
        if (problem != null) {
            return;
        }
        skipSpaces();
        int n = w.length;
        if (p + n > end) {
            reject("expected '" + new String(w, StandardCharsets.US_ASCII) + "'");
            return;
        }
        for (int k = 0; k < n; k++) {
            if (b[p + k] != w[k]) {
                reject("expected '" + new String(w, StandardCharsets.US_ASCII) + "'");
                return;
            }
        }
        p += n;
        if (p < end && b[p] != ' ') {
            reject("expected '" + new String(w, StandardCharsets.US_ASCII) + "'");
        }
    }

    /** A signed decimal integer. */
    long dec() {
        if (problem != null) {
            return 0;
        }
        skipSpaces();
        boolean neg = false;
        if (p < end && b[p] == '-') {
            neg = true;
            p++;
        }
        int s = p;
        long v = 0;
        while (p < end && isDigit(b[p])) {
            v = v * 10 + (b[p++] - '0');
            if (p - s > 18) {
                reject("number too long");
                return 0;
            }
        }
        if (p == s) {
            reject("expected a decimal number");
            return 0;
        }
        return neg ? -v : v;
    }

    /** A hexadecimal number with optional {@code 0x}; up to 64 bits. */
    long hex() {
        if (problem != null) {
            return 0;
        }
        skipSpaces();
        if (p + 1 < end && b[p] == '0' && (b[p + 1] == 'x' || b[p + 1] == 'X')) {
            p += 2;
        }
        int s = p;
        long v = 0;
        while (p < end) {
            int d = hexDigit(b[p]);
            if (d < 0) {
                break;
            }
            v = (v << 4) | d;
            p++;
        }
        int n = p - s;
        if (n == 0) {
            reject("expected a hex number");
            return 0;
        }
        if (n > 16) {
            reject("hex number wider than 64 bits");
        }
        return v;
    }

    /** Expects exactly the byte {@code c} next (no spaces skipped). */
    void punct(char c) {
        if (problem != null) {
            return;
        }
        if (p < end && b[p] == c) {
            p++;
        } else {
            reject("expected '" + c + "'");
        }
    }

    /** Skips one space-delimited token; returns its start (end via {@link #position()}). */
    int token() {
        if (problem != null) {
            return p;
        }
        skipSpaces();
        int s = p;
        while (p < end && b[p] != ' ') {
            p++;
        }
        if (p == s) {
            reject("missing argument");
        }
        return s;
    }

    int position() {
        return p;
    }

    /** A single-quoted string running to the closing quote at the end of the line; returns its start. */
    int quotedToEnd() {
        if (problem != null) {
            return p;
        }
        skipSpaces();
        if (p >= end || b[p] != '\'' || end - p < 2 || b[end - 1] != '\'') {
            reject("expected a quoted name");
            return p;
        }
        int s = p + 1;
        p = end;
        return s;
    }

    int end() {
        return end;
    }

    /** A PCI address {@code BB:DD.F}, packed as bus<<8 | dev<<3 | fn. */
    int bdf() {
        if (problem != null) {
            return 0;
        }
        skipSpaces();
        int bus = hexField(2);
        punct(':');
        int dev = hexField(2);
        punct('.');
        int fn = hexField(1);
        if (problem == null && (dev > 31 || fn > 7)) {
            reject("bad PCI address");
        }
        return (bus << 8) | (dev << 3) | fn;
    }

    private int hexField(int max) {
        if (problem != null) {
            return 0;
        }
        int s = p;
        int v = 0;
        while (p < end && p - s < max) {
            int d = hexDigit(b[p]);
            if (d < 0) {
                break;
            }
            v = (v << 4) | d;
            p++;
        }
        if (p == s) {
            reject("bad PCI address");
        }
        return v;
    }

    private static int hexDigit(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** The next {@code n} bytes equal {@code w} (after spaces); consumes them when they do. */
    boolean peekWord(byte[] w) {
        skipSpaces();
        if (p + w.length > end) {
            return false;
        }
        for (int k = 0; k < w.length; k++) {
            if (b[p + k] != w[k]) {
                return false;
            }
        }
        p += w.length;
        return true;
    }

    /** Requires that nothing but spaces is left. */
    void done() {
        if (problem != null) {
            return;
        }
        skipSpaces();
        if (p != end) {
            reject("unexpected text after the arguments");
        }
    }

    /** The line's text, shortened and with control bytes shown as '?', for reports. */
    static String excerpt(byte[] buf, int start, int end) {
        int n = Math.min(end - start, 120);
        StringBuilder sb = new StringBuilder(n + 3);
        for (int k = 0; k < n; k++) {
            int c = buf[start + k] & 0xff;
            sb.append(c < 0x20 || c >= 0x7f ? '?' : (char) c);
        }
        if (end - start > n) {
            sb.append("...");
        }
        return sb.toString();
    }
}
