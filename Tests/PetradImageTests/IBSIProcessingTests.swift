import XCTest
import PetradCore
@testable import PetradImage
@testable import PetradImageOps

/// IBSI image processing on the IBSI 1 CT phantom, configurations A-E, against the IBSI 1
/// diagnostic reference values (`ibsi/reference_values/ibsi1_ct_diagnostic_features.csv`: image
/// and ROI dimensions, voxel counts and intensities after each step; values from the IBSI 1
/// compliance sheet as carried by MIRP's test data, commit d8a6a72).
final class IBSIProcessingTests: XCTestCase {
    /// The phantom read once for all configurations.
    nonisolated(unsafe) static var phantom: (image: ImageVolume, mask: Volume<UInt8>)?

    static func loadPhantom() throws -> (image: ImageVolume, mask: Volume<UInt8>) {
        if let phantom { return phantom }
        guard let imagePath = ReferenceData.path("ibsi/ct_phantom/nifti/image/phantom.nii.gz"),
              let maskPath = ReferenceData.path("ibsi/ct_phantom/nifti/mask/mask.nii.gz")
        else { throw XCTSkip("IBSI CT phantom absent") }
        let image = try ImageIO.readImage(path: imagePath)
        let (mask, _) = try MaskLoader.load(maskPath: maskPath, image: image.geometry,
                                            settings: MaskSettings(label: 1))
        phantom = (image, mask)
        return (image, mask)
    }

    /// Rounds to 3 significant digits, as the IBSI reference values are printed.
    static func threeDigits(_ x: Double) -> Double {
        guard x != 0, x.isFinite else { return x }
        let scale = pow(10, 2 - floor(log10(abs(x))))
        return (x * scale).rounded() / scale
    }

    /// Checks every diagnostic of `configuration`: passes when |computed - reference| <=
    /// tolerance for the computed value or for it rounded to 3 significant digits (the
    /// reference values of dimensions and intensities are printed rounded, e.g. 0.977 mm,
    /// -266 HU; voxel counts are exact).
    func checkDiagnostics(_ configuration: String) throws {
        guard let path = ReferenceData.path("ibsi/reference_values/ibsi1_ct_diagnostic_features.csv")
        else { throw XCTSkip("IBSI diagnostic reference values absent") }
        let table = try CSVTable.read(path: path)
        let (tag, config) = (try table.columnIndex("tag"), try table.columnIndex("configuration"))
        let (value, tolerance) = (try table.columnIndex("value"), try table.columnIndex("tolerance"))
        let (image, mask) = try Self.loadPhantom()
        let settings = try XCTUnwrap(IBSIProcessingSettings.ctPhantom(configuration))
        let result = try IBSIProcessing.process(image: image, mask: mask, settings: settings)
        var checked = 0
        for row in table.rows where row[config] == configuration {
            let expected = try XCTUnwrap(Double(row[value]))
            let tol = try XCTUnwrap(Double(row[tolerance]))
            guard let computed = result.diagnostic(row[tag]) else {
                XCTFail("\(configuration) \(row[tag]): not computed")
                continue
            }
            let ok = abs(computed - expected) <= tol + 1e-9
                || abs(Self.threeDigits(computed) - expected) <= tol + 1e-9
            XCTAssert(ok, "\(configuration) \(row[tag]): \(computed), expected \(expected) +- \(tol)")
            checked += 1
        }
        XCTAssertEqual(checked, 60, "diagnostic rows of configuration \(configuration)")
    }

    func testDiagnosticsConfigurationA() throws { try checkDiagnostics("A") }
    func testDiagnosticsConfigurationB() throws { try checkDiagnostics("B") }
    func testDiagnosticsConfigurationC() throws { try checkDiagnostics("C") }
    func testDiagnosticsConfigurationD() throws { try checkDiagnostics("D") }
    func testDiagnosticsConfigurationE() throws { try checkDiagnostics("E") }

    // MARK: - Edge cases on small volumes

    /// Grid of 5 voxels of 1 mm resampled to 2 mm: ceil(5 / 2) = 3 voxels; centres aligned, so
    /// the new voxels sit at original indices 0, 2, 4 (IBSI 1, "Interpolation", 026Q/QCY4).
    func testGridCentresAligned() {
        let g = Geometry(size: SIMD3(5, 4, 1), spacing: SIMD3(1, 1, 1), origin: SIMD3(10, 0, 0))
        let t = IBSIInterpolation.grid(of: g, spacing: SIMD3(2, 2, 1))
        XCTAssertEqual(t.size, SIMD3(3, 2, 1))
        // x: origin 10 + (1 * 4 - 2 * 2) / 2 = 10; y: 0 + (1 * 3 - 2 * 1) / 2 = 0.5.
        XCTAssertEqual(t.origin.x, 10, accuracy: 1e-12)
        XCTAssertEqual(t.origin.y, 0.5, accuracy: 1e-12)
        XCTAssertEqual(t.origin.z, 0, accuracy: 1e-12)
    }

