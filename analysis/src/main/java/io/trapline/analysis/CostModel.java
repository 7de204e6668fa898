package io.trapline.analysis;

import io.trapline.recorder.SmallFiles;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Cycles per exit class, and the CPU clock that turns cycles into a CPU share. Defaults are the anchors of
 * shared/docs/FACTS.md ("What an exit costs"); each carries its source, shown by {@code analyze --explain-costs}.
 * Overrides come from a small file ({@code class = cycles} lines, {@code #} comments, {@code cpu_hz = ...})
 * or from {@code --cost class=cycles} flags.
 */
public final class CostModel {
    /** One price and where it comes from. */
    public record Cost(long cycles, String source) {
    }

    private static final double MAX_CYCLES = 1e9;
    private static final double MIN_CPU_HZ = 1e6;
    private static final double MAX_CPU_HZ = 1e12;

    /** The CPU clock assumed when turning cycles per second into a share of one CPU. */
    public static final double DEFAULT_CPU_HZ = 3.0e9;

    private final Map<ExitClass, Cost> costs;
    private final double cpuHz;
    private final String cpuHzSource;

    private CostModel(Map<ExitClass, Cost> costs, double cpuHz, String cpuHzSource) {
        this.costs = costs;
        this.cpuHz = cpuHz;
        this.cpuHzSource = cpuHzSource;
    }

    public static CostModel defaults() {
        Map<ExitClass, Cost> m = new EnumMap<>(ExitClass.class);
        String testdev = "QEMU docs/specs/pci-testdev.rst and kvm-unit-tests (FACTS.md, 'What an exit costs')";
        m.put(ExitClass.TCG_ACCESS, new Cost(0, "no VM exit under TCG (the access is a call into the device model);"
                + " FACTS.md gives no anchor, set one with --cost tcg_access=N"));
        m.put(ExitClass.MMIO, new Cost(8_800, "MMIO exit to the userspace device model and back: " + testdev));
        m.put(ExitClass.PIO, new Cost(5_300, "PIO exit to userspace and back: " + testdev));
        m.put(ExitClass.MMIO_IOEVENTFD, new Cost(3_600, "MMIO write absorbed in-kernel by ioeventfd: " + testdev));
        m.put(ExitClass.PIO_IOEVENTFD, new Cost(1_760, "PIO write absorbed by ioeventfd: " + testdev));
        m.put(ExitClass.PCI_CFG, new Cost(10_600, "two PIO exits to userspace (address port 0xCF8, data port 0xCFC),"
                + " 2 x 5,300: " + testdev));
        m.put(ExitClass.IRQCHIP, new Cost(3_600, "exit handled by KVM's in-kernel LAPIC/IOAPIC: priced as the"
                + " in-kernel MMIO exit path (the ioeventfd figure, " + testdev + "); without APICv/PV-EOI"));
        return new CostModel(m, DEFAULT_CPU_HZ, "assumed 3.0 GHz host clock; set with --cost cpu_hz=N");
    }

    public long cycles(ExitClass c) {
        return costs.get(c).cycles();
    }

    public Cost cost(ExitClass c) {
        return costs.get(c);
    }

    public double cpuHz() {
        return cpuHz;
    }

    public String cpuHzSource() {
        return cpuHzSource;
    }

    /** This model with {@code key = value} applied ({@code key} an exit class label or {@code cpu_hz}). */
    public CostModel with(String key, String value, String source) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        double v;
        try {
            v = Double.parseDouble(value.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new AnalysisException(source + ": '" + value.trim() + "' is not a number (for " + key.trim() + ")");
        }
        boolean hz = k.equals("cpu_hz");
        // Bounds that keep sums of a capture's cycles inside a long and overheads finite: no exit costs a second of a
        // 1 GHz CPU, and a clock is between 1 MHz and 1 THz.
        boolean ok = hz ? v >= MIN_CPU_HZ && v <= MAX_CPU_HZ : v >= 0 && v <= MAX_CYCLES;
        if (!ok) {
            throw new AnalysisException(source + ": " + key.trim() + " must be " + (hz
                    ? "a clock rate from 1e6 to 1e12 Hz" : "a number of cycles from 0 to 1e9") + ", got " + value.trim());
        }
        if (hz) {
            return new CostModel(costs, v, "set by " + source);
        }
        ExitClass c = ExitClass.ofLabel(k);
        if (c == null) {
            throw new AnalysisException(source + ": unknown exit class '" + key.trim() + "' (known: " + classLabels()
                    + ", cpu_hz)");
        }
        Map<ExitClass, Cost> m = new EnumMap<>(costs);
        m.put(c, new Cost(Math.round(v), "set by " + source));
        return new CostModel(m, cpuHz, cpuHzSource);
    }

    /** Applies {@code class=cycles} flags. */
    public CostModel withFlags(List<String> flags) {
        CostModel m = this;
        if (flags != null) {
            for (String f : flags) {
                int eq = f.indexOf('=');
                if (eq <= 0) {
                    throw new AnalysisException("--cost: expected CLASS=CYCLES, got '" + f + "'");
                }
                m = m.with(f.substring(0, eq), f.substring(eq + 1), "--cost");
            }
        }
        return m;
    }

    /** Applies a cost file: {@code class = cycles} per line, blank lines and {@code #} comments ignored. */
    public CostModel withFile(Path file) {
        List<String> lines;
        try {
            lines = SmallFiles.readText(file, SmallFiles.COST_FILE).lines().toList();
        } catch (NoSuchFileException e) {
            throw new AnalysisException(file + ": no such cost file");
        } catch (SmallFiles.UnsuitableFileException e) {
            throw new AnalysisException("--costs: " + file + ": " + e.getMessage());
        } catch (IOException e) {
            throw new AnalysisException(file + ": cannot read: " + io.trapline.recorder.IoErrors.describe(e));
        }
        CostModel m = this;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                eq = line.indexOf(':');
            }
            if (eq <= 0) {
                throw new AnalysisException(file + ":" + (i + 1) + ": expected 'class = cycles', got '" + line.trim() + "'");
            }
            m = m.with(line.substring(0, eq), line.substring(eq + 1), file + ":" + (i + 1));
        }
        return m;
    }

    private static String classLabels() {
        StringBuilder sb = new StringBuilder();
        for (ExitClass c : ExitClass.values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(c.label());
        }
        return sb.toString();
    }

    /** A table of every class, its cycles and source, for {@code --explain-costs}. */
    public String explain() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-15s %8s  %s%n", "class", "cycles", "source"));
        for (ExitClass c : ExitClass.values()) {
            Cost cost = costs.get(c);
            sb.append(String.format("%-15s %,8d  %s%n", c.label(), cost.cycles(), cost.source()));
        }
        sb.append(String.format("%-15s %,8.0f  %s%n", "cpu_hz", cpuHz, cpuHzSource));
        sb.append("Not priced: coalesced MMIO writes (no exit: a ring entry applied at the next exit, KVM API doc),"
                + " interrupt injection (reported as interrupts per packet).\n");
        return sb.toString();
    }
}
