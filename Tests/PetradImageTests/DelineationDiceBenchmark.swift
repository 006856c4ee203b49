import Foundation
import XCTest
import PetradCore
@testable import PetradImage
@testable import PetradImageOps

/// Dice agreement of each delineation method with the expert GTV of the 51 IBSI soft-tissue
/// sarcoma FDG-PET cases (`pet/ibsi-sts-validation`), each seeded at the hottest voxel of its
/// expert mask. A benchmark, not a check against a reference: it runs only when the environment
/// variable PETRAD_DELINEATION_BENCH is set (scripts/bench/delineation-dice.sh), prints the table
/// of docs/delineation.md and writes the per-case values to PETRAD_DELINEATION_BENCH_OUT
/// (default: delineation-dice.csv in the temporary folder).
final class DelineationDiceBenchmark: XCTestCase {
    static let methods: [(String, DelineationMethod)] = [
        ("fixed SUV 2.5", .fixedThreshold()),
        ("41 % of SUVmax", .fractionOfMaximum()),
        ("adaptive f = 0.39", .backgroundAdaptive()),
    ]

    static let seedNames = ["hottest voxel", "SUVpeak centre"]

    func testDiceWithExpertMasksOfTheSTSCohort() throws {
        let environment = ProcessInfo.processInfo.environment
        guard environment["PETRAD_DELINEATION_BENCH"] != nil else {
            throw XCTSkip("benchmark: set PETRAD_DELINEATION_BENCH=1 to run it")
        }
        guard let casesPath = ReferenceData.path("pet/ibsi-sts-validation/cases.csv") else {
            throw XCTSkip("pet/ibsi-sts-validation absent")
        }
        let folder = (casesPath as NSString).deletingLastPathComponent
        let cases = try CSVTable.read(path: casesPath)
        let ids = try cases.column("PatientID")
        let images = try cases.column("Image")
        let masks = try cases.column("Mask")

        var lines = ["PatientID,seed,method,dice,expert_ml,method_ml,iterations,converged"]
        let rows = 2 * Self.methods.count
        var dice = [[Double]](repeating: [], count: rows)
        var ratio = [[Double]](repeating: [], count: rows)
        for row in 0..<ids.count {
            let image = try ImageIO.readImage(path: folder + "/" + images[row])
            let expertValues = try ImageIO.readMaskValues(path: folder + "/" + masks[row])
            let expert = expertValues.voxels.map { $0 != 0 ? UInt8(1) : 0 }
            // Seed: the hottest voxel of the expert mask (lowest index on ties).
            var seed = -1
            for i in 0..<expert.count where expert[i] != 0 {
                if seed < 0 || image.voxels[i] > image.voxels[seed] { seed = i }
            }
            // Second seeding, for robustness: the centre of the expert mask's SUVpeak sphere.
            let peak = PETMeasurement.measure(image: image, mask: Volume(
                geometry: image.geometry, voxels: expert)).total.suvPeakPoint
            let peakIndex = image.geometry.continuousIndex(ofPoint: SIMD3(peak[0], peak[1], peak[2]))
            let seeds = [image.geometry.voxelIndex(ofLinear: seed),
                         SIMD3(Int(peakIndex.x.rounded()), Int(peakIndex.y.rounded()),
                               Int(peakIndex.z.rounded()))]
            let expertCount = expert.reduce(0) { $0 + Int($1) }
            let voxelML = image.geometry.voxelVolume / 1000
            for (s, seedIndex) in seeds.enumerated() {
                for (m, (name, method)) in Self.methods.enumerated() {
                    let result = try Delineation.delineate(image: image, settings:
                        DelineationSettings(method: method, start: .seedIndex(seedIndex)))
                    var both = 0
                    var count = 0
                    for i in 0..<expert.count where result.mask.voxels[i] != 0 {
                        count += 1
                        if expert[i] != 0 { both += 1 }
                    }
                    let d = 2 * Double(both) / Double(count + expertCount)
                    let k = s * Self.methods.count + m
                    dice[k].append(d)
                    ratio[k].append(Double(count) / Double(expertCount))
                    lines.append("\(ids[row]),\(Self.seedNames[s]),\(name),"
                                 + "\(String(format: "%.4f", d)),"
                                 + "\(String(format: "%.2f", Double(expertCount) * voxelML)),"
                                 + "\(String(format: "%.2f", Double(count) * voxelML)),"
                                 + "\(result.record.iterations),\(result.record.converged)")
                }
            }
        }
        let out = environment["PETRAD_DELINEATION_BENCH_OUT"]
            ?? NSTemporaryDirectory() + "delineation-dice.csv"
        try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: out)

        func median(_ v: [Double]) -> Double {
            let s = v.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        var table = ["| seed | method | Dice median | Dice range "
                     + "| volume / expert, median (range) |",
                     "|---|---|---|---|---|"]
        for k in 0..<rows {
            let name = Self.methods[k % Self.methods.count].0
            table.append("| \(Self.seedNames[k / Self.methods.count]) | \(name) | "
                         + "\(String(format: "%.3f", median(dice[k]))) | "
                         + "\(String(format: "%.3f", dice[k].min()!))–"
                         + "\(String(format: "%.3f", dice[k].max()!)) | "
                         + "\(String(format: "%.2f", median(ratio[k]))) "
                         + "(\(String(format: "%.2f", ratio[k].min()!))–"
                         + "\(String(format: "%.2f", ratio[k].max()!))) |")
        }
        print("cases: \(ids.count); per-case values in \(out)")
        print(table.joined(separator: "\n"))
        XCTAssertEqual(dice[0].count, 51)
        XCTAssertTrue(dice.allSatisfy { $0.allSatisfy { $0 >= 0 && $0 <= 1 } })
    }
}
