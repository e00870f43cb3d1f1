package org.eqvae4j.runtime.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eqvae4j.runtime.TestSupport;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** batch --shard K/N: disjoint parts whose union is the whole batch, with the whole batch's names. */
class ShardTest {
    @TempDir
    Path tmp;

    /** Copies an image's bytes to {@code <base>.copy}: the batch machinery without a model. */
    private static final class CopyOperation implements BatchOperation<Long> {
        @Override
        public BatchInput inputs() {
            return BatchInput.IMAGES;
        }

        @Override
        public List<Path> outputs(Path input, Path base) {
            return List.of(base.resolveSibling(base.getFileName() + ".copy"));
        }

        @Override
        public Long process(Path input, Path base) throws IOException {
            Files.createDirectories(base.getParent());
            Files.copy(input, outputs(input, base).get(0));
            return Files.size(input);
        }

        @Override
        public List<String> columns() {
            return List.of("bytes");
        }

        @Override
        public List<String> values(Long r) {
            return List.of(r == null ? "" : r.toString());
        }
    }

    @Test
    void shardsAreDisjointAndTogetherWriteTheWholeBatch() throws IOException {
        Path in = tmp.resolve("in");
        for (int i = 0; i < 7; i++) {
            Path f = in.resolve(i % 2 == 0 ? "a" : "b/c").resolve("img" + i + ".png");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "image " + i);
        }
        Files.writeString(in.resolve("a/img0.jpg"), "same stem as img0.png"); // names by full name, in every shard
        FolderBatch.run(
                in, tmp.resolve("whole"), new CopyOperation(), FolderBatch.Options.DEFAULT, ProgressListener.NONE);

        Set<Path> seen = new HashSet<>();
        int total = 0;
        for (int k = 1; k <= 3; k++) {
            Shard shard = Shard.parse(k + "/3");
            var items = FolderBatch.run(
                    in,
                    tmp.resolve("sharded"),
                    new CopyOperation(),
                    new FolderBatch.Options(1, null, false, shard),
                    ProgressListener.NONE);
            total += items.size();
            for (var it : items) {
                assertTrue(seen.add(it.input()), it.input() + " in two shards");
            }
            assertTrue(items.size() == 2 || items.size() == 3, "balanced: " + items.size());
            List<String> csv = Files.readAllLines(tmp.resolve("sharded").resolve("summary-" + k + "-of-3.csv"));
            assertEquals(items.size() + 1, csv.size());
        }
        assertEquals(8, total);
        assertFalse(Files.exists(tmp.resolve("sharded").resolve(FolderBatch.SUMMARY)));
        Map<String, byte[]> whole = TestSupport.snapshot(tmp.resolve("whole"));
        whole.remove(FolderBatch.SUMMARY);
        Map<String, byte[]> sharded = TestSupport.snapshot(tmp.resolve("sharded"));
        sharded.keySet().removeIf(k -> k.startsWith("summary-"));
        TestSupport.assertSameFiles(whole, sharded);
        assertTrue(
                whole.containsKey("a/img0.png.copy") && whole.containsKey("a/img0.jpg.copy"),
                whole.keySet().toString());
    }

    @Test
    void moreShardsThanFilesLeavesSomeEmpty() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.writeString(in.resolve("one.png"), "x");
        List<Integer> sizes = new ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            sizes.add(FolderBatch.run(
                            in,
                            tmp.resolve("out"),
                            new CopyOperation(),
                            new FolderBatch.Options(1, null, false, new Shard(k, 3)),
                            ProgressListener.NONE)
                    .size());
        }
        assertEquals(List.of(1, 0, 0), sizes);
    }

    @Test
    void parseRefusesWhatIsNotKOfN() {
        assertEquals(new Shard(2, 5), Shard.parse("2/5"));
        for (String bad : List.of("0/3", "4/3", "1", "a/b", "1/0", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shard.parse(bad));
            assertTrue(e.getMessage().contains("K/N"), e.getMessage());
        }
    }
}
