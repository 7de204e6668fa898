package io.trapline.analysis;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** A table's queue of converted batches: at least a few ahead, more while they fit the byte budget, then it waits. */
class BatchQueueTest {
    @Test
    void smallBatchesGoOnAheadWithinTheBudget() throws Exception {
        BatchQueue q = new BatchQueue(2, 100);
        for (int i = 0; i < 10; i++) {
            q.put("b" + i, 10); // would block (and hang this test) were the budget not honoured
        }
        assertEquals(100, q.bytes());
        for (int i = 0; i < 10; i++) {
            assertEquals("b" + i, q.take());
        }
        assertNull(q.poll());
        assertEquals(0, q.bytes());
    }

    @Test
    void aProducerWaitsOnceTheBudgetIsSpentAndGoesOnWhenTheConsumerTakes() throws Exception {
        BatchQueue q = new BatchQueue(2, 100);
        q.put("big1", 60);
        q.put("big2", 60); // over the budget, but two items are always allowed
        Thread producer = new Thread(() -> {
            try {
                q.put("small", 10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        while (producer.getState() != Thread.State.WAITING && producer.getState() != Thread.State.TERMINATED) {
            Thread.onSpinWait();
        }
        assertEquals(Thread.State.WAITING, producer.getState(), "the third item must wait for room");
        assertEquals(120, q.bytes());
        assertEquals("big1", q.take());
        producer.join();
        assertEquals(70, q.bytes());
        assertEquals("big2", q.take());
        assertEquals("small", q.take());
    }
}
