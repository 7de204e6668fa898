package io.trapline.cli;

import io.trapline.analysis.KickRegisters;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.MeasuredInterval;
import io.trapline.recorder.embedded.WindowSummary;
import io.trapline.replay.CaptureDiff;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** {@code trapline diff A B}: behaviour side by side, and, for captures of the same inputs, every output difference. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compare two captures: accesses per packet by register, kicks, interrupts, with deltas;",
                "when both were driven by the same inputs, every output that differs, and (embedded captures) where the same events "
                        + "first come at other virtual times. Exit 0 same outputs at the same times, 1 different, 2 error."})
final class DiffCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "A", description = "First capture.")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "Second capture.")
    Path b;

    @Option(names = "--max-differences", paramLabel = "N", defaultValue = "20", description = "List at most N output differences (default ${DEFAULT-VALUE}).")
    int max;

    @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES}.")
    OutputFormat format;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (max < 1) {
            throw new UserError("--max-differences: must be at least 1, got " + max);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (CaptureReader ra = CaptureReader.open(a); CaptureReader rb = CaptureReader.open(b)) {
            Measured sa = summary(ra);
            Measured sb = summary(rb);
            CaptureDiff.Result d = CaptureDiff.diff(ra, rb, max);
            boolean same = d.sameInputs() && d.differences().isEmpty() && d.timesDifferAt() == null;
            if (format == OutputFormat.json) {
                printJson(out, sa, sb, d);
            } else {
                printText(out, sa, sb, d);
            }
            UnreadableTailWarnings warnings = new UnreadableTailWarnings(spec);
            warnings.warn(d.unreadableTails());
            warnings.incomplete(a);
            warnings.incomplete(b);
            return same ? 0 : 1;
        }
    }

    /** What a capture's counts cover: {@code phase} as analyze measures it ("window", "workload"), or null for all of it. */
    private record Measured(String phase, WindowSummary counts) {
    }

    /** Counted where analyze counts ({@link MeasuredInterval}); kicks without a write on analyze's register. */
    private static Measured summary(CaptureReader r) {
        MeasuredInterval at = MeasuredInterval.of(r);
        return new Measured(at.phase(), WindowSummary.ofRange(r, at.startNs(), at.endNs(), new KickRegisters(r.metadata())));
    }

    private static String interval(Measured m) {
        return m.phase() == null ? "whole capture (no window or workload phase)"
                : m.phase().equals("window") ? "window phase (work_start .. work_end + 0.25 s, as analyze)"
                : m.phase() + " phase (no window phase; as analyze)";
    }

    private static double per(long n, long d) {
        return d == 0 ? 0 : (double) n / d;
    }

    private void printText(PrintWriter out, Measured ma, Measured mb, CaptureDiff.Result d) {
        WindowSummary sa = ma.counts();
        WindowSummary sb = mb.counts();
        if (java.util.Objects.equals(ma.phase(), mb.phase())) {
            out.println("counts cover each capture's " + interval(ma));
        } else {
            out.println("counts cover A's " + interval(ma) + ", B's " + interval(mb));
        }
        out.printf(Locale.ROOT, "%-34s %14s %14s %10s%n", "", "A", "B", "delta");
        row(out, "packets", sa.packets(), sb.packets());
        row(out, "NIC accesses", sa.accesses(), sb.accesses());
        rowD(out, "NIC accesses per packet", per(sa.accesses(), sa.packets()), per(sb.accesses(), sb.packets()));
        row(out, "kicks", sa.kicks(), sb.kicks());
        rowD(out, "kicks per packet", per(sa.kicks(), sa.packets()), per(sb.kicks(), sb.packets()));
        row(out, "interrupts", sa.interrupts(), sb.interrupts());
        rowD(out, "interrupts per packet", per(sa.interrupts(), sa.packets()), per(sb.interrupts(), sb.packets()));
        out.println("accesses per packet by register:");
        for (String reg : new TreeSet<>(union(sa, sb))) {
            rowD(out, "  " + reg, per(sa.byRegister().getOrDefault(reg, 0L), sa.packets()),
                    per(sb.byRegister().getOrDefault(reg, 0L), sb.packets()));
        }
        out.println();
        if (d.inputsDifferAt() != null) {
            out.println("inputs differ (" + d.inputsDifferAt() + "): not the same run; outputs compared up to there: "
                    + d.inputsCompared() + " inputs");
        } else if (d.truncated()) {
            out.printf("same inputs as far as compared (%,d; stopped at --max-differences %d)%n", d.inputsCompared(), max);
        } else {
            out.printf("same inputs (%,d compared)%n", d.inputsCompared());
        }
        if (d.timesDifferAt() != null) {
            out.println("times differ (" + d.timesDifferAt() + "): the same events from there on come at other virtual times");
        }
        if (d.differences().isEmpty()) {
            out.println("0 output differences");
        } else {
            out.printf("%d output difference%s%s:%n", d.differences().size(), d.differences().size() == 1 ? "" : "s",
                    d.truncated() ? " (stopped at --max-differences " + max + ")" : "");
            int i = 0;
            for (CaptureDiff.Difference x : d.differences()) {
                out.printf(Locale.ROOT, "#%d  A seq %d / B seq %d  time %s s  %s%n      A: %s%n      B: %s%n", ++i,
                        x.sequenceA(), x.sequenceB(), Durations.seconds(x.timeNs()), x.what(), x.a(), x.b());
            }
        }
    }

    private static java.util.Set<String> union(WindowSummary a, WindowSummary b) {
        java.util.Set<String> s = new TreeSet<>(a.byRegister().keySet());
        s.addAll(b.byRegister().keySet());
        return s;
    }

    private static void row(PrintWriter out, String what, long x, long y) {
        out.printf(Locale.ROOT, "%-34s %,14d %,14d %+10d%n", what, x, y, y - x);
    }

    private static void rowD(PrintWriter out, String what, double x, double y) {
        out.printf(Locale.ROOT, "%-34s %14.3f %14.3f %+10.3f%n", what, x, y, y - x);
    }

    private void printJson(PrintWriter out, Measured sa, Measured sb, CaptureDiff.Result d) throws Exception {
        // snake_case keys, as every other key here and replay's JSON
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        ObjectNode root = json.createObjectNode();
        for (Measured m : new Measured[] {sa, sb}) {
            ObjectNode side = root.putObject(m == sa ? "a" : "b");
            side.put("phase", m.phase()); // null: the whole capture, as analyze's windows table says it
            side.setAll((ObjectNode) json.valueToTree(m.counts()));
            side.set("interval_ns", side.remove("window_ns")); // the interval counted in, a window phase or not
        }
        if (d.truncated()) {
            root.putNull("same_inputs"); // not known: the inputs after the last difference listed were not compared
        } else {
            root.put("same_inputs", d.sameInputs());
        }
        root.put("inputs_compared", d.inputsCompared());
        root.put("stopped_early", d.truncated());
        if (d.inputsDifferAt() != null) {
            root.put("inputs_differ_at", d.inputsDifferAt());
        }
        if (d.timesDifferAt() != null) {
            root.put("times_differ_at", d.timesDifferAt()); // embedded captures: the same events at other virtual times
        }
        ArrayNode diffs = root.putArray("differences");
        for (CaptureDiff.Difference x : d.differences()) {
            ObjectNode o = diffs.addObject();
            o.put("sequence_a", x.sequenceA());
            o.put("sequence_b", x.sequenceB());
            o.put("time_ns", x.timeNs());
            o.put("what", x.what());
            o.put("a", x.a());
            o.put("b", x.b());
            if (x.firstByteDiff() >= 0) {
                o.put("first_byte_diff", x.firstByteDiff());
            }
        }
        out.println(json.writeValueAsString(root));
    }
}
