package org.eqvae4j.runtime.batch;

/**
 * One of {@code count} disjoint parts of a batch, for array jobs on HPC schedulers (Slurm's
 * {@code --array=1-N} with {@code --shard $SLURM_ARRAY_TASK_ID/N}): of the sorted inputs, shard K takes the
 * K-th, (K+N)-th, ... so shards get nearly equal shares of each folder. Written {@code K/N}, K from 1 to N.
 */
public record Shard(int index, int count) {
    /** The whole batch. */
    public static final Shard ALL = new Shard(1, 1);

    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new IllegalArgumentException("shard must be K/N with 1 <= K <= N, got " + index + "/" + count);
        }
    }

    /** {@code K/N}, e.g. {@code 3/8}. */
    public static Shard parse(String s) {
        String[] parts = s == null ? new String[0] : s.trim().split("/");
        try {
            if (parts.length == 2) {
                return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("--shard takes K/N (e.g. 3/8: the third of eight parts), got '" + s + "'");
    }

    /** Whether the {@code position}-th input (0-based, in sorted order) is this shard's. */
    public boolean takes(int position) {
        return position % count == index - 1;
    }

    public boolean isAll() {
        return count == 1;
    }

    /** summary.csv, or summary-K-of-N.csv so that concurrent shards do not overwrite each other's. */
    public String summaryName() {
        return isAll() ? FolderBatch.SUMMARY : "summary-" + index + "-of-" + count + ".csv";
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
