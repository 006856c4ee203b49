import XCTest
@testable import PetradImageOps

/// `normalize`, `normalizeScale`, `removeOutliers` against PyRadiomics 3.1.4
/// `imageoperations.normalizeImage` (SimpleITK 2.5.7 Normalize) on the resampling tests' image;
/// values printed by scripts/reference/preprocessing_reference.py.
final class NormalisationTests: XCTestCase {
    let image = ResamplingTests.image(direction: [1, 0, 0, 0, 1, 0, 0, 0, 1])

    func testNormalizeCentresAndScalesWholeImage() {
        let y = Normalisation.normalize(image).voxels
        let expected = [-2.1274919031406294, -0.7707679785280811, 0.585955946084467,
                        -1.3473756464884141]
        for (a, b) in zip(y.prefix(4), expected) { XCTAssertEqual(a, b, accuracy: 1e-14) }
        XCTAssertEqual(y.min()!, -2.1274919031406294, accuracy: 1e-14)
        XCTAssertEqual(y.max()!, 2.1461884593888976, accuracy: 1e-14)
    }

    func testRemoveOutliersClipsBeforeScale() {
        let y = Normalisation.normalize(image, scale: 100, removeOutliers: 1.5).voxels
        let expected = [-150.0, -77.07679785280811, 58.5955946084467, -134.7375646488414]
        for (a, b) in zip(y.prefix(4), expected) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        XCTAssertEqual(y.min(), -150)
        XCTAssertEqual(y.max(), 150)
    }

    /// A constant image has standard deviation 0: SimpleITK divides by it, giving NaN.
    func testConstantImageGivesNaN() {
        let flat = ImageVolume(geometry: Geometry(size: SIMD3(2, 2, 2)), repeating: 7)
        XCTAssertTrue(Normalisation.normalize(flat).voxels.allSatisfy(\.isNaN))
    }

    /// firstorder Energy with voxelArrayShift c sums (x + c)^2.
    func testVoxelArrayShiftAddsConstant() {
        XCTAssertEqual(Normalisation.voxelArrayShift([-3, 0, 2.5], by: 1000), [997, 1000, 1002.5])
    }
}
