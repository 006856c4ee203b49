import Foundation
import PetradImage
import PetradImageOps
import XCTest

/// `PETDICOMImport.load`, the library call behind `petrad convert`.
final class DICOMImportTests: XCTestCase {
    /// DRO_0_0 with ROI region_1 from its RTSTRUCT: SUV image, mask, and a sidecar that
    /// records the SUV inputs and the rule (values: suv-dro README).
    func testLoadDROWithROIAndSidecar() throws {
        let root = try SUVDRO.unpack(["0_0"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try PETDICOMImport.load(folder: "\(root)/DRO_0_0", roi: "region_1")
        XCTAssertEqual(result.series.modality, "PT")
        XCTAssertEqual(result.roiName, "region_1")
        XCTAssertEqual(result.conversion?.factors[0] ?? 0, 2.77778125e-4, accuracy: 1e-10)
        let voxels = result.mask?.voxels.reduce(0) { $0 + Int($1) } ?? 0
        XCTAssertGreaterThanOrEqual(voxels, 171_781)
        let json = try result.sidecarJSON()
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let suv = object["suv"] as! [String: Any]
        let dose = (suv["inputs"] as! [String: String])["RadionuclideTotalDose"]
        XCTAssertEqual(dose.flatMap(Double.init), 368_080_000)
        XCTAssertTrue((suv["rule"] as! String).contains("SeriesDateTime"))
        XCTAssertThrowsError(try PETDICOMImport.load(folder: "\(root)/DRO_0_0", roi: "liver")) {
            XCTAssertTrue("\($0)".contains("region_1"), "\($0)")
        }
    }
}
