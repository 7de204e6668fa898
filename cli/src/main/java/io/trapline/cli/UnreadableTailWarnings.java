package io.trapline.cli;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.UnreadableTail;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The warning a command gives when its scan of an incomplete capture ended where the queue file becomes unreadable,
 * after the events capture.json declares: what it read, printed or computed stops there, short of what the writer
 * may have recorded. One line on stderr per capture, however many scans of it ended there.
 */
final class UnreadableTailWarnings {
    private final CommandSpec spec;
    private final Set<Path> warned = new HashSet<>();

    UnreadableTailWarnings(CommandSpec spec) {
        this.spec = spec;
    }

    /** Warns about {@code tail} (null: the scan ended where the events end, nothing to say). */
    void warn(UnreadableTail tail) {
        if (tail == null || !warned.add(tail.capture().toAbsolutePath().normalize())) {
            return;
        }
        spec.commandLine().getOut().flush(); // after what was printed from the events before it
        PrintWriter err = spec.commandLine().getErr();
        err.println(spec.qualifiedName() + ": warning: " + tail.capture() + " is incomplete: its events end after "
                + tail.events() + ", where the queue file becomes unreadable (" + tail.reason() + ")");
        err.flush();
    }

    void warn(Collection<UnreadableTail> tails) {
        tails.forEach(this::warn);
    }

    /**
     * After the tail warnings: a capture whose writer did not close (a recording or import that was interrupted or
     * failed) but whose events all read gets a line too, so that no figure from it passes for a whole run's.
     */
    void incomplete(Path capture) {
        Path key = capture.toAbsolutePath().normalize();
        if (warned.contains(key)) {
            return;
        }
        CaptureMetadata meta;
        try {
            meta = CaptureMetadata.readFrom(capture);
        } catch (RuntimeException e) {
            return; // the command itself reports a capture.json it cannot read
        }
        if (meta.complete()) {
            return;
        }
        warned.add(key);
        spec.commandLine().getOut().flush();
        PrintWriter err = spec.commandLine().getErr();
        err.println(spec.qualifiedName() + ": warning: " + capture + " is incomplete: its writer did not close (an"
                + " interrupted or failed recording or import); what was read covers only the events it holds");
        err.flush();
    }

    /** {@link #incomplete(Path)} for each capture a command read. */
    void incomplete(Collection<io.trapline.analysis.CaptureSource> captures) {
        captures.forEach(c -> incomplete(c.path()));
    }
}
