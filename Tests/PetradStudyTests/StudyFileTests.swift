import Foundation
import XCTest
@testable import PetradStudy

/// The repository's root, from this file's path.
func repositoryRoot(_ file: String = #filePath) -> String {
    var url = URL(fileURLWithPath: file)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}

final class StudyFileTests: XCTestCase {
    func testBundledStudySplitsFiftyOnePatientsIntoThreeCohorts() throws {
        let study = try StudyFile.load(path: repositoryRoot() + "/studies/sts-fdg-pet.yaml")
        let cohorts = try study.resolveCohorts { Xoshiro256StarStar(seed: $0) }
        XCTAssertEqual(cohorts.map(\.name), ["external (3.9 mm pixels)", "training",
                                             "internal validation"])
        XCTAssertEqual(cohorts.map(\.role), [.externalValidation, .training, .internalValidation])
        // 12 patients have 3.906 mm pixels (image_summary.csv); 26 = round(0.667 x 39).
        XCTAssertEqual(cohorts.map(\.cases.count), [12, 26, 13])
        XCTAssertEqual(Set(cohorts.flatMap(\.cases).map(\.id)).count, 51)
        XCTAssertEqual(study.endpoints.map(\.name), ["dfs", "os", "lung_mets"])
        XCTAssertEqual(study.signature.repeats, 100)
        XCTAssertEqual(study.signature.maxFeatures, 4)
        XCTAssertEqual(study.cutoff.highRiskShare, 0.10...0.20)
        // The same seed gives the same split.
        let again = try study.resolveCohorts { Xoshiro256StarStar(seed: $0) }
        XCTAssertEqual(again, cohorts)
    }

    func testSplitDependsOnTheSeedAndKeepsTableOrder() {
        let cases = (1...20).map { StudyCase(id: "P\($0)", imagePath: "", maskPath: "") }
        var a = Xoshiro256StarStar(seed: 1)
        var b = Xoshiro256StarStar(seed: 2)
        let first = StudyFile.split(cases, fraction: 0.5, using: &a)
        let second = StudyFile.split(cases, fraction: 0.5, using: &b)
        XCTAssertEqual(first.training.count, 10)
        XCTAssertNotEqual(first.training, second.training)
        let positions = first.training.map { cases.firstIndex(of: $0)! }
        XCTAssertEqual(positions, positions.sorted())
    }

    private func parse(_ text: String) throws -> StudyFile {
        try StudyFile(node: try YAMLNode.parse(text, source: "test.yaml"), path: "/tmp/test.yaml")
    }

    private let minimal = minimalStudyText()

    func testMinimalStudyWithInlineParametersIsRead() throws {
        let study = try parse(minimal)
        XCTAssertEqual(study.cohorts.count, 1)
        XCTAssertEqual(study.inlineParameters, "setting: \n  binWidth: 0.25\n")
        XCTAssertEqual(study.signature, SignatureSpec())
    }

    func testUnknownKeyIsAnErrorNamingIt() {
        XCTAssertThrowsError(try parse(minimal + "signatur: {repeats: 5}\n")) { error in
            XCTAssertEqual((error as? InputError)?.field, "signatur")
        }
    }

    /// A seed below 0 is refused naming its key and line, in each of the three places.
    func testNegativeSeedIsRefused() {
        for (block, key) in [("signature: {seed: -1}\n", "signature.seed"),
                             ("cutoff: {seed: -3}\n", "cutoff.seed")] {
            XCTAssertThrowsError(try parse(minimal + block)) { error in
                XCTAssertEqual((error as? InputError)?.field, key)
                XCTAssertEqual((error as? InputError)?.position?.line, 9)
            }
        }
    }

    /// `repeats: -5`, `folds: 1`: the error names the key and the value found.
    func testSignatureCountsBelowTheirMinimumNameTheKey() {
        for (block, key, value) in [("signature: {repeats: -5}\n", "signature.repeats", "-5"),
                                    ("signature: {folds: 1}\n", "signature.folds", "1"),
                                    ("signature: {max_features: 0}\n", "signature.max_features",
                                     "0")] {
            XCTAssertThrowsError(try parse(minimal + block)) { error in
                XCTAssertEqual((error as? InputError)?.field, key)
                XCTAssertEqual((error as? InputError)?.value, value)
            }
        }
    }

    func testWrongRoleIsAnErrorNamingTheValue() {
        let text = minimal.replacingOccurrences(of: "role: training", with: "role: train")
        XCTAssertThrowsError(try parse(text)) { error in
            XCTAssertEqual((error as? InputError)?.value, "train")
        }
    }

    func testStudyWithoutTrainingCohortIsRefused() {
        let text = minimal.replacingOccurrences(of: "role: training",
                                                with: "role: external_validation")
        XCTAssertThrowsError(try parse(text)) { error in
            XCTAssertTrue("\(error)".contains("exactly one training cohort"))
        }
    }

    func testShareOutsideZeroOneIsRefused() {
        XCTAssertThrowsError(try parse(minimal + "cutoff: {high_risk_share: [0.3, 0.1]}\n"))
    }
}
