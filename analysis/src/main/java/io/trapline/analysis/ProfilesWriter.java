package io.trapline.analysis;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.EventCursor;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.List;

/**
 * {@code profiles}: one row per capture and selected profile, naming the {@code capture_profile} number that
 * {@code exits} carries. Grouping a large {@code exits} by that one small integer is several times faster in
 * DuckDB than grouping by the two text columns, which it hashes and compares row by row; a query groups by the
 * number and joins this table for the names. Written from the capture list alone: no event is read.
 */
final class ProfilesWriter extends TableWriter {
    static final String CAPTURE_PROFILE = "capture_profile";
    private static final long DICT_PROFILE = 2;
    static final Schema SCHEMA = new Schema(List.of(CAPTURE, dict("profile", DICT_PROFILE), i16(CAPTURE_PROFILE)));

    private final List<Profile> profiles;
    private IntVector profile;
    private SmallIntVector captureProfile;

    ProfilesWriter(List<Profile> profiles) {
        this.profiles = List.copyOf(profiles);
    }

    /** The number of a capture's profile: the capture's index in the list times the profile count, plus the profile's. */
    static int captureProfile(int captureIndex, int profileIndex, int profileCount) {
        int n = captureIndex * profileCount + profileIndex;
        if (n > Short.MAX_VALUE) {
            throw new AnalysisException("too many captures and profiles in one session: " + (captureIndex + 1)
                    + " captures x " + profileCount + " profiles (at most " + (Short.MAX_VALUE + 1) + " pairs)");
        }
        return n;
    }

    @Override
    void bindColumns() {
        profile = i32v("profile");
        captureProfile = i16v(CAPTURE_PROFILE);
    }

    @Override
    boolean readsEvents() {
        return false;
    }

    @Override
    void beginCapture(CaptureSource source, CaptureMetadata metadata) {
        super.beginCapture(source, metadata);
        for (int p = 0; p < profiles.size(); p++) {
            int r = newRow();
            profile.set(r, p);
            captureProfile.set(r, captureProfile(captureIndex(), p, profiles.size()));
        }
    }

    @Override
    void onEvent(EventCursor c) {
        throw new IllegalStateException("profiles reads no events");
    }

    @Override
    List<String> dictionary(long id) {
        return id == DICT_PROFILE ? profiles.stream().map(Profile::label).toList() : null;
    }
}
