package org.eqvae4j.training;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.onnxruntime.OrtSessionOptions;
import org.bytedeco.onnxruntime.global.onnxruntime;
import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native session options for a training session, with the execution provider that could actually be
 * set up: CUDA when requested and usable, otherwise CPU (with a logged reason).
 */
final class NativeSessionOptions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NativeSessionOptions.class);

    private final OrtTraining.Natives natives;
    private final OrtSessionOptions handle;
    private final ExecutionProvider provider;

    private NativeSessionOptions(OrtTraining.Natives natives, OrtSessionOptions handle, ExecutionProvider provider) {
        this.natives = natives;
        this.handle = handle;
        this.provider = provider;
    }

    /**
     * Options with the requested provider, or CPU when CUDA was requested but cannot be used here.
     *
     * @param profilePrefix null, or the path prefix of ONNX Runtime's profiler files: every session made
     *     from these options (training, eval, optimizer) writes {@code <prefix>_<time>.json} when released
     */
    static NativeSessionOptions create(OrtTraining.Natives natives, RuntimeOptions options, Path profilePrefix) {
        OrtSessionOptions handle = base(natives, options, profilePrefix);
        if (options.provider() == ExecutionProvider.CPU) {
            return new NativeSessionOptions(natives, handle, ExecutionProvider.CPU);
        }
        String reason = appendCuda(natives, handle, options.cudaDevice());
        if (reason == null) {
            return new NativeSessionOptions(natives, handle, ExecutionProvider.CUDA);
        }
        LOG.warn("CUDA was requested for training, but {}; training runs on the CPU", reason);
        natives.api().ReleaseSessionOptions(handle);
        return cpu(natives, options, profilePrefix);
    }

    /** Options for the CPU only. */
    static NativeSessionOptions cpu(OrtTraining.Natives natives, RuntimeOptions options, Path profilePrefix) {
        return new NativeSessionOptions(natives, base(natives, options, profilePrefix), ExecutionProvider.CPU);
    }

    private static OrtSessionOptions base(OrtTraining.Natives natives, RuntimeOptions options, Path profilePrefix) {
        OrtSessionOptions handle = new OrtSessionOptions();
        natives.check(natives.api().CreateSessionOptions(handle), "creating session options");
        if (options.intraOpThreads() > 0) {
            natives.check(
                    natives.api().SetIntraOpNumThreads(handle, options.intraOpThreads()), "setting the thread count");
        }
        if (profilePrefix != null) {
            // ORT copies the prefix; the profile is written when each session is released
            try (BytePointer prefix =
                    new BytePointer(profilePrefix.toAbsolutePath().toString(), StandardCharsets.UTF_8)) {
                natives.check(
                        natives.api().EnableProfiling(handle, prefix), "enabling the profiler at " + profilePrefix);
            }
        }
        return handle;
    }

    /** Appends the CUDA provider; returns why it cannot be used, or null when it was appended. */
    private static String appendCuda(OrtTraining.Natives natives, OrtSessionOptions handle, int device) {
        if (!OrtTraining.availableProviders().contains(ExecutionProvider.CUDA.ortName())) {
            return "the loaded ONNX Runtime has no CUDA execution provider (bytedeco's GPU natives and the CUDA "
                    + "redistributables come with the Maven profile 'cuda')";
        }
        String error = natives.errorMessage(onnxruntime.OrtSessionOptionsAppendExecutionProvider_CUDA(handle, device));
        return error == null ? null : "setting up CUDA device " + device + " failed (" + error + ")";
    }

    OrtSessionOptions handle() {
        return handle;
    }

    /** The provider these options run on. */
    ExecutionProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        natives.api().ReleaseSessionOptions(handle);
    }
}
