package io.trapline.cli;

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
}
