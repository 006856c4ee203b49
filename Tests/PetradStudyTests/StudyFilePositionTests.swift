import Foundation
import XCTest
@testable import PetradStudy

/// Errors in a study file start `file:line:column:` (columns counted from 1, as libyaml
/// reports them), so that a user goes straight to the line.
final class StudyFilePositionTests: XCTestCase {
    private let path = "/tmp/study.yaml"

    /// Lines 1-8; line 3 holds the cohort, line 8 the inline parameters.
    private let minimal = minimalStudyText()

    private func error(_ text: String) -> InputError? {
        do {
            let study = try StudyFile(node: try YAMLNode.parse(text, source: path), path: path)
            _ = try study.extractionSettings()
            XCTFail("no error")
            return nil
        } catch {
            return error as? InputError
        }
    }

    func testWrongValueNamesItsLineAndColumn() {
        let e = error(minimal.replacingOccurrences(of: "role: training", with: "role: train"))
        XCTAssertEqual(e?.position, TextPosition(line: 3, column: 21))
        XCTAssertEqual(e?.description,
                       "/tmp/study.yaml:3:21: field 'cohorts[1].role', value 'train': should be "
                       + "training, internal_validation or external_validation")
    }

    func testUnknownKeyNamesTheKeysLine() {
        let e = error(minimal + "signatur: {repeats: 5}\n")
        XCTAssertEqual(e?.field, "signatur")
        XCTAssertEqual(e?.position, TextPosition(line: 9, column: 1))
        XCTAssertTrue(e?.description.hasPrefix("/tmp/study.yaml:9:1: field 'signatur'") ?? false)
    }

    /// A missing key is placed at the mapping that lacks it (the endpoint's "{", line 6).
    func testMissingKeyNamesTheMappingThatLacksIt() {
        let e = error(minimal.replacingOccurrences(of: ", event: e", with: ""))
        XCTAssertEqual(e?.field, "endpoints[1].event")
        XCTAssertEqual(e?.position, TextPosition(line: 6, column: 5))
    }

    func testWrongTypeInANestedBlockMapping() {
        let e = error(minimal + "signature:\n  repeats: many\n")
        XCTAssertEqual(e?.field, "signature.repeats")
        XCTAssertEqual(e?.position, TextPosition(line: 10, column: 12))
    }

    /// Inline PyRadiomics parameters are read from the study file's own tree: the error names
    /// the study file and the line of the bad setting (binWidth -1 at line 8, column 32).
    func testInlineParameterErrorNamesTheStudyFilesLine() {
        let e = error(minimal.replacingOccurrences(of: "binWidth: 0.25", with: "binWidth: -1"))
        XCTAssertEqual(e?.file, path)
        XCTAssertEqual(e?.field, "setting.binWidth")
        XCTAssertEqual(e?.position, TextPosition(line: 8, column: 32))
    }

    /// A parameter file that cannot be read is pointed at where the study file names it.
    func testUnreadableParameterFileNamesTheStudyFilesLine() {
        let text = minimalStudyText(params: "params/missing.yaml")
        let e = error(text)
        XCTAssertEqual(e?.field, "extraction.params")
        XCTAssertEqual(e?.position, TextPosition(line: 8, column: 11))
    }

    /// Two cohorts with one name: the second name is pointed at.
    func testDuplicateCohortNameNamesTheSecondName() {
        let text = minimal.replacingOccurrences(
            of: "  - {name: a, role: training, cases: cases.csv}\n",
            with: "  - {name: a, role: training, cases: cases.csv}\n"
                + "  - {name: a, role: external_validation, cases: cases.csv}\n")
        let e = error(text)
        XCTAssertEqual(e?.value, "a")
        XCTAssertEqual(e?.position, TextPosition(line: 4, column: 12))
    }
}
