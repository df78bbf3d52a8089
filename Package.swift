// swift-tools-version:6.0
import PackageDescription

// Laurel: a static site generator for a sales department's points portal.
// The targets follow the pipeline: sources -> points -> site -> command line.
let package = Package(
    name: "Laurel",
    products: [
        .executable(name: "laurel", targets: ["laurel"]),
        .executable(name: "laurel-bench", targets: ["laurel-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        // CRM exports (laurel import): keeps quoted fields byte for byte, so physical lines can be counted.
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        // laurel serve: a small HTTP server on Swift concurrency, no SwiftNIO to build.
        .package(url: "https://github.com/swhitty/FlyingFox", exact: "0.27.1"),
    ],
    targets: [
        // libcmark, reached through pkg-config; only LaurelMarkdown imports it.
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        .target(name: "LaurelMarkdown", dependencies: ["CCmark"]),
        .target(name: "LaurelSources", dependencies: ["LaurelMarkdown", .product(name: "Yams", package: "Yams")]),
        .target(name: "LaurelPoints", dependencies: ["LaurelSources"]),
        .target(
            name: "LaurelSite",
            dependencies: [
                "LaurelSources", "LaurelPoints", "LaurelMarkdown",
            ]
        ),
        // CRM exports into ledger files, and new Markdown pages (laurel import, laurel new).
        .target(
            name: "LaurelImport",
            dependencies: ["LaurelSources", "LaurelSite", .product(name: "CSV", package: "CSV.swift")]
        ),
        // laurel serve: the live preview (in-memory builds, the file watcher, the HTTP server).
        .target(
            name: "LaurelServe",
            dependencies: ["LaurelSources", "LaurelSite", .product(name: "FlyingFox", package: "FlyingFox"), .product(name: "FlyingSocks", package: "FlyingFox")]
        ),
        .executableTarget(
            name: "laurel",
            dependencies: ["LaurelSite", "LaurelImport", "LaurelServe", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "laurel-bench",
            dependencies: ["LaurelSite", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // libFuzzer entry point; built only by scripts/fuzz with -sanitize=fuzzer.
        .executableTarget(name: "laurel-fuzz", dependencies: ["LaurelSite"]),
        .testTarget(
            name: "LaurelTests",
            dependencies: [
                "LaurelSources", "LaurelPoints", "LaurelSite", "LaurelMarkdown", "LaurelImport", "LaurelServe",
                // FuzzRegressionTests replay saved fuzz inputs through the fuzz target's own logic.
                "laurel-fuzz",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
