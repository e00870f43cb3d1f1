/**
 * Training on ONNX Runtime's training API (bytedeco's training-enabled natives): {@code TrainingSession}, the one
 * {@code TrainingLoop} and {@code RunSchedule} every trainer runs on, the resumable {@code RunFolder} they write, and the
 * native plumbing.
 */
package org.eqvae4j.training;
