import Foundation
import XCTest
import PetradCore
@testable import PetradImage
@testable import PetradImageOps

/// Starting points, search regions and edge cases of `Delineation.delineate`, on small
/// hand-made images (expected values by hand).
final class DelineationMethodTests: XCTestCase {
    /// 20³ voxels of 2 mm, background 1, two cubic blobs: A (3³ at SUV 10, centre voxel 12)
    /// around (5, 5, 5) and B (3³ at SUV 6, centre voxel 8) around (14, 14, 14).
    func twoBlobs() -> ImageVolume {
        let geometry = Geometry(size: SIMD3(20, 20, 20), spacing: SIMD3(2, 2, 2),
                                origin: SIMD3(-20, -20, 0))
        var image = ImageVolume(geometry: geometry, repeating: 1)
        for z in -1...1 {
            for y in -1...1 {
                for x in -1...1 {
                    image[5 + x, 5 + y, 5 + z] = 10
                    image[14 + x, 14 + y, 14 + z] = 6
                }
            }
        }
        image[5, 5, 5] = 12
        image[14, 14, 14] = 8
        return image
    }

    func count(_ mask: Volume<UInt8>) -> Int { mask.voxels.reduce(0) { $0 + Int($1) } }

    func run(_ image: ImageVolume, _ method: DelineationMethod, _ start: DelineationStart,
             exclusion: Volume<UInt8>? = nil, radius: Double? = nil,
             connectivity: Connectivity = .twentySix) throws -> Delineation {
        try Delineation.delineate(image: image, settings: DelineationSettings(
            method: method, start: start, exclusion: exclusion, maximumRadius: radius,
            connectivity: connectivity))
    }

    /// 41 % of 12 = 4.92: blob B (SUV 6-8) is above it but not connected, so only A's 27 voxels.
    func testFractionKeepsOnlyTheRegionConnectedToTheHottestVoxel() throws {
        let result = try run(twoBlobs(), .fractionOfMaximum(), .wholeImage)
        XCTAssertEqual(count(result.mask), 27)
        XCTAssertEqual(result.mask[5, 5, 5], 1)
        XCTAssertEqual(result.mask[14, 14, 14], 0)
        XCTAssertEqual(result.record.startIndex, [5, 5, 5])
        XCTAssertEqual(result.record.steps.first?.threshold ?? .nan, 0.41 * 12, accuracy: 1e-12)
    }

    /// A seed on B's flank climbs to B's centre (SUV 8): max 8, threshold 3.28, B's 27 voxels.
    func testSeedClimbsToTheLocalMaximum() throws {
        let result = try run(twoBlobs(), .fractionOfMaximum(), .seedIndex(SIMD3(15, 13, 15)))
        XCTAssertEqual(result.record.startIndex, [14, 14, 14])
        XCTAssertEqual(result.record.maximum, 8)
        XCTAssertEqual(count(result.mask), 27)
        XCTAssertEqual(result.mask[5, 5, 5], 0)
    }

    /// A physical seed (LPS mm) is the nearest voxel: (-20 + 2 × 14.3, ...) → voxel (14, 14, 14).
    func testPhysicalSeedIsRoundedToTheNearestVoxel() throws {
        let result = try run(twoBlobs(), .fractionOfMaximum(),
                             .seedPoint(SIMD3(-20 + 28.6, -20 + 27.6, 28.4)))
        XCTAssertEqual(result.record.startIndex, [14, 14, 14])
        XCTAssertEqual(result.record.startPoint, [8, 8, 28])
    }

    /// Fixed threshold 2.5 over the whole image keeps both blobs (54 voxels); from a seed in A
    /// only A (27).
    func testFixedThresholdKeepsEveryVoxelAboveOrOnlyTheSeedsRegion() throws {
        let image = twoBlobs()
        XCTAssertEqual(count(try run(image, .fixedThreshold(), .wholeImage).mask), 54)
        XCTAssertEqual(count(try run(image, .fixedThreshold(), .seedIndex(SIMD3(5, 5, 5))).mask),
                       27)
    }

