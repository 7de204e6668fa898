package io.trapline.recorder;

import io.trapline.emulator.device.BoundaryTap;
import io.trapline.emulator.device.Device;
import io.trapline.emulator.device.DeviceContext;
import io.trapline.emulator.pci.BarKind;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.emulator.time.Timer;

import java.util.Arrays;

/**
 * Records everything that crosses a device's boundary into an {@link EventSink} (a capture writer): guest accesses, frames
 * in, DMA (with the bytes read), interrupts, frames out, kicks. It works for any {@link Device}.
 *
 * <p>Order matters for replay: an input is recorded before the outputs it caused. Outputs that happen while
 * the device is inside an input call (e.g. the INTx deassert of an ICR read, the DMA of a TDT write) are held
 * back until the input itself is recorded, because a read's value is known only when the call returns.
 * Outputs from timers are recorded as they happen. All at the machine's virtual time.
 */
public final class RecordingTap implements BoundaryTap {
    private final EventSink writer;
    /** The same sink when it can hold an input back in its ring (no copies through {@link Pending}), else null. */
    private final AsyncCaptureWriter ring;
    private final Pending pending = new Pending();
    private DeviceContext clockSource;
    private int depth;
    /** The outermost input of the current call is held in the ring, its outputs going in right behind it. */
    private boolean holding;

    public RecordingTap(EventSink writer) {
        this.writer = writer;
        this.ring = writer instanceof AsyncCaptureWriter a ? a : null;
    }

    @Override
    public DeviceContext wrapContext(int deviceIndex, DeviceContext context) {
        if (clockSource == null) {
            clockSource = context;
        }
        return new RecordingContext(deviceIndex, context);
    }

    @Override
    public Device wrapDevice(int deviceIndex, Device device) {
        return new RecordingDevice(deviceIndex, device);
    }

    private long now() {
        return clockSource.now();
    }

    /** Appends an output now, or holds it until the current input has been recorded. */
    private void output(EventType type, int device, int queue, long address, long value, int flags,
                        byte[] payload, int off, int len) {
        if (depth == 0) {
            writer.append(now(), type, device, queue, 0, 0, address, value, flags, payload, off, len);
        } else if (holding && ring.canHold(len)) {
            ring.appendOutput(type, device, queue, address, value, flags, payload, off, len);
        } else {
            stopHolding();
            pending.add(type, device, queue, address, value, flags, payload, off, len);
        }
    }

    /** An input starts: the outermost one is held in the ring when the sink allows it. */
    private void enter(EventType type, int device, int region, int size, long address, byte[] payload, int off, int len) {
        if (depth == 0 && ring != null) {
            ring.beginInput(type, device, region, size, address, payload, off, len);
            holding = true;
        } else {
            stopHolding(); // a nested input is recorded before the outer one: fall back to holding outputs aside
        }
        depth++;
    }

    private void stopHolding() {
        if (holding) {
            holding = false;
            ring.abandonInput((t, type, dev, q, region, size, addr, val, fl, payload, off, len) -> {
                pending.add(type, dev, q, addr, val, fl, payload, off, len);
                return 0;
            });
        }
    }

    /**
     * Records the input whose device call threw {@code failure}, with what it caused, and leaves {@code failure} the
     * exception to propagate: if recording fails as well, that is added to it as suppressed instead of replacing it.
     */
    private void exitAfter(Throwable failure, EventType type, int device, int region, int size, long address,
                           long value, int flags, byte[] payload, int off, int len) {
        try {
            exit(type, device, region, size, address, value, flags, payload, off, len);
        } catch (Throwable recording) {
            if (recording != failure) { // a sink reports its own failure with the same exception every time
                failure.addSuppressed(recording);
            }
        }
    }

    /**
     * Records the input that just returned, then whatever it caused. When the sink refuses the outermost input, the
     * outputs held for it are dropped with it: they belong right behind that input, not behind the next one.
     */
    private void exit(EventType type, int device, int region, int size, long address, long value, int flags,
                      byte[] payload, int off, int len) {
        depth--;
        long t = now();
        if (depth == 0 && holding) {
            holding = false;
            ring.endInput(t, value, flags);
            return;
        }
        try {
            writer.append(t, type, device, 0, region, size, address, value, flags, payload, off, len);
        } catch (Throwable e) {
            if (depth == 0) {
                // the outputs held for this input go with it: appended after a later input, they would be misplaced
                pending.clear();
            }
            throw e;
        }
        if (depth == 0) {
            pending.drainTo(writer, t);
        }
    }

