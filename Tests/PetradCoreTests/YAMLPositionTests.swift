import PetradCore
import XCTest

/// Where YAML nodes and errors stand: libyaml's start marks, 1-based line and column.
final class YAMLPositionTests: XCTestCase {
    /// Block and flow nodes: a block mapping starts at its first key, a scalar at its first
    /// character, a flow sequence at its "[".
    func testNodesAndKeysCarryLineAndColumn() throws {
        let node = try YAMLNode.parse("setting:\n  binWidth: 25\n  spacing: [4, 4, 5]\n")
        let setting = try XCTUnwrap(node["setting"])
        XCTAssertEqual(setting.position, TextPosition(line: 2, column: 3))
        XCTAssertEqual(setting.position(ofKey: "binWidth"), TextPosition(line: 2, column: 3))
        XCTAssertEqual(setting["binWidth"]?.position, TextPosition(line: 2, column: 13))
        XCTAssertEqual(setting["spacing"]?.position, TextPosition(line: 3, column: 12))
        XCTAssertEqual(node.position(ofKey: "setting"), TextPosition(line: 1, column: 1))
    }

    /// A type error reads `file:line:column: field, value: message`.
    func testTypeErrorStartsWithFileLineColumn() throws {
        let node = try YAMLNode.parse("a: 1\nbinWidth: abc\n", source: "p.yaml")
        let value = try XCTUnwrap(node["binWidth"])
        XCTAssertThrowsError(try value.double(file: "p.yaml", key: "binWidth")) { error in
            XCTAssertEqual("\(error)",
                           "p.yaml:2:11: field 'binWidth', value 'abc': should be a number")
        }
    }

    /// A syntax error gives libyaml's problem mark: the second ": " on line 2, column 5
    /// (PyYAML, which ports libyaml's scanner, reports the same mark: "mapping values are not
    /// allowed here", line 2, column 5).
    func testSyntaxErrorNamesLineAndColumn() {
        XCTAssertThrowsError(try YAMLNode.parse("a: 1\nb: c: d\n", source: "s.yaml")) {
            XCTAssertEqual(($0 as? InputError)?.position, TextPosition(line: 2, column: 5))
            XCTAssertTrue("\($0)".hasPrefix("s.yaml:2:5: is not valid YAML"), "\($0)")
        }
    }

    /// A key written twice is pointed at where it appears the second time.
    func testDuplicateKeyNamesItsSecondPlace() {
        XCTAssertThrowsError(try YAMLNode.parse("a: 1\nb: 2\na: 3\n", source: "d.yaml")) {
            XCTAssertEqual(($0 as? InputError)?.position, TextPosition(line: 3, column: 1))
        }
    }

    /// Errors without a place keep the old form: `file, field 'x': message`.
    func testErrorWithoutPositionKeepsCommaForm() {
        let error = InputError(file: "c.csv", field: "time", "is missing")
        XCTAssertEqual(error.description, "c.csv, field 'time': is missing")
    }
}
