package org.bytedeco.opencl.presets;

/**
 * Empty stand-in for the preset class of org.bytedeco:opencl (excluded, like openvino): JavaCPP needs the
 * class that bytedeco's presets inherit from to exist, and an empty one loads nothing.
 */
public class OpenCL {}
