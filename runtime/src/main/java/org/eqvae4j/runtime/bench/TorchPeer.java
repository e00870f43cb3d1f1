package org.eqvae4j.runtime.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A PyTorch peer of a benchmark: a Python with torch, one of the scripts in {@code bench/}, and the safetensors
 * weights both peers load.
 */
public record TorchPeer(String python, Path script, Path encoderWeights, Path decoderWeights) {

    /** {@code python script --encoder E --decoder D} followed by {@code arguments}. */
    public List<String> command(String... arguments) {
        List<String> c = new ArrayList<>(List.of(
                python,
                script.toString(),
                "--encoder",
                encoderWeights.toString(),
                "--decoder",
                decoderWeights.toString()));
        c.addAll(List.of(arguments));
        return c;
    }
}
