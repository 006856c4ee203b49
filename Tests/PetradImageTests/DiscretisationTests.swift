import PetradCore
import XCTest
@testable import PetradImageOps

/// Bin edges and grey levels against PyRadiomics 3.1.4 `imageoperations.getBinEdges` and
/// `numpy.digitize` (numpy 2.4.6); values printed by scripts/reference/preprocessing_reference.py.
final class DiscretisationTests: XCTestCase {
    /// ROI values uniform in [2.00, 2.45], bin width 0.5: edges [2.0, 2.5, 3.0], one grey level.
    func testROINarrowerThanOneBinGivesOneGreyLevel() {
        let values = (0..<10).map { 2.00 + 0.05 * Double($0) }
        let edges = Discretisation.binEdges(values: values, binWidth: 0.5)
        XCTAssertEqual(edges, [2.0, 2.5, 3.0])
        XCTAssertEqual(Set(Discretisation.discretise(values: values, edges: edges)), [1])
    }

    /// 4x4x4 values k * 5/64, bin width 0.25: 22 edges from 0 to 5.25, 20 grey levels.
    func testRampWithBinWidthQuarterGivesTwentyLevels() {
        let values = (0..<64).map { Double($0) * 5 / 64 }
        let edges = Discretisation.binEdges(values: values, binWidth: 0.25)
        XCTAssertEqual(edges, (0..<22).map { Double($0) * 0.25 })
        let levels = Discretisation.discretise(values: values, edges: edges)
        XCTAssertEqual(levels.max(), 20)
        XCTAssertEqual(Set(levels).count, 20)
    }

    /// Negative values: edges are multiples of the bin width from 0 (floored modulo), and a
    /// value on an edge goes to the upper bin.
    func testNegativeValuesAndValuesOnEdges() {
        let values = [-37.0, -12.5, 0.0, 3.0, 49.999, 50.0, 88.0]
        let edges = Discretisation.binEdges(values: values, binWidth: 25)
        XCTAssertEqual(edges, [-50, -25, 0, 25, 50, 75, 100, 125])
        XCTAssertEqual(Discretisation.discretise(values: values, edges: edges),
                       [1, 2, 3, 3, 4, 5, 6])
    }

    /// numpy.arange's own rounding (e_i = low + i * ((low + w) - low)) decides where 0.1 k
    /// falls: PyRadiomics puts 1.3 (= 0.1 * 13) in level 12, not 13.
    func testEdgesReproduceNumpyArangeRounding() {
        let values = (1...30).map { 0.1 * Double($0) }
        let edges = Discretisation.binEdges(values: values, binWidth: 0.1)
        XCTAssertEqual(edges.count, 31)
        XCTAssertEqual(edges[2], 0.30000000000000004)
        XCTAssertEqual(edges[12], 1.3000000000000003)
        XCTAssertEqual(edges[30], 3.1)
        let expected: [Int32] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12, 14, 14, 16, 17, 17, 19,
                                 20, 21, 22, 23, 24, 24, 26, 27, 28, 29, 29]
        XCTAssertEqual(Discretisation.discretise(values: values, edges: edges), expected)
    }

    /// binCount 5: numpy.histogram edges from min to max, last edge + 1.
    func testBinCountEdgesAndLevels() {
        let values = [3.2, -1.7, 8.9, 0.0, 5.5, 8.9, 2.25]
        let edges = Discretisation.binEdges(values: values, binCount: 5)
        let expected = [-1.7, 0.42000000000000015, 2.54, 4.66, 6.78, 9.9]
        XCTAssertEqual(edges.count, expected.count)
        for (a, b) in zip(edges, expected) { XCTAssertEqual(a, b, accuracy: 1e-15) }
        XCTAssertEqual(Discretisation.discretise(values: values, edges: edges),
                       [3, 1, 5, 1, 4, 5, 2])
    }

    /// A flat ROI with binCount 8: numpy widens the range to [x - 0.5, x + 0.5]; the value lands
    /// in level 5 of 8 (PyRadiomics gives the same).
    func testFlatROIWithBinCount() {
        let values = [4.0, 4.0, 4.0]
        let edges = Discretisation.binEdges(values: values, binCount: 8)
        XCTAssertEqual(edges, [3.5, 3.625, 3.75, 3.875, 4.0, 4.125, 4.25, 4.375, 5.5])
        XCTAssertEqual(Discretisation.discretise(values: values, edges: edges), [5, 5, 5])
    }

    /// A flat ROI with a bin width: one bin [x, x + w).
    func testFlatROIWithBinWidth() {
        let values = [4.0, 4.0, 4.0]
        let edges = Discretisation.binEdges(values: values, binWidth: 2)
        XCTAssertEqual(edges, [4.0, 6.0])
        XCTAssertEqual(Discretisation.discretise(values: values, edges: edges), [1, 1, 1])
    }

    func testNonPositiveBinWidthGivesNoEdges() {
        XCTAssertEqual(Discretisation.binEdges(values: [1, 2], binWidth: 0), [])
        XCTAssertEqual(Discretisation.binEdges(values: [1, 2], binWidth: -25), [])
    }

    func testEmptyROIGivesNoEdges() {
        XCTAssertEqual(Discretisation.binEdges(values: [], binWidth: 25), [])
        XCTAssertEqual(Discretisation.binEdges(values: [], binCount: 16), [])
    }

    /// Volume form: ROI voxels get levels from the ROI's own edges, others 0.
    func testVolumeDiscretisationLeavesOutsideAtZero() throws {
        let geometry = Geometry(size: SIMD3(4, 1, 1))
        let image = ImageVolume(geometry: geometry, voxels: [1000, 12, 37, 61])
        let mask = Volume<UInt8>(geometry: geometry, voxels: [0, 1, 1, 1])
        let (levels, edges) = try Discretisation.discretise(image: image, mask: mask,
                                                            setting: .binWidth(25))
        XCTAssertEqual(edges, [0, 25, 50, 75, 100])
        XCTAssertEqual(levels.voxels, [0, 1, 2, 3])
    }

    /// A bin width far too small for the values (SUV 0 to 17 with binWidth 1e-9: 1.7e10 edges,
    /// 136 GB) is refused before the edges are made, naming binWidth and its value; so is a
    /// binCount above the limit. 2^24 bins exactly is still allowed.
    func testTooManyBinsAreRefusedBeforeAllocating() throws {
        let values = [0.0, 3.5, 17.0]
        XCTAssertThrowsError(try Discretisation.Setting.binWidth(1e-9).edges(values: values)) {
            let error = $0 as? InputError
            XCTAssertEqual(error?.field, "binWidth")
            XCTAssertEqual(error?.value, "1e-09")
        }
        XCTAssertThrowsError(try Discretisation.Setting.binCount(1 << 40).edges(values: values)) {
            XCTAssertEqual(($0 as? InputError)?.field, "binCount")
        }
        // Bins counted as ceil(range / w) + 2 (numpy.arange runs to max + 2w).
        let limit = Double(Discretisation.maximumBinCount)
        XCTAssertNoThrow(try Discretisation.Setting.binWidth(1).edges(values: [0, limit - 2]))
        XCTAssertThrowsError(try Discretisation.Setting.binWidth(1).edges(values: [0, limit]))
    }

    func testPythonModuloHasSignOfDivisor() {
        XCTAssertEqual(Discretisation.pythonModulo(-37, 25), 13)
        XCTAssertEqual(Discretisation.pythonModulo(37, 25), 12)
        XCTAssertEqual(Discretisation.pythonModulo(-50, 25), 0)
    }
}
