// swift-tools-version:6.2
// Ultimus Workbench: read this file as the table of contents.
//   ultimus-repl → Workbench → ExperimentKit → Layers (→ SafeTensorsIO), Datasets → Autograd
//   Workbench: the command language, the shell, rendering and the commands.
//   ExperimentKit: the headless experiment (data, model, training, evaluation, checks, inspection,
//   session files, torch export); it takes a data source, a progress sink and a cancellation token.
import PackageDescription

/// `ULTIMUS_WARNINGS_AS_ERRORS=1` (set by `.ci/run`) makes every warning of our Swift targets an error.
let strict: [SwiftSetting] = Context.environment["ULTIMUS_WARNINGS_AS_ERRORS"] == "1"
    ? [.unsafeFlags(["-warnings-as-errors"])] : []

// Tools version 6.2: packages depending on this one by version accept its unsafe flags.
#if arch(x86_64)
/// AVX2 + FMA code generation: without it SIMD8<Float> lowers to libm `fmaf` calls (~100× slower).
/// Only on x86-64 hosts; on arm64 the SIMD types lower to NEON as they are.
let cpuFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let cpuFlags: [SwiftSetting] = []
#endif
/// `-Ounchecked` only where nothing is parsed (tensors, tape, kernels, modules): code that reads files
/// (safetensors, CIFAR-10 binaries, image codecs, session files) keeps its bounds checks in release.
let numeric: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
    .swiftLanguageMode(.v5),
] + cpuFlags + strict
let checkedNumeric: [SwiftSetting] = [.swiftLanguageMode(.v5)] + cpuFlags + strict
let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)] + strict

let package = Package(
    name: "UltimusWorkbench",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ultimus-repl", targets: ["ultimus-repl"]),
        // The engine, for other packages (README: "The engine as a library").
        .library(name: "Autograd", targets: ["Autograd"]),
        .library(name: "Layers", targets: ["Layers"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "ExperimentKit", targets: ["ExperimentKit"]),
        .library(name: "Workbench", targets: ["Workbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // C libraries from Debian.
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        // No pkgConfig: libzmq.pc adds Kerberos -isystem flags SwiftPM refuses; zmq.h is in /usr/include.
        .systemLibrary(name: "CZMQ", providers: [.apt(["libzmq3-dev"])]),
        // libjpeg reports errors through setjmp/longjmp, which Swift cannot call.
        .target(name: "JPEGSafe", dependencies: ["CJPEG"]),
        // The numeric code needs AVX2+FMA: checked at start-up so older CPUs get a message, not SIGILL.
        .target(name: "CPUCheck"),

        // The engine: tensors, the tape, kernels.
        .target(name: "Autograd", dependencies: ["CBLAS", "CPUCheck"], swiftSettings: numeric),
        // The safetensors file format: reader, writer, header JSON (a parser: bounds-checked).
        .target(name: "SafeTensorsIO", dependencies: ["Autograd"], swiftSettings: checkedNumeric),
        // Modules, UltimusNet, optimizers, schedules, summary.
        .target(name: "Layers", dependencies: ["Autograd", "SafeTensorsIO"], swiftSettings: numeric),
        // CIFAR-10 readers, image codecs, synthetic data, augmentation, loader, download (parsers: bounds-checked).
        .target(name: "Datasets", dependencies: ["Autograd", "CPNG", "CJPEG", "JPEGSafe"],
                swiftSettings: checkedNumeric),
        // The experiment without a terminal: model recipes, data settings, training, evaluation, LR finder,
        // checks, inspection computations, the session file and the torch export.
        .target(name: "ExperimentKit", dependencies: ["Layers", "Datasets"], swiftSettings: v5),
        // The command language, the shell, the commands, plots and reports.
        .target(name: "Workbench", dependencies: ["ExperimentKit", "Layers", "Datasets"], swiftSettings: v5),
        // The Jupyter kernel: messaging protocol 5.3 over ZeroMQ, signed with HMAC-SHA256.
        .target(name: "JupyterKernel", dependencies: [
            "Workbench", "CZMQ", .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: v5),
        // Thin executables.
        .executableTarget(name: "ultimus-repl", dependencies: [
            "Workbench", "JupyterKernel", "CEditLine", "Autograd",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: v5),
        .executableTarget(name: "ultimus-bench", dependencies: ["Workbench", "ExperimentKit"], swiftSettings: numeric),

        // Tests mirror Sources.
        .target(name: "TestSupport", dependencies: ["Autograd"], path: "Tests/TestSupport", swiftSettings: v5),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd", "SafeTensorsIO", "TestSupport"],
                    swiftSettings: v5),
        .testTarget(name: "LayersTests", dependencies: ["Layers", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "ExperimentKitTests", dependencies: ["ExperimentKit", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "WorkbenchTests", dependencies: ["Workbench", "ExperimentKit", "TestSupport"],
                    swiftSettings: v5),
        .testTarget(name: "JupyterKernelTests", dependencies: ["JupyterKernel", "CZMQ"], swiftSettings: v5),
        .testTarget(name: "FixtureTests", dependencies: ["Layers", "SafeTensorsIO", "TestSupport"], swiftSettings: v5),
    ]
)
