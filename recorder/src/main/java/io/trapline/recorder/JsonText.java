package io.trapline.recorder;

/**
 * JSON strings (RFC 8259) written by hand where a document is laid out as it streams: capture.json, `inspect`'s
 * JSON lines, the timeline export. Quotes, backslashes and control characters are escaped as Jackson escapes them
 * (short forms where JSON has one, else {@code \}{@code u00XX}), everything else is kept as is.
 */
public final class JsonText {
    private static final String HEX = "0123456789ABCDEF";

    private JsonText() {
    }

    /** Appends {@code s} as a JSON string, quotes included. */
    public static void quote(StringBuilder out, String s) {
        out.append('"');
        escape(out, s);
        out.append('"');
    }

    /** Appends {@code s} escaped for the inside of a JSON string. */
    public static void escape(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xF));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
