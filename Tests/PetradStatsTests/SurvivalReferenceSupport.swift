import PetradTestSupport
import XCTest
@testable import PetradStats

/// The survival reference data sets (R 4.2.2, survival 3.5.3; see the folder's README).
let survivalDataSets = ["lung", "veteran", "ovarian", "colon", "pbc", "ties", "separation"]

/// Time and event column names of each data set.
let survivalColumns: [String: (time: String, event: String)] = [
    "lung": ("time", "status"), "veteran": ("time", "status"), "ovarian": ("futime", "fustat"),
    "colon": ("time", "status"), "pbc": ("time", "status"), "ties": ("time", "status"),
    "separation": ("time", "status"), "bad_event": ("time", "status"),
]

/// A reference CSV as rows of column name -> text.
struct ReferenceRows {
    var rows: [[String: String]]

    /// Loads `survival/<set>/<file>`, or nil when absent.
    static func load(_ set: String, _ file: String) throws -> ReferenceRows? {
        guard let table = try ReferenceData.tableIfPresent("survival/\(set)/\(file)") else {
            return nil
        }
        return ReferenceRows(rows: table.rows.map { row in
            Dictionary(uniqueKeysWithValues: zip(table.header, row))
        })
    }
}

/// Reads an R number as written by make_reference.R: NA -> nil, Inf -> infinity.
func referenceNumber(_ text: String?) -> Double? {
    guard let text, text != "NA", !text.isEmpty else { return nil }
    switch text {
    case "Inf": return .infinity
    case "-Inf": return -.infinity
    default: return Double(text)
    }
}

/// Counts comparisons and collects the failures of one reference test.
final class ReferenceChecker {
    var compared = 0
    var failures: [String] = []

    /// Agreement rule of issue 4: 1e-6 relative; p-values below 1e-10 to 1e-6 absolute; an
    /// absolute floor of 1e-12 for values that are zero up to rounding (e.g. O - E sums).
    func check(_ actual: Double?, _ expected: String?, _ what: @autoclosure () -> String,
               isP: Bool = false) {
        compared += 1
        let reference = referenceNumber(expected)
        let value = actual.flatMap { $0.isNaN ? nil : $0 }
        switch (value, reference) {
        case (nil, nil): return
        case let (v?, r?):
            if v == r { return }
            let difference = abs(v - r)
            if isP && r < 1e-10 && difference <= 1e-6 { return }
            if difference <= 1e-6 * abs(r) || difference <= 1e-12 { return }
            failures.append("\(what()): got \(v), R \(r)")
        default:
            failures.append("\(what()): got \(String(describing: value)), R \(expected ?? "nil")")
        }
    }

    func assertAll(minimum: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertGreaterThanOrEqual(compared, minimum, "too few comparisons", file: file, line: line)
        XCTAssertTrue(failures.isEmpty, "\(failures.count) mismatches of \(compared):\n"
                      + failures.prefix(25).joined(separator: "\n"), file: file, line: line)
    }
}

/// data.csv of a reference data set as a CSVTable.
func referenceDataTable(_ set: String) throws -> CSVTable? {
    try ReferenceData.tableIfPresent("survival/\(set)/data.csv")
}

/// Complete rows (R's na.omit) of the time, event and the given text columns.
func completeRows(_ table: CSVTable, time: String, event: String, columns: [String]) throws
    -> (time: [Double], event: [Bool], values: [[String]]) {
    let t = try table.numericColumn(time)
    let e = try table.numericColumn(event)
    let others = try columns.map { try table.column($0) }
    var times: [Double] = [], events: [Bool] = []
    var values = [[String]](repeating: [], count: columns.count)
    for i in t.indices {
        guard let ti = t[i], let ei = e[i] else { continue }
        if others.contains(where: { $0[i].isEmpty || $0[i] == "NA" }) { continue }
        times.append(ti)
        events.append(ei == 1)
        for c in others.indices { values[c].append(others[c][i]) }
    }
    return (times, events, values)
}
