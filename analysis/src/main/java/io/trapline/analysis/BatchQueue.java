package io.trapline.analysis;

import java.util.ArrayDeque;

/**
 * The converted batches a table's producer holds ahead of its consumer, bounded by their bytes: a producer may
 * always hold {@link #minItems} items, and more while they take under {@link #budgetBytes}. A small table (a few
 * columns of few rows per event) thus converts far ahead, so it need not wait while DuckDB drains another
 * table first, and a large one still stays a few batches ahead: memory stays bounded whatever the capture size.
 */
final class BatchQueue {
    private final int minItems;
    private final long budgetBytes;
    private final ArrayDeque<Object> items = new ArrayDeque<>();
    private final ArrayDeque<Long> sizes = new ArrayDeque<>();
    private long bytes;

    BatchQueue(int minItems, long budgetBytes) {
        this.minItems = minItems;
        this.budgetBytes = budgetBytes;
    }

    /** Adds an item of {@code size} bytes, waiting while the queue is full. */
    synchronized void put(Object item, long size) throws InterruptedException {
        while (items.size() >= minItems && bytes + size > budgetBytes) {
            wait();
        }
        items.addLast(item);
        sizes.addLast(size);
        bytes += size;
        notifyAll();
    }

    /** Takes the oldest item, waiting while there is none. */
    synchronized Object take() throws InterruptedException {
        while (items.isEmpty()) {
            wait();
        }
        return remove();
    }

    /** Takes the oldest item, or null when there is none. */
    synchronized Object poll() {
        return items.isEmpty() ? null : remove();
    }

    private Object remove() {
        bytes -= sizes.removeFirst();
        notifyAll();
        return items.removeFirst();
    }

    /** Bytes held now. */
    synchronized long bytes() {
        return bytes;
    }
}
