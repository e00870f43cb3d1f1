package org.eqvae4j.export.training;

import com.google.flatbuffers.FlatBufferBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.runtime.io.AtomicFiles;

/**
 * Reads and writes ONNX Runtime's training checkpoint: a flatbuffer with file identifier "ODTC" whose
 * schema is onnxruntime/core/flatbuffers/schema/ort_training_checkpoint.fbs (tables below by field slot,
 * which is the 0-based declaration order). ONNX Runtime 1.28 accepts version 2 only. The reader also reads
 * checkpoints ONNX Runtime saved itself.
 */
public final class CheckpointFile {
    public static final String FILE_IDENTIFIER = "ODTC";
    public static final int VERSION = 2;
    /** ONNX Runtime supports exactly one optimizer group, under this name. */
    public static final String OPTIMIZER_GROUP = "group0";

    // Checkpoint { version:int32; module_state:ModuleState; optimizer_groups:[OptimizerGroup]; property_bag:PropertyBag
    // }
    private static final int CHECKPOINT_VERSION = 0;
    private static final int CHECKPOINT_MODULE_STATE = 1;
    private static final int CHECKPOINT_OPTIMIZER_GROUPS = 2;
    private static final int CHECKPOINT_PROPERTY_BAG = 3;
    // ModuleState { requires_grad_params:[Tensor]; frozen_params:[Tensor]; is_nominal_state:bool }
    private static final int MODULE_TRAINABLE = 0;
    private static final int MODULE_FROZEN = 1;
    private static final int MODULE_NOMINAL = 2;
    // OptimizerGroup { group_name:string; step:int64; initial_learning_rate:float;
    // optimizer_states:[ParameterOptimizerState] }
    private static final int GROUP_NAME = 0;
    private static final int GROUP_STEP = 1;
    private static final int GROUP_INITIAL_LR = 2;
    private static final int GROUP_STATES = 3;
    // ParameterOptimizerState { param_name:string; momentums:[Tensor] }
    private static final int STATE_PARAM_NAME = 0;
    private static final int STATE_MOMENTUMS = 1;
    // PropertyBag { ints:[IntProperty]; floats:[FloatProperty]; strings:[StringProperty] }, each { name; value }
    private static final int BAG_INTS = 0;
    private static final int BAG_FLOATS = 1;
    private static final int BAG_STRINGS = 2;
    private static final int PROPERTY_NAME = 0;
    private static final int PROPERTY_VALUE = 1;
    // Tensor { name:string; doc_string:string; dims:[int64]; data_type:int32; raw_data:[uint8];
    //          string_data:[string]; external_data_offset:int64 = -1 }
    private static final int TENSOR_NAME = 0;
    private static final int TENSOR_DIMS = 2;
    private static final int TENSOR_DATA_TYPE = 3;
    private static final int TENSOR_RAW_DATA = 4;
    private static final int TENSOR_EXTERNAL_DATA_OFFSET = 6;
    private static final int TENSOR_FIELDS = 7;

    private CheckpointFile() {}

