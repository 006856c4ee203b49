import Foundation
import XCTest
@testable import PetradStudy

/// Warnings of a study run: extraction warnings of single cases (once per case, also when the
/// case comes from the cache) and p-values printed as a statistician prints them.
final class StudyWarningTests: XCTestCase {
    /// p-values: R's signif(p, 3) (R 4.2: signif(0.12345, 3) = 0.123, signif(0.023449, 3) =
    /// 0.0234, signif(0.5, 3) = 0.5), "< 0.001" below 0.001, NA for NaN.
    func testPValuesHaveThreeSignificantDigits() {
        XCTAssertEqual(formatP(0.12345), "0.123")
        XCTAssertEqual(formatP(0.023449), "0.0234")
        XCTAssertEqual(formatP(0.5), "0.5")
        XCTAssertEqual(formatP(0.001), "0.001")
        XCTAssertEqual(formatP(0.000999), "< 0.001")
        XCTAssertEqual(formatP(.nan), "NA")
    }

    /// The small-group warning carries the p-value formatted, not its 17 digits.
    func testSmallGroupWarningPrintsTheRoundedPValue() {
        let warning = smallGroupWarning(endpoint: "os", cohort: "external", logRankP: 0.0234491,
                                        smallerGroup: 2, minimumGroupSize: 3)
        XCTAssertEqual(warning, "os, external: the log-rank p-value (0.0234) rests on a risk "
                       + "group of 2 patient(s), fewer than the cutoff rule's minimum group "
                       + "size (3); do not read it as evidence")
    }

    /// A stand-in extraction warns for two of the 51 bundled cases: the run lists both in its
    /// warnings (in study order) and as extraction warnings; a rerun reads them from the cache.
    func testExtractionWarningsReachTheStudyOnceAndSurviveTheCache() throws {
        let study = try StudyFile.load(path: repositoryRoot() + "/studies/sts-fdg-pet.yaml")
        let root = NSTemporaryDirectory() + "petrad-warn-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let warned: Set<String> = ["STS_004", "STS_021"]
        let extraction = CaseExtraction(fingerprint: "warning check") { item in
            FeatureValues(names: ["x"], values: [1],
                          warnings: warned.contains(item.id) ? ["case \(item.id): one level"] : [])
        }
        var options = StudyOptions(outFolder: root)
        options.showProgress = false
        options.extractOnly = true
        let first = try StudyRunner(study: study, options: options, extraction: extraction).run()
        let order = first.cohorts.flatMap(\.cases).map(\.id).filter(warned.contains)
        let expected = order.map { "case \($0): one level" }
        XCTAssertEqual(first.extractionWarnings, expected)
        XCTAssertEqual(first.warnings.filter { $0.hasSuffix(": one level") }, expected)

        let again = try StudyRunner(study: study, options: options, extraction: extraction).run()
        XCTAssertEqual(again.batch.reused.count, 51)
        XCTAssertEqual(again.extractionWarnings, expected)
    }

    /// The real extraction on one bundled SUV image with PyRadiomics' default binWidth 25: the
    /// tumour's SUVs all fall in [0, 25), one grey level (PyRadiomics getBinEdges), so the case
    /// is warned about, with a smaller width to try.
    func testDefaultBinWidthOnASUVImageWarnsNamingTheCase() throws {
        let data = repositoryRoot() + "/data/sts/STS_002"
        let params = "{featureClass: {firstorder: [Maximum, Entropy], glcm: [Contrast]}}"
        let study = try StudyFile(node: try YAMLNode.parse(minimalStudyText(params: params)),
                                  path: "/tmp/default-bin-width.yaml")
        let extraction = try study.makeExtraction()
        let values = try extraction.extract(StudyCase(id: "STS_002",
                                                      imagePath: data + "/pet_image.nii.gz",
                                                      maskPath: data + "/pet_mask.nii.gz"))
        let maximum = try XCTUnwrap(values.value("original_firstorder_Maximum"))
        XCTAssertLessThan(maximum, 25, "the check assumes SUVmax below one bin of 25")
        XCTAssertEqual(try XCTUnwrap(values.value("original_firstorder_Entropy")), 0,
                       accuracy: 1e-12)
        XCTAssertEqual(values.warnings.count, 1)
        let warning = try XCTUnwrap(values.warnings.first)
        XCTAssertTrue(warning.hasPrefix("case STS_002: binWidth 25 (the default) leaves the ROI"),
                      warning)
        XCTAssertTrue(warning.contains("try binWidth "), warning)
    }
}

/// The study warns, as `petrad signature apply` does, when a validation cohort's mean of a
/// signature feature lies more than one training SD from the training mean.
final class StudyShiftWarningTests: XCTestCase {
    func testShiftedCohortIsWarnedAboutAndAnUnshiftedOneIsNot() throws {
        let runner = StudyRunner(
            study: try StudyFile.load(path: repositoryRoot() + "/studies/sts-fdg-pet.yaml"),
            options: StudyOptions(outFolder: NSTemporaryDirectory()),
            extraction: CaseExtraction(fingerprint: "unused") { _ in
                FeatureValues(names: [], values: []) })
        func cohort(_ name: String, _ role: CohortRole) -> Cohort {
            Cohort(name: name, role: role, cases: [], origin: "")
        }
        func patients(_ c: Cohort, _ values: [Double]) -> [StudyRunner.Patient] {
            values.enumerated().map { i, v in
                let f = FeatureValues(names: ["original_glcm_MCC"], values: [v])
                return StudyRunner.Patient(id: "\(c.name)\(i)", cohort: c, time: 1, event: true,
                                           features: f, raw: f)
            }
        }
        // Training 1, 2, 3, 4: mean 2.5, population SD 1.118. Internal: mean 3 (+0.4 SD).
        // External: mean 0.5 (-1.8 SD).
        let all = patients(cohort("train", .training), [1, 2, 3, 4])
            + patients(cohort("internal", .internalValidation), [2, 4])
            + patients(cohort("external", .externalValidation), [0, 1])
        let warnings = runner.shiftWarnings(endpoint: "dfs", features: ["original_glcm_MCC"],
                                            patients: all)
        XCTAssertEqual(warnings.count, 1, "\(warnings)")
        XCTAssertTrue(warnings.first?.hasPrefix("dfs, external: signature feature "
                                                + "original_glcm_MCC has a mean -1.8 training "
                                                + "SDs") ?? false, "\(warnings)")
    }
}
