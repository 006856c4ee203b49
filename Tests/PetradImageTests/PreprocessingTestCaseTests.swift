import PetradTestSupport
import XCTest
@testable import PetradImageOps

/// Preprocessing of PyRadiomics' five test cases checked through the simplest features that
/// depend on it: firstorder Mean, Minimum, Maximum (ROI intensities after normalisation,
/// resampling or resegmentation) and Uniformity (sum of squared grey-level fractions, so the
/// bin edges must be right). Expected values: pyradiomics-testcases/current/firstorder.csv
/// (PyRadiomics 3.1.4 as pyradiomics-bhklab, SimpleITK 2.5.7, numpy 2.4.6).
///
/// Columns: `<case>` (binWidth 25), `<case>_normalization` (normalize, normalizeScale 100,
/// binWidth 5), `<case>_resampling` ([2, 2, 2] mm, sitkBSpline, padDistance 5, binWidth 25),
/// `<case>_resegmentation` (resegmentRange [-3, 3], resegmentMode sigma, binWidth 25).
final class PreprocessingTestCaseTests: XCTestCase {
    static let cases = ["brain1", "brain2", "breast1", "lung1", "lung2"]

    func expected(_ column: String) throws -> [String: Double] {
        let table = try ReferenceData.table("pyradiomics-testcases/current/firstorder.csv")
        let index = try table.columnIndex(column)
        var result: [String: Double] = [:]
        for row in table.rows where row.count > index {
            if let value = Double(row[index]) { result[row[0]] = value }
        }
        return result
    }

    /// Loaded once per test run (XCTest runs this class's tests one after another).
    nonisolated(unsafe) static var loaded: [String: (ImageVolume, Volume<UInt8>, ScalarType)] = [:]

    func load(_ name: String) throws -> (ImageVolume, Volume<UInt8>, ScalarType) {
        if let cached = Self.loaded[name] { return cached }
        guard let imagePath = ReferenceData.path("pyradiomics-testcases/\(name)_image.nrrd"),
              let maskPath = ReferenceData.path("pyradiomics-testcases/\(name)_label.nrrd")
        else { throw XCTSkip("pyradiomics-testcases/\(name) absent") }
        let (image, header) = try ImageIO.read(path: imagePath)
        let labels = try ImageIO.readMaskValues(path: maskPath)
        let mask = Volume<UInt8>(geometry: labels.geometry,
                                 voxels: labels.voxels.map { $0 == 1 ? 1 : 0 })
        Self.loaded[name] = (image, mask, header.scalarType)
        return (image, mask, header.scalarType)
    }

    func compare(_ image: ImageVolume, _ mask: Volume<UInt8>, binWidth: Double, column: String,
                 file: StaticString = #filePath, line: UInt = #line) throws {
        let reference = try expected(column)
        let roi = Resegmentation.roiValues(image: image, mask: mask)
        let levels = Discretisation.discretise(
            values: roi, edges: Discretisation.binEdges(values: roi, binWidth: binWidth))
        var counts: [Int32: Int] = [:]
        for level in levels { counts[level, default: 0] += 1 }
        let uniformity = counts.values.reduce(0.0) {
            $0 + (Double($1) / Double(roi.count)) * (Double($1) / Double(roi.count))
        }
        let mean = NumPyArithmetic.mean(roi)
        let checks: [(String, Double)] = [
            ("Mean", mean), ("Minimum", roi.min()!), ("Maximum", roi.max()!),
            ("Uniformity", uniformity),
        ]
        for (feature, value) in checks {
            let want = try XCTUnwrap(reference["original_firstorder_" + feature], feature)
            XCTAssertEqual(value, want, accuracy: 1e-12 * max(1, abs(want)),
                           "\(column) \(feature)", file: file, line: line)
        }
    }

    func testOriginalWithBinWidth25() throws {
        for name in Self.cases {
            let (image, mask, _) = try load(name)
            try compare(image, mask, binWidth: 25, column: name)
        }
    }

    func testNormalizationWithScale100AndBinWidth5() throws {
        for name in Self.cases {
            let (image, mask, _) = try load(name)
            try compare(Normalisation.normalize(image, scale: 100), mask, binWidth: 5,
                        column: name + "_normalization")
        }
    }

    func testResamplingTo2mmWithBSpline() throws {
        for name in Self.cases {
            let (image, mask, type) = try load(name)
            let out = try Resampling.resample(image: image, mask: mask, spacing: SIMD3(2, 2, 2),
                                              interpolator: .bSpline, padDistance: 5,
                                              outputType: type)
            try compare(out.image, out.mask, binWidth: 25, column: name + "_resampling")
        }
    }

    func testResegmentationSigmaThree() throws {
        for name in Self.cases {
            let (image, mask, _) = try load(name)
            let resegmented = try Resegmentation.resegment(image: image, mask: mask,
                                                           range: [-3, 3], mode: .sigma)
            let reference = try expected(name + "_resegmentation")
            XCTAssertEqual(Double(resegmented.voxels.reduce(0) { $0 + Int($1) }),
                           reference["diagnostics_Mask-resegmented_VoxelNum"], name)
            try compare(image, resegmented, binWidth: 25, column: name + "_resegmentation")
        }
    }

    /// binCount 32 on brain1's ROI: numpy.histogram edges (last one + 1) and the number of
    /// voxels per grey level, as printed by scripts/reference/preprocessing_reference.py
    /// (PyRadiomics 3.1.4 getBinEdges, numpy 2.4.6 digitize / bincount).
    func testBinCount32OnBrain1() throws {
        let (image, mask, _) = try load("brain1")
        let roi = Resegmentation.roiValues(image: image, mask: mask)
        let edges = Discretisation.binEdges(values: roi, binCount: 32)
        let expectedEdges: [Double] = [
            468.0, 492.9375, 517.875, 542.8125, 567.75, 592.6875, 617.625, 642.5625, 667.5,
            692.4375, 717.375, 742.3125, 767.25, 792.1875, 817.125, 842.0625, 867.0, 891.9375,
            916.875, 941.8125, 966.75, 991.6875, 1016.625, 1041.5625, 1066.5, 1091.4375, 1116.375,
            1141.3125, 1166.25, 1191.1875, 1216.125, 1241.0625, 1267.0,
        ]
        XCTAssertEqual(edges, expectedEdges)
        var counts = [Int](repeating: 0, count: 33)
        for level in Discretisation.discretise(values: roi, edges: edges) {
            counts[Int(level)] += 1
        }
        let expectedCounts: [Int] = [
            0, 8, 11, 22, 25, 93, 148, 195, 248, 259, 252, 278, 220, 183, 177, 186, 175, 195, 192,
            187, 193, 156, 169, 139, 120, 101, 79, 46, 34, 22, 11, 7, 6,
        ]
        XCTAssertEqual(counts, expectedCounts)
    }
}
