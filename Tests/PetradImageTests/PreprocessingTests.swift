import XCTest
@testable import PetradImage
@testable import PetradImageOps

/// The order and conditions of PyRadiomics 3.1.4 `RadiomicsFeatureExtractor.loadImage`.
final class PreprocessingTests: XCTestCase {
    let identity: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]

    /// Default settings: nothing changes.
    func testDefaultsLeaveImageAndMaskAlone() throws {
        let image = ResamplingTests.image(direction: identity)
        let mask = ResamplingTests.mask("ellipsoid", direction: identity)
        let out = try Preprocessing.load(image: image, mask: mask, scalarType: .int16,
                                         settings: .init())
        XCTAssertEqual(out.image.voxels, image.voxels)
        XCTAssertEqual(out.mask.geometry, mask.geometry)
        XCTAssertEqual(out.scalarType, .int16)
        XCTAssertFalse(out.interpolated)
    }

    /// Resampling needs an interpolator and a spacing; preCrop is then not applied on top.
    func testResamplingTakesPrecedenceOverPreCrop() throws {
        let image = ResamplingTests.image(direction: identity)
        let mask = ResamplingTests.mask("ellipsoid", direction: identity)
        var settings = Preprocessing.Settings()
        settings.resampledPixelSpacing = SIMD3(1.7, 1.0, 0)
        settings.padDistance = 2
        settings.preCrop = true
        let out = try Preprocessing.load(image: image, mask: mask, scalarType: .int16,
                                         settings: settings)
        // Same grid as the bSplineInt16 reference case (PyRadiomics 3.1.4, SimpleITK 2.5.7).
        XCTAssertTrue(out.interpolated)
        XCTAssertEqual(out.image.size, SIMD3(6, 12, 7))
        settings.interpolator = nil
        let cropped = try Preprocessing.load(image: image, mask: mask, scalarType: .int16,
                                             settings: settings)
        XCTAssertFalse(cropped.interpolated)
        XCTAssertEqual(cropped.image.size, SIMD3(9, 9, 7))
    }

    /// Normalisation comes first and makes the image float64, so a later resampling is not
    /// truncated to integers.
    func testNormalisationBeforeResamplingGivesFloat64() throws {
        let image = ResamplingTests.image(direction: identity)
        let mask = ResamplingTests.mask("ellipsoid", direction: identity)
        var settings = Preprocessing.Settings()
        settings.normalize = true
        settings.normalizeScale = 100
        settings.resampledPixelSpacing = SIMD3(1.7, 1.0, 0)
        let out = try Preprocessing.load(image: image, mask: mask, scalarType: .int16,
                                         settings: settings)
        XCTAssertEqual(out.scalarType, .float64)
        XCTAssertTrue(out.image.voxels.contains { $0 != $0.rounded() })
    }

    func testInterpolatorNamesFollowSimpleITK() {
        XCTAssertEqual(Interpolator(pyRadiomicsName: "sitkBSpline"), .bSpline)
        XCTAssertEqual(Interpolator(pyRadiomicsName: "23"), .bSpline)
        XCTAssertEqual(Interpolator(pyRadiomicsName: "sitkLinear"), .linear)
        XCTAssertEqual(Interpolator(pyRadiomicsName: "1"), .nearestNeighbor)
        XCTAssertNil(Interpolator(pyRadiomicsName: "sitkGaussian"))
    }
}

/// The pixel type resampling writes into, as SimpleITK 2.5.7 reports it (GetPixelIDTypeAsString)
/// for NIfTI files written by SimpleITK with scl_slope / scl_inter patched: int16 (0.5, 0) ->
/// 32-bit float; int16 (1, 0) -> int16; int16 (1, 2) -> 32-bit float; uint16 (0, 3) -> 32-bit
/// float (slope 0 read as 1); float64 (2, 1) -> 64-bit float.
final class PixelTypeInMemoryTests: XCTestCase {
    func header(_ format: ImageHeader.Format, _ type: ScalarType, slope: Double,
                intercept: Double) -> ImageHeader {
        var h = ImageHeader(format: format, scalarType: type,
                            geometry: Geometry(size: SIMD3(1, 1, 1)), compressed: false)
        h.slope = slope
        h.intercept = intercept
        return h
    }

    func testNRRDKeepsStoredType() {
        XCTAssertEqual(header(.nrrd, .int16, slope: 1, intercept: 0).pixelTypeInMemory, .int16)
    }

    func testScaledNIfTIIntegerIsFloat32() {
        XCTAssertEqual(header(.nifti1, .int16, slope: 0.5, intercept: 0).pixelTypeInMemory,
                       .float32)
    }

    func testUnscaledNIfTIKeepsStoredType() {
        XCTAssertEqual(header(.nifti1, .uint16, slope: 1, intercept: 0).pixelTypeInMemory, .uint16)
    }

    /// Intercept alone (the reader turns slope 0 into 1, as ITK does) still means float32.
    func testInterceptOnlyNIfTIIsFloat32() {
        XCTAssertEqual(header(.nifti1, .int16, slope: 1, intercept: 2).pixelTypeInMemory, .float32)
    }

    func testScaledNIfTIFloat64StaysFloat64() {
        XCTAssertEqual(header(.nifti1, .float64, slope: 2, intercept: 1).pixelTypeInMemory,
                       .float64)
    }
}
