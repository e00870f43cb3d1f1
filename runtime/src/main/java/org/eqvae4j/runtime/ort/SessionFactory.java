package org.eqvae4j.runtime.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.util.EnumSet;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the sessions of one model (an autoencoder's encoder, decoder and tiling parts, or a generator)
 * on the requested execution provider. When CUDA is requested but this ONNX Runtime has no CUDA provider,
 * or setting it up fails (no GPU, CUDA or cuDNN libraries missing), the sessions run on the CPU and one
 * warning is logged naming why; {@link #choice()} records it. Not thread-safe: used while opening a model.
 */
public final class SessionFactory {
    private static final Logger LOG = LoggerFactory.getLogger(SessionFactory.class);

    private final RuntimeOptions options;
    private ProviderChoice choice;

    public SessionFactory(RuntimeOptions options) {
        this(options, availableProviders());
    }

    /** @param available the providers compiled into the loaded ONNX Runtime */
    SessionFactory(RuntimeOptions options, EnumSet<OrtProvider> available) {
        this.options = options;
        if (options.provider() == ExecutionProvider.CUDA && !available.contains(OrtProvider.CUDA)) {
            fallBack("the loaded ONNX Runtime has no CUDA execution provider (it offers " + available
                    + "; build with the Maven profile 'cuda' for the GPU-enabled ONNX Runtime)");
        } else {
            choice = ProviderChoice.asRequested(options.provider());
        }
    }

    public static EnumSet<OrtProvider> availableProviders() {
        OrtEnvironment.getEnvironment();
        return OrtEnvironment.getAvailableProviders();
    }

    public ProviderChoice choice() {
        return choice;
    }

    /** A session for the file of {@code role}; the message names the bundle and the file when it cannot load. */
    public OrtSession create(ModelBundle bundle, String role) throws BundleException {
        if (choice.used() == ExecutionProvider.CUDA) {
            try {
                return OrtSessions.create(bundle, role, options, options.cudaDevice());
            } catch (OrtException cudaError) {
                OrtSession cpu = cpu(bundle, role); // the model itself is broken when this fails too
                fallBack("setting up CUDA device " + options.cudaDevice() + " failed ("
                        + cudaError.getMessage().strip() + ")");
                return cpu;
            }
        }
        return cpu(bundle, role);
    }

    private OrtSession cpu(ModelBundle bundle, String role) throws BundleException {
        try {
            return OrtSessions.create(bundle, role, options, -1);
        } catch (OrtException e) {
            throw new BundleException(
                    "model bundle " + bundle.root() + ": " + role + " file "
                            + bundle.file(role).getFileName() + " is not a loadable ONNX model: " + e.getMessage(),
                    e);
        }
    }

    private void fallBack(String reason) {
        choice = ProviderChoice.cpuInstead(options.provider(), reason);
        LOG.warn(choice.warning());
    }
}
