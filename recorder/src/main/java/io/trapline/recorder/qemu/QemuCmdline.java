package io.trapline.recorder.qemu;

import java.util.ArrayList;
import java.util.List;

/**
 * The QEMU command line saved next to a trace ({@code qemu-cmdline.txt}): arguments separated by spaces,
 * with shell-style backslash escapes ({@code \ }, {@code \,}). Gives the accelerator and the NIC
 * {@code -device} options (in command-line order).
 */
record QemuCmdline(String text, List<String> args) {

    static QemuCmdline parse(String text) {
        List<String> args = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean any = false;
        String t = text.strip();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\\' && i + 1 < t.length()) {
                cur.append(t.charAt(++i));
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any) {
                    args.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (any) {
            args.add(cur.toString());
        }
        return new QemuCmdline(t, List.copyOf(args));
    }

    /** {@code tcg}, {@code kvm}, ... from -accel, -machine accel=, or -enable-kvm; null when not stated. */
    String accelerator() {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-enable-kvm") || a.equals("--enable-kvm")) {
                return "kvm";
            }
            if ((a.equals("-accel") || a.equals("--accel")) && i + 1 < args.size()) {
                String v = args.get(i + 1);
                int comma = v.indexOf(',');
                return comma < 0 ? v : v.substring(0, comma);
            }
            if ((a.equals("-machine") || a.equals("-M")) && i + 1 < args.size()) {
                for (String part : args.get(i + 1).split(",")) {
                    if (part.startsWith("accel=")) {
                        return part.substring(6).split(":")[0];
                    }
                }
            }
        }
        return null;
    }

    /** The option strings of {@code -device} arguments whose driver is a NIC model the importer knows. */
    List<String> nicDevices() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("-device") || args.get(i).equals("--device")) {
                String opts = args.get(i + 1);
                String driver = opts.split(",", 2)[0];
                if (PciNic.modelOf(driver) != null) {
                    out.add(opts);
                }
            }
        }
        return out;
    }

    /** The value of {@code key=} in a -device option string, or null. */
    static String option(String deviceOptions, String key) {
        for (String part : deviceOptions.split(",")) {
            if (part.startsWith(key + "=")) {
                return part.substring(key.length() + 1);
            }
        }
        return null;
    }
}
