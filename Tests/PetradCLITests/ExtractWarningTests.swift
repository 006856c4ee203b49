import Foundation
import PetradImage
import XCTest

/// `petrad extract` warns on standard error when the bin setting leaves the ROI with one grey
/// level (texture features then constants), naming the case, the setting and a bin width to try.
final class ExtractWarningTests: XCTestCase {
    /// A 10^3 image with values 1.00 to 1.49 (SUV-like) and a mask on the cube 3...6.
    private func writeSUVLikeCase(_ folder: String) throws {
        let geometry = Geometry(size: SIMD3(10, 10, 10))
        var image = ImageVolume(geometry: geometry, repeating: 0)
        for i in image.voxels.indices { image.voxels[i] = 1 + 0.01 * Double(i % 50) }
        try ImageIO.writeNIfTI(image, path: "\(folder)/suv.nii.gz")
        var mask = ImageVolume(geometry: geometry, repeating: 0)
        for z in 3..<7 { for y in 3..<7 { for x in 3..<7 { mask[x, y, z] = 1 } } }
        try ImageIO.writeNIfTI(mask, path: "\(folder)/suv_mask.nii.gz")
    }

    func testDefaultBinWidthOnSUVValuesWarnsAndStillWrites() throws {
        let folder = try temporaryFolder()
        try writeSUVLikeCase(folder)
        let outcome = try runPetrad(["extract", "\(folder)/suv.nii.gz",
                                     "\(folder)/suv_mask.nii.gz", "--out", "\(folder)/f.csv"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssertTrue(outcome.standardError.contains("petrad extract: warning: case "
                                                         + "\(folder)/suv.nii.gz: binWidth 25 "
                                                         + "(the default) leaves the ROI"),
                      outcome.standardError)
        XCTAssertTrue(outcome.standardError.contains("with 1 grey level"), outcome.standardError)
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(folder)/f.csv"))
    }

    func testBinWidthGivingSeveralLevelsDoesNotWarn() throws {
        let folder = try temporaryFolder()
        try writeSUVLikeCase(folder)
        try "setting:\n  binWidth: 0.1\n".write(toFile: "\(folder)/p.yaml", atomically: true,
                                                 encoding: .utf8)
        let outcome = try runPetrad(["extract", "\(folder)/suv.nii.gz",
                                     "\(folder)/suv_mask.nii.gz", "--param", "\(folder)/p.yaml",
                                     "--out", "\(folder)/f.csv"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssertFalse(outcome.standardError.contains("warning"), outcome.standardError)
    }
}
