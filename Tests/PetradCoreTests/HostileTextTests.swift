import Foundation
import PetradCore
import XCTest

/// Hostile YAML and CSV texts (issue 11): an InputError or a table, never a crash or a hang.
/// Cases found by the fuzzers (scripts/fuzz.sh) are added here as regression tests.
final class HostileTextTests: XCTestCase {
    /// Found by fuzzing the parameter-file reader: a flow sequence nested 50000 deep
    /// (`setting: [[[...]]]`) overflowed the stack (AddressSanitizer: stack-overflow). Expected
    /// now: an InputError naming the line, raised while parsing, in well under a second.
    /// `inf`, `nan` and `1e999` read as numbers by Swift's Double(text) but mean nothing in a
    /// setting, and `inf` passes every `> 0` check: refused, naming the key; 0.25 is read.
    func testYAMLNonFiniteNumbersAreRefused() throws {
        for text in ["inf", "-inf", "nan", "1e999", "Infinity"] {
            let node = try YAMLNode.parse("binWidth: \(text)\n")
            XCTAssertThrowsError(try node["binWidth"]!.double(file: "p.yaml", key: "binWidth")) {
                XCTAssertTrue("\($0)".contains("a finite number"), "\(text): \($0)")
            }
        }
        XCTAssertEqual(try YAMLNode.parse("binWidth: 0.25\n")["binWidth"]!
            .double(file: "p.yaml", key: "binWidth"), 0.25)
    }

    func testYAMLNestedFiftyThousandDeepIsRefused() {
        let text = "setting: " + String(repeating: "[", count: 50_000)
            + String(repeating: "]", count: 50_000) + "\n"
        let start = Date()
        XCTAssertThrowsError(try YAMLNode.parse(text, source: "deep.yaml")) { error in
            let input = error as? InputError
            XCTAssertEqual(input?.file, "deep.yaml")
            XCTAssertEqual(input?.position?.line, 1)
            XCTAssertTrue("\(error)".hasPrefix("deep.yaml:1:"), "\(error)")
            XCTAssertTrue(input?.message.contains("64 levels") ?? false, "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
    }

    /// Block mappings nested 65 deep are refused; 63 deep (the limit, counting the document's
    /// own mapping) parse, and the innermost value is found.
    func testYAMLDepthLimitIsSixtyFourLevels() throws {
        func nested(_ depth: Int) -> String {
            (0..<depth).map { String(repeating: " ", count: $0) + "k\($0):\n" }.joined()
                + String(repeating: " ", count: depth) + "leaf: 1\n"
        }
        var node = try YAMLNode.parse(nested(63))
        for level in 0..<63 {
            node = try XCTUnwrap(node.mapping(file: "", key: "").first { $0.key == "k\(level)" })
                .value
        }
        XCTAssertEqual(try node.mapping(file: "", key: "").first?.value.int(file: "", key: ""), 1)
        XCTAssertThrowsError(try YAMLNode.parse(nested(65)))
    }

    /// Bytes that are not UTF-8, a lone quote, NUL bytes: YAML gives an InputError or a tree.
    func testYAMLBinaryGarbageIsAnErrorOrATree() {
        for text in ["\u{0}\u{0}: [", "'", "a: \"\\x", "? [a, b]\n: c", "&a [*a]", "%YAML 9.9\n---"] {
            do { _ = try YAMLNode.parse(text) } catch is InputError {
            } catch { XCTFail("\(text.debugDescription): \(error)") }
        }
    }

    /// A quote never closed would swallow the rest of the file into one field: refused, naming
    /// the row where the quote opens (row 2 here; the header is row 1).
    func testCSVUnterminatedQuoteIsRefusedNamingTheRow() throws {
        XCTAssertThrowsError(try CSVTable.parse("a,b\n1,\"2\n3,4\n", source: "q.csv")) { error in
            XCTAssertEqual((error as? InputError)?.field, "row 2")
        }
        XCTAssertThrowsError(try CSVTable.parse("\"")) { error in
            XCTAssertEqual((error as? InputError)?.field, "row 1")
        }
        // A closed quote holding a line break is one field, as RFC 4180 says.
        XCTAssertEqual(try CSVTable.parse("a,b\n1,\"2\n3\"\n").rows, [["1", "2\n3"]])
    }

    /// A file of line breaks only has no header: refused.
    func testCSVOfOnlyLineBreaksIsRefused() {
        XCTAssertThrowsError(try CSVTable.parse("\n\n\n")) { error in
            XCTAssertTrue((error as? InputError)?.message.contains("header") ?? false)
        }
    }
}