    /// A box around B starts at B's centre, whatever is hotter elsewhere.
    func testBoxStartsAtItsHottestVoxel() throws {
        let result = try run(twoBlobs(), .fractionOfMaximum(),
                             .box(lower: SIMD3(10, 10, 10), upper: SIMD3(19, 19, 19)))
        XCTAssertEqual(result.record.startIndex, [14, 14, 14])
        XCTAssertEqual(count(result.mask), 27)
    }

    /// A rough mask holding only A's z = 5 slice keeps the volume inside it: 9 voxels.
    func testRoughMaskIsTheSearchRegion() throws {
        let image = twoBlobs()
        var rough = Volume<UInt8>(geometry: image.geometry, repeating: 0)
        for y in 0..<20 { for x in 0..<20 { rough[x, y, 5] = 1 } }
        let result = try run(image, .fractionOfMaximum(), .roughMask(rough))
        XCTAssertEqual(count(result.mask), 9)
        XCTAssertEqual(result.record.maximum, 12)
    }

    /// Excluding A makes the whole-image start land on B; excluded voxels are counted.
    func testExclusionMaskKeepsVoxelsOut() throws {
        let image = twoBlobs()
        var exclusion = Volume<UInt8>(geometry: image.geometry, repeating: 0)
        for z in 3...7 { for y in 3...7 { for x in 3...7 { exclusion[x, y, z] = 1 } } }
        let result = try run(image, .fractionOfMaximum(), .wholeImage, exclusion: exclusion)
        XCTAssertEqual(result.record.startIndex, [14, 14, 14])
        XCTAssertEqual(result.record.excludedVoxels, 125)
        XCTAssertEqual(count(result.mask), 27)
    }

    /// A uniform SUV 5 image with radius 4.1 mm on 2 mm voxels: the voxels within 4.1 mm of the
    /// centre: offsets with 4 (dx² + dy² + dz²) <= 16.81, i.e. |d|² <= 4:
    /// 1 + 6 + 12 + 8 + 6 = 33.
    func testMaximumRadiusLimitsTheVolume() throws {
        let geometry = Geometry(size: SIMD3(11, 11, 11), spacing: SIMD3(2, 2, 2))
        let image = ImageVolume(geometry: geometry, repeating: 5)
        let result = try run(image, .fixedThreshold(), .seedIndex(SIMD3(5, 5, 5)), radius: 4.1)
        XCTAssertEqual(count(result.mask), 33)
    }

    /// Two voxels above the threshold touching at a corner: grown together at 26, not at 6.
    func testSixConnectivityStopsAtCorners() throws {
        let geometry = Geometry(size: SIMD3(5, 5, 5), spacing: SIMD3(2, 2, 2))
        var image = ImageVolume(geometry: geometry, repeating: 1)
        image[2, 2, 2] = 10
        image[3, 3, 3] = 9
        XCTAssertEqual(count(try run(image, .fractionOfMaximum(), .wholeImage).mask), 2)
        XCTAssertEqual(count(try run(image, .fractionOfMaximum(), .wholeImage,
                                     connectivity: .six).mask), 1)
    }

    /// A start voxel below the fixed threshold: empty mask and a warning, not an error.
    func testStartBelowTheThresholdGivesAnEmptyMaskAndAWarning() throws {
        let result = try run(twoBlobs(), .fixedThreshold(suv: 20), .wholeImage)
        XCTAssertEqual(count(result.mask), 0)
        XCTAssertFalse(result.record.warnings.isEmpty)
    }

    /// A region that fills the image leaves no background shell: the previous background (0)
    /// is kept with a warning, the region does not change, and the iteration ends converged.
    func testAdaptiveWithAnEmptyShellKeepsThePreviousBackground() throws {
        let geometry = Geometry(size: SIMD3(5, 5, 5), spacing: SIMD3(4, 4, 4))
        var image = ImageVolume(geometry: geometry, repeating: 5)
        image[2, 2, 2] = 6
        let result = try run(image, .backgroundAdaptive(), .wholeImage)
        XCTAssertEqual(count(result.mask), 125)
        XCTAssertTrue(result.record.converged)
        XCTAssertEqual(result.record.steps.last?.background, 0)
        XCTAssertEqual(result.record.steps.last?.backgroundVoxels, 0)
        XCTAssertTrue(result.record.warnings.contains { $0.contains("shell is empty") })
    }