    /// Linear interpolation of a ramp stays exact inside, and samples beyond the grid take the
    /// nearest boundary voxel (IBSI: edges extrapolated from the nearest boundary voxels).
    func testLinearRampAndBoundary() {
        let g = Geometry(size: SIMD3(4, 1, 1), spacing: SIMD3(1, 1, 1))
        let ramp = ImageVolume(geometry: g, voxels: [0, 10, 20, 30])
        // 4 mm at 3 mm: ceil(4 / 3) = 2 voxels at original indices 1.5 -+ 1.5 = 0, 3.
        let a = IBSIInterpolation.interpolate(ramp, spacing: SIMD3(3, 1, 1), method: .linear)
        XCTAssertEqual(a.voxels, [0, 30])
        // 4 mm at 0.8 mm: 5 voxels at 1.5 + (k - 2) * 0.8 = -0.1 (clamped), 0.7, 1.5, 2.3, 3.1.
        let b = IBSIInterpolation.interpolate(ramp, spacing: SIMD3(0.8, 1, 1), method: .linear)
        for (x, e) in zip(b.voxels, [0.0, 7, 15, 23, 30]) { XCTAssertEqual(x, e, accuracy: 1e-9) }
    }

    /// Rounding after interpolation: 7.5 goes to the even integer 8, 2.5 to 2 (numpy `round`).
    func testRoundingToIntegers() {
        let g = Geometry(size: SIMD3(4, 1, 1), spacing: SIMD3(1, 1, 1))
        let v = ImageVolume(geometry: g, voxels: [0, 15, 0, 5])
        // 4 mm at 2 mm: 2 voxels at original indices 0.5 and 2.5 -> 7.5 and 2.5.
        let r = IBSIInterpolation.interpolate(v, spacing: SIMD3(2, 1, 1), method: .linear,
                                              roundTo: 1)
        XCTAssertEqual(r.voxels, [8, 2])
    }

    /// Mask interpolation with partial-volume threshold 0.5: a fraction of exactly 0.5 is kept.
    func testMaskPartialVolumeThreshold() {
        let g = Geometry(size: SIMD3(4, 1, 1), spacing: SIMD3(1, 1, 1))
        let m = Volume<UInt8>(geometry: g, voxels: [1, 0, 0, 1])
        // Samples at 0.5 and 2.5: fractions 0.5 and 0.5 -> both kept; threshold 0.6 drops both.
        XCTAssertEqual(IBSIInterpolation.interpolateMask(m, spacing: SIMD3(2, 1, 1)).voxels, [1, 1])
        XCTAssertEqual(IBSIInterpolation.interpolateMask(m, spacing: SIMD3(2, 1, 1),
                                                         threshold: 0.6).voxels, [0, 0])
    }

    /// Fixed bin size starts at the re-segmentation lower bound, levels from 1:
    /// floor((x + 500) / 25) + 1; -500 -> 1, -476 -> 1, -475 -> 2, 399 -> 36, 400 -> 37.
    func testFixedBinSizeFromLowerBound() {
        let levels = IBSIDiscretisation.levels(values: [-500, -476, -475, 399, 400],
                                               method: .fixedBinSize(25, lowerBound: -500))
        XCTAssertEqual(levels, [1, 1, 2, 36, 37])
        // Without a bound the ROI minimum is the origin: 54 -> 1, 79 -> 2, 166 -> 5.
        XCTAssertEqual(IBSIDiscretisation.levels(values: [54, 79, 166],
                                                 method: .fixedBinSize(25, lowerBound: nil)),
                       [1, 2, 5])
    }

    /// Fixed bin number: the maximum falls in bin N_g, the minimum in bin 1; a flat ROI is 1.
    func testFixedBinNumberEdges() {
        XCTAssertEqual(IBSIDiscretisation.levels(values: [0, 1, 2, 4], method: .fixedBinNumber(4)),
                       [1, 2, 3, 4])
        XCTAssertEqual(IBSIDiscretisation.levels(values: [3, 3], method: .fixedBinNumber(32)),
                       [1, 1])
    }

    /// Range then outlier filtering: values 0...9 plus 1000 with range [-inf, 2000] keep
    /// everything; 3 sigma (mean 95.9, sd 297.4) drops only 1000.
    func testRangeThenOutlierFiltering() {
        let values: [Double] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1000]
        let g = Geometry(size: SIMD3(values.count, 1, 1))
        let image = ImageVolume(geometry: g, voxels: values)
        let roi = Volume<UInt8>(geometry: g, repeating: 1)
        let m = IBSIResegmentation.intensityMask(image: image, mask: roi, lower: nil,
                                                 upper: 2000, outlierSigma: 3)
        XCTAssertEqual(m.voxels, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0])
        let r = IBSIResegmentation.intensityMask(image: image, mask: roi, lower: 2, upper: 8)
        XCTAssertEqual(r.voxels, [0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0])
    }

    /// The processing record names every IBSI reporting item of configuration C.
    func testProcessingRecordConfigurationC() throws {
        let s = try XCTUnwrap(IBSIProcessingSettings.ctPhantom("C"))
        let record = Dictionary(uniqueKeysWithValues: s.record.map { ($0.key, $0.value) })
        XCTAssertEqual(record["interpolation"], "3D")
        XCTAssertEqual(record["image interpolation method"], "trilinear")
        XCTAssertEqual(record["re-segmentation range"], "[-1000, 400]")
        XCTAssertEqual(record["discretisation (texture, intensity histogram)"],
                       "fixed bin size, 25 (first bin edge at the re-segmentation lower bound -1000)")
        XCTAssertEqual(record["ROI partial volume threshold"], "0.5")
    }
}
