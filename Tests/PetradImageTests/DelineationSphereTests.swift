import Foundation
import XCTest
@testable import PetradImage
@testable import PetradImageOps

/// Volume errors of the three delineation methods on synthetic blurred spheres
/// (`SyntheticSphere`: 6 mm FWHM Gaussian, noise-free, 2-4 mm voxels).
final class DelineationSphereTests: XCTestCase {
    static let spacings: [SIMD3<Double>] = [SIMD3(2, 2, 2), SIMD3(3, 3, 3), SIMD3(4, 4, 4),
                                            SIMD3(4, 4, 3.27)]

    /// Volume in mL of a delineation started from the sphere's hottest voxel.
    func delineatedVolume(_ sphere: SyntheticSphere, _ method: DelineationMethod) throws
        -> (volume: Double, record: DelineationRecord)
    {
        let image = sphere.image()
        let result = try Delineation.delineate(
            image: image, settings: DelineationSettings(method: method, start: .wholeImage))
        let voxels = result.mask.voxels.reduce(0) { $0 + Int($1) }
        return (Double(voxels) * image.geometry.voxelVolume / 1000, result.record)
    }

    /// The requirement of issue 8: adaptive threshold (default f = 0.39) within 10 % of the true
    /// volume for spheres of 2 cm diameter and more at sphere-to-background ratios of 4:1 and
    /// more. Expected value: the analytic sphere volume 4/3 π R³; tolerance 10 % (the issue's).
    /// Also prints every method's error, smaller spheres and 2:1 included, for the docs.
    func testAdaptiveVolumeWithinTenPercentForSpheresOfTwoCentimetresAndMore() throws {
        var lines = ["diameter_mm,ratio,spacing_mm,true_ml,fixed_err_pct,fraction_err_pct,"
                     + "adaptive_err_pct,adaptive_iterations"]
        var checked = 0
        for diameter in [10.0, 13, 17, 20, 22, 28, 37, 50] {
            for ratio in [2.0, 4, 8] {
                for spacing in Self.spacings {
                    let sphere = SyntheticSphere(diameter: diameter, ratio: ratio,
                                                 spacing: spacing)
                    let fixed = try delineatedVolume(sphere, .fixedThreshold())
                    let fraction = try delineatedVolume(sphere, .fractionOfMaximum())
                    let adaptive = try delineatedVolume(sphere, .backgroundAdaptive())
                    let error = { (v: Double) in 100 * (v / sphere.volume - 1) }
                    let grid = "\(spacing.x)x\(spacing.y)x\(spacing.z)"
                    lines.append("\(diameter),\(ratio),\(grid),"
                        + [sphere.volume, error(fixed.volume), error(fraction.volume),
                           error(adaptive.volume)]
                        .map { String(format: "%.2f", $0) }.joined(separator: ",")
                        + ",\(adaptive.record.iterations)")
                    XCTAssertTrue(adaptive.record.converged, "D \(diameter) ratio \(ratio)")
                    if diameter >= 20 && ratio >= 4 {
                        XCTAssertEqual(adaptive.volume / sphere.volume, 1, accuracy: 0.10,
                                       "D \(diameter) mm, ratio \(ratio), spacing \(spacing)")
                        checked += 1
                    }
                }
            }
        }
        XCTAssertEqual(checked, 5 * 2 * Self.spacings.count)
        print(lines.joined(separator: "\n"))
    }

    /// The fixed threshold delineates the iso-surface SUV = 2.5 of the blurred profile; on 2 mm
    /// voxels the voxel count matches 4/3 π r_iso³ within 5 % (discretisation of the surface).
    /// Expected value: bisection on the analytic profile (`SyntheticSphere.isoRadius`).
    func testFixedThresholdDelineatesTheIsoSurfaceOfTheProfile() throws {
        for diameter in [20.0, 30, 40] {
            let sphere = SyntheticSphere(diameter: diameter, ratio: 6, spacing: SIMD3(2, 2, 2))
            let r = sphere.isoRadius(level: 2.5)
            let expected = 4 / 3 * Double.pi * r * r * r / 1000
            let got = try delineatedVolume(sphere, .fixedThreshold(suv: 2.5)).volume
            XCTAssertEqual(got / expected, 1, accuracy: 0.05, "D \(diameter)")
        }
    }

    /// 41 % of the hottest voxel's SUV: the iso-surface at 0.41 × max, as above.
    func testFractionDelineatesTheIsoSurfaceAtFortyOnePercentOfMax() throws {
        for diameter in [20.0, 30, 40] {
            let sphere = SyntheticSphere(diameter: diameter, ratio: 6, spacing: SIMD3(2, 2, 2))
            let image = sphere.image()
            let maximum = image.voxels.max()!
            let r = sphere.isoRadius(level: 0.41 * maximum)
            let expected = 4 / 3 * Double.pi * r * r * r / 1000
            let got = try delineatedVolume(sphere, .fractionOfMaximum(fraction: 0.41))
            XCTAssertEqual(got.volume / expected, 1, accuracy: 0.05, "D \(diameter)")
            XCTAssertEqual(got.record.maximum, maximum, accuracy: 0)
            XCTAssertEqual(got.record.steps.last!.threshold, 0.41 * maximum, accuracy: 1e-12)
        }
    }

    /// The shell 10-20 mm beyond the region sees the true background (SUV 1) up to spill-out of
    /// the 6 mm FWHM blur: within 0.5 % of the background. Expected value: the generator's
    /// background.
    func testAdaptiveBackgroundIsMeasuredInTheShell() throws {
        let sphere = SyntheticSphere(diameter: 30, ratio: 8, spacing: SIMD3(3, 3, 3))
        let record = try delineatedVolume(sphere, .backgroundAdaptive()).record
        let last = try XCTUnwrap(record.steps.last)
        XCTAssertEqual(try XCTUnwrap(last.background), 1, accuracy: 0.005)
        XCTAssertGreaterThan(try XCTUnwrap(last.backgroundVoxels), 0)
        XCTAssertEqual(last.threshold, last.background! + 0.39 * (record.maximum - last.background!),
                       accuracy: 1e-12)
        XCTAssertEqual(record.steps[0].threshold, 0.39 * record.maximum, accuracy: 1e-12)
        XCTAssertEqual(record.steps.last!.voxels, record.steps[record.steps.count - 2].voxels)
    }

    /// An iteration cap of 1 stops before the region settles: converged false, 1 iteration,
    /// a warning in the record.
    func testAdaptiveIterationCapIsRecorded() throws {
        let sphere = SyntheticSphere(diameter: 30, ratio: 4, spacing: SIMD3(3, 3, 3))
        let capped = AdaptiveThreshold(maximumIterations: 1)
        let record = try delineatedVolume(sphere, .backgroundAdaptive(capped)).record
        XCTAssertFalse(record.converged)
        XCTAssertEqual(record.iterations, 1)
        XCTAssertEqual(record.maximumIterations, 1)
        XCTAssertTrue(record.warnings.contains { $0.contains("still changed") })
    }
}
