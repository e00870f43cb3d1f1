package org.eqvae4j.cli.options;

import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Where and how ONNX Runtime runs the models: shared by every command that runs one (encode, decode,
 * roundtrip, batch, sample, metrics, results, report, train). {@code --threads} is always ONNX Runtime's
 * intra-op thread count; batch's files-at-once is {@code --workers}.
 */
public final class DeviceOptions {
    @Option(
            names = {"--device", "--provider"},
            defaultValue = "cpu",
            paramLabel = "cpu|cuda",
            converter = ProviderConverter.class,
            description = {
                "Execution provider (default ${DEFAULT-VALUE}). cuda needs the GPU build (mvn -Pcuda) and a GPU;",
                "without them the models run on the CPU after one warning saying why."
            })
    public ExecutionProvider device;

    @Option(
            names = "--cuda-device",
            defaultValue = "0",
            paramLabel = "N",
            description = "GPU index for --device cuda (default ${DEFAULT-VALUE}).")
    public int cudaDevice;

    @Option(
            names = {"--threads", "--ort-threads"},
            defaultValue = "0",
            paramLabel = "N",
            description = "ONNX Runtime threads per model call (0 = all cores; default ${DEFAULT-VALUE}).")
    public int threads;

    public ExecutionProvider provider() {
        return device;
    }

    /**
     * The provider a training session runs on. Training sessions take GPU 0 (the trainers' run configurations
     * record the provider, not a device index), so another {@code --cuda-device} is a usage error rather than
     * silently ignored.
     */
    public ExecutionProvider trainingProvider(CommandLine commandLine) {
        if (cudaDevice != 0) {
            throw new CommandLine.ParameterException(commandLine, "--cuda-device: training runs on GPU 0 only for now");
        }
        return device;
    }

    public RuntimeOptions runtimeOptions() {
        if (threads < 0 || threads > RuntimeOptions.maxThreads()) {
            throw new IllegalArgumentException("--threads must be 0 (all cores) to " + RuntimeOptions.maxThreads()
                    + " (4 per core of this" + " machine's "
                    + Runtime.getRuntime().availableProcessors() + "; each is a native thread), got " + threads);
        }
        if (cudaDevice < 0) {
            throw new IllegalArgumentException("--cuda-device must be 0 or more, got " + cudaDevice);
        }
        return new RuntimeOptions(threads, device, cudaDevice);
    }

    /** cpu / cuda in any case; anything else is a usage error naming the accepted values. */
    public static final class ProviderConverter implements CommandLine.ITypeConverter<ExecutionProvider> {
        @Override
        public ExecutionProvider convert(String value) {
            try {
                return ExecutionProvider.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
