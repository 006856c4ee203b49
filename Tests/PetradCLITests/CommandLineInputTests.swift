import Foundation
import PetradImage
import XCTest

/// What `petrad extract` and `petrad study` do with command lines and inputs a user gets
/// wrong: a clear message naming the place and the value, the documented exit code (2 for the
/// command line, 1 for an input), and never a crash or a huge allocation.
final class CommandLineInputTests: XCTestCase {
    private let firstOrder = "featureClass:\n  firstorder:\n"

    /// A batch CSV in a sub-folder with `..` paths, named relatively from three working
    /// folders: the paths are read from the CSV's folder every time.
    func testRelativeCSVPathsResolveAgainstTheCSVFolder() throws {
        let root = try temporaryFolder()
        try FileManager.default.createDirectory(atPath: root + "/images/sub",
                                                withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/tables/sub",
                                                withIntermediateDirectories: true)
        try writeCase(root + "/images/sub", "a", value: 3)
        try "PatientID,Image,Mask\nA,../../images/sub/a.nii.gz,../../images/sub/a_mask.nii.gz\n"
            .write(toFile: root + "/tables/sub/cases.csv", atomically: true, encoding: .utf8)
        try (firstOrder + "setting:\n  binWidth: 1\n")
            .write(toFile: root + "/p.yaml", atomically: true, encoding: .utf8)
        for (directory, csv) in [(root + "/tables/sub", "cases.csv"),
                                 (root + "/tables", "./sub/cases.csv"),
                                 (root + "/images", "../tables/sub/cases.csv")] {
            let outcome = try runPetrad(["extract", csv, "--param", root + "/p.yaml", "--quiet",
                                         "--out", root + "/out.csv"], in: directory)
            XCTAssertEqual(outcome.status, 0, "\(csv) from \(directory): \(outcome.standardError)")
        }
    }

