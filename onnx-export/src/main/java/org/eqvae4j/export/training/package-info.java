/**
 * ONNX Runtime on-device training artifacts written in Java: training, eval and optimizer models and the
 * checkpoint (flatbuffers), for any graph whose ops have gradient rules ({@code ModelTrainingSetup}, {@code TrainingArtifacts}).
 */
package org.eqvae4j.export.training;
