package io.trapline.guest.driver;

import io.trapline.emulator.device.BoundaryTap;
import io.trapline.emulator.device.Device;
import io.trapline.emulator.device.DeviceContext;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.run.GuestRun;
import io.trapline.guest.workload.MarkListener;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * e1000's dynamic interrupt throttling ("dynamic conservative", the Linux default) as the real e1000 capture
 * shows it: during a 64 KiB response a poll that cleans a burst of full-size frames classifies the traffic as
 * bulk and ITR drops to 4000 interrupts/s (0x3d0); the following small polls climb back to 20000/s in steps of
 * a quarter of the target rate: 9000 (0x1b2), 14000 (0x117), 19000 (0xcd), 20000 (0xc3). That is the sequence
 * of ITR writes in ../shared/captures/qemu-7.2-tcg/e1000 for every 64 KiB request.
 */
class E1000InterruptThrottlingTest {
    private static final long ITR = 0xC4;

    /** Values written to ITR in BAR 0 while the guest serves {@code requests}. */
    private static List<Long> itrWrites(String requests) {
        List<Long> writes = new ArrayList<>();
        BoundaryTap tap = new BoundaryTap() {
            @Override
            public DeviceContext wrapContext(int deviceIndex, DeviceContext context) {
                return context;
            }

            @Override
            public Device wrapDevice(int deviceIndex, Device device) {
                return new Device() {
                    @Override
                    public String model() {
                        return device.model();
                    }

                    @Override
                    public PciConfigSpace pciConfig() {
                        return device.pciConfig();
                    }

                    @Override
                    public long read(int bar, long offset, int size) {
                        return device.read(bar, offset, size);
                    }

                    @Override
                    public void write(int bar, long offset, int size, long value) {
                        if (bar == 0 && offset == ITR) {
                            writes.add(value);
                        }
                        device.write(bar, offset, size, value);
                    }

                    @Override
                    public boolean receive(byte[] frame, int offset, int length) {
                        return device.receive(frame, offset, length);
                    }
                };
            }
        };
        GuestRun.Options options = new GuestRun.Options("e1000", Map.of(), "web", Map.of("requests", requests),
                PlatformProfile.tcg(), 1);
        GuestRun.Result result = GuestRun.run(options, tap, MarkListener.NONE, null);
        assertTrue(result.finished(), "workload finished");
        return writes;
    }

    @Test
    void bulkResponsesThrottleToFourThousandAndClimbBackInQuarterSteps() {
        List<Long> writes = itrWrites("3x65536");
        // the probe writes the initial 20000/s once; each 64 KiB response then goes down to bulk and back up
        // (the last one only as far as the polls after it go)
        assertEquals(0xC3L, writes.get(0), "probe: 20000 interrupts/s");
        List<Long> perResponse = List.of(0x3D0L, 0x1B2L, 0x117L, 0xCDL, 0xC3L);
        assertTrue(writes.size() >= 12, "ITR writes: " + writes);
        assertEquals(perResponse, writes.subList(1, 6), "first 64 KiB response: " + writes);
        assertEquals(perResponse, writes.subList(6, 11), "second 64 KiB response: " + writes);
        List<Long> last = writes.subList(11, writes.size());
        assertEquals(perResponse.subList(0, last.size()), last, "third 64 KiB response: " + writes);
    }

    @Test
    void smallResponsesNeverLeaveTheLowLatencyRate() {
        List<Long> writes = itrWrites("20x1024");
        assertEquals(List.of(0xC3L), writes, "only the probe's write: small polls stay at 20000/s");
    }
}
