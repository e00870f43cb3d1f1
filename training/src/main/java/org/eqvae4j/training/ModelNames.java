package org.eqvae4j.training;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.onnxruntime.OrtAllocator;
import org.bytedeco.onnxruntime.OrtStatus;
import org.bytedeco.onnxruntime.OrtTrainingApi;
import org.bytedeco.onnxruntime.OrtTrainingSession;

/**
 * The user-facing input and output names of a training session's models, in ONNX Runtime's order:
 * the order in which it takes inputs by position, and in which it returns outputs.
 */
record ModelNames(
        List<String> trainInputs, List<String> trainOutputs, List<String> evalInputs, List<String> evalOutputs) {

    static ModelNames read(OrtTraining.Natives natives, OrtTrainingSession session) {
        OrtTrainingApi api = natives.training();
        return new ModelNames(
                names(
                        natives,
                        session,
                        api::TrainingSessionGetTrainingModelInputCount,
                        api::TrainingSessionGetTrainingModelInputName,
                        "training model inputs"),
                names(
                        natives,
                        session,
                        api::TrainingSessionGetTrainingModelOutputCount,
                        api::TrainingSessionGetTrainingModelOutputName,
                        "training model outputs"),
                names(
                        natives,
                        session,
                        api::TrainingSessionGetEvalModelInputCount,
                        api::TrainingSessionGetEvalModelInputName,
                        "eval model inputs"),
                names(
                        natives,
                        session,
                        api::TrainingSessionGetEvalModelOutputCount,
                        api::TrainingSessionGetEvalModelOutputName,
                        "eval model outputs"));
    }

    @FunctionalInterface
    private interface Count {
        OrtStatus get(OrtTrainingSession session, SizeTPointer count);
    }

    @FunctionalInterface
    private interface Name {
        OrtStatus get(OrtTrainingSession session, long index, OrtAllocator allocator, BytePointer name);
    }

    private static List<String> names(
            OrtTraining.Natives natives, OrtTrainingSession session, Count count, Name name, String what) {
        SizeTPointer n = new SizeTPointer(1);
        natives.check(count.get(session, n), "counting the " + what);
        List<String> names = new ArrayList<>();
        for (long i = 0; i < n.get(); i++) {
            BytePointer s = new BytePointer();
            natives.check(name.get(session, i, natives.allocator(), s), "reading the " + what);
            try {
                names.add(s.getString());
            } finally {
                natives.api().AllocatorFree(natives.allocator(), s);
            }
        }
        return List.copyOf(names);
    }
}
