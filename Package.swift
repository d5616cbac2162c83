// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "cva",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "CustomerValue", targets: ["CustomerValue"]),
        .executable(name: "cva", targets: ["cva"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-numerics.git", from: "1.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
    ],
    targets: [
        // Processor hints Swift does not expose (a cache prefetch), as static inline C.
        .target(name: "CVAIntrinsics"),
        .target(
            name: "CustomerValue",
            dependencies: [
                "CVAIntrinsics",
                .product(name: "Numerics", package: "swift-numerics"),
                .product(name: "Yams", package: "Yams"),
            ],
            // The per-row loops of ingest touch class state millions of times; runtime exclusivity
            // checks cost ~12% there (measured with perf). Debug builds and tests keep them.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "cva",
            dependencies: [
                "CustomerValue",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "CustomerValueTests",
            dependencies: [
                "CustomerValue",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "cvaTests",
            dependencies: ["cva"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
