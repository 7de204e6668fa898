package io.trapline.recorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where output may go: never inside an existing capture. A file or directory written there would become part of the
 * capture (a second queue file in {@code events/} makes it unreadable), so every writer refuses such a path.
 */
public final class CapturePaths {
    private CapturePaths() {
    }

    /** Whether {@code dir} is a capture: it holds {@code capture.json} and an {@code events/} directory. */
    public static boolean isCapture(Path dir) {
        return Files.isRegularFile(dir.resolve(CaptureMetadata.FILE_NAME)) && Files.isDirectory(dir.resolve(EventQueue.DIRECTORY));
    }

    /**
     * The capture {@code path} lies inside (the nearest ancestor that is a capture), or null. {@code path} itself is
     * not looked at: a writer refuses an existing directory that is not empty anyway. Ancestors are looked at as
     * written, absolute, and through symbolic links (a link to a capture's {@code events/} is inside it too).
     */
    public static Path enclosingCapture(Path path) {
        Path found = firstCaptureAbove(path.normalize());
        if (found == null) {
            found = firstCaptureAbove(path.toAbsolutePath().normalize());
        }
        if (found == null) {
            Path absolute = path.toAbsolutePath().normalize();
            Path existing = absolute;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null) {
                try {
                    Path real = existing.toRealPath();
                    found = !existing.equals(absolute) && isCapture(real) ? real : firstCaptureAbove(real);
                } catch (IOException e) {
                    // unresolvable: the lexical checks above are all there is
                }
            }
        }
        return found;
    }

    private static Path firstCaptureAbove(Path p) {
        for (Path a = p.getParent(); a != null; a = a.getParent()) {
            if (isCapture(a)) {
                return a;
            }
        }
        return null;
    }

    /** Throws a {@link CaptureException} naming {@code out} and the capture when {@code out} lies inside one. */
    public static void refuseInsideCapture(Path out) {
        Path capture = enclosingCapture(out);
        if (capture != null) {
            throw new CaptureException(out + ": inside capture " + capture + " (trapline never writes into a capture)");
        }
    }
}
