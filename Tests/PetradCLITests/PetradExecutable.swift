import Foundation
import PetradImage
import XCTest

/// Runs the `petrad` executable built beside the test bundle, and makes the small cases the
/// command-line tests feed it.
extension XCTestCase {
    /// The `petrad` built beside this test bundle (`swift test` builds every product).
    func petradPath() throws -> String {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates = [folder.appendingPathComponent("petrad").path]
        if let bundle = Bundle.allBundles.first(where: { $0.bundlePath.hasSuffix(".xctest") }) {
            candidates.append(URL(fileURLWithPath: bundle.bundlePath).deletingLastPathComponent()
                .appendingPathComponent("petrad").path)
        }
        let executable = { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path = candidates.first(where: executable)
        else {
            throw XCTSkip("petrad executable not found next to the tests (\(candidates))")
        }
        return path
    }

    struct PetradOutcome {
        var status: Int32
        var reason: Process.TerminationReason
        var standardError: String
    }

    /// Runs petrad with `arguments` (in `directory` when given); when `interruptAfter` is
    /// given, sends SIGINT as soon as standard error contains it.
    func runPetrad(_ arguments: [String], in directory: String? = nil,
                   interruptAfter marker: String? = nil) throws -> PetradOutcome
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try petradPath())
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var text = ""
        var interrupted = false
        while true {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let marker, !interrupted, text.contains(marker) {
                kill(process.processIdentifier, SIGINT)
                interrupted = true
            }
        }
        process.waitUntilExit()
        return PetradOutcome(status: process.terminationStatus,
                             reason: process.terminationReason, standardError: text)
    }

    /// A folder with a 10^3 image of `value` and a mask whose ROI is the cube 3...6.
    func writeCase(_ folder: String, _ name: String, value: Double,
                   maskOrigin: SIMD3<Double> = .zero, size: Int = 10) throws {
        let geometry = Geometry(size: SIMD3(size, size, size))
        try ImageIO.writeNIfTI(ImageVolume(geometry: geometry, repeating: value),
                               path: "\(folder)/\(name).nii.gz")
        var mask = ImageVolume(geometry: Geometry(size: SIMD3(size, size, size),
                                                  origin: maskOrigin), repeating: 0)
        for z in 3..<(size - 3) { for y in 3..<(size - 3) { for x in 3..<(size - 3) {
            mask[x, y, z] = 1
        } } }
        try ImageIO.writeNIfTI(mask, path: "\(folder)/\(name)_mask.nii.gz")
    }

    func temporaryFolder() throws -> String {
        let tag = UInt32.random(in: 0...UInt32.max)
        let path = NSTemporaryDirectory() + "petrad-cli-\(getpid())-\(tag)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }
}
