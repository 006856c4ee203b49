import Foundation
import PetradCore
import PetradTestSupport
import XCTest

/// One PyRadiomics baseline table (`pyradiomics-testcases/baseline/baseline_<class>.csv` or
/// `current/<class>.csv`): rows are features and diagnostics, columns are test cases.
struct BaselineTable {
    let columns: [String]
    let rows: [String: [String]]
    let rowOrder: [String]

    init(_ relative: String) throws {
        let table = try ReferenceData.table("pyradiomics-testcases/" + relative)
        columns = Array(table.header.dropFirst())
        var rows: [String: [String]] = [:]
        for row in table.rows { rows[row[0]] = Array(row.dropFirst()) }
        self.rows = rows
        rowOrder = table.rows.map { $0[0] }
    }

    func cell(_ row: String, _ column: String) -> String? {
        guard let r = rows[row], let c = columns.firstIndex(of: column) else { return nil }
        return r[c]
    }

    /// Feature rows of one class (`original_<class>_*`), in the table's order.
    func featureRows(_ className: String) -> [String] {
        rowOrder.filter { $0.hasPrefix("original_\(className)_") }
    }
}

/// Path of a test-case file, or skip.
func testCaseFile(_ name: String) throws -> String {
    try ReferenceData.requiredPath("pyradiomics-testcases/" + name)
}

/// Relative agreement `|a - b| <= tolerance * max(|a|, |b|)` (absolute 1e-12 near zero).
func assertRelative(_ actual: Double, _ expected: Double, _ tolerance: Double, _ what: String,
                    file: StaticString = #filePath, line: UInt = #line) {
    if expected.isNaN {
        XCTAssertTrue(actual.isNaN, "\(what): expected NaN, got \(actual)", file: file, line: line)
        return
    }
    let scale = max(abs(actual), abs(expected))
    XCTAssertTrue(abs(actual - expected) <= max(tolerance * scale, 1e-12),
                  "\(what): got \(actual), expected \(expected), relative \(abs(actual - expected) / scale)",
                  file: file, line: line)
}
