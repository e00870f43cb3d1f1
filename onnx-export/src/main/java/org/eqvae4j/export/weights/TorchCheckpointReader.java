package org.eqvae4j.export.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.weights.TorchUnpickler.StorageRef;
import org.eqvae4j.export.weights.TorchUnpickler.TensorView;

/**
 * Reads PyTorch checkpoints in the zip format {@code torch.save} writes since 1.6:
 * {@code <archive>/data.pkl} holds the pickled object tree, whose tensors refer by key to raw storages
 * {@code <archive>/data/<key>}, in the byte order named by {@code <archive>/byteorder} (little when
 * absent, as in files from before that record existed). The top level may be the state dict itself or
 * a dict holding it under "state_dict" (Lightning/LDM checkpoints) or "model".
 */
public final class TorchCheckpointReader {
    private TorchCheckpointReader() {}

    public static StateDict read(Path file) throws WeightFileException {
        try (ZipFile zip = open(file)) {
            String archive = archivePrefix(zip, file);
            boolean bigEndian = bigEndian(zip, archive, file);
            Map<?, ?> dict = stateDict(unpickle(zip, archive, file), file);
            Map<String, byte[]> storages = new HashMap<>();
            List<Tensor> tensors = new ArrayList<>();
            for (Map.Entry<?, ?> e : dict.entrySet()) {
                String name = String.valueOf(e.getKey());
                if (!(e.getKey() instanceof String) || !(e.getValue() instanceof TensorView view)) {
                    throw new WeightFileException(
                            file, "state dict entry '" + name + "' is " + describe(e.getValue()) + ", not a tensor");
                }
                DType dtype = view.storage().type().dtype();
                if (dtype == null) {
                    throw new WeightFileException(
                            file,
                            "tensor '" + name + "' has unsupported dtype "
                                    + view.storage().type().pythonName());
                }
                byte[] storage = storages.get(view.storage().key());
                if (storage == null) {
                    storage = readStorage(zip, archive, name, view.storage(), file);
                    storages.put(view.storage().key(), storage);
                }
                tensors.add(new Tensor(name, dtype, view.size(), gather(storage, view, dtype, bigEndian, name, file)));
            }
            return StateDict.of(tensors);
        } catch (IOException e) {
            throw WeightFileException.wrap(file, e);
        } catch (RuntimeException e) {
            // an object tree of unexpected shape (a tuple where a number belongs...): the file is not a state dict
            throw new WeightFileException(file, "not a readable state dict: " + e, e);
        } catch (StackOverflowError e) {
            // a pickle whose containers hold themselves: printing or hashing them recurses without end
            throw new WeightFileException(file, "its pickle nests too deeply or refers to itself; not a state dict");
        }
    }

