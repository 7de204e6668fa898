package io.trapline.emulator.memory;

import java.util.Arrays;

/**
 * Guest RAM: a flat guest-physical range {@code [0, size)}, stored sparsely in 4 KiB pages that are
 * allocated on first write (unwritten RAM reads as zero, as after boot). Lookups go through a
 * two-level page directory, so an access never allocates unless it writes a fresh page.
 *
 * <p>Bulk transfers implement {@link DmaMemory}: out-of-range accesses return {@code false}. The scalar
 * accessors are for guest-side code (driver models, tests) and throw {@link GuestMemoryFault} instead.
 */
public final class GuestMemory implements DmaMemory {
    public static final int PAGE_SHIFT = 12;
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    private static final int DIR_SHIFT = 10;
    private static final int DIR_SIZE = 1 << DIR_SHIFT;
    /** Largest RAM this model supports: 1024 x 1024 pages of 4 KiB. */
    public static final long MAX_SIZE = (long) DIR_SIZE * DIR_SIZE * PAGE_SIZE;

    private final long size;
    private final byte[][][] directory;
    private long pagesAllocated;

    public GuestMemory(long size) {
        if (size <= 0 || size > MAX_SIZE || (size & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("guest RAM size must be a positive multiple of 4 KiB up to 4 GiB: " + size);
        }
        this.size = size;
        long pages = size >>> PAGE_SHIFT;
        this.directory = new byte[(int) ((pages + DIR_SIZE - 1) >>> DIR_SHIFT)][][];
    }

    public long size() {
        return size;
    }

    /** Pages that hold data; a bound on the memory this guest RAM uses. */
    public long pagesAllocated() {
        return pagesAllocated;
    }

    /** True when {@code [addr, addr+len)} lies entirely in guest RAM (overflow-safe). */
    public boolean contains(long addr, long len) {
        return addr >= 0 && len >= 0 && addr <= size && len <= size - addr;
    }

    private byte[] pageForRead(long pageIndex) {
        byte[][] second = directory[(int) (pageIndex >>> DIR_SHIFT)];
        return second == null ? null : second[(int) (pageIndex & (DIR_SIZE - 1))];
    }

    private byte[] pageForWrite(long pageIndex) {
        int hi = (int) (pageIndex >>> DIR_SHIFT);
        byte[][] second = directory[hi];
        if (second == null) {
            second = new byte[DIR_SIZE][];
            directory[hi] = second;
        }
        int lo = (int) (pageIndex & (DIR_SIZE - 1));
        byte[] page = second[lo];
        if (page == null) {
            page = new byte[PAGE_SIZE];
            second[lo] = page;
            pagesAllocated++;
        }
        return page;
    }

    @Override
    public boolean read(long addr, byte[] dst, int off, int len) {
        if (!contains(addr, len)) {
            return false;
        }
        while (len > 0) {
            int inPage = (int) (addr & (PAGE_SIZE - 1));
            int n = Math.min(len, PAGE_SIZE - inPage);
            byte[] page = pageForRead(addr >>> PAGE_SHIFT);
            if (page == null) {
                Arrays.fill(dst, off, off + n, (byte) 0);
            } else {
                System.arraycopy(page, inPage, dst, off, n);
            }
            addr += n;
            off += n;
            len -= n;
        }
        return true;
    }

    @Override
    public boolean write(long addr, byte[] src, int off, int len) {
        if (!contains(addr, len)) {
            return false;
        }
        while (len > 0) {
            int inPage = (int) (addr & (PAGE_SIZE - 1));
            int n = Math.min(len, PAGE_SIZE - inPage);
            System.arraycopy(src, off, pageForWrite(addr >>> PAGE_SHIFT), inPage, n);
            addr += n;
            off += n;
            len -= n;
        }
        return true;
    }

    /** Fills {@code [addr, addr+len)} with {@code value}; false if out of RAM. */
    public boolean fill(long addr, long len, byte value) {
        if (!contains(addr, len)) {
            return false;
        }
        while (len > 0) {
            int inPage = (int) (addr & (PAGE_SIZE - 1));
            int n = (int) Math.min(len, PAGE_SIZE - inPage);
            byte[] page = value == 0 ? pageForRead(addr >>> PAGE_SHIFT) : pageForWrite(addr >>> PAGE_SHIFT);
            if (page != null) {
                Arrays.fill(page, inPage, inPage + n, value);
            }
            addr += n;
            len -= n;
        }
        return true;
    }

    /** Reads an unsigned little-endian value of {@code size} bytes (1, 2, 4, 8). */
    public long load(long addr, int size) {
        check(addr, size);
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            byte[] page = pageForRead((addr + i) >>> PAGE_SHIFT);
            int b = page == null ? 0 : page[(int) ((addr + i) & (PAGE_SIZE - 1))] & 0xFF;
            v = v << 8 | b;
        }
        return v;
    }

    /** Writes the low {@code size} bytes (1, 2, 4, 8) of {@code value}, little-endian. */
    public void store(long addr, int size, long value) {
        check(addr, size);
        for (int i = 0; i < size; i++) {
            pageForWrite((addr + i) >>> PAGE_SHIFT)[(int) ((addr + i) & (PAGE_SIZE - 1))] = (byte) (value >>> (8 * i));
        }
    }

    public int loadU8(long addr) {
        return (int) load(addr, 1);
    }

    public int loadU16(long addr) {
        return (int) load(addr, 2);
    }

    public long loadU32(long addr) {
        return load(addr, 4);
    }

    public long loadU64(long addr) {
        return load(addr, 8);
    }

    private void check(long addr, int size) {
        if (!contains(addr, size)) {
            throw new GuestMemoryFault(addr, size, this.size);
        }
    }
}
