package org.eqvae4j.training;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.export.onnx.proto.Onnx;
import org.eqvae4j.export.training.CheckpointFile;
import org.eqvae4j.export.training.TrainingArtifacts;

/**
 * The files a training session opens, and, when ONNX Runtime rejects them, a look at each file to say
 * which one is broken (ONNX Runtime's own messages do not always name the file).
 */
record ArtifactFiles(Path trainingModel, Path evalModel, Path optimizerModel, Path checkpoint) {

    static ArtifactFiles in(Path folder, Path checkpoint) {
        return new ArtifactFiles(
                folder.resolve(TrainingArtifacts.TRAINING_MODEL),
                folder.resolve(TrainingArtifacts.EVAL_MODEL),
                folder.resolve(TrainingArtifacts.OPTIMIZER_MODEL),
                checkpoint);
    }

    List<Path> models() {
        return List.of(trainingModel, evalModel, optimizerModel);
    }

    void requireAll() throws NoSuchFileException {
        for (Path p : List.of(trainingModel, evalModel, optimizerModel, checkpoint)) {
            if (!Files.isRegularFile(p)) {
                throw new NoSuchFileException(p.toString(), null, "training artifact file is missing");
            }
        }
    }

    /** Why ONNX Runtime may have rejected the checkpoint, if our own reader finds a reason. */
    String diagnoseCheckpoint() {
        try {
            CheckpointFile.read(checkpoint);
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /** The first model file that is not a parseable ONNX model, with the reason, or null. */
    String diagnoseModels() {
        for (Path model : models()) {
            try (InputStream in = Files.newInputStream(model)) {
                Onnx.ModelProto parsed = Onnx.ModelProto.parseFrom(in);
                if (!parsed.hasGraph()) {
                    return model + " is not an ONNX model: it has no graph";
                }
            } catch (InvalidProtocolBufferException e) {
                return model + " is not a valid ONNX model (protobuf parse failed: " + e.getMessage() + ")";
            } catch (IOException e) {
                return "cannot read " + model + ": " + e.getMessage();
            }
        }
        return null;
    }
}
