package org.eqvae4j.training;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.junit.jupiter.api.Test;

class OrtTrainingTest {

    @Test
    void trainingNativesLoadHere() {
        assertTrue(
                OrtTraining.isTrainingAvailable(), "bytedeco's linux-x86_64 natives are a dependency of this module");
        assertSame(OrtTraining.natives(), OrtTraining.natives(), "loaded once");
        assertTrue(OrtTraining.availableProviders().contains(ExecutionProvider.CPU.ortName()));
    }

    @Test
    void unavailableTrainingSaysWhyAndWhatIsNeeded() {
        TrainingUnavailableException e =
                OrtTraining.unavailable(new UnsatisfiedLinkError("no jnionnxruntime in java.library.path"));
        assertTrue(e.getMessage().contains("no jnionnxruntime"), e.getMessage());
        assertTrue(e.getMessage().contains(System.getProperty("os.name")), e.getMessage());
        assertTrue(e.getMessage().contains("org.bytedeco:onnxruntime"), e.getMessage());
    }
}
