import CPUCheck

/// What the numeric kernels need from the CPU. On x86-64 they are compiled for AVX2 and FMA, and a
/// CPU without them stops on an illegal instruction; programs using the engine as a library check
/// here first, as `ultimus-repl` does at start-up. Elsewhere (arm64) the answer is always yes.
public enum CPUFeatures {
    /// Whether this CPU (and OS) runs the numeric kernels.
    public static var supportsNumericKernels: Bool { cpucheck_has_avx2_fma() != 0 }

    /// The requirement, for a message to the user.
    public static let requirement = "the numeric kernels need an x86-64 CPU with AVX2 and FMA "
        + "(Intel Haswell / AMD Zen or newer); this one lacks them"
}
