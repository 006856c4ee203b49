import PetradCore
import PetradFeatures
import XCTest

/// Every shape, shape2D and firstorder value of PyRadiomics' five test cases, with the settings
/// each baseline column records, against `pyradiomics-testcases/baseline` (PyRadiomics 1.3 -
/// 2.1 dev builds) to 1e-6 relative.
///
/// Exception: the `brain1` shape column's MeshVolume, SurfaceArea, SurfaceVolumeRatio and
/// Sphericity were made by an older PyRadiomics build and today's PyRadiomics (3.1.4, and 3.0.1)
/// disagrees with them by up to 9.1e-4; for those four values `current/shape.csv`
/// (pyradiomics-bhklab 3.1.4) is the reference (see the data folder's README).
final class BaselineFeatureTests: XCTestCase {
    let tolerance = 1e-6

    /// Files read once per test run (the lung images take a while to decompress).
    nonisolated(unsafe) static var cache: [String: (volume: ImageVolume, header: ImageHeader)] = [:]
    static let lock = NSLock()

    static func read(_ path: String) throws -> (volume: ImageVolume, header: ImageHeader) {
        lock.lock()
        defer { lock.unlock() }
        if let hit = cache[path] { return hit }
        let read = try ImageIO.read(path: path, exactScaling: true)
        cache[path] = read
        return read
    }

    func check(_ featureClass: FeatureClass, table name: String) throws {
        let baseline = try BaselineTable("baseline/baseline_\(name).csv")
        let current = try BaselineTable("current/\(name).csv")
        var checked = 0
        for column in baseline.columns {
            guard let testCase = baseline.cell("diagnostics_Configuration_TestCase", column),
                  let settingsText = baseline.cell("diagnostics_Configuration_Settings", column)
            else { continue }
            let parts = testCase.split(separator: "_")
            let labelFile = parts.count > 1 && parts[1] == "2D"
                ? "\(parts[0])_label_2D.nrrd" : "\(parts[0])_label.nrrd"
            let settings = settingsFromBaseline(settingsText, featureClass: featureClass)
            let image = try BaselineFeatureTests.read(try testCaseFile("\(parts[0])_image.nrrd"))
            let mask = try BaselineFeatureTests.read(try testCaseFile(labelFile))
            let row = try Extractor(settings: settings).extract(
                image: image.volume, maskValues: mask.volume, imageScalar: image.header.scalarType)
            let features = baseline.featureRows(featureClass.rawValue)
            XCTAssertFalse(features.isEmpty)
            for feature in features {
                var expectedText = baseline.cell(feature, column) ?? ""
                let meshFeatures = ["MeshVolume", "SurfaceArea", "SurfaceVolumeRatio", "Sphericity"]
                if featureClass == .shape && column == "brain1"
                    && meshFeatures.contains(where: { feature.hasSuffix("_" + $0) }) {
                    expectedText = current.cell(feature, column) ?? ""
                }
                guard let expected = Double(expectedText) else { continue }
                guard let actual = row.number(feature) else {
                    XCTFail("\(column) \(feature): missing in petrad's row")
                    continue
                }
                assertRelative(actual, expected, tolerance, "\(column) \(feature)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 0)
    }

    func testShapeAgreesWithBaseline() throws { try check(.shape, table: "shape") }
    func testShape2DAgreesWithBaseline() throws { try check(.shape2D, table: "shape2D") }
    func testFirstOrderAgreesWithBaseline() throws { try check(.firstorder, table: "firstorder") }

    // The texture classes through the whole pipeline (the texture branch tests its functions
    // directly on the same tables).
    func testGLCMThroughExtractorAgreesWithBaseline() throws { try check(.glcm, table: "glcm") }
    func testGLRLMThroughExtractorAgreesWithBaseline() throws { try check(.glrlm, table: "glrlm") }
    func testGLSZMThroughExtractorAgreesWithBaseline() throws { try check(.glszm, table: "glszm") }
    func testGLDMThroughExtractorAgreesWithBaseline() throws { try check(.gldm, table: "gldm") }
    func testNGTDMThroughExtractorAgreesWithBaseline() throws { try check(.ngtdm, table: "ngtdm") }
}
