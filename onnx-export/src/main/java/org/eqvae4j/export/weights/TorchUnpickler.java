package org.eqvae4j.export.weights;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;
import org.eqvae4j.export.graph.DType;

/**
 * Pyrolite's unpickler restricted to what {@code torch.save} writes for a state dict, like
 * {@code torch.load(weights_only=True)}. Pyrolite resolves globals through a static registry and turns
 * unknown ones into dicts; this subclass instead resolves them per instance from a fixed allow-list and
 * refuses everything else, so nothing global is registered and no unexpected class is accepted.
 * Tensors come out as {@link TensorView}s over {@link StorageRef}s; their bytes are read afterwards.
 *
 * <p>It also replaces Pyrolite's dict handling, which builds HashMaps and so loses the state-dict order.
 */
final class TorchUnpickler extends Unpickler {
    /** A torch storage class or dtype named by a pickle global; {@code dtype} is null for ones we cannot hold. */
    record StorageType(String pythonName, DType dtype) {}

    /** The persistent id {@code ('storage', type, key, location, numel)}: storage {@code <archive>/data/<key>}. */
    record StorageRef(String key, StorageType type, long numel) {}

    /** The arguments of {@code torch._utils._rebuild_tensor_v2}: a strided view of a storage, in elements. */
    record TensorView(StorageRef storage, long offset, long[] size, long[] stride) {}

    private static final Map<String, DType> TORCH_TYPES = Map.ofEntries(
            Map.entry("HalfStorage", DType.FLOAT16),
            Map.entry("float16", DType.FLOAT16),
            Map.entry("half", DType.FLOAT16),
            Map.entry("FloatStorage", DType.FLOAT),
            Map.entry("float32", DType.FLOAT),
            Map.entry("float", DType.FLOAT),
            Map.entry("BFloat16Storage", DType.BFLOAT16),
            Map.entry("bfloat16", DType.BFLOAT16),
            Map.entry("DoubleStorage", DType.DOUBLE),
            Map.entry("float64", DType.DOUBLE),
            Map.entry("double", DType.DOUBLE),
            Map.entry("LongStorage", DType.INT64),
            Map.entry("int64", DType.INT64),
            Map.entry("long", DType.INT64),
            Map.entry("IntStorage", DType.INT32),
            Map.entry("int32", DType.INT32),
            Map.entry("int", DType.INT32),
            Map.entry("ByteStorage", DType.UINT8),
            Map.entry("uint8", DType.UINT8),
            Map.entry("CharStorage", DType.INT8),
            Map.entry("int8", DType.INT8),
            Map.entry("BoolStorage", DType.BOOL),
            Map.entry("bool", DType.BOOL),
            // an untyped storage is raw bytes; torch reads it as uint8
            Map.entry("UntypedStorage", DType.UINT8));

    private final Path file;

    TorchUnpickler(Path file) {
        this.file = file;
    }

