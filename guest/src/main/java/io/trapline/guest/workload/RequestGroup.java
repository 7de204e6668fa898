package io.trapline.guest.workload;

import io.trapline.guest.http.HttpServer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code COUNTxSIZE}: that many requests for a body of that many bytes. */
public record RequestGroup(int count, long size) {
    /** The shared captures' workload: 200 GETs of 1 KiB, then 20 of 64 KiB. */
    public static final String DEFAULT = "200x1024,20x65536";

    public RequestGroup {
        if (count <= 0 || size < 0) {
            throw new IllegalArgumentException("request group needs count > 0 and size >= 0: " + count + "x" + size);
        }
    }

    /** Parses {@code COUNTxSIZE[,COUNTxSIZE...]}; sizes may end in k or m (KiB, MiB). */
    public static List<RequestGroup> parseList(String text) {
        List<RequestGroup> groups = new ArrayList<>();
        // -1 keeps empty parts: a stray comma ("5x1024,") is a mistake to report, not to drop
        String[] parts = text.split(",", -1);
        for (String part : parts) {
            if (part.isBlank() && parts.length > 1) {
                throw new IllegalArgumentException("empty request group in '" + text + "' (a stray comma?)");
            }
            groups.add(parse(part.trim()));
        }
        return List.copyOf(groups);
    }

    public static RequestGroup parse(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        int x = t.indexOf('x');
        if (x <= 0 || x == t.length() - 1) {
            throw new IllegalArgumentException("expected COUNTxSIZE, got '" + text + "'");
        }
        String count = t.substring(0, x);
        int n;
        try {
            n = Integer.parseInt(count);
        } catch (NumberFormatException e) {
            String why = count.chars().allMatch(Character::isDigit) ? "count " + count + " is larger than " + Integer.MAX_VALUE
                    : "expected COUNTxSIZE";
            throw new IllegalArgumentException(why + ", got '" + text + "'", e);
        }
        try {
            return new RequestGroup(n, parseSize(t.substring(x + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected COUNTxSIZE, got '" + text + "'", e);
        }
    }

    /** The sizes {@link #parseSize} takes, in words for error messages. */
    static final String SIZES = "0 to " + HttpServer.MAX_BODY
            + " bytes (1 TiB, the HTTP server's limit), written as bytes or with k or m (KiB, MiB)";

    /**
     * Bytes from {@code 1024}, {@code 64k} or {@code 16m}, at most {@link HttpServer#MAX_BODY} (the guest's HTTP
     * server answers larger requests with 404, so such a workload could only fail).
     */
    public static long parseSize(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("k")) {
            unit = 1024;
        } else if (t.endsWith("m")) {
            unit = 1024 * 1024;
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        long bytes;
        try {
            bytes = Math.multiplyExact(Long.parseLong(digits), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            bytes = -1;
        }
        if (bytes < 0 || bytes > HttpServer.MAX_BODY) {
            throw new IllegalArgumentException("size '" + text + "': expected " + SIZES);
        }
        return bytes;
    }

    @Override
    public String toString() {
        return count + "x" + size;
    }
}
