package org.eqvae4j.training.data;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongFunction;

/**
 * Computes the next batches on a background thread while the trainer works on the current one.
 * Batches come out in step order; an exception in the producer is rethrown by {@link #next()}.
 *
 * @param <T> batch type
 */
public final class Prefetcher<T> implements AutoCloseable {
    private record Item<T>(long step, T value, RuntimeException error) {}

    private final BlockingQueue<Item<T>> queue;
    private final Thread thread;

    public Prefetcher(LongFunction<T> producer, long firstStep, int depth) {
        this.queue = new ArrayBlockingQueue<>(Math.max(1, depth));
        this.thread = new Thread(
                () -> {
                    long step = firstStep;
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            try {
                                queue.put(new Item<>(step, producer.apply(step), null));
                            } catch (RuntimeException e) {
                                queue.put(new Item<>(step, null, e));
                                return;
                            }
                            step++;
                        }
                    } catch (InterruptedException e) {
                        // closed
                    }
                },
                "eqvae-prefetch");
        thread.setDaemon(true);
        thread.start();
    }

    /** The next batch (blocks until it is ready). */
    public T next() throws InterruptedException {
        Item<T> item = queue.take();
        if (item.error() != null) {
            throw new IllegalStateException(
                    "preparing training batch " + item.step() + " failed: "
                            + item.error().getMessage(),
                    item.error());
        }
        return item.value();
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