    @Override
    protected Object dispatch(short opcode) throws IOException {
        checkDeclaredLength(opcode);
        switch (opcode) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                stack.add(resolve(module, PickleUtils.readline(input)));
            }
            case Opcodes.STACK_GLOBAL -> {
                String name = (String) stack.pop();
                stack.add(resolve((String) stack.pop(), name));
            }
            case Opcodes.INST -> {
                String module = PickleUtils.readline(input);
                IObjectConstructor type = (IObjectConstructor) resolve(module, PickleUtils.readline(input));
                stack.add(type.construct(stack.pop_all_since_marker().toArray()));
            }
            case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case Opcodes.DICT -> stack.add(putPairs(new LinkedHashMap<>(), stack.pop_all_since_marker()));
            case Opcodes.SETITEMS -> {
                List<Object> pairs = stack.pop_all_since_marker();
                putPairs(stack.peek(), pairs);
            }
            case Opcodes.BUILD -> {
                // An OrderedDict's state is its attributes (torch's _metadata: module versions), not items.
                stack.pop();
                Object target = stack.peek();
                if (!(target instanceof Map)) {
                    throw new PickleException("BUILD (__setstate__) on "
                            + (target == null ? "None" : target.getClass().getName()));
                }
            }
            default -> {
                return super.dispatch(opcode);
            }
        }
        return NO_RETURN_VALUE;
    }

    /**
     * Opcodes that carry a length allocate that much before reading it (a 10-byte pickle declaring a 2 GB
     * string runs out of memory); the length is checked against what is left of the pickle first.
     */
    private void checkDeclaredLength(short opcode) throws IOException {
        int lengthBytes = switch (opcode) {
            case Opcodes.BINSTRING, Opcodes.BINUNICODE, Opcodes.BINBYTES, Opcodes.LONG4 -> 4;
            case Opcodes.BINUNICODE8, Opcodes.BINBYTES8, Opcodes.BYTEARRAY8 -> 8;
            default -> 0;
        };
        if (lengthBytes == 0 || !input.markSupported()) {
            return;
        }
        input.mark(lengthBytes);
        byte[] raw = input.readNBytes(lengthBytes);
        input.reset();
        if (raw.length < lengthBytes) {
            throw new PickleException("pickle ends inside the length of opcode " + (opcode & 0xff));
        }
        long length = 0;
        for (int i = lengthBytes - 1; i >= 0; i--) {
            length = length << 8 | (raw[i] & 0xff);
        }
        if (lengthBytes == 4) {
            length = (int) length; // signed, as Python writes it
        }
        long left = input.available() - lengthBytes;
        if (length < 0 || length > left) {
            throw new PickleException("opcode " + (opcode & 0xff) + " declares " + length + " bytes but only " + left
                    + " are left in the pickle");
        }
    }

    @Override
    protected Object persistentLoad(Object pid) {
        if (pid instanceof Object[] t
                && t.length == 5
                && "storage".equals(t[0])
                && t[1] instanceof StorageType type
                && t[2] instanceof String key
                && t[4] instanceof Number numel
                && numel.longValue() >= 0) {
            return new StorageRef(key, type, numel.longValue());
        }
        throw new PickleException("unexpected persistent id (not a torch storage record)");
    }

    private Object resolve(String module, String name) throws WeightFileException {
        String global = module + "." + name;
        switch (global) {
            case "collections.OrderedDict":
                return (IObjectConstructor) TorchUnpickler::orderedDict;
            case "torch._utils._rebuild_tensor_v2":
                return (IObjectConstructor) TorchUnpickler::rebuildTensor;
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
                // (data, requires_grad, backward_hooks[, state]): a Parameter is its data here
                return (IObjectConstructor) args -> args[0];
            default:
                break;
        }
        if (module.equals("torch") || global.equals("torch.storage.UntypedStorage")) {
            DType dtype = TORCH_TYPES.get(name);
            if (dtype != null || name.endsWith("Storage")) {
                return new StorageType(global, dtype);
            }
        }
        throw new WeightFileException(
                file,
                "refusing pickle global " + global
                        + ": only torch tensor/storage rebuilding and collections.OrderedDict are allowed"
                        + " (as torch.load(weights_only=True) does)");
    }

    private static Object orderedDict(Object[] args) {
        if (args.length != 0) {
            throw new PickleException("OrderedDict called with arguments");
        }
        return new LinkedHashMap<>();
    }

    /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
    private static Object rebuildTensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof StorageRef storage) || !(args[1] instanceof Number offset)) {
            throw new PickleException("_rebuild_tensor_v2 called with unexpected arguments");
        }
        long[] size = longs(args[2]);
        long[] stride = longs(args[3]);
        if (size.length != stride.length) {
            throw new PickleException("_rebuild_tensor_v2 size and stride differ in rank");
        }
        return new TensorView(storage, offset.longValue(), size, stride);
    }

    private static long[] longs(Object tuple) {
        if (!(tuple instanceof Object[] items)) {
            throw new PickleException("expected a tuple of ints, got " + tuple);
        }
        long[] out = new long[items.length];
        for (int i = 0; i < out.length; i++) {
            if (!(items[i] instanceof Number n) || n.longValue() < 0) {
                throw new PickleException("expected a tuple of non-negative ints, got " + items[i]);
            }
            out[i] = n.longValue();
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> putPairs(Object dict, List<Object> pairs) {
        if (!(dict instanceof Map) || pairs.size() % 2 != 0) {
            throw new PickleException("malformed dict items");
        }
        Map<Object, Object> map = (Map<Object, Object>) dict;
        for (int i = 0; i < pairs.size(); i += 2) {
            map.put(pairs.get(i), pairs.get(i + 1));
        }
        return map;
    }
}
