package org.bytedeco.openvino.presets;

/**
 * Empty stand-in for the preset class of org.bytedeco:openvino, which is not on Maven Central and is
 * excluded. bytedeco's ONNX Runtime preset names it in {@code @Properties(inherit = ...)}; JavaCPP throws
 * TypeNotPresentException when the class is missing, and an empty class loads nothing.
 */
public class openvino {}
