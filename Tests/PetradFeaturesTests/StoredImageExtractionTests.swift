import PetradCore
import PetradFeatures
import PetradImage
import XCTest

/// `Extractor.extract(imagePath:maskPath:)` with B-spline resampling reads image and mask as
/// stored and decodes only what the resampling reads (`extractResampled`); the general path
/// (`extract(image:maskValues:...)` on the whole volumes as Doubles) is the one the PyRadiomics
/// comparisons test (BaselineFeatureTests, ResamplingTestCaseTests, to 1e-6). The two must give
/// the same row: every name, every value to the last bit (tolerance 0), every note.
final class StoredImageExtractionTests: XCTestCase {
    /// The study's CT settings (bench/params/study_ct.yaml): 4 x 4 x 5 mm B-spline, bin width
    /// 25, the seven 3D classes.
    func studySettings() -> ExtractionSettings {
        var settings = ExtractionSettings()
        settings.resampledPixelSpacing = [4, 4, 5]
        settings.interpolator = .bSpline
        settings.binWidth = 25
        return settings
    }

    func assertSameRow(image imagePath: String, mask maskPath: String,
                       settings: ExtractionSettings, _ name: String) throws {
        let extractor = Extractor(settings: settings)
        let fromFiles = try extractor.extract(imagePath: imagePath, maskPath: maskPath)
        let (image, header) = try ImageIO.read(path: imagePath)
        let mask = try ImageIO.readMaskValues(path: maskPath)
        let inMemory = try extractor.extract(image: image, maskValues: mask,
                                             imageScalar: header.scalarType, maskFile: maskPath)
        XCTAssertEqual(fromFiles.entries.map(\.name), inMemory.entries.map(\.name), name)
        for (a, b) in zip(fromFiles.entries, inMemory.entries) {
            if case .number(let x) = a.value, case .number(let y) = b.value, !x.isNaN {
                XCTAssertEqual(x.bitPattern, y.bitPattern, "\(name) \(a.name): \(x) vs \(y)")
            } else {
                XCTAssertEqual(a.value, b.value, "\(name) \(a.name)")
            }
        }
        XCTAssertEqual(fromFiles.notes, inMemory.notes, name)
        XCTAssertGreaterThan(fromFiles.entries.count, 100, name)
    }

    /// int16 gzip NRRD CTs (lung2: the benchmark case; brain1: an ROI near no edge).
    func testCTTestCasesMatchTheGeneralPath() throws {
        for name in ["lung2", "brain1"] {
            try assertSameRow(image: try testCaseFile("\(name)_image.nrrd"),
                              mask: try testCaseFile("\(name)_label.nrrd"),
                              settings: studySettings(), name)
        }
    }

    /// float32 gzip NIfTI PET in SUV, 3 mm B-spline resampling, bin width 0.25.
    func testPETMatchesTheGeneralPath() throws {
        guard let folder = ReferenceData.path("pet/ibsi-sts-validation/STS_001") else {
            throw XCTSkip("pet/ibsi-sts-validation/STS_001 absent")
        }
        var settings = studySettings()
        settings.resampledPixelSpacing = [3, 3, 3]
        settings.binWidth = 0.25
        try assertSameRow(image: folder + "/pet_image.nii.gz", mask: folder + "/pet_mask.nii.gz",
                          settings: settings, "STS_001")
    }

    /// An absent label gives the general path's error (naming the mask, the label and the
    /// values present).
    func testAbsentLabelIsReportedAsBefore() throws {
        var settings = studySettings()
        settings.label = 7
        let image = try testCaseFile("brain1_image.nrrd")
        let mask = try testCaseFile("brain1_label.nrrd")
        XCTAssertThrowsError(try Extractor(settings: settings).extract(imagePath: image,
                                                                       maskPath: mask)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("brain1_label.nrrd") && text.contains("label 7"), text)
        }
    }
}
