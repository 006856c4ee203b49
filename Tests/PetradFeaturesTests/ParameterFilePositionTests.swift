import PetradCore
import PetradFeatures
import XCTest

/// Errors in a PyRadiomics parameter file start `file:line:column:`, the place of the value
/// (or of the key, for an unknown key or block). Columns counted from 1, as libyaml and
/// PyYAML report them.
final class ParameterFilePositionTests: XCTestCase {
    private func error(_ text: String) -> InputError? {
        do {
            _ = try ExtractionSettings(yamlText: text, file: "params.yaml")
            XCTFail("no error for \(text.debugDescription)")
            return nil
        } catch {
            return error as? InputError
        }
    }

    func testWrongTypeNamesTheValuesLineAndColumn() {
        let e = error("imageType:\n  Original: {}\nsetting:\n  padDistance: five\n")
        XCTAssertEqual(e?.position, TextPosition(line: 4, column: 16))
        XCTAssertEqual(e?.description,
                       "params.yaml:4:16: field 'setting.padDistance', value 'five': "
                       + "should be a whole number")
    }

    func testUnknownSettingNamesTheKeysPlace() {
        let e = error("setting:\n  binWidth: 0.25\n  binWidht: 25\n")
        XCTAssertEqual(e?.position, TextPosition(line: 3, column: 3))
        let text = e?.description ?? ""
        XCTAssertTrue(text.hasPrefix("params.yaml:3:3: field 'setting.binWidht'"), text)
    }

    func testUnknownBlockNamesTheKeysPlace() {
        XCTAssertEqual(error("settings:\n  binWidth: 25\n")?.position,
                       TextPosition(line: 1, column: 1))
    }

    /// A value out of range: binWidth -1 in a flow mapping, at the "-".
    func testOutOfRangeValueInFlowMapping() {
        XCTAssertEqual(error("setting: {label: 1, binWidth: -1}\n")?.position,
                       TextPosition(line: 1, column: 31))
    }

    /// An unknown feature name in a list is pointed at itself.
    func testUnknownFeatureNamesItsListItem() {
        let e = error("featureClass:\n  shape:\n  firstorder: [Mean, Medain]\n")
        XCTAssertEqual(e?.position, TextPosition(line: 3, column: 22))
        XCTAssertEqual(e?.value, "Medain")
    }

    /// A check across settings (`validate`) is placed at the setting it names.
    func testValidationErrorIsPlacedAtTheSetting() {
        let e = error("setting:\n  label: 1\n  resampledPixelSpacing: [2, 2]\n")
        XCTAssertEqual(e?.field, "resampledPixelSpacing")
        XCTAssertEqual(e?.position, TextPosition(line: 3, column: 26))
    }
}
