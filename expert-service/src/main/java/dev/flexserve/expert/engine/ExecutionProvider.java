package dev.flexserve.expert.engine;

/** Where ONNX Runtime runs the expert's FFN graphs ({@code flexserve.expert.execution-provider}). */
public enum ExecutionProvider {
    /** ONNX Runtime's CPU provider: the default build, works everywhere. */
    CPU,
    /** ONNX Runtime's CUDA provider: needs the {@code gpu} Maven profile, an NVIDIA GPU, CUDA and cuDNN. */
    CUDA
}
