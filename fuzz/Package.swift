// swift-tools-version:5.9
import Foundation
import PackageDescription

// libFuzzer targets for petrad's readers, one executable per reader. Kept out of the main
// package so that `swift build` / `swift test` there never see them; built only by
// scripts/fuzz.sh with `-sanitize=fuzzer,address`. See docs/robustness.md.
//
// The main package is the parent folder; SwiftPM names a path dependency after its folder,
// so the name is read from the path rather than assumed to be "petrad".
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent

func fuzzer(_ name: String, _ products: [String],
            local: [Target.Dependency] = []) -> Target {
    .executableTarget(name: name,
                      dependencies: ["CFuzzerDriver"] + local
                          + products.map { .product(name: $0, package: root) },
                      path: "Sources/\(name)")
}

let package = Package(
    name: "petrad-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "CFuzzerDriver"),
        .target(name: "FuzzImageChecks", dependencies: [.product(name: "PetradImage",
                                                                 package: root)]),
        fuzzer("FuzzNRRD", ["PetradImage"], local: ["FuzzImageChecks"]),
        fuzzer("FuzzNIfTI", ["PetradImage"], local: ["FuzzImageChecks"]),
        fuzzer("FuzzYAML", ["PetradCore"]),
        fuzzer("FuzzCSV", ["PetradCore"]),
        fuzzer("FuzzParams", ["PetradFeatures"]),
        // GDCM comes as the library petrad loads beside its executable.
        fuzzer("FuzzDICOM", ["PetradImage", "PetradGDCM"]),
    ]
)
