// swift-tools-version:6.2
// A package of its own that uses the engine as a library, by URL and version.
// `make library-example` builds it against a file:// clone of this repository tagged 1.0.0
// (it replaces the URL below); elsewhere, point the URL at the repository.
import PackageDescription

let package = Package(
    name: "LibraryExample",
    dependencies: [
        .package(url: "https://example.invalid/ultimus-workbench.git", from: "1.0.0"),
    ],
    targets: [
        .executableTarget(name: "LibraryExample", dependencies: [
            .product(name: "Autograd", package: "ultimus-workbench"),
            .product(name: "Layers", package: "ultimus-workbench"),
            .product(name: "Datasets", package: "ultimus-workbench"),
        ], swiftSettings: [.swiftLanguageMode(.v5)]),
    ]
)
