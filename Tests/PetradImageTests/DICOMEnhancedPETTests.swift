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

    /// DRO_0_0 (DC START), DRO_1_0 (per-slice RescaleSlope 4.0 / 3.0) and DRO_3_4 (DC NONE,
    /// per-slice acquisition times 11:00 / 11:05): the enhanced file gives, frame for frame, the SUV
    /// factors of the classic series it came from and the same SUVbw voxels (exactly: same
    /// stored values, rescale and factor), on the crop's grid (origin moved by 88 columns and
    /// 120 rows of 4 mm). The classic DROs give 0.20 / 1.00 / 4.00 (SUVTests).
    func testEnhancedEqualsClassicSeries() throws {
        let root = try SUVDRO.unpack(["0_0", "1_0", "3_4"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        for id in ["0_0", "1_0", "3_4"] {
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

    /// Enhanced PET Image Storage (SOP class ...130): RescaleType BQML and DecayCorrected
    /// YES with DecayCorrectionDateTime (DRO_0_0, corrected to 11:00, the classic series'
    /// SeriesDateTime) or NO (DRO_3_4, per frame from FrameAcquisitionDateTime and
    /// FrameAcquisitionDuration) give the classic series' SUV factors and voxels exactly.
    func testEnhancedPETStorageEqualsClassicSeries() throws {
        let root = try SUVDRO.unpack(["0_0", "3_4"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (id, rule) in [("0_0", "DecayCorrectionDateTime 2025-01-01T11:00:00"),
                           ("3_4", "DecayCorrection NONE")] {
            let classic = try DICOMSeriesReader.read(folder: "\(root)/DRO_\(id)/PT")
            let (classicSUV, classicConversion) = try SUV.convert(classic)
            let folder = try folder(with: "enhanced_pet130_dro_\(id).dcm")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let enhanced = try DICOMSeriesReader.read(folder: folder)
            XCTAssertEqual(enhanced.slices[0].attributes["SOPClassUID"],
                           SUV.enhancedPETStorage, id)
            XCTAssertNil(enhanced.slices[0].attributes["Units"], id)
            let (suv, conversion) = try SUV.convert(enhanced)
            XCTAssertEqual(conversion.factors, classicConversion.factors, id)
            XCTAssertTrue(conversion.rule.contains(rule), conversion.rule)
            var differences = 0
            for k in 0..<20 {
                for y in 0..<8 {
                    for x in 0..<12 where suv[x, y, k] != classicSUV[88 + x, 120 + y, k] {
                        differences += 1
                    }
                }
            }
            XCTAssertEqual(differences, 0, id)
        }
    }

    /// Enhanced PET that SUV cannot be computed from is refused, naming the attribute:
    /// RescaleType other than BQML (with the SOP class), DecayCorrected absent, and
    /// DecayCorrected YES without DecayCorrectionDateTime.
    func testEnhancedPETStorageRefusals() throws {
        let folder = try folder(with: "enhanced_pet130_dro_0_0.dcm")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let slices = try DICOMSeriesReader.read(folder: folder).slices.map(\.attributes)
        func refusal(_ change: (inout [String: String]) -> Void) -> String {
            var changed = slices
            for i in changed.indices { change(&changed[i]) }
            do {
                _ = try SUV.factors(slices: changed, file: "enhanced")
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        let counts = refusal { $0["RescaleType"] = "CNTS" }
        XCTAssertTrue(counts.contains("RescaleType") && counts.contains(SUV.enhancedPETStorage),
                      counts)
        let noFlag = refusal { $0["DecayCorrected"] = nil }
        XCTAssertTrue(noFlag.contains("DecayCorrected (0018,9758)"), noFlag)
        let noTime = refusal { $0["DecayCorrectionDateTime"] = nil }
        XCTAssertTrue(noTime.contains("DecayCorrectionDateTime (0018,9701)"), noTime)
    }
}
