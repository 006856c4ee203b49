import XCTest
@testable import PetradImageOps

/// `cropToTumorMask` with `padDistance` against PyRadiomics 3.1.4 / SimpleITK 2.5.7 (printed by
/// scripts/reference/preprocessing_reference.py).
final class CroppingTests: XCTestCase {
    func testBoundingBoxIsInclusive() {
        let mask = ResamplingTests.mask("border", direction: [1, 0, 0, 0, 1, 0, 0, 0, 1])
        let box = Cropping.boundingBox(of: mask)
        XCTAssertEqual(box?.lower, SIMD3(0, 5, 4))
        XCTAssertEqual(box?.upper, SIMD3(3, 8, 6))
    }

    func testEmptyMaskHasNoBoundingBox() {
        let empty = Volume<UInt8>(geometry: Geometry(size: SIMD3(3, 3, 3)), repeating: 0)
        XCTAssertNil(Cropping.boundingBox(of: empty))
    }

    /// Padding 2 stops at the volume's faces; the origin moves to the first kept voxel along the
    /// (permuted) direction. SimpleITK: size (6, 6, 5), origin (-14.4, 3.25, 11.2).
    func testPaddedCropStopsAtImageBorder() throws {
        let direction: [Double] = [0, -1, 0, 1, 0, 0, 0, 0, 1]
        let image = ResamplingTests.image(direction: direction)
        let mask = ResamplingTests.mask("border", direction: direction)
        let cropped = try Cropping.crop(image: image, mask: mask, padDistance: 2)
        XCTAssertEqual(cropped.image.size, SIMD3(6, 6, 5))
        XCTAssertEqual(cropped.image.geometry.origin.x, -14.4, accuracy: 1e-12)
        XCTAssertEqual(cropped.image.geometry.origin.y, 3.25, accuracy: 1e-12)
        XCTAssertEqual(cropped.image.geometry.origin.z, 11.2, accuracy: 1e-12)
        XCTAssertEqual(Array(cropped.image.voxels.prefix(6)), [-19, 21, 61, 4, 44, -13])
        XCTAssertEqual(cropped.mask.geometry, cropped.image.geometry)
        XCTAssertEqual(cropped.mask.voxels.reduce(0) { $0 + Int($1) },
                       mask.voxels.reduce(0) { $0 + Int($1) })
    }

    func testMismatchedGridsAreAnError() {
        let image = ImageVolume(geometry: Geometry(size: SIMD3(3, 3, 3)), repeating: 0)
        let mask = Volume<UInt8>(geometry: Geometry(size: SIMD3(3, 3, 2)), repeating: 1)
        XCTAssertThrowsError(try Cropping.crop(image: image, mask: mask))
    }
}
