package io.trapline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trapline.sql.CaptureComparison;
import io.trapline.sql.SqlSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code trapline analyze}: captures side by side: packets, accesses, exits and cycles per packet per profile. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Compare captures side by side: requests, packets, NIC accesses, exits per packet under each"
                + " hypervisor profile, interrupts per packet, kicks, cycles per packet, CPU overhead, top registers.",
                "Measured in the phase given by --phase, else in 'window' or 'workload' when the capture has it,"
                        + " else over the whole capture."})
final class AnalyzeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CAPTURE", arity = "0..*", description = "Capture directories, or NAME=DIR.")
    List<String> captures;

    @Option(names = "--phase", paramLabel = "NAME[,NAME...]",
            description = "Measure inside this phase of every capture (of several names, the first each capture has).")
    String phase;

    @Option(names = "--format", defaultValue = "table", description = "Output: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    TableFormat format;

    @Option(names = "--explain-costs", description = "Print the cycles of each exit class and their sources, then stop.")
    boolean explainCosts;

    @Mixin
    AnalysisSetup setup;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        return AnalysisSetup.userErrors(() -> {
            if (explainCosts) {
                out.print(setup.costModel().explain());
                return 0;
            }
            try (SqlSession s = SqlSession.open(AnalysisSetup.captures(captures), setup.options())) {
                CaptureComparison c = CaptureComparison.measure(s, phase);
                print(out, c);
                wholeCaptureNotes(c);
                UnreadableTailWarnings warnings = new UnreadableTailWarnings(spec);
                warnings.warn(s.unreadableTails());
                warnings.incomplete(s.captures());
            }
            return 0;
        });
    }

    /**
     * A capture with no window or workload phase is measured whole, start-up and idle included (an import without
     * {@code --phases}): its per-packet figures are then not the workload's, which the table alone does not say.
     */
    private void wholeCaptureNotes(CaptureComparison c) {
        PrintWriter err = spec.commandLine().getErr();
        for (int i = 0; i < c.captures().size(); i++) {
            if (c.windows().get(i).phase() == null) {
                err.println(spec.qualifiedName() + ": note: '" + c.captures().get(i) + "' marks no window or workload"
                        + " phase, so it is measured whole, start-up and idle time included (an import takes the phases"
                        + " with --phases FILE)");
            }
        }
        err.flush();
    }

    /** Shown for a figure that cannot be given (no cost anchor, no requests). */
    private static final ResultPrinter.Missing NOT_AVAILABLE = new ResultPrinter.Missing("n/a");

    private void print(PrintWriter out, CaptureComparison c) throws Exception {
        boolean unpriced = false;
        if (format == TableFormat.json) {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ArrayNode arr = json.createArrayNode();
            for (int i = 0; i < c.captures().size(); i++) {
                ObjectNode o = arr.addObject();
                o.put("capture", c.captures().get(i));
                for (CaptureComparison.Metric m : c.metrics()) {
                    o.putPOJO(m.key(), m.values().get(i));
                }
                o.putPOJO("counts", c.counts().get(i)); // unrounded, for programs
            }
            out.println(json.writeValueAsString(arr));
            return;
        }
        List<String> header = new ArrayList<>();
        header.add(format == TableFormat.table ? "" : "metric");
        header.addAll(c.captures());
        List<List<Object>> rows = new ArrayList<>();
        List<CaptureComparison.Metric> lists = new ArrayList<>();
        for (CaptureComparison.Metric m : c.metrics()) {
            if (format != TableFormat.csv && m.key().startsWith("top_registers")) {
                lists.add(m); // too wide for a column: printed below the table
                continue;
            }
            List<Object> r = new ArrayList<>();
            r.add(format == TableFormat.csv ? m.key() : m.label());
            for (Object v : m.values()) {
                if (v == null && format != TableFormat.csv) {
                    unpriced |= m.key().startsWith("cycles_per_packet") || m.key().startsWith("overhead_pct");
                    r.add(NOT_AVAILABLE);
                } else {
                    r.add(v);
                }
            }
            rows.add(r);
        }
        ResultPrinter.print(out, header, rows, format);
        if (unpriced) {
            out.println();
            out.println(NOT_AVAILABLE.text() + ": these exits carry no cycle cost (tcg's have no anchor in FACTS.md;"
                    + " see --explain-costs; set one with --cost CLASS=CYCLES, e.g. --cost tcg_access=N)");
        }
        for (CaptureComparison.Metric m : lists) {
            out.println();
            out.println(m.label() + ":");
            for (int i = 0; i < c.captures().size(); i++) {
                out.println((format == TableFormat.markdown ? "- " : "  ") + c.captures().get(i) + ": "
                        + ResultPrinter.text(m.values().get(i)));
            }
        }
    }
}
