import Foundation
import XCTest
@testable import PetradImage
@testable import PetradImageOps

/// SUVmax, SUVmean, SUVpeak, MTV and TLG on volumes small enough to check by hand.
final class DelineationPETParameterTests: XCTestCase {
    func grid(_ size: SIMD3<Int>, spacing: Double) -> Geometry {
        Geometry(size: size, spacing: SIMD3(repeating: spacing), origin: SIMD3(10, 20, 30))
    }

    func block(_ geometry: Geometry, _ lower: SIMD3<Int>, _ upper: SIMD3<Int>) -> Volume<UInt8> {
        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        for z in lower.z...upper.z {
            for y in lower.y...upper.y {
                for x in lower.x...upper.x { mask[x, y, z] = 1 }
            }
        }
        return mask
    }

    /// 5 × 5 × 5 voxels of 2 mm at SUV 4: MTV = 125 × 8 mm³ = 1.000 mL, SUVmean 4, TLG 4.
    /// Expected values by hand.
    func testMTVAndTLGOfAUniformBlock() {
        let geometry = grid(SIMD3(9, 9, 9), spacing: 2)
        var image = ImageVolume(geometry: geometry, repeating: 1)
        let mask = block(geometry, SIMD3(2, 2, 2), SIMD3(6, 6, 6))
        for i in 0..<image.voxels.count where mask.voxels[i] != 0 { image.voxels[i] = 4 }
        let total = PETMeasurement.measure(image: image, mask: mask).total
        XCTAssertEqual(total.voxels, 125)
        XCTAssertEqual(total.mtv, 1.0, accuracy: 1e-12)
        XCTAssertEqual(total.suvMean, 4, accuracy: 1e-12)
        XCTAssertEqual(total.suvMax, 4, accuracy: 0)
        XCTAssertEqual(total.tlg, 4.0, accuracy: 1e-12)
    }

    /// On 20 mm voxels the 1 cm³ sphere (radius 6.2 mm) lies inside the voxel it is centred on,
    /// so SUVpeak is the hottest lesion voxel (7), whatever hotter voxels lie outside the lesion.
    /// Expected value by hand.
    func testSUVpeakOnLargeVoxelsIsTheHottestLesionVoxel() {
        let geometry = grid(SIMD3(5, 3, 3), spacing: 20)
        var image = ImageVolume(geometry: geometry, repeating: 1)
        image[1, 1, 1] = 5
        image[2, 1, 1] = 7
        image[3, 1, 1] = 6
        image[4, 1, 1] = 100
        let mask = block(geometry, SIMD3(1, 1, 1), SIMD3(3, 1, 1))
        let total = PETMeasurement.measure(image: image, mask: mask).total
        XCTAssertEqual(total.suvPeak, 7, accuracy: 1e-12)
        XCTAssertEqual(total.suvPeakPoint, [50, 40, 50])
        XCTAssertEqual(total.suvMean, 6, accuracy: 1e-12)
    }

    /// SUV = 1 + 0.1 × x (mm) on 2 mm voxels: the sphere's weights are symmetric, so its mean is
    /// the SUV at its centre, and SUVpeak is the SUV of the lesion voxel with the largest x.
    /// Expected value by hand: x = 2 mm × 12 → 1 + 0.1 × (10 + 24) = 4.4.
    func testSUVpeakOnALinearRampIsTheValueAtTheBestCentre() {
        let geometry = grid(SIMD3(20, 20, 20), spacing: 2)
        var image = ImageVolume(geometry: geometry, repeating: 0)
        for z in 0..<20 {
            for y in 0..<20 {
                for x in 0..<20 { image[x, y, z] = 1 + 0.1 * (10 + 2 * Double(x)) }
            }
        }
        let mask = block(geometry, SIMD3(7, 7, 7), SIMD3(12, 12, 12))
        let total = PETMeasurement.measure(image: image, mask: mask).total
        XCTAssertEqual(total.suvPeak, 4.4, accuracy: 1e-12)
        XCTAssertEqual(total.suvMax, 4.4, accuracy: 1e-12)
    }

