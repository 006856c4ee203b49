import Foundation
import XCTest
@testable import PetradStudy

/// The external-validation study on the lung CT cohort (issue 6). The cohort is not bundled;
/// the test skips where ../shared/data/cohorts/owkin-nsclc-ct-images is absent.
final class StudyExternalCohortTests: XCTestCase {
    func testLungCTStudyRunsEndToEndWhenTheCohortIsPresent() throws {
        guard ReferenceData.path("cohorts/owkin-nsclc-ct-images") != nil,
              ReferenceData.path("cohorts/owkin-nsclc-ct-pyradiomics") != nil else {
            throw XCTSkip("cohorts/owkin-nsclc-ct-images absent: lung CT study not run")
        }
        let study = try StudyFile.load(path: repositoryRoot() + "/studies/owkin-nsclc-ct.yaml")
        let cohorts = try study.resolveCohorts { Xoshiro256StarStar(seed: $0) }
        XCTAssertEqual(cohorts.map(\.role), [.externalValidation, .training, .internalValidation])
        let out = NSTemporaryDirectory() + "petrad-owkin-\(UUID().uuidString)"
        var options = StudyOptions(outFolder: out)
        options.showProgress = false
        let outcome = try StudyRunner(study: study, options: options,
                                      extraction: try study.makeExtraction()).run()
        XCTAssertTrue(outcome.complete)
        let report = try StudyReportBuilder(study: study, outcome: outcome, outFolder: out).write()
        XCTAssertTrue(FileManager.default.fileExists(atPath: report))
        XCTAssertNotNil(outcome.endpoints.first?.signature)
    }

    func testLungCTStudyFileIsValid() throws {
        let study = try StudyFile.load(path: repositoryRoot() + "/studies/owkin-nsclc-ct.yaml")
        XCTAssertEqual(study.endpoints.map(\.name), ["os"])
        XCTAssertEqual(study.cohorts.count, 2)
    }
}
