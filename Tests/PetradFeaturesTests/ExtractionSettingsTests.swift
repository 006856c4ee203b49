import PetradCore
import PetradFeatures
import XCTest

/// PyRadiomics parameter files read into `ExtractionSettings` (PyRadiomics 3.1.4's schema,
/// radiomics/schemas/paramSchema.yaml, and its `_getDefaultSettings`).
final class ExtractionSettingsTests: XCTestCase {
    func testDefaultsArePyRadiomicsDefaults() {
        let s = ExtractionSettings()
        XCTAssertEqual(s.binWidth, 25)
        XCTAssertNil(s.binCount)
        XCTAssertEqual(s.padDistance, 5)
        XCTAssertEqual(s.label, 1)
        XCTAssertEqual(s.minimumROIDimensions, 2)
        XCTAssertEqual(s.interpolator, .bSpline)
        XCTAssertNil(s.resampledPixelSpacing)
        XCTAssertEqual(s.distances, [1])
        XCTAssertEqual(s.voxelArrayShift, 0)
        XCTAssertFalse(s.isEnabled(.shape2D))
        XCTAssertTrue(s.isEnabled(.shape) && s.isEnabled(.firstorder) && s.isEnabled(.glcm))
        XCTAssertEqual(s.convention, .pyradiomics)
    }

    func testStudySettingsFile() throws {
        let s = try ExtractionSettings(yamlText: """
            imageType:
              Original: {}
            featureClass:
              shape:
              firstorder: [Mean, Entropy, StandardDeviation]
            setting:
              binWidth: 0.25
              resampledPixelSpacing: [4, 4, 5]
              interpolator: sitkBSpline
              label: 2
              voxelArrayShift: 1000
              resegmentRange: [-3, 3]
              resegmentMode: sigma
            """)
        XCTAssertEqual(s.binWidth, 0.25)
        XCTAssertEqual(s.resampledPixelSpacing, [4, 4, 5])
        XCTAssertEqual(s.label, 2)
        XCTAssertEqual(s.voxelArrayShift, 1000)
        XCTAssertEqual(s.resegmentRange, [-3, 3])
        XCTAssertEqual(s.resegmentMode, .sigma)
        XCTAssertEqual(s.featureClasses.map(\.featureClass), [.shape, .firstorder])
        XCTAssertNil(s.features(of: .shape))
        XCTAssertEqual(s.features(of: .firstorder), ["Mean", "Entropy", "StandardDeviation"])
    }

    func testEmptyFeatureClassEnablesEveryClassIncludingShape2D() throws {
        let s = try ExtractionSettings(yamlText: "setting:\n  binWidth: 10\n")
        XCTAssertTrue(s.isEnabled(.shape2D))
        XCTAssertEqual(s.featureClasses.count, FeatureClass.allCases.count)
    }

    func testUnknownSettingIsAnErrorNamingIt() {
        XCTAssertThrowsError(try ExtractionSettings(yamlText: "setting:\n  binWidht: 25\n")) {
            XCTAssertTrue("\($0)".contains("binWidht"), "\($0)")
        }
    }

    func testWrongTypeIsAnErrorNamingKeyAndValue() {
        XCTAssertThrowsError(try ExtractionSettings(yamlText: "setting:\n  padDistance: five\n")) {
            XCTAssertTrue("\($0)".contains("padDistance") && "\($0)".contains("five"), "\($0)")
        }
        XCTAssertThrowsError(try ExtractionSettings(yamlText: "setting:\n  normalize: 3\n")) {
            XCTAssertTrue("\($0)".contains("normalize"), "\($0)")
        }
    }

    func testUnknownBlockClassAndFeatureAreErrors() {
        XCTAssertThrowsError(try ExtractionSettings(yamlText: "settings:\n  binWidth: 25\n")) {
            XCTAssertTrue("\($0)".contains("settings"), "\($0)")
        }
        XCTAssertThrowsError(try ExtractionSettings(yamlText: "featureClass:\n  glcmm:\n")) {
            XCTAssertTrue("\($0)".contains("glcmm"), "\($0)")
        }
        XCTAssertThrowsError(try ExtractionSettings(yamlText: "featureClass:\n  shape: [Volume]\n")) {
            XCTAssertTrue("\($0)".contains("Volume"), "\($0)")
        }
    }

    func testImageTypeOtherThanOriginalIsNotSupportedYet() {
        XCTAssertThrowsError(try ExtractionSettings(yamlText: "imageType:\n  Wavelet: {}\n")) {
            XCTAssertTrue("\($0)".contains("Wavelet") && "\($0)".contains("not supported yet"),
                          "\($0)")
        }
    }

    func testIBSIConventionIsNotSupportedYet() {
        XCTAssertThrowsError(try ExtractionSettings(yamlText: "convention: ibsi\n")) {
            XCTAssertTrue("\($0)".contains("not supported yet"), "\($0)")
        }
        XCTAssertNoThrow(try ExtractionSettings(yamlText: "convention: pyradiomics\n"))
    }

    func testNullInterpolatorMeansNoResampling() throws {
        let s = try ExtractionSettings(yamlText: """
            setting:
              interpolator:
              resampledPixelSpacing: [2, 2, 2]
            """)
        XCTAssertNil(s.resampledPixelSpacing)
    }
}