    private final class RecordingDevice implements Device {
        private final int index;
        private final Device device;
        /** A device's config space is one object for its lifetime; the machine asks for it on every access. */
        private final PciConfigSpace config;

        RecordingDevice(int index, Device device) {
            this.index = index;
            this.device = device;
            this.config = device.pciConfig();
        }

        @Override
        public String model() {
            return device.model();
        }

        @Override
        public PciConfigSpace pciConfig() {
            return config;
        }

        @Override
        public long configRead(int offset, int size) {
            enter(EventType.PCI_CFG_READ, index, 0, size, offset, null, 0, 0);
            long v;
            try {
                v = device.configRead(offset, size);
            } catch (Throwable t) {
                exitAfter(t, EventType.PCI_CFG_READ, index, 0, size, offset, 0, 0, null, 0, 0);
                throw t;
            }
            exit(EventType.PCI_CFG_READ, index, 0, size, offset, v, 0, null, 0, 0);
            return v;
        }

        @Override
        public void configWrite(int offset, int size, long value) {
            enter(EventType.PCI_CFG_WRITE, index, 0, size, offset, null, 0, 0);
            try {
                device.configWrite(offset, size, value);
            } catch (Throwable t) {
                exitAfter(t, EventType.PCI_CFG_WRITE, index, 0, size, offset, value, 0, null, 0, 0);
                throw t;
            }
            exit(EventType.PCI_CFG_WRITE, index, 0, size, offset, value, 0, null, 0, 0);
        }

        private boolean io(int bar) {
            return bar >= 0 && bar < PciConfigSpace.BAR_COUNT && config.barKind(bar) == BarKind.IO;
        }

        @Override
        public long read(int bar, long offset, int size) {
            EventType type = io(bar) ? EventType.PIO_READ : EventType.MMIO_READ;
            enter(type, index, bar, size, offset, null, 0, 0);
            long v;
            try {
                v = device.read(bar, offset, size);
            } catch (Throwable t) {
                exitAfter(t, type, index, bar, size, offset, 0, 0, null, 0, 0);
                throw t;
            }
            exit(type, index, bar, size, offset, v, 0, null, 0, 0);
            return v;
        }

        @Override
        public void write(int bar, long offset, int size, long value) {
            EventType type = io(bar) ? EventType.PIO_WRITE : EventType.MMIO_WRITE;
            enter(type, index, bar, size, offset, null, 0, 0);
            try {
                device.write(bar, offset, size, value);
            } catch (Throwable t) {
                exitAfter(t, type, index, bar, size, offset, value, 0, null, 0, 0);
                throw t;
            }
            exit(type, index, bar, size, offset, value, 0, null, 0, 0);
        }

        @Override
        public boolean receive(byte[] frame, int offset, int length) {
            enter(EventType.FRAME_RX, index, 0, 0, 0, frame, offset, length);
            boolean taken;
            try {
                taken = device.receive(frame, offset, length);
            } catch (Throwable t) {
                exitAfter(t, EventType.FRAME_RX, index, 0, 0, 0, length, EventFlags.REFUSED, frame, offset, length);
                throw t;
            }
            exit(EventType.FRAME_RX, index, 0, 0, 0, length, taken ? 0 : EventFlags.REFUSED, frame, offset, length);
            return taken;
        }
    }

    private final class RecordingContext implements DeviceContext {
        private final int index;
        private final DeviceContext context;
        private boolean intx;

        RecordingContext(int index, DeviceContext context) {
            this.index = index;
            this.context = context;
        }

        @Override
        public long now() {
            return context.now();
        }

        @Override
        public Timer newTimer(Runnable callback) {
            return context.newTimer(callback);
        }