    /// The partial-volume weights add up to 1 mL for any voxel size: Σ w × voxel volume =
    /// 1000 mm³ within 0.5 % (20 × 20 × 20 sub-grid). Expected value: PERCIST's 1 cm³.
    func testPeakSphereHoldsOneMillilitre() {
        for spacing in [SIMD3<Double>(2, 2, 2), SIMD3(4, 4, 4), SIMD3(4, 4, 3.27),
                        SIMD3(5.47, 5.47, 3.27)] {
            let sphere = PeakSphere(spacing: spacing)
            let volume = sphere.weights.reduce(0, +) * spacing.x * spacing.y * spacing.z
            XCTAssertEqual(volume, 1000, accuracy: 5, "spacing \(spacing)")
        }
        XCTAssertEqual(PeakSphere.radius, 6.2035, accuracy: 1e-4)
    }

    /// Two lesions on 10 mm voxels: A = 8 voxels at SUV 2 (8 mL, TLG 16), B = 1 voxel at SUV 5
    /// (1 mL, TLG 5). Total: MTV 9 mL, SUVmean 21/9, TLG 21 (= sum of the lesions' TLG), SUVmax 5.
    /// Expected values by hand.
    func testParametersPerLesionAndInTotal() {
        let geometry = grid(SIMD3(8, 8, 8), spacing: 10)
        var image = ImageVolume(geometry: geometry, repeating: 0.5)
        var mask = block(geometry, SIMD3(1, 1, 1), SIMD3(2, 2, 2))
        for i in 0..<image.voxels.count where mask.voxels[i] != 0 { image.voxels[i] = 2 }
        image[6, 6, 6] = 5
        mask[6, 6, 6] = 1
        let measured = PETMeasurement.measure(image: image, mask: mask)
        XCTAssertEqual(measured.lesions.count, 2)
        XCTAssertEqual(measured.lesions[0].mtv, 8, accuracy: 1e-12)
        XCTAssertEqual(measured.lesions[0].tlg, 16, accuracy: 1e-12)
        XCTAssertEqual(measured.lesions[1].mtv, 1, accuracy: 1e-12)
        XCTAssertEqual(measured.lesions[1].tlg, 5, accuracy: 1e-12)
        XCTAssertEqual(measured.total.mtv, 9, accuracy: 1e-12)
        XCTAssertEqual(measured.total.suvMean, 21.0 / 9, accuracy: 1e-12)
        XCTAssertEqual(measured.total.tlg, 21, accuracy: 1e-12)
        XCTAssertEqual(measured.total.suvMax, 5, accuracy: 0)
        XCTAssertEqual(measured.total.suvPeak,
                       max(measured.lesions[0].suvPeak, measured.lesions[1].suvPeak), accuracy: 0)
    }

    /// Two voxels touching only at a corner: one lesion with 26-connectivity, two with 6.
    func testCornerNeighboursAreOneLesionAt26AndTwoAt6() {
        let geometry = grid(SIMD3(4, 4, 4), spacing: 4)
        let image = ImageVolume(geometry: geometry, repeating: 3)
        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        mask[1, 1, 1] = 1
        mask[2, 2, 2] = 1
        XCTAssertEqual(PETMeasurement.measure(image: image, mask: mask).lesions.count, 1)
        XCTAssertEqual(PETMeasurement.measure(image: image, mask: mask, connectivity: .six)
            .lesions.count, 2)
    }

    /// An empty mask: no lesions, SUVmax/SUVmean/SUVpeak NaN, MTV 0, TLG 0 (stated in the doc).
    func testEmptyMaskGivesNaNAndZeroVolume() {
        let geometry = grid(SIMD3(4, 4, 4), spacing: 4)
        let measured = PETMeasurement.measure(image: ImageVolume(geometry: geometry, repeating: 3),
                                              mask: Volume<UInt8>(geometry: geometry, repeating: 0))
        XCTAssertTrue(measured.lesions.isEmpty)
        XCTAssertTrue(measured.total.suvMax.isNaN)
        XCTAssertTrue(measured.total.suvMean.isNaN)
        XCTAssertTrue(measured.total.suvPeak.isNaN)
        XCTAssertEqual(measured.total.mtv, 0)
        XCTAssertEqual(measured.total.tlg, 0)
    }
}
