import Foundation
import PetradCore
import XCTest
@testable import PetradStudy

/// Study settings that the data cannot honour are refused with an error naming the study
/// file, the key and the value, instead of tables that look like results: a covariate
/// reference level the column never holds, an imaging covariate naming a feature that was not
/// extracted, and signature settings that leave no feature to select from.
final class StudyInputCheckTests: XCTestCase {
    private let study = { () throws -> StudyFile in
        try StudyFile.load(path: repositoryRoot() + "/studies/sts-fdg-pet.yaml")
    }

    /// Stand-in features for the 51 bundled cases: the two the imaging covariates read and
    /// one texture-like value, from the image's byte count (no real extraction needed).
    private let extraction = CaseExtraction(fingerprint: "input checks") { item in
        let bytes = Double((try? FileManager.default.attributesOfItem(atPath: item.imagePath)[.size]
                            as? Int) ?? 0)
        return FeatureValues(names: ["original_shape_MeshVolume", "original_firstorder_Maximum",
                                     "original_glcm_Contrast"],
                             values: [bytes, bytes.squareRoot(), bytes.truncatingRemainder(
                                dividingBy: 97)])
    }

    private func run(_ study: StudyFile) throws -> StudyOutcome {
        let root = NSTemporaryDirectory() + "petrad-checks-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        var options = StudyOptions(outFolder: root)
        options.showProgress = false
        return try StudyRunner(study: study, options: options, extraction: extraction).run()
    }

    private func assertRefused(_ study: StudyFile, field: String, value: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try run(study), file: file, line: line) { error in
            let input = error as? InputError
            XCTAssertEqual(input?.file, study.path, "\(error)", file: file, line: line)
            XCTAssertEqual(input?.field, field, "\(error)", file: file, line: line)
            XCTAssertEqual(input?.value, value, "\(error)", file: file, line: line)
        }
    }

    /// `reference: female` where the column holds Female and Male (R's relevel() stops too).
    func testReferenceLevelNotInTheColumnIsRefused() throws {
        var study = try study()
        let sex = try XCTUnwrap(study.covariates.firstIndex { $0.name == "Sex" })
        study.covariates[sex].reference = "female"
        assertRefused(study, field: "covariates: Sex.reference", value: "female")
    }

    /// A merged level is a valid reference (`Low/Intermediate` exists only after merge).
    func testMergedLevelIsAValidReference() throws {
        let study = try study()
        XCTAssertEqual(study.covariates.first { $0.name == "Grade" }?.reference,
                       "Low/Intermediate")
        XCTAssertNoThrow(try ClinicalData(study: study))
    }

    /// `feature: original_firstorder_Max` (the feature is `..._Maximum`).
    func testImagingCovariateNamingNoExtractedFeatureIsRefused() throws {
        var study = try study()
        let suvmax = try XCTUnwrap(study.imagingCovariates.firstIndex { $0.name == "SUVmax" })
        study.imagingCovariates[suvmax].feature = "original_firstorder_Max"
        assertRefused(study, field: "imaging_covariates[\(suvmax + 1)].feature",
                      value: "original_firstorder_Max")
    }

    /// `exclude: [original_]` with `include_prefixes: [original_]`: no candidate is left.
    func testSignatureSettingsLeavingNoCandidateAreRefused() throws {
        var study = try study()
        study.signature.exclude = ["original_"]
        assertRefused(study, field: "signature",
                      value: "include_prefixes [\"original_\"], exclude [\"original_\"]")
    }
}
