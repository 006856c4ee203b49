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
        // Named at the line of its `feature` key in the study file.
        let text = try String(contentsOfFile: study.path, encoding: .utf8)
        let line = try XCTUnwrap(text.components(separatedBy: "\n").firstIndex {
            $0.contains("feature: original_firstorder_Maximum")
        }) + 1
        XCTAssertThrowsError(try run(study)) { error in
            XCTAssertEqual((error as? InputError)?.position?.line, line, "\(error)")
        }
    }

    /// `exclude: [original_]` with `include_prefixes: [original_]`: no candidate is left.
    func testSignatureSettingsLeavingNoCandidateAreRefused() throws {
        var study = try study()
        study.signature.exclude = ["original_"]
        assertRefused(study, field: "signature",
                      value: "include_prefixes [\"original_\"], exclude [\"original_\"]")
    }

    /// `merge: {Intermedate: ...}` (a typo): the level would stay unmerged without a word.
    func testMergeKeyNotInTheColumnIsRefused() throws {
        var study = try study()
        let grade = try XCTUnwrap(study.covariates.firstIndex { $0.name == "Grade" })
        study.covariates[grade].merge = ["Low": "Low/Intermediate",
                                         "Intermedate": "Low/Intermediate"]
        assertRefused(study, field: "covariates: Grade.merge", value: "Intermedate")
    }

    /// An event column that holds no 0/1 value at all (age given as the event): the column is
    /// wrong, not 51 patients; one error instead of endpoints that silently stop.
    func testEndpointColumnsWithNoReadableOutcomeAreRefused() throws {
        var study = try study()
        study.endpoints[1].eventColumn = "age_years"
        assertRefused(study, field: "endpoints: os", value: "time os_time_days, event age_years")
    }

    /// A setting every case fails on (a label no mask holds): one error naming the study, not
    /// a report on no patients.
    func testStudyInWhichEveryCaseFailsIsAnError() throws {
        let study = try study()
        let root = NSTemporaryDirectory() + "petrad-checks-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        var options = StudyOptions(outFolder: root)
        options.showProgress = false
        let failing = CaseExtraction(fingerprint: "always fails") { _ in
            throw InputError(file: "mask.nii.gz", field: "label", value: "2", "is not in the mask")
        }
        XCTAssertThrowsError(try StudyRunner(study: study, options: options,
                                             extraction: failing).run()) { error in
            XCTAssertEqual((error as? InputError)?.field, "extraction", "\(error)")
            XCTAssertEqual((error as? InputError)?.value, "51 of 51 cases failed", "\(error)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/extraction_errors.csv"))
    }

    /// A clinical table whose id for one patient differs only in case and a trailing space
    /// ("sts_001 " for STS_001): the patient is left out, as an exact match requires, with a
    /// warning that names the near match.
    func testClinicalIDDifferingOnlyInCaseIsNamedInTheWarning() throws {
        var study = try study()
        let root = NSTemporaryDirectory() + "petrad-checks-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        let original = try String(contentsOfFile: study.resolve(study.clinicalTable),
                                  encoding: .utf8)
        XCTAssertTrue(original.contains("\nSTS_001,"))
        try original.replacingOccurrences(of: "\nSTS_001,", with: "\nsts_001 ,")
            .write(toFile: root + "/clinical.csv", atomically: true, encoding: .utf8)
        study.clinicalTable = root + "/clinical.csv"
        let outcome = try run(study)
        let warning = try XCTUnwrap(outcome.warnings.first { $0.contains("'STS_001'") })
        XCTAssertTrue(warning.hasPrefix("Patient 'STS_001' (cohort "), warning)
        XCTAssertTrue(warning.hasSuffix(" has no row in the clinical table (it has 'sts_001 ', "
                                        + "which differs only in case or spaces; ids are matched "
                                        + "exactly); left out of the survival analyses."),
                      warning)
    }

    /// `folds: 60` with 26 training patients: the endpoints stop with an error that names the
    /// study file, the line of `folds` and the training cohort's size (the check needs the
    /// cohort, so it cannot be made when the file is read).
    func testMoreFoldsThanTrainingPatientsNamesTheStudyLine() throws {
        let root = NSTemporaryDirectory() + "petrad-checks-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        let text = try String(contentsOfFile: repositoryRoot() + "/studies/sts-fdg-pet.yaml",
                              encoding: .utf8)
        XCTAssertTrue(text.contains("\n  folds: 10\n"))
        let line = text.components(separatedBy: "\n").firstIndex(of: "  folds: 10")! + 1
        // The copy's paths to the bundled data made absolute (same lines).
        let path = root + "/study.yaml"
        try text.replacingOccurrences(of: "\n  folds: 10\n", with: "\n  folds: 60\n")
            .replacingOccurrences(of: "../data/", with: repositoryRoot() + "/data/")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let study = try StudyFile.load(path: path)
        XCTAssertEqual(study.positions["signature.folds"]?.line, line)
        let outcome = try run(study)
        let stopped = try XCTUnwrap(outcome.endpoints.first?.stopped)
        XCTAssertTrue(stopped.hasPrefix("\(path):\(line):"), stopped)
        XCTAssertTrue(stopped.contains("signature.folds"), stopped)
        XCTAssertTrue(stopped.contains("training patients"), stopped)
    }

    /// A cases table or a clinical table that is not there, found once the run starts: the
    /// error names the study file, the line and key naming the table, and the path tried.
    func testMissingTablesNameTheStudyLine() throws {
        let root = NSTemporaryDirectory() + "petrad-checks-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        try minimalStudyText().write(toFile: root + "/study.yaml", atomically: true,
                                     encoding: .utf8)
        let study = try StudyFile.load(path: root + "/study.yaml")
        XCTAssertThrowsError(try study.resolveCohorts { Xoshiro256StarStar(seed: $0) }) { error in
            let input = error as? InputError
            XCTAssertEqual(input?.file, root + "/study.yaml", "\(error)")
            XCTAssertEqual(input?.position?.line, 3, "\(error)")
            XCTAssertEqual(input?.field, "cohorts[1].cases", "\(error)")
            XCTAssertEqual(input?.value, "cases.csv", "\(error)")
            XCTAssertTrue("\(error)".contains(root + "/cases.csv"), "\(error)")
        }
        // A folder where the cases table should be: the same error.
        try FileManager.default.createDirectory(atPath: root + "/cases.csv",
                                                withIntermediateDirectories: false)
        XCTAssertThrowsError(try study.resolveCohorts { Xoshiro256StarStar(seed: $0) }) { error in
            XCTAssertEqual((error as? InputError)?.field, "cohorts[1].cases", "\(error)")
        }
        try FileManager.default.removeItem(atPath: root + "/cases.csv")

        // A selection table: named at its own line (the cases table is there now).
        try "PatientID,Image,Mask\nP1,a.nii.gz,a_mask.nii.gz\n"
            .write(toFile: root + "/cases.csv", atomically: true, encoding: .utf8)
        let selecting = minimalStudyText().replacingOccurrences(
            of: "cases: cases.csv}",
            with: "cases: cases.csv,\n     include: {table: sel.csv, column: site, values: [a]}}")
        try selecting.write(toFile: root + "/select.yaml", atomically: true, encoding: .utf8)
        let withSelection = try StudyFile.load(path: root + "/select.yaml")
        XCTAssertThrowsError(try withSelection.resolveCohorts { Xoshiro256StarStar(seed: $0) }) {
            error in
            let input = error as? InputError
            XCTAssertEqual(input?.position?.line, 4, "\(error)")
            XCTAssertEqual(input?.field, "cohorts[1].include.table", "\(error)")
            XCTAssertEqual(input?.value, "sel.csv", "\(error)")
        }
        XCTAssertThrowsError(try ClinicalData(study: study)) { error in
            let input = error as? InputError
            XCTAssertEqual(input?.file, root + "/study.yaml", "\(error)")
            XCTAssertEqual(input?.position?.line, 4, "\(error)")
            XCTAssertEqual(input?.field, "clinical.table", "\(error)")
            XCTAssertEqual(input?.value, "clinical.csv", "\(error)")
        }
    }

    /// A time of `inf` is refused for its patient (as nan and -5 are); 1e308 is a time.
    func testInfiniteTimeIsRefused() throws {
        let root = NSTemporaryDirectory() + "petrad-checks-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        try "PatientID,t,e\nP1,inf,1\nP2,1e308,0\n"
            .write(toFile: root + "/clinical.csv", atomically: true, encoding: .utf8)
        try minimalStudyText().write(toFile: root + "/study.yaml", atomically: true,
                                     encoding: .utf8)
        let study = try StudyFile.load(path: root + "/study.yaml")
        let clinical = try ClinicalData(study: study)
        XCTAssertThrowsError(try clinical.outcome("P1", study.endpoints[0])) { error in
            XCTAssertEqual((error as? InputError)?.value, "inf", "\(error)")
            XCTAssertEqual((error as? InputError)?.field, "t, patient P1", "\(error)")
        }
        XCTAssertEqual(try clinical.outcome("P2", study.endpoints[0])?.0, 1e308)
    }

    /// A cases table row with an empty Mask cell is refused naming the row (it would otherwise
    /// name the table's folder as the mask).
    func testEmptyMaskCellInACasesTableIsRefused() throws {
        let root = NSTemporaryDirectory() + "petrad-checks-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        try "PatientID,Image,Mask\nP1,a.nii.gz,a_mask.nii.gz\nP2,b.nii.gz,\n"
            .write(toFile: root + "/cases.csv", atomically: true, encoding: .utf8)
        try "PatientID,t,e\nP1,1,1\nP2,2,0\n"
            .write(toFile: root + "/clinical.csv", atomically: true, encoding: .utf8)
        try minimalStudyText().write(toFile: root + "/study.yaml", atomically: true,
                                     encoding: .utf8)
        let study = try StudyFile.load(path: root + "/study.yaml")
        XCTAssertThrowsError(try study.resolveCohorts { Xoshiro256StarStar(seed: $0) }) { error in
            XCTAssertEqual((error as? InputError)?.field, "Mask, row 3", "\(error)")
        }
    }

    /// Study-file numbers outside their range: `threads: 0`, `p_threshold: 2`,
    /// `min_group_size: 0`, `permutations: -1`, `scale: 0`, each named with its line.
    func testStudyNumbersOutsideTheirRangeAreRefused() {
        let cases = [("threads: 0\n", "threads"),
                     ("multivariate: {p_threshold: 2}\n", "multivariate.p_threshold"),
                     ("cutoff: {min_group_size: 0}\n", "cutoff.min_group_size"),
                     ("cutoff: {permutations: -1}\n", "cutoff.permutations"),
                     ("signature: {scale: 0}\n", "signature.scale")]
        for (block, key) in cases {
            XCTAssertThrowsError(try StudyFile(node: YAMLNode.parse(minimalStudyText() + block),
                                               path: "/tmp/s.yaml")) { error in
                XCTAssertEqual((error as? InputError)?.field, key, "\(error)")
                XCTAssertEqual((error as? InputError)?.position?.line, 9, "\(error)")
            }
        }
    }
}
