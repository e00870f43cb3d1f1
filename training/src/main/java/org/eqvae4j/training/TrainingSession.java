package org.eqvae4j.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.onnxruntime.OrtCheckpointState;
import org.bytedeco.onnxruntime.OrtStatus;
import org.bytedeco.onnxruntime.OrtTrainingSession;
import org.bytedeco.onnxruntime.OrtValue;
import org.bytedeco.onnxruntime.global.onnxruntime;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.training.TrainingArtifacts;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ONNX Runtime on-device training session over a folder of {@link TrainingArtifacts} and a checkpoint.
 *
 * <p>A step: {@link #trainStep} computes the loss and adds the gradients to the accumulation buffers;
 * {@link #optimizerStep} updates the parameters from them and clears them for the next step. Gradient
 * accumulation is N train steps before one optimizer step. The buffers hold the <em>sum</em> of the
 * micro-batch gradients, so with a loss that is a mean over its batch, N micro-batches of size B/N give
 * N times the gradient of one batch of size B: divide the learning rate by N for SGD to take the same
 * step (Adam normalises the gradient's scale away, up to its epsilon).
 *
 * <p>Inputs are matched to the model's inputs by tensor name and passed in the model's order: ONNX
 * Runtime's training API takes them by position, so an unordered map would silently swap them.
 *
 * <p>The learning rate is the session's: ONNX Runtime starts at 1e-3 and does not restore it from a
 * checkpoint, so {@link #saveCheckpoint} stores it in the checkpoint's property bag and opening the
 * checkpoint sets it again.
 *
 * <p>Not thread-safe: use a session from one thread at a time. Close it to free its native memory.
 */
public final class TrainingSession implements AutoCloseable {
    /** The checkpoint property holding the learning rate to restore on resume. */
    public static final String LEARNING_RATE_PROPERTY = "eqvae4j.learning_rate";

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSession.class);

    private final OrtTraining.Natives natives;
    private final ArtifactFiles files;
    private final ExecutionProvider executionProvider;
    private final ModelNames names;
    private OrtCheckpointState state;
    private OrtTrainingSession session;

    private TrainingSession(
            OrtTraining.Natives natives,
            ArtifactFiles files,
            ExecutionProvider executionProvider,
            ModelNames names,
            OrtCheckpointState state,
            OrtTrainingSession session) {
        this.natives = natives;
        this.files = files;
        this.executionProvider = executionProvider;
        this.names = names;
        this.state = state;
        this.session = session;
    }

    /** Opens the artifacts in {@code folder} with the checkpoint beside them (a fresh start). */
    public static TrainingSession open(Path folder, RuntimeOptions options) throws IOException {
        return open(folder, folder.resolve(TrainingArtifacts.CHECKPOINT), options);
    }

    /**
     * Opens the models in {@code folder} with the given checkpoint: the one beside them to start, or one
     * saved by {@link #saveCheckpoint} to resume (parameters, optimizer state and learning rate).
     *
     * @throws IOException when a file is missing or broken; the message names it
     * @throws TrainingUnavailableException when the training natives cannot be loaded on this machine
     */
    public static TrainingSession open(Path folder, Path checkpoint, RuntimeOptions options) throws IOException {
        return open(folder, checkpoint, options, null);
    }

    /**
     * Opens the artifacts in {@code folder} (a fresh start) with ONNX Runtime's profiler on: the training,
     * eval and optimizer sessions each write a Chrome-trace {@code <profilePrefix>_<time>.json} when this
     * session is closed (read them with {@link org.eqvae4j.training.bench.ProfileTable}).
     */
    public static TrainingSession openProfiled(Path folder, RuntimeOptions options, Path profilePrefix)
            throws IOException {
        return open(folder, folder.resolve(TrainingArtifacts.CHECKPOINT), options, profilePrefix);
    }

    private static TrainingSession open(Path folder, Path checkpoint, RuntimeOptions options, Path profilePrefix)
            throws IOException {
        OrtTraining.Natives natives = OrtTraining.natives();
        ArtifactFiles files = ArtifactFiles.in(folder, checkpoint);
        files.requireAll();
        OrtCheckpointState state = loadCheckpoint(natives, files);
        Created created = null;
        try {
            created = createSession(natives, files, state, options, profilePrefix);
            TrainingSession opened = new TrainingSession(
                    natives,
                    files,
                    created.provider(),
                    ModelNames.read(natives, created.session()),
                    state,
                    created.session());
            opened.restoreLearningRate();
            return opened;
        } catch (IOException | RuntimeException e) {
            if (created != null) {
                natives.training().ReleaseTrainingSession(created.session());
            }
            natives.training().ReleaseCheckpointState(state);
            throw e;
        }
    }

    /** A native training session and the provider it runs on. */
    private record Created(OrtTrainingSession session, ExecutionProvider provider) {}

    /** Creates the session on the requested provider; if CUDA was set up but the session fails on it, on the CPU. */
    private static Created createSession(
            OrtTraining.Natives natives,
            ArtifactFiles files,
            OrtCheckpointState state,
            RuntimeOptions options,
            Path profilePrefix)
            throws IOException {
        try (NativeSessionOptions requested = NativeSessionOptions.create(natives, options, profilePrefix)) {
            try {
                return new Created(newSession(natives, files, state, requested), requested.provider());
            } catch (IOException e) {
                if (requested.provider() != ExecutionProvider.CUDA) {
                    throw e;
                }
                LOG.warn("creating the training session with CUDA failed ({}); retrying on the CPU", e.getMessage());
            }
        }
        try (NativeSessionOptions cpu = NativeSessionOptions.cpu(natives, options, profilePrefix)) {
            return new Created(newSession(natives, files, state, cpu), ExecutionProvider.CPU);
        }
    }

    private static OrtCheckpointState loadCheckpoint(OrtTraining.Natives natives, ArtifactFiles files)
            throws IOException {
        OrtCheckpointState state = new OrtCheckpointState();
        String error = natives.errorMessage(natives.training().LoadCheckpoint(path(files.checkpoint()), state));
        if (error != null) {
            String ours = files.diagnoseCheckpoint();
            throw new IOException(
                    ours != null
                            ? ours
                            : "ONNX Runtime cannot load training checkpoint " + files.checkpoint() + ": " + error);
        }
        return state;
    }

    private static OrtTrainingSession newSession(
            OrtTraining.Natives natives, ArtifactFiles files, OrtCheckpointState state, NativeSessionOptions options)
            throws IOException {
        OrtTrainingSession session = new OrtTrainingSession();
        String error = natives.errorMessage(natives.training()
                .CreateTrainingSession(
                        natives.env(),
                        options.handle(),
                        state,
                        path(files.trainingModel()),
                        path(files.evalModel()),
                        path(files.optimizerModel()),
                        session));
        if (error != null) {
            String broken = files.diagnoseModels();
            throw new IOException(
                    broken != null
                            ? broken
                            : "ONNX Runtime cannot create a training session from "
                                    + files.trainingModel().getParent() + " with checkpoint " + files.checkpoint()
                                    + ": " + error);
        }
        return session;
    }

    /** A native path string (ONNX Runtime takes char* paths on Linux and macOS). */
    private static BytePointer path(Path p) {
        return new BytePointer(p.toAbsolutePath().toString(), java.nio.charset.StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- introspection

    /** The user inputs of the training model, in the order ONNX Runtime takes them. */
    public List<String> trainInputNames() {
        return names.trainInputs();
    }

    /** The visible outputs of the training model; the first is the loss. */
    public List<String> trainOutputNames() {
        return names.trainOutputs();
    }

    public List<String> evalInputNames() {
        return names.evalInputs();
    }

    public List<String> evalOutputNames() {
        return names.evalOutputs();
    }

    /** The provider the session runs on (CPU when CUDA was requested but could not be used). */
    public ExecutionProvider executionProvider() {
        return executionProvider;
    }

    // ---------------------------------------------------------------- steps

    /**
     * Runs forward and backward on one (micro-)batch, adds the gradients to the accumulation buffers and
     * returns the loss.
     *
     * @param inputs one tensor per {@link #trainInputNames() training input}, matched by name
     */
    public float trainStep(Tensor... inputs) {
        return trainStepOutputs(inputs).values().iterator().next().toFloats()[0];
    }

    /**
     * As {@link #trainStep}, returning every visible output of the training model by name (the loss
     * first), e.g. the terms of a composite loss.
     */
    public Map<String, Tensor> trainStepOutputs(Tensor... inputs) {
        List<Tensor> ordered = ordered(inputs, names.trainInputs(), "training");
        try (NativeValues feed = NativeValues.copyOf(natives, ordered);
                NativeValues fetch =
                        NativeValues.slots(natives, names.trainOutputs().size())) {
            natives.check(
                    natives.training()
                            .TrainStep(session(), null, feed.size(), feed.array(), fetch.size(), fetch.array()),
                    "train step");
            Map<String, Tensor> outputs = new LinkedHashMap<>();
            for (int i = 0; i < fetch.size(); i++) {
                String name = names.trainOutputs().get(i);
                outputs.put(name, fetch.tensor(i, name));
            }
            Tensor loss = outputs.get(names.trainOutputs().get(0));
            if (loss.dtype() != DType.FLOAT || loss.numElements() != 1) {
                throw new TrainingException(
                        "the training model's first output '" + loss.name() + "' is not a scalar float loss: " + loss);
            }
            return Collections.unmodifiableMap(outputs);
        }
    }

    /**
     * Runs the eval model with the current parameters.
     *
     * @param inputs one tensor per {@link #evalInputNames() eval input}, matched by name
     * @return every eval output by name, in the model's order
     */
    public Map<String, Tensor> evalStep(Tensor... inputs) {
        List<Tensor> ordered = ordered(inputs, names.evalInputs(), "eval");
        try (NativeValues feed = NativeValues.copyOf(natives, ordered);
                NativeValues fetch =
                        NativeValues.slots(natives, names.evalOutputs().size())) {
            natives.check(
                    natives.training()
                            .EvalStep(session(), null, feed.size(), feed.array(), fetch.size(), fetch.array()),
                    "eval step");
            Map<String, Tensor> outputs = new LinkedHashMap<>();
            for (int i = 0; i < fetch.size(); i++) {
                String name = names.evalOutputs().get(i);
                outputs.put(name, fetch.tensor(i, name));
            }
            return Collections.unmodifiableMap(outputs);
        }
    }

    /**
     * Updates the parameters from the accumulated gradients, then clears the gradients: the next train
     * step starts a new accumulation.
     */
    public void optimizerStep() {
        natives.check(natives.training().OptimizerStep(session(), null), "optimizer step");
        lazyResetGrad();
    }

    /** Discards the accumulated gradients: the next train step overwrites the buffers instead of adding. */
    public void lazyResetGrad() {
        natives.check(natives.training().LazyResetGrad(session()), "resetting gradients");
    }

    public void setLearningRate(float learningRate) {
        if (!(learningRate >= 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + learningRate);
        }
        natives.check(natives.training().SetLearningRate(session(), learningRate), "setting the learning rate");
    }

    public float learningRate() {
        float[] lr = new float[1];
        natives.check(natives.training().GetLearningRate(session(), lr), "reading the learning rate");
        return lr[0];
    }

    // ---------------------------------------------------------------- state

    /** A copy of a parameter's current value (trainable or frozen). */
    public Tensor parameter(String name) {
        OrtValue value = new OrtValue();
        String error = natives.errorMessage(natives.training().GetParameter(state(), name, natives.allocator(), value));
        if (error != null) {
            throw new IllegalArgumentException("no parameter '" + name + "' in the checkpoint " + files.checkpoint()
                    + " (ONNX Runtime: " + error + ")");
        }
        try {
            return NativeValues.toTensor(natives, value, name);
        } finally {
            natives.api().ReleaseValue(value);
        }
    }

    /**
     * How many trainable parameter values are NaN or infinite (0 for healthy weights): one copy of all
     * trainable parameters into a flat buffer, so call it per checkpoint, not per step.
     */
    public long nonFiniteParameterCount() {
        org.bytedeco.javacpp.SizeTPointer size = new org.bytedeco.javacpp.SizeTPointer(1);
        OrtValue buffer = new OrtValue();
        try {
            natives.check(
                    natives.training().GetParametersSize(session(), size, true), "counting the trainable parameters");
            long n = size.get();
            if (n == 0) {
                return 0;
            }
            natives.check(
                    natives.api()
                            .CreateTensorAsOrtValue(
                                    natives.allocator(),
                                    new long[] {n},
                                    1,
                                    onnxruntime.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT,
                                    buffer),
                    "allocating a buffer for the parameters");
            natives.check(natives.training().CopyParametersToBuffer(session(), buffer, true), "copying the parameters");
            Pointer data = new Pointer();
            natives.check(natives.api().GetTensorMutableData(buffer, data), "reading the parameters");
            java.nio.FloatBuffer values = new FloatPointer(data).capacity(n).asBuffer();
            long bad = 0;
            for (long i = 0; i < n; i++) {
                if (!Float.isFinite(values.get((int) i))) {
                    bad++;
                }
            }
            return bad;
        } finally {
            if (!buffer.isNull()) {
                natives.api().ReleaseValue(buffer);
            }
            size.close();
        }
    }

    /**
     * Saves parameters, optimizer state and learning rate atomically: a temp file beside the target is
     * renamed over it, so a crash leaves the previous checkpoint intact. Open the artifact folder with
     * this checkpoint to resume.
     */
    public void saveCheckpoint(Path file) throws IOException {
        FloatPointer lr = new FloatPointer(1).put(learningRate());
        try {
            natives.check(
                    natives.training().AddProperty(state(), LEARNING_RATE_PROPERTY, onnxruntime.OrtFloatProperty, lr),
                    "storing the learning rate in the checkpoint");
        } finally {
            lr.close();
        }
        AtomicFiles.writePath(file, tmp -> {
            String error = natives.errorMessage(natives.training().SaveCheckpoint(state(), path(tmp), true));
            if (error != null) {
                throw new IOException("cannot save training checkpoint " + file + ": " + error);
            }
        });
    }

    /**
     * Writes an inference model: the eval model cut down to the given outputs, with the current
     * parameters as initializers. Written atomically.
     */
    public void exportModelForInference(Path file, List<String> outputNames) throws IOException {
        if (outputNames.isEmpty()) {
            throw new IllegalArgumentException(
                    "name at least one eval output to export (eval outputs: " + names.evalOutputs() + ")");
        }
        for (String name : outputNames) {
            if (!names.evalOutputs().contains(name)) {
                throw new IllegalArgumentException(
                        "'" + name + "' is not an output of the eval model (outputs: " + names.evalOutputs() + ")");
            }
        }
        PointerPointer<BytePointer> outputs = new PointerPointer<>(outputNames.toArray(String[]::new));
        try {
            AtomicFiles.writePath(file, tmp -> {
                String error = natives.errorMessage(natives.training()
                        .ExportModelForInferencing(session(), path(tmp), outputNames.size(), outputs));
                if (error != null) {
                    throw new IOException("cannot export an inference model to " + file + ": " + error);
                }
            });
        } finally {
            outputs.close();
        }
    }

    @Override
    public void close() {
        if (session != null) {
            natives.training().ReleaseTrainingSession(session);
            session = null;
        }
        if (state != null) {
            natives.training().ReleaseCheckpointState(state);
            state = null;
        }
    }

    // ---------------------------------------------------------------- helpers

    private OrtTrainingSession session() {
        if (session == null) {
            throw new IllegalStateException("the training session is closed");
        }
        return session;
    }

    private OrtCheckpointState state() {
        session();
        return state;
    }

    /** Pitfall 2 of the design note: ONNX Runtime does not restore the learning rate; the property does. */
    private void restoreLearningRate() {
        BytePointer name = new BytePointer(LEARNING_RATE_PROPERTY);
        IntPointer type = new IntPointer(1);
        PointerPointer<Pointer> value = new PointerPointer<>(1);
        OrtStatus status = natives.training().GetProperty(state, name, natives.allocator(), type, value);
        if (natives.errorMessage(status) != null) {
            return; // a fresh checkpoint has no learning rate property
        }
        Pointer stored = value.get(0);
        try {
            if (type.get() == onnxruntime.OrtFloatProperty) {
                setLearningRate(new FloatPointer(stored).get());
            }
        } finally {
            natives.api().AllocatorFree(natives.allocator(), stored);
        }
    }

    /** The tensors in the order of the model's inputs, matched by name. */
    private static List<Tensor> ordered(Tensor[] inputs, List<String> inputNames, String model) {
        Map<String, Tensor> byName = new HashMap<>();
        for (Tensor t : inputs) {
            if (!inputNames.contains(t.name())) {
                throw new IllegalArgumentException(
                        "'" + t.name() + "' is not an input of the " + model + " model (inputs: " + inputNames + ")");
            }
            if (byName.put(t.name(), t) != null) {
                throw new IllegalArgumentException("input '" + t.name() + "' is given twice");
            }
        }
        List<Tensor> ordered = new ArrayList<>(inputNames.size());
        for (String name : inputNames) {
            Tensor t = byName.get(name);
            if (t == null) {
                throw new IllegalArgumentException(
                        "the " + model + " model needs input '" + name + "' (inputs: " + inputNames + ", given: "
                                + Arrays.stream(inputs).map(Tensor::name).toList() + ")");
            }
            ordered.add(t);
        }
        return ordered;
    }
}
