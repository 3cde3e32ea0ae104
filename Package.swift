// swift-tools-version:6.0
// Ultimus Workbench: read this file as the table of contents.
//   ultimus-repl → Workbench → Layers, Datasets → Autograd
import PackageDescription

/// AVX2 + FMA code generation: without it SIMD8<Float> lowers to libm `fmaf` calls (~100× slower).
let numeric: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
    .unsafeFlags(["-target-cpu", "haswell"]),
    .swiftLanguageMode(.v5),
]
let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "UltimusWorkbench",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ultimus-repl", targets: ["ultimus-repl"]),
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

        // The engine: tensors, the tape, kernels, safetensors.
        .target(name: "Autograd", dependencies: ["CBLAS"], swiftSettings: numeric),
        // Modules, UltimusNet, optimizers, schedules, summary.
        .target(name: "Layers", dependencies: ["Autograd"], swiftSettings: numeric),
        // CIFAR-10 readers, image codecs, synthetic data, augmentation, loader, download.
        .target(name: "Datasets", dependencies: ["Autograd", "CPNG", "CJPEG", "JPEGSafe"], swiftSettings: numeric),
        // The command language, interpreter, sessions, plots and reports.
        .target(name: "Workbench", dependencies: ["Layers", "Datasets"], swiftSettings: v5),
        // The Jupyter kernel: messaging protocol 5.3 over ZeroMQ, signed with HMAC-SHA256.
        .target(name: "JupyterKernel", dependencies: [
            "Workbench", "CZMQ", .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: v5),
        // Thin executables.
        .executableTarget(name: "ultimus-repl", dependencies: [
            "Workbench", "JupyterKernel", "CEditLine", "CPUCheck",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: v5),
        .executableTarget(name: "ultimus-bench", dependencies: ["Workbench"], swiftSettings: numeric),

        // Tests mirror Sources.
        .target(name: "TestSupport", dependencies: ["Autograd"], path: "Tests/TestSupport", swiftSettings: v5),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "LayersTests", dependencies: ["Layers", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "WorkbenchTests", dependencies: ["Workbench", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "JupyterKernelTests", dependencies: ["JupyterKernel", "CZMQ"], swiftSettings: v5),
        .testTarget(name: "FixtureTests", dependencies: ["Layers", "TestSupport"], swiftSettings: v5),
    ]
)