    /// A seed inside an exclusion mask: empty mask and a warning, not an error.
    func testSeedInAnExcludedVoxelGivesAnEmptyMask() throws {
        let image = twoBlobs()
        var exclusion = Volume<UInt8>(geometry: image.geometry, repeating: 0)
        exclusion[5, 5, 5] = 1
        let result = try run(image, .fractionOfMaximum(), .seedIndex(SIMD3(5, 5, 5)),
                             exclusion: exclusion)
        XCTAssertEqual(count(result.mask), 0)
        XCTAssertTrue(result.record.warnings.contains { $0.contains("excluded") })
    }

    /// NaN voxels (outside a reconstruction) are never part of the volume, even below a
    /// threshold of -1000.
    func testNaNVoxelsAreNeverInTheVolume() throws {
        var image = twoBlobs()
        image[0, 0, 0] = .nan
        let result = try run(image, .fixedThreshold(suv: -1000), .wholeImage)
        XCTAssertEqual(result.mask[0, 0, 0], 0)
        XCTAssertEqual(count(result.mask), 20 * 20 * 20 - 1)
    }

    /// A box corner outside the image is an InputError naming the box.
    func testBoxOutsideTheImageIsAnError() {
        XCTAssertThrowsError(try run(twoBlobs(), .fractionOfMaximum(),
                                     .box(lower: SIMD3(0, 0, 0), upper: SIMD3(20, 5, 5)))) {
            XCTAssertEqual(($0 as? InputError)?.field, "box")
        }
    }

    /// A seed outside the image is an InputError naming the seed.
    func testSeedOutsideTheImageIsAnError() {
        XCTAssertThrowsError(try run(twoBlobs(), .fractionOfMaximum(),
                                     .seedIndex(SIMD3(20, 0, 0)))) { error in
            XCTAssertEqual((error as? InputError)?.field, "seed index")
        }
    }

    /// A rough mask on another grid is an InputError.
    func testMaskOnAnotherGridIsAnError() {
        let image = twoBlobs()
        let other = Volume<UInt8>(geometry: Geometry(size: SIMD3(10, 10, 10)), repeating: 1)
        XCTAssertThrowsError(try run(image, .fractionOfMaximum(), .roughMask(other)))
    }

    /// The distance transform equals brute force on a small anisotropic grid (expected value:
    /// the minimum over set voxels of the squared physical distance, computed directly).
    func testDistanceTransformMatchesBruteForce() {
        let size = SIMD3(7, 6, 5)
        let spacing = SIMD3<Double>(1.5, 2, 3.27)
        var set = [UInt8](repeating: 0, count: size.x * size.y * size.z)
        for i in [3, 40, 77, 150, 209] { set[i] = 1 }
        let fast = DistanceTransform.squaredDistances(toSet: set, size: size, spacing: spacing)
        let g = Geometry(size: size, spacing: spacing)
        for i in 0..<set.count {
            let p = SIMD3<Double>(g.voxelIndex(ofLinear: i)) * spacing
            var best = Double.infinity
            for j in 0..<set.count where set[j] != 0 {
                let q = SIMD3<Double>(g.voxelIndex(ofLinear: j)) * spacing
                best = min(best, ((p - q) * (p - q)).sum())
            }
            XCTAssertEqual(fast[i], best, accuracy: 1e-9)
        }
    }

    /// The sidecar survives a write and read, NaN included.
    func testSidecarRoundTrip() throws {
        let image = twoBlobs()
        let result = try run(image, .backgroundAdaptive(), .wholeImage)
        let empty = PETMeasurement.measure(image: image, mask: Volume<UInt8>(
            geometry: image.geometry, repeating: 0))
        let sidecar = DelineationSidecar(image: "pet.nii.gz", mask: "mask.nii.gz",
                                         delineation: result.record, parameters: empty)
        let folder = NSTemporaryDirectory() + "petrad-sidecar-\(getpid())"
        let path = folder + "/mask.json"
        try sidecar.write(to: path)
        let back = try DelineationSidecar.read(from: path)
        XCTAssertEqual(back.delineation, sidecar.delineation)
        XCTAssertTrue(back.parameters.total.suvMax.isNaN)
        XCTAssertEqual(DelineationSidecar.path(forMask: "/a/mask.nii.gz"), "/a/mask.json")
        try? FileManager.default.removeItem(atPath: folder)
    }
}
