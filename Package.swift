// swift-tools-version:5.9
import PackageDescription

// Layers, bottom to top: PetradCore (CSV, YAML, errors, atomic files), PetradImage (image model
// and I/O), PetradImageOps (resampling, masks, discretisation), PetradFeatures, PetradStats,
// PetradStudy (study workflow), PetradReport, and the `petrad` command line. A lower layer
// never imports a higher one. System libraries come in through small C targets.
let optimise: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "petrad",
    products: [
        .library(name: "Petrad", targets: ["PetradStudy"]),
        .executable(name: "petrad", targets: ["petrad"]),
        // The lower layers on their own, for tools that need only them (the fuzzers in fuzz/).
        .library(name: "PetradCore", targets: ["PetradCore"]),
        .library(name: "PetradImage", targets: ["PetradImage"]),
        .library(name: "PetradFeatures", targets: ["PetradFeatures"]),
        // GDCM behind petrad's C interface, loaded by CDICOM the first time DICOM is read: it
        // must sit beside the petrad executable (scripts/setup.sh builds both).
        .library(name: "PetradGDCM", type: .dynamic, targets: ["CGDCMShim"]),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        // libdeflate (Debian libdeflate-dev): whole-buffer gzip decoding, about twice zlib's speed.
        .systemLibrary(name: "CDeflate", path: "Sources/CDeflate", pkgConfig: "libdeflate",
                       providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CYaml", path: "Sources/CYaml", pkgConfig: "yaml-0.1",
                       providers: [.apt(["libyaml-dev"])]),
        // GDCM (Debian libgdcm-dev 3.0) behind a small C++ shim with a C header: DICOM in. Built
        // only into libPetradGDCM.so; petrad reaches it through CDICOM.
        .target(name: "CGDCMShim", path: "Sources/CGDCMShim",
                cxxSettings: [.unsafeFlags(["-I/usr/include/gdcm-3.0", "-std=c++17"])],
                linkerSettings: [.linkedLibrary("gdcmMSFF"), .linkedLibrary("gdcmDSED"),
                                 .linkedLibrary("gdcmDICT"), .linkedLibrary("gdcmIOD"),
                                 .linkedLibrary("gdcmCommon"), .linkedLibrary("stdc++")]),
        .target(name: "CDICOM", path: "Sources/CDICOM", linkerSettings: [.linkedLibrary("dl")]),
        .systemLibrary(name: "CCairo", path: "Sources/CCairo", pkgConfig: "cairo",
                       providers: [.apt(["libcairo2-dev"])]),
        .target(name: "PetradCore", dependencies: ["CYaml"]),
        .target(name: "PetradImage", dependencies: ["PetradCore", "CZlib", "CDeflate", "CDICOM"],
                swiftSettings: optimise),
        .target(name: "PetradImageOps", dependencies: ["PetradImage"], swiftSettings: optimise),
        .target(name: "PetradFeatures", dependencies: ["PetradImageOps"],
                swiftSettings: optimise),
        .target(name: "PetradStats", dependencies: ["PetradCore"], swiftSettings: optimise),
        .target(name: "PetradReport", dependencies: ["PetradStats", "CCairo"]),
        .target(name: "PetradStudy",
                dependencies: ["PetradFeatures", "PetradStats", "PetradReport"]),
        .executableTarget(name: "petrad", dependencies: ["PetradStudy"]),
        // Test helpers shared by the test targets (reference files that skip when absent).
        .target(name: "PetradTestSupport", dependencies: ["PetradCore"],
                path: "Tests/PetradTestSupport"),
        .testTarget(name: "PetradCoreTests", dependencies: ["PetradCore"]),
        .testTarget(name: "PetradImageTests",
                    dependencies: ["PetradImageOps", "PetradTestSupport"]),
        .testTarget(name: "PetradFeaturesTests",
                    dependencies: ["PetradFeatures", "PetradTestSupport"]),
        .testTarget(name: "PetradStatsTests", dependencies: ["PetradStats", "PetradTestSupport"]),
        .testTarget(name: "PetradStudyTests", dependencies: ["PetradStudy"]),
        .testTarget(name: "PetradReportTests", dependencies: ["PetradReport"]),
        // Runs the built `petrad` executable (batch failures, exit codes, Ctrl-C).
        .testTarget(name: "PetradCLITests", dependencies: ["PetradImage"]),
    ]
)