    private static ZipFile open(Path file) throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new WeightFileException(file, "not a valid zip archive (" + e.getMessage() + ")", e);
        }
    }

    /** The folder {@code data.pkl} sits in: torch names it after the file, or "archive". */
    private static String archivePrefix(ZipFile zip, Path file) throws WeightFileException {
        for (Enumeration<? extends ZipEntry> it = zip.entries(); it.hasMoreElements(); ) {
            String name = it.nextElement().getName();
            int slash = name.indexOf('/');
            if (slash > 0 && name.substring(slash + 1).equals("data.pkl")) {
                return name.substring(0, slash + 1);
            }
        }
        throw new WeightFileException(file, "zip archive without <archive>/data.pkl: not a torch.save checkpoint");
    }

    private static boolean bigEndian(ZipFile zip, String archive, Path file) throws IOException {
        ZipEntry entry = zip.getEntry(archive + "byteorder");
        if (entry == null) {
            return false;
        }
        String order;
        try (InputStream in = zip.getInputStream(entry)) {
            order = new String(in.readNBytes(16), StandardCharsets.US_ASCII).trim();
        }
        return switch (order) {
            case "little" -> false;
            case "big" -> true;
            default -> throw new WeightFileException(file, "unknown byteorder record '" + order + "'");
        };
    }

    /**
     * A state dict's pickle is a few bytes per tensor; more than this is a zip bomb or not a state dict
     * (raise with -D{@value #MAX_PICKLE_PROPERTY}=BYTES).
     */
    static final long DEFAULT_MAX_PICKLE_BYTES = 64L << 20;

    static final String MAX_PICKLE_PROPERTY = "eqvae.maxPickleBytes";

    private static Object unpickle(ZipFile zip, String archive, Path file) throws IOException {
        long max = Long.getLong(MAX_PICKLE_PROPERTY, DEFAULT_MAX_PICKLE_BYTES);
        ZipEntry entry = zip.getEntry(archive + "data.pkl");
        if (entry.getSize() > max) {
            throw new WeightFileException(
                    file,
                    archive + "data.pkl declares " + entry.getSize() + " bytes, more than the " + max
                            + " a state dict's pickle may have (-D" + MAX_PICKLE_PROPERTY + "=BYTES raises it)");
        }
        byte[] pickle;
        try (InputStream in = zip.getInputStream(entry)) {
            // read one byte past the limit: a zip bomb stops there instead of inflating into memory
            pickle = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        }
        if (pickle.length > max) {
            throw new WeightFileException(
                    file,
                    archive + "data.pkl inflates to more than " + max
                            + " bytes, more than a state dict's pickle may have (-D" + MAX_PICKLE_PROPERTY
                            + "=BYTES raises it)");
        }
        return parsePickle(pickle, archive + "data.pkl", file);
    }

    /** The object tree of a pickle, or a WeightFileException naming the file and record: never anything else. */
    static Object parsePickle(byte[] pickle, String record, Path file) throws WeightFileException {
        try {
            return new TorchUnpickler(file).loads(pickle);
        } catch (WeightFileException e) {
            throw e;
        } catch (StackOverflowError e) {
            throw new WeightFileException(file, "corrupt " + record + ": it nests too deeply or refers to itself");
        } catch (IOException | RuntimeException e) {
            // Pyrolite reports malformed input as PickleException, ClassCastException, IndexOutOfBounds...
            throw new WeightFileException(file, "corrupt " + record + ": " + e.getMessage(), e);
        }
    }

    private static Map<?, ?> stateDict(Object root, Path file) throws WeightFileException {
        if (!(root instanceof Map<?, ?> map)) {
            throw new WeightFileException(file, "holds " + describe(root) + ", not a state dict");
        }
        for (String wrapper : List.of("state_dict", "model")) {
            if (map.get(wrapper) instanceof Map<?, ?> inner) {
                return inner;
            }
        }
        return map;
    }

    private static byte[] readStorage(ZipFile zip, String archive, String tensor, StorageRef ref, Path file)
            throws IOException {
        DType dtype = ref.type().dtype();
        String record = archive + "data/" + ref.key();
        ZipEntry entry = zip.getEntry(record);
        if (entry == null) {
            throw new WeightFileException(file, "missing storage record " + record + " for tensor '" + tensor + "'");
        }
        if (ref.numel() > (Integer.MAX_VALUE - 8) / dtype.byteSize()) {
            throw new WeightFileException(file, "storage " + record + " of " + ref.numel() + " elements is too large");
        }
        int bytes = (int) ref.numel() * dtype.byteSize();
        if (entry.getSize() >= 0 && entry.getSize() < bytes) {
            throw new WeightFileException(
                    file,
                    "truncated storage record " + record + ": " + entry.getSize() + " bytes, but tensor '" + tensor
                            + "' declares " + ref.numel() + " elements (" + bytes + " bytes)");
        }
        long free = Runtime.getRuntime().maxMemory()
                - (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
        if (bytes > free) {
            throw new WeightFileException(
                    file,
                    "storage record " + record + " of tensor '" + tensor + "' needs " + (bytes >> 20)
                            + " MB, more than this JVM has free (" + (free >> 20)
                            + " MB); raise the heap, e.g. EQVAE_JAVA_OPTS=-Xmx8g");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] data = in.readNBytes(bytes);
            if (data.length != bytes) {
                throw new WeightFileException(
                        file, "truncated storage record " + record + ": " + data.length + " bytes, expected " + bytes);
            }
            return data;
        }
    }

    /** Copies the view's elements into contiguous row-major little-endian order. */
    private static byte[] gather(
            byte[] storage, TensorView view, DType dtype, boolean bigEndian, String tensor, Path file)
            throws WeightFileException {
        int elem = dtype.byteSize();
        long[] size = view.size();
        long[] stride = view.stride();
        long count;
        try {
            count = Tensor.numElements(size);
        } catch (ArithmeticException e) {
            throw new WeightFileException(
                    file, "tensor '" + tensor + "' shape " + Arrays.toString(size) + " overflows");
        }
        if (count == 0) {
            return new byte[0];
        }
        long last = view.offset();
        boolean contiguous = true;
        long expectedStride = 1;
        try {
            for (int d = size.length - 1; d >= 0; d--) {
                last = Math.addExact(last, Math.multiplyExact(size[d] - 1, stride[d]));
                contiguous &= size[d] == 1 || stride[d] == expectedStride;
                expectedStride *= size[d];
            }
        } catch (ArithmeticException e) {
            last = Long.MAX_VALUE;
        }
        // bounds against the bytes actually read, whatever numel the pickle claimed
        if (view.offset() < 0 || last >= storage.length / elem) {
            throw new WeightFileException(
                    file,
                    "tensor '" + tensor + "' " + Arrays.toString(size) + " at offset "
                            + view.offset() + " with stride " + Arrays.toString(stride)
                            + " reaches beyond its storage of "
                            + storage.length / elem + " elements");
        }
        if (count > (Integer.MAX_VALUE - 8) / elem) {
            // only possible with zero strides (an expanded view), which can exceed its storage
            throw new WeightFileException(file, "tensor '" + tensor + "' " + Arrays.toString(size) + " is too large");
        }
        byte[] out;
        if (contiguous) {
            int from = (int) (view.offset() * elem);
            out = from == 0 && count * elem == storage.length
                    ? storage // the whole storage: share it, Tensor data is immutable
                    : Arrays.copyOfRange(storage, from, from + (int) (count * elem));
        } else {
            out = new byte[(int) (count * elem)];
            long[] index = new long[size.length];
            long src = view.offset();
            for (int i = 0; i < count; i++) {
                System.arraycopy(storage, (int) (src * elem), out, i * elem, elem);
                // advance the row-major odometer, moving src by the strides
                for (int d = size.length - 1; d >= 0; d--) {
                    src += stride[d];
                    if (++index[d] < size[d]) {
                        break;
                    }
                    src -= stride[d] * size[d];
                    index[d] = 0;
                }
            }
        }
        return bigEndian ? swapped(out, elem) : out;
    }

    private static byte[] swapped(byte[] data, int elem) {
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i += elem) {
            for (int j = 0; j < elem; j++) {
                out[i + j] = data[i + elem - 1 - j];
            }
        }
        return out;
    }

    private static String describe(Object value) {
        if (value instanceof Map<?, ?> map) {
            return "a dict with keys " + map.keySet();
        }
        return value == null ? "None" : "a " + value.getClass().getSimpleName();
    }
}
