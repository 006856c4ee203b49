import XCTest
@testable import PetradImageOps

/// `resegmentRange` / `resegmentMode` against PyRadiomics 3.1.4 `imageoperations.resegmentMask`
/// on the resampling tests' image and ellipsoid mask; kept voxel indices (x fastest) printed by
/// scripts/reference/preprocessing_reference.py.
final class ResegmentationTests: XCTestCase {
    let identity: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]

    func kept(range: [Double], mode: Resegmentation.Mode) throws -> [Int] {
        let image = ResamplingTests.image(direction: identity)
        let mask = ResamplingTests.mask("ellipsoid", direction: identity)
        let out = try Resegmentation.resegment(image: image, mask: mask, range: range, mode: mode)
        return out.voxels.indices.filter { out.voxels[$0] != 0 }
    }

    /// Thresholds are sorted: [30, -10] keeps -10 <= x <= 30.
    func testAbsoluteRangeIsClosedAndSorted() throws {
        XCTAssertEqual(try kept(range: [30, -10], mode: .absolute),
                       [237, 247, 258, 334, 337, 345, 348, 356, 358, 434, 445, 456])
    }

    func testRelativeLowerThresholdOnly() throws {
        XCTAssertEqual(try kept(range: [0.5], mode: .relative),
                       [235, 246, 257, 259, 324, 333, 335, 344, 346, 355, 357, 368, 433, 435, 444,
                        446, 455, 457])
    }

    func testSigmaRangeUsesPopulationStandardDeviation() throws {
        XCTAssertEqual(try kept(range: [-1, 1], mode: .sigma),
                       [235, 237, 246, 248, 257, 259, 324, 335, 337, 345, 346, 348, 356, 357, 359,
                        368, 435, 446, 456, 457])
    }

    func testRangeLeavingOneVoxelIsAnError() {
        XCTAssertThrowsError(try kept(range: [1e6], mode: .absolute))
    }

    func testRangeOfThreeValuesIsAnError() {
        XCTAssertThrowsError(try kept(range: [1, 2, 3], mode: .absolute)) { error in
            XCTAssertEqual((error as? InputError)?.field, "resegmentRange")
        }
    }

    /// numpy.sum's pairwise order, on an array where sequential addition gives
    /// 999000007.4854711 instead.
    func testNumpySumIsPairwise() {
        let values: [Double] = (0..<1000).map { (i: Int) -> Double in
            let harmonic: Double = 1.0 / Double(i + 1)
            return harmonic + 1e6 * Double(i % 3)
        }
        // numpy 2.4.6: np.sum, np.mean, np.std of this array.
        XCTAssertEqual(NumPyArithmetic.sum(values), 999000007.4854709)
        XCTAssertEqual(NumPyArithmetic.mean(values), 999000.0074854709)
        XCTAssertEqual(NumPyArithmetic.standardDeviation(values), 816700.0663102057,
                       accuracy: 1e-9)
    }
}
