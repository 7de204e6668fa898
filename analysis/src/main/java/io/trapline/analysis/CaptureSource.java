package io.trapline.analysis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A capture as named on the command line: {@code name=path}, or a bare path named after its folder. The name
 * fills the {@code capture} column of every table, so several captures can be compared in one query.
 */
public record CaptureSource(String name, Path path) {

    public static CaptureSource parse(String arg) {
        int eq = arg.indexOf('=');
        // a '=' inside a path (after a separator) is part of the path, not a name
        if (eq > 0 && arg.lastIndexOf('/', eq) < 0) {
            String name = arg.substring(0, eq);
            String path = arg.substring(eq + 1);
            if (path.isEmpty()) {
                throw new AnalysisException("capture '" + arg + "': empty path after '" + name + "='");
            }
            return new CaptureSource(name, Path.of(path));
        }
        Path p = Path.of(arg);
        Path file = p.toAbsolutePath().normalize().getFileName();
        return new CaptureSource(file == null ? arg : file.toString(), p);
    }

    /** Parses every argument; two captures may not share a name. */
    public static List<CaptureSource> parseAll(List<String> args) {
        List<CaptureSource> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String a : args) {
            CaptureSource s = parse(a);
            if (!names.add(s.name())) {
                throw new AnalysisException("two captures are named '" + s.name() + "': name them as NAME=PATH");
            }
            out.add(s);
        }
        return out;
    }
}