        @Override
        public boolean read(long addr, byte[] dst, int off, int len) {
            boolean ok = context.read(addr, dst, off, len);
            if (ok) {
                output(EventType.DMA_READ, index, 0, addr, len, 0, dst, off, len);
            } else {
                output(EventType.DMA_READ, index, 0, addr, len, EventFlags.FAULT, null, 0, 0);
            }
            return ok;
        }

        @Override
        public boolean write(long addr, byte[] src, int off, int len) {
            boolean ok = context.write(addr, src, off, len);
            output(EventType.DMA_WRITE, index, 0, addr, len, ok ? 0 : EventFlags.FAULT, src, off, len);
            return ok;
        }

        @Override
        public void setIntx(boolean asserted) {
            context.setIntx(asserted);
            if (asserted != intx) {
                intx = asserted;
                output(EventType.INTX, index, 0, 0, asserted ? 1 : 0, 0, null, 0, 0);
            }
        }

        @Override
        public void sendMsi(long address, int data) {
            context.sendMsi(address, data);
            output(EventType.MSI, index, 0, address, data & 0xFFFF_FFFFL, 0, null, 0, 0);
        }

        @Override
        public void sendMsi(int vector, long address, int data) {
            context.sendMsi(vector, address, data);
            output(EventType.MSI, index, vector, address, data & 0xFFFF_FFFFL, 0, null, 0, 0); // queue = vector
        }

        @Override
        public void transmit(byte[] frame, int offset, int length) {
            // Record first: the backend may answer synchronously with frames of its own.
            output(EventType.FRAME_TX, index, 0, 0, length, 0, frame, offset, length);
            context.transmit(frame, offset, length);
        }

        @Override
        public void rxReady() {
            output(EventType.RX_READY, index, 0, 0, 0, 0, null, 0, 0);
            context.rxReady();
        }

        @Override
        public void queueKicked(int queue) {
            output(EventType.KICK, index, queue, 0, queue, 0, null, 0, 0);
            context.queueKicked(queue);
        }
    }

    /** Outputs held back during an input call: primitive columns plus one payload arena, reused (no allocation once warm). */
    private static final class Pending {
        private int count;
        private EventType[] type = new EventType[16];
        private int[] device = new int[16];
        private int[] queue = new int[16];
        private long[] address = new long[16];
        private long[] value = new long[16];
        private int[] flags = new int[16];
        private int[] payloadOffset = new int[16];
        private int[] payloadLength = new int[16];
        private byte[] arena = new byte[4096];
        private int arenaUsed;

        void add(EventType t, int dev, int q, long addr, long val, int fl, byte[] payload, int off, int len) {
            // Refused here, in the device's own call, rather than when drained with the input's other outputs.
            CaptureWriter.checkEvent(0, 0, dev, q, 0, 0, fl, len);
            if (count == type.length) {
                int n = count * 2;
                type = Arrays.copyOf(type, n);
                device = Arrays.copyOf(device, n);
                queue = Arrays.copyOf(queue, n);
                address = Arrays.copyOf(address, n);
                value = Arrays.copyOf(value, n);
                flags = Arrays.copyOf(flags, n);
                payloadOffset = Arrays.copyOf(payloadOffset, n);
                payloadLength = Arrays.copyOf(payloadLength, n);
            }
            if (arenaUsed + len > arena.length) {
                arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaUsed + len));
            }
            if (len > 0) {
                System.arraycopy(payload, off, arena, arenaUsed, len);
            }
            type[count] = t;
            device[count] = dev;
            queue[count] = q;
            address[count] = addr;
            value[count] = val;
            flags[count] = fl;
            payloadOffset[count] = arenaUsed;
            payloadLength[count] = len;
            arenaUsed += len;
            count++;
        }

        void drainTo(EventSink writer, long time) {
            try {
                for (int i = 0; i < count; i++) {
                    writer.append(time, type[i], device[i], queue[i], 0, 0, address[i], value[i], flags[i], arena,
                            payloadOffset[i], payloadLength[i]);
                }
            } finally { // empty for the next input even when the sink refused one (it reports that itself)
                clear();
            }
        }

        /** Drops the held outputs. */
        void clear() {
            Arrays.fill(type, 0, count, null);
            count = 0;
            arenaUsed = 0;
        }
    }
}
