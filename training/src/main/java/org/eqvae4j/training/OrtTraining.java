package org.eqvae4j.training;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.onnxruntime.OrtAllocator;
import org.bytedeco.onnxruntime.OrtApi;
import org.bytedeco.onnxruntime.OrtEnv;
import org.bytedeco.onnxruntime.OrtStatus;
import org.bytedeco.onnxruntime.OrtTrainingApi;
import org.bytedeco.onnxruntime.global.onnxruntime;

/**
 * The one place that loads ONNX Runtime's training-enabled natives and hands out its C API.
 *
 * <p>Which natives: the official {@code com.microsoft.onnxruntime} jar is built without the training
 * API, so this module uses bytedeco's build of the same ONNX Runtime version, whose core library has it.
 * bytedeco's copy of the high-level {@code ai.onnxruntime} Java classes lacks the JNI code behind
 * {@code OrtTrainingSession}, though. Of the two known ways around that, this class takes bytedeco's
 * low-level JavaCPP binding of the C training API ({@link OrtTrainingApi}) rather than loading the JNI
 * glue library out of Microsoft's jar next to bytedeco's: one native stack instead of two JNI libraries
 * that must agree on symbols; nothing to extract at build time or to a temp file at run time; the CUDA
 * provider can be appended to the very options handle the training session is created from; and the C
 * API offers what the Java API lacks (reading a parameter back, copying all parameters to a buffer).
 *
 * <p>The natives load on first use, once per JVM; the environment lives as long as the JVM.
 */
public final class OrtTraining {
    private static final String LOG_ID = "eqvae4j-training";

    private OrtTraining() {}

    /** Whether ONNX Runtime's training API can be used on this machine. */
    public static boolean isTrainingAvailable() {
        return Holder.FAILURE == null;
    }

    /**
     * The handles every training call needs.
     *
     * @throws TrainingUnavailableException when the natives cannot be loaded, with the reason
     */
    static Natives natives() {
        if (Holder.FAILURE != null) {
            throw Holder.FAILURE;
        }
        return Holder.NATIVES;
    }

    /** Execution providers compiled into the loaded ONNX Runtime, e.g. CPUExecutionProvider. */
    public static List<String> availableProviders() {
        Natives n = natives();
        PointerPointer<BytePointer> names = new PointerPointer<>();
        int[] count = new int[1];
        n.check(n.api().GetAvailableProviders(names, count), "listing execution providers");
        List<String> providers = new ArrayList<>();
        for (int i = 0; i < count[0]; i++) {
            providers.add(names.getString(i));
        }
        n.check(n.api().ReleaseAvailableProviders(names, count[0]), "releasing the provider list");
        return providers;
    }

    /** ONNX Runtime's C API and training API, the process-wide environment and the default CPU allocator. */
    record Natives(OrtApi api, OrtTrainingApi training, OrtEnv env, OrtAllocator allocator) {

        /** Turns a failed call's status into an exception that says what was being done and why it failed. */
        void check(OrtStatus status, String action) {
            String error = errorMessage(status);
            if (error != null) {
                throw new TrainingException(action + " failed: " + error);
            }
        }

        /** The error message of a call's status (releasing it), or null when the call succeeded. */
        String errorMessage(OrtStatus status) {
            if (status == null || status.isNull()) {
                return null;
            }
            try {
                return api.GetErrorMessage().call(status).getString().strip();
            } finally {
                api.ReleaseStatus(status);
            }
        }
    }

    static TrainingUnavailableException unavailable(Throwable cause) {
        String platform = System.getProperty("os.name") + " " + System.getProperty("os.arch");
        return new TrainingUnavailableException(
                "ONNX Runtime's training API is not available on this machine ("
                        + platform + "): " + cause + ". The training module needs bytedeco's training-enabled natives "
                        + "(org.bytedeco:onnxruntime with the classifier of this platform, e.g. linux-x86_64) on the class "
                        + "path, and not the plain com.microsoft.onnxruntime jar before them.",
                cause);
    }

    /** Lazy, thread-safe, once-only loading (the JVM initialises a nested class on first access). */
    private static final class Holder {
        static final Natives NATIVES;
        static final TrainingUnavailableException FAILURE;

        static {
            Natives natives = null;
            TrainingUnavailableException failure = null;
            try {
                natives = load();
            } catch (RuntimeException | LinkageError e) {
                failure = unavailable(e);
            }
            NATIVES = natives;
            FAILURE = failure;
        }

        private static Natives load() {
            Loader.load(onnxruntime.class);
            OrtApi api = onnxruntime.OrtGetApiBase().GetApi().call(onnxruntime.ORT_API_VERSION);
            if (api == null || api.isNull()) {
                throw new IllegalStateException(
                        "the ONNX Runtime library does not offer C API version " + onnxruntime.ORT_API_VERSION);
            }
            OrtTrainingApi training = api.GetTrainingApi().call(onnxruntime.ORT_API_VERSION);
            if (training == null || training.isNull()) {
                throw new IllegalStateException("the loaded ONNX Runtime was built without the training API");
            }
            OrtEnv env = new OrtEnv();
            OrtAllocator allocator = new OrtAllocator();
            Natives partial = new Natives(api, training, env, allocator);
            partial.check(
                    api.CreateEnv(onnxruntime.ORT_LOGGING_LEVEL_WARNING, LOG_ID, env),
                    "creating the ONNX Runtime environment");
            partial.check(api.GetAllocatorWithDefaultOptions(allocator), "getting the default allocator");
            return partial;
        }
    }
}
