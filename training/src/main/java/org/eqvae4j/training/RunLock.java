package org.eqvae4j.training;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exclusive lock of a run folder: {@code run.lock}, held with an operating-system file lock for as long
 * as a trainer works in the folder, and naming its holder ({@code pid}, {@code host}, start time) so that a
 * refused second process can say who holds it.
 *
 * <p>The operating system drops the file lock when its process ends, however it ends (kill -9 included), so
 * a lock file that still names a holder but is not locked was left by a process that died. It is taken over
 * with a message when that holder was a process on this machine that no longer runs; a holder on another
 * machine (a shared file system) cannot be checked from here, so that folder is refused until the user
 * removes the file. The file is emptied, not deleted, on release: deleting it would let a process that had
 * opened the old file and one that creates a new file both hold "the" lock.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = "run.lock";
    private static final Pattern HOLDER = Pattern.compile("pid (\\d{1,18}) on host (\\S+)");

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} (which must exist) or refuses at once, naming the holder.
     *
     * @param notices told when a stale lock of a dead process is taken over
     * @throws IllegalStateException when another process (or this one) holds the folder
     */
    public static RunLock acquire(Path dir, Consumer<String> notices) throws IOException {
        Path file = dir.resolve(FILE);
        FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new IllegalStateException("run folder " + dir + " is already in use by this process ("
                        + describe(read(channel)) + "); one trainer at a time per run folder");
            }
            if (lock == null) {
                throw new IllegalStateException(
                        "run folder " + dir + " is in use by another training process (" + describe(read(channel))
                                + ", see " + file + "); wait for it to finish or stop it, or use another --run");
            }
            String previous = read(channel);
            if (!previous.isBlank()) {
                takeOver(dir, file, previous, notices);
            }
            String self = "pid " + ProcessHandle.current().pid() + " on host " + hostName() + " since " + Instant.now()
                    + "\n";
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(self.getBytes(StandardCharsets.UTF_8)), 0);
            return new RunLock(file, channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The OS lock is ours, so whoever the file names is gone, unless it cannot be checked or still runs. */
    private static void takeOver(Path dir, Path file, String previous, Consumer<String> notices) {
        Matcher m = HOLDER.matcher(previous);
        if (!m.find()) {
            notices.accept("took over " + file + " (unreadable content: '" + previous.strip() + "')");
            return;
        }
        long pid = Long.parseLong(m.group(1));
        String host = m.group(2);
        if (!host.equals(hostName())) {
            throw new IllegalStateException("run folder " + dir + " is locked by pid " + pid + " on host " + host
                    + " (" + file + "), which cannot be checked from " + hostName() + "; if no trainer runs on " + host
                    + " any more, delete " + file + " and run again");
        }
        boolean alive = pid != ProcessHandle.current().pid()
                && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (alive) {
            // the OS lock is free yet the holder runs: a file system without locks, or the pid was reused
            throw new IllegalStateException("run folder " + dir + " is locked by pid " + pid + " on this host (" + file
                    + "), which still runs; if that process is not a trainer of this folder, delete " + file
                    + " and run again");
        }
        notices.accept(
                "took over the stale lock of pid " + pid + " (no longer running; it was interrupted) in " + file);
    }

    private static String describe(String holder) {
        return holder.isBlank() ? "holder unknown" : holder.strip();
    }

    private static String read(FileChannel channel) throws IOException {
        long size = Math.min(channel.size(), 4096);
        ByteBuffer b = ByteBuffer.allocate((int) size);
        channel.read(b, 0);
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    static String hostName() {
        return Host.NAME;
    }

    /** Looked up once per JVM (a name lookup may take a while); a constant once initialised. */
    private static final class Host {
        static final String NAME = lookUp();

        private static String lookUp() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                String env = System.getenv("HOSTNAME");
                return env == null || env.isBlank() ? "localhost" : env;
            }
        }
    }

    public Path file() {
        return file;
    }

    /** Empties the file (a clean exit leaves no holder named) and releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                channel.truncate(0);
                lock.release();
            }
        } finally {
            channel.close();
        }
    }
}