    /** Writes atomically: a reader never sees a half-written checkpoint, a failure keeps the old one. */
    public static void write(Checkpoint checkpoint, Path file) throws IOException {
        byte[] bytes = toBytes(checkpoint);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    public static Checkpoint read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cannot read training checkpoint " + file + ": " + e.getMessage(), e);
        }
        return fromBytes(bytes, file.toString());
    }

    // ---------------------------------------------------------------- writing

    public static byte[] toBytes(Checkpoint checkpoint) {
        long dataBytes = 0;
        for (Tensor t : allTensors(checkpoint)) {
            dataBytes += t.rawData().length;
        }
        // sized for the tensor data up front, so the builder does not grow by copying
        FlatBufferBuilder b = new FlatBufferBuilder((int) Math.min(Integer.MAX_VALUE - 8, dataBytes + (1 << 16)));

        int trainable = tensorVector(b, checkpoint.trainable().values());
        int frozen = tensorVector(b, checkpoint.frozen().values());
        b.startTable(3);
        b.addOffset(MODULE_TRAINABLE, trainable, 0);
        b.addOffset(MODULE_FROZEN, frozen, 0);
        int moduleState = b.endTable();

        int groups = checkpoint
                .optimizer()
                .map(state -> b.createVectorOfTables(new int[] {optimizerGroup(b, state)}))
                .orElse(0);
        int properties = checkpoint.properties().isEmpty() ? 0 : propertyBag(b, checkpoint.properties());

        b.startTable(4);
        b.addInt(CHECKPOINT_VERSION, VERSION, 0);
        b.addOffset(CHECKPOINT_MODULE_STATE, moduleState, 0);
        b.addOffset(CHECKPOINT_OPTIMIZER_GROUPS, groups, 0);
        b.addOffset(CHECKPOINT_PROPERTY_BAG, properties, 0);
        b.finish(b.endTable(), FILE_IDENTIFIER);
        return b.sizedByteArray();
    }

    private static List<Tensor> allTensors(Checkpoint checkpoint) {
        List<Tensor> all = new ArrayList<>(checkpoint.trainable().values());
        all.addAll(checkpoint.frozen().values());
        checkpoint.optimizer().ifPresent(o -> o.moments().values().forEach(all::addAll));
        return all;
    }

    private static int optimizerGroup(FlatBufferBuilder b, Checkpoint.OptimizerState state) {
        int[] states = new int[state.moments().size()];
        int i = 0;
        for (Map.Entry<String, List<Tensor>> e : state.moments().entrySet()) {
            int paramName = b.createString(e.getKey());
            int momentums = tensorVector(b, e.getValue());
            b.startTable(2);
            b.addOffset(STATE_PARAM_NAME, paramName, 0);
            b.addOffset(STATE_MOMENTUMS, momentums, 0);
            states[i++] = b.endTable();
        }
        int name = b.createString(OPTIMIZER_GROUP);
        int statesVector = b.createVectorOfTables(states);
        b.startTable(4);
        b.addOffset(GROUP_NAME, name, 0);
        b.addLong(GROUP_STEP, state.step(), 0);
        b.addFloat(GROUP_INITIAL_LR, state.initialLearningRate(), 0);
        b.addOffset(GROUP_STATES, statesVector, 0);
        return b.endTable();
    }

    private static int propertyBag(FlatBufferBuilder b, Checkpoint.Properties properties) {
        int[] ints = properties.ints().entrySet().stream()
                .mapToInt(e -> {
                    int name = b.createString(e.getKey());
                    b.startTable(2);
                    b.addOffset(PROPERTY_NAME, name, 0);
                    b.addLong(PROPERTY_VALUE, e.getValue(), 0);
                    return b.endTable();
                })
                .toArray();
        int[] floats = properties.floats().entrySet().stream()
                .mapToInt(e -> {
                    int name = b.createString(e.getKey());
                    b.startTable(2);
                    b.addOffset(PROPERTY_NAME, name, 0);
                    b.addFloat(PROPERTY_VALUE, e.getValue(), 0);
                    return b.endTable();
                })
                .toArray();
        int[] strings = properties.strings().entrySet().stream()
                .mapToInt(e -> {
                    int name = b.createString(e.getKey());
                    int value = b.createString(e.getValue());
                    b.startTable(2);
                    b.addOffset(PROPERTY_NAME, name, 0);
                    b.addOffset(PROPERTY_VALUE, value, 0);
                    return b.endTable();
                })
                .toArray();
        int intsVector = b.createVectorOfTables(ints);
        int floatsVector = b.createVectorOfTables(floats);
        int stringsVector = b.createVectorOfTables(strings);
        b.startTable(3);
        b.addOffset(BAG_INTS, intsVector, 0);
        b.addOffset(BAG_FLOATS, floatsVector, 0);
        b.addOffset(BAG_STRINGS, stringsVector, 0);
        return b.endTable();
    }

    /** A vector of tensors; written even when empty, because ONNX Runtime requires both parameter vectors. */
    private static int tensorVector(FlatBufferBuilder b, Collection<Tensor> tensors) {
        int[] offsets = tensors.stream().mapToInt(t -> tensor(b, t)).toArray();
        return b.createVectorOfTables(offsets);
    }

    private static int tensor(FlatBufferBuilder b, Tensor t) {
        int name = b.createString(t.name());
        long[] dims = t.dims();
        b.startVector(8, dims.length, 8);
        for (int i = dims.length - 1; i >= 0; i--) {
            b.addLong(dims[i]);
        }
        int dimsVector = b.endVector();
        int raw = b.createByteVector(t.rawData());
        b.startTable(TENSOR_FIELDS);
        b.addOffset(TENSOR_NAME, name, 0);
        b.addOffset(TENSOR_DIMS, dimsVector, 0);
        b.addInt(TENSOR_DATA_TYPE, t.dtype().onnxCode(), 0);
        b.addOffset(TENSOR_RAW_DATA, raw, 0);
        return b.endTable();
    }

    // ---------------------------------------------------------------- reading

    /** @param source the file name (or other description) that error messages name */
    public static Checkpoint fromBytes(byte[] bytes, String source) throws IOException {
        if (bytes.length < 8) {
            throw new IOException(
                    source + " is not an ONNX Runtime training checkpoint: only " + bytes.length + " bytes");
        }
        String identifier = new String(bytes, 4, 4, StandardCharsets.ISO_8859_1);
        if (!identifier.equals(FILE_IDENTIFIER)) {
            throw new IOException(source + " is not an ONNX Runtime training checkpoint (file identifier '"
                    + printable(identifier) + "', expected '" + FILE_IDENTIFIER + "')");
        }
        try {
            return checkpoint(FlatTable.root(ByteBuffer.wrap(bytes)), source);
        } catch (FlatTable.FormatException | IndexOutOfBoundsException | ArithmeticException e) {
            throw new IOException(
                    "training checkpoint " + source + " is corrupt or truncated (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IOException("training checkpoint " + source + " is invalid: " + e.getMessage(), e);
        }
    }

    private static Checkpoint checkpoint(FlatTable root, String source) throws IOException {
        int version = root.getInt(CHECKPOINT_VERSION, 0);
        if (version != VERSION) {
            throw new IOException("training checkpoint " + source + " has version " + version
                    + "; ONNX Runtime 1.28 and this reader support version " + VERSION);
        }
        Map<String, Tensor> trainable = new LinkedHashMap<>();
        Map<String, Tensor> frozen = new LinkedHashMap<>();
        FlatTable module = root.table(CHECKPOINT_MODULE_STATE);
        if (module != null) {
            if (module.getBoolean(MODULE_NOMINAL, false)) {
                throw new IOException("training checkpoint " + source + " is a nominal checkpoint (parameter names "
                        + "without values), which is not supported");
            }
            trainable = tensors(module.tables(MODULE_TRAINABLE), "trainable parameters", source);
            frozen = tensors(module.tables(MODULE_FROZEN), "frozen parameters", source);
        }
        return new Checkpoint(
                trainable,
                frozen,
                optimizerState(root.tables(CHECKPOINT_OPTIMIZER_GROUPS), source),
                properties(root.table(CHECKPOINT_PROPERTY_BAG), source));
    }

    private static Optional<Checkpoint.OptimizerState> optimizerState(List<FlatTable> groups, String source)
            throws IOException {
        if (groups == null || groups.isEmpty()) {
            return Optional.empty();
        }
        if (groups.size() > 1 || !OPTIMIZER_GROUP.equals(groups.get(0).string(GROUP_NAME))) {
            throw new IOException("training checkpoint " + source + " has " + groups.size()
                    + " optimizer group(s); only one named '" + OPTIMIZER_GROUP + "' is supported");
        }
        FlatTable group = groups.get(0);
        Map<String, List<Tensor>> moments = new LinkedHashMap<>();
        List<FlatTable> states = group.tables(GROUP_STATES);
        for (FlatTable state : states == null ? List.<FlatTable>of() : states) {
            String param =
                    required(state.string(STATE_PARAM_NAME), "an optimizer state without a parameter name", source);
            moments.put(
                    param,
                    List.copyOf(tensors(state.tables(STATE_MOMENTUMS), "moments of '" + param + "'", source)
                            .values()));
        }
        return Optional.of(new Checkpoint.OptimizerState(
                group.getLong(GROUP_STEP, 0), group.getFloat(GROUP_INITIAL_LR, 0f), moments));
    }

    private static Checkpoint.Properties properties(FlatTable bag, String source) throws IOException {
        if (bag == null) {
            return Checkpoint.Properties.EMPTY;
        }
        Map<String, Long> ints = new LinkedHashMap<>();
        for (FlatTable p : orEmpty(bag.tables(BAG_INTS))) {
            ints.put(propertyName(p, source), p.getLong(PROPERTY_VALUE, 0));
        }
        Map<String, Float> floats = new LinkedHashMap<>();
        for (FlatTable p : orEmpty(bag.tables(BAG_FLOATS))) {
            floats.put(propertyName(p, source), p.getFloat(PROPERTY_VALUE, 0f));
        }
        Map<String, String> strings = new LinkedHashMap<>();
        for (FlatTable p : orEmpty(bag.tables(BAG_STRINGS))) {
            String name = propertyName(p, source);
            strings.put(
                    name, required(p.string(PROPERTY_VALUE), "string property '" + name + "' without a value", source));
        }
        return new Checkpoint.Properties(ints, floats, strings);
    }

    private static String propertyName(FlatTable property, String source) throws IOException {
        return required(property.string(PROPERTY_NAME), "a property without a name", source);
    }

    private static Map<String, Tensor> tensors(List<FlatTable> tables, String what, String source) throws IOException {
        // ONNX Runtime requires the vector itself (even empty); an absent one means a damaged file
        List<FlatTable> present = required(tables, "no list of " + what, source);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (FlatTable t : present) {
            Tensor tensor = tensor(t, source);
            if (tensors.put(tensor.name(), tensor) != null) {
                throw new IOException(
                        "training checkpoint " + source + " lists tensor '" + tensor.name() + "' twice in " + what);
            }
        }
        return tensors;
    }

    private static Tensor tensor(FlatTable t, String source) throws IOException {
        String name = required(t.string(TENSOR_NAME), "a tensor without a name", source);
        if (t.getLong(TENSOR_EXTERNAL_DATA_OFFSET, -1) >= 0) {
            throw new IOException("training checkpoint " + source + ": tensor '" + name
                    + "' keeps its data in an external file, which is not supported");
        }
        DType dtype;
        try {
            dtype = DType.fromOnnx(t.getInt(TENSOR_DATA_TYPE, 0));
        } catch (IllegalArgumentException e) {
            throw new IOException("training checkpoint " + source + ": tensor '" + name + "': " + e.getMessage(), e);
        }
        long[] dims = required(t.longs(TENSOR_DIMS), "tensor '" + name + "' without dimensions", source);
        byte[] raw = required(t.bytes(TENSOR_RAW_DATA), "tensor '" + name + "' without data", source);
        return new Tensor(name, dtype, dims, raw);
    }

    private static <T> T required(T value, String problem, String source) throws IOException {
        if (value == null) {
            throw new IOException("training checkpoint " + source + " is invalid: " + problem);
        }
        return value;
    }

    private static List<FlatTable> orEmpty(List<FlatTable> tables) {
        return tables == null ? List.of() : tables;
    }

    private static String printable(String s) {
        return s.chars()
                .mapToObj(c -> c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02x", c))
                .reduce("", String::concat);
    }
}