    /// A header without rows, and a row with an empty Image cell: exit 1, naming the table and
    /// the row; nothing written.
    func testEmptyTableAndEmptyCellAreRefused() throws {
        let folder = try temporaryFolder()
        try "PatientID,Image,Mask\n".write(toFile: folder + "/h.csv", atomically: true,
                                           encoding: .utf8)
        let header = try runPetrad(["extract", folder + "/h.csv", "--out", folder + "/o.csv"])
        XCTAssertEqual(header.status, 1, header.standardError)
        XCTAssertTrue(header.standardError.contains("has a header but no cases"))
        try "PatientID,Image,Mask\nX,,m.nii.gz\n".write(toFile: folder + "/e.csv",
                                                         atomically: true, encoding: .utf8)
        let empty = try runPetrad(["extract", folder + "/e.csv", "--out", folder + "/o.csv"])
        XCTAssertEqual(empty.status, 1, empty.standardError)
        XCTAssertTrue(empty.standardError.contains("field 'Image, row 2'"), empty.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/o.csv"))
    }

    /// `petrad extract` on a cases table with one row per id in `ids`, each the image "a" with
    /// first-order features, written to o.csv in the returned folder.
    private func extractRows(_ ids: [String]) throws -> (folder: String, outcome: PetradOutcome) {
        let folder = try temporaryFolder()
        try writeCase(folder, "a", value: 3)
        try ("PatientID,Image,Mask\n" + ids.map { "\($0),a.nii.gz,a_mask.nii.gz\n" }.joined())
            .write(toFile: folder + "/c.csv", atomically: true, encoding: .utf8)
        try (firstOrder + "setting:\n  binWidth: 1\n")
            .write(toFile: folder + "/p.yaml", atomically: true, encoding: .utf8)
        let outcome = try runPetrad(["extract", folder + "/c.csv", "--param", folder + "/p.yaml",
                                     "--quiet", "--out", folder + "/o.csv"])
        return (folder, outcome)
    }

    /// Two rows with one PatientID: extracted, with a warning naming the id.
    func testDuplicateCaseIDsAreWarnedAbout() throws {
        let outcome = try extractRows(["A", "A"]).outcome
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssertTrue(outcome.standardError.contains("case id(s) A appear more than once"),
                      outcome.standardError)
    }

    /// Ids differing only in case or surrounding spaces ("A", "a "): kept apart, as PyRadiomics
    /// and pandas keep them, with a warning naming both.
    func testCaseIDsDifferingOnlyInCaseAreWarnedAbout() throws {
        let (folder, outcome) = try extractRows(["A", "a "])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssertTrue(outcome.standardError.contains("case ids 'A' and 'a"),
                      outcome.standardError)
        XCTAssertTrue(outcome.standardError.contains("differ only in case or spaces"),
                      outcome.standardError)
        let rows = try String(contentsOfFile: folder + "/o.csv", encoding: .utf8)
            .split(separator: "\n")
        XCTAssertEqual(rows.count, 3)
    }

    /// Usage errors, exit 2: an image without its mask, an option value forgotten
    /// (`--out --quiet` must not create a folder named --quiet), a shard outside 1...N, a
    /// thread count of 0, a study without its file, `petrad signature` without its second word,
    /// `petrad merge` without parts (`petrad signature --help` shows both helps, exit 0).
    func testCommandLineMistakesExitTwo() throws {
        let folder = try temporaryFolder()
        try writeCase(folder, "a", value: 3)
        let cases: [[String]] = [
            ["extract", folder + "/a.nii.gz"],
            ["extract", folder + "/a.nii.gz", folder + "/a_mask.nii.gz", "--out", "--quiet"],
            ["extract", folder + "/c.csv", "--shard", "0/3"],
            ["study", folder + "/s.yaml", "--out", folder + "/o", "--threads", "0"],
            ["study", folder + "/s.yaml", "--out", folder + "/o", "--shard", "5/2"],
            ["study"],
            ["signature"],
            ["merge", "--out", folder + "/m.csv"],
        ]
        for arguments in cases {
            let outcome = try runPetrad(arguments, in: folder)
            XCTAssertEqual(outcome.status, 2, "\(arguments): \(outcome.standardError)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/--quiet"))
        XCTAssertEqual(try runPetrad(["signature", "--help"]).status, 0)
    }

    /// A bin width of 1e-9 on a ROI spanning SUV 3.7 to 5.3 (1.7e9 bins, 13 GB of edges) and a
    /// resampling spacing of 0.001 mm on 1 mm voxels (6e10 voxels): exit 1 naming the parameter
    /// file and the setting, not a crash.
    func testSettingsThatWouldAllocateGigabytesAreRefused() throws {
        let folder = try temporaryFolder()
        let geometry = Geometry(size: SIMD3(10, 10, 10))
        var ramp = ImageVolume(geometry: geometry, repeating: 0)
        var mask = ImageVolume(geometry: geometry, repeating: 0)
        for z in 0..<10 { for y in 0..<10 { for x in 0..<10 {
            ramp[x, y, z] = 2 + 5 * Double(x) / 9
            if (3...6).contains(x) && (3...6).contains(y) && (3...6).contains(z) {
                mask[x, y, z] = 1
            }
        } } }
        try ImageIO.writeNIfTI(ramp, path: folder + "/ramp.nii.gz")
        try ImageIO.writeNIfTI(mask, path: folder + "/ramp_mask.nii.gz")
        let settings = [("binWidth: 1e-9", "binWidth"),
                        ("resampledPixelSpacing: [0.001, 0.001, 0.001]", "resampledPixelSpacing")]
        for (setting, field) in settings {
            try (firstOrder + "setting:\n  \(setting)\n")
                .write(toFile: folder + "/p.yaml", atomically: true, encoding: .utf8)
            let outcome = try runPetrad(["extract", folder + "/ramp.nii.gz",
                                         folder + "/ramp_mask.nii.gz", "--param",
                                         folder + "/p.yaml", "--out", folder + "/o.csv"])
            XCTAssertEqual(outcome.reason, .exit, outcome.standardError)
            XCTAssertEqual(outcome.status, 1, outcome.standardError)
            XCTAssertTrue(outcome.standardError.contains("field '\(field)'"),
                          outcome.standardError)
            // The setting is the parameter file's, for the case's mask.
            XCTAssertTrue(outcome.standardError.contains(
                "\(folder)/p.yaml (case \(folder)/ramp_mask.nii.gz)"), outcome.standardError)
        }
    }
}
