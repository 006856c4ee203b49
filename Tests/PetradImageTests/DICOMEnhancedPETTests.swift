import Foundation
import PetradImage
import PetradImageOps
import XCTest

/// Enhanced (multi-frame) PET: one file whose frames carry their position, rescale and
/// acquisition time in per-frame functional groups. The fixtures are crops (rows 120-127,
/// columns 88-99, all 20 slices) of IBSI-SUV DRO series converted by highdicom to Legacy
/// Converted Enhanced PET, frames in reverse slice order
/// (scripts/reference/make_enhanced_pet_fixture.py).
final class DICOMEnhancedPETTests: XCTestCase {
    func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/EnhancedPET/\(name)").path
    }

    /// A folder holding only a copy of the fixture `name`.
    func folder(with name: String) throws -> String {
        let folder = try SyntheticDICOM.temporaryFolder()
        try FileManager.default.copyItem(atPath: fixture(name), toPath: folder + "/" + name)
        return folder
    }

    /// DRO_1_0 (per-slice RescaleSlope 4.0 / 3.0, DC START) and DRO_3_4 (DC NONE, per-slice
    /// acquisition times 11:00 / 11:05): the enhanced file gives, frame for frame, the SUV
    /// factors of the classic series it came from and the same SUVbw voxels (exactly: same
    /// stored values, rescale and factor), on the crop's grid (origin moved by 88 columns and
    /// 120 rows of 4 mm). The classic DROs give 0.20 / 1.00 / 4.00 (SUVTests).
    func testEnhancedEqualsClassicSeries() throws {
        let root = try SUVDRO.unpack(["1_0", "3_4"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        for id in ["1_0", "3_4"] {
            let classic = try DICOMSeriesReader.read(folder: "\(root)/DRO_\(id)/PT")
            let (classicSUV, classicConversion) = try SUV.convert(classic)
            let folder = try folder(with: "enhanced_pet_dro_\(id).dcm")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let enhanced = try DICOMSeriesReader.read(folder: folder)
            XCTAssertEqual(enhanced.slices.count, 20, id)
            XCTAssertEqual(Set(enhanced.slices.map(\.path)).count, 1, id)
            let g = enhanced.image.geometry
            XCTAssertEqual(g.size, SIMD3(12, 8, 20), id)
            XCTAssertEqual(g.spacing, SIMD3(4, 4, 4), id)
            XCTAssertEqual(g.origin, SIMD3(352, 480, 0), id)
            XCTAssertEqual(g.direction, classic.image.geometry.direction, id)
            XCTAssertEqual(enhanced.slices.map(\.rescaleSlope),
                           classic.slices.map(\.rescaleSlope), id)
            let (suv, conversion) = try SUV.convert(enhanced)
            XCTAssertEqual(conversion.factors, classicConversion.factors, id)
            XCTAssertEqual(conversion.rule, classicConversion.rule, id)
            var differences = 0, nonZero = 0
            for k in 0..<20 {
                for y in 0..<8 {
                    for x in 0..<12 {
                        let ours = suv[x, y, k], theirs = classicSUV[88 + x, 120 + y, k]
                        if ours != theirs { differences += 1 }
                        if theirs != 0 { nonZero += 1 }
                    }
                }
            }
            XCTAssertEqual(differences, 0, id)
            // The crop lies in the phantom's body on its slices (at least 1-18).
            XCTAssertGreaterThanOrEqual(nonZero, 12 * 8 * 18, id)
        }
        // DRO_3_4's two acquisition times reach the frames (two factors).
        let folder = try folder(with: "enhanced_pet_dro_3_4.dcm")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let factors = try SUV.factors(for: DICOMSeriesReader.read(folder: folder)).factors
        XCTAssertEqual(Set(factors).count, 2)
    }

    /// Enhanced PET Image Storage (SOP class ...130) has no Units: its frames are read (Bq/ml
    /// as the classic series), but SUV is refused with an error naming the SOP class.
    func testEnhancedPETStorageRefusedForSUV() throws {
        let folder = try folder(with: "enhanced_pet_sopclass_130.dcm")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let series = try DICOMSeriesReader.read(folder: folder)
        XCTAssertEqual(series.image.geometry.size, SIMD3(12, 8, 20))
        XCTAssertThrowsError(try SUV.convert(series)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("1.2.840.10008.5.1.4.1.1.130"), text)
            XCTAssertTrue(text.contains("Enhanced PET"), text)
        }
    }
}
