import XCTest
@testable import PetradStats

/// Log-rank and Peto–Peto tests against R 4.2.2 / survival 3.5.3 `survdiff` (logrank.csv,
/// logrank_peto.csv, logrank_strata.csv of every data set, made by make_reference.R).
final class LogRankTests: XCTestCase {
    /// The level of a group label such as `sex=1` or `rx=Lev+5FU`.
    private func level(_ label: String) -> String {
        guard let equals = label.firstIndex(of: "=") else { return label }
        return String(label[label.index(after: equals)...])
    }

    func testAllReferenceFilesMatchR() throws {
        let checker = ReferenceChecker()
        for set in survivalDataSets {
            guard let table = try referenceDataTable(set), let columns = survivalColumns[set] else {
                throw XCTSkip("survival/\(set)/data.csv absent")
            }
            for file in ["logrank.csv", "logrank_peto.csv", "logrank_strata.csv"] {
                guard let reference = try ReferenceRows.load(set, file) else { continue }
                var results: [String: LogRankResult] = [:]
                for row in reference.rows {
                    let test = row["test"]!, rho = Double(row["rho"]!)!
                    let key = "\(test) rho=\(rho)"
                    if results[key] == nil {
                        let parts = test.components(separatedBy: "|strata(")
                        let stratum = parts.count > 1 ? String(parts[1].dropLast()) : nil
                        let data = try completeRows(table, time: columns.time,
                                                    event: columns.event,
                                                    columns: [parts[0]] + (stratum.map { [$0] } ?? []))
                        results[key] = try LogRank.test(
                            time: data.time, event: data.event, group: data.values[0],
                            strata: stratum == nil ? nil : data.values[1], rho: rho)
                    }
                    let result = results[key]!
                    let what = "\(set) \(file) \(key) \(row["group"]!)"
                    guard let g = result.levels.firstIndex(of: level(row["group"]!)) else {
                        checker.failures.append(what + ": no such level")
                        continue
                    }
                    checker.check(Double(result.n[g]), row["n"], what + " n")
                    checker.check(result.observed[g], row["observed"], what + " observed")
                    checker.check(result.expected[g], row["expected"], what + " expected")
                    checker.check(result.observedMinusExpected[g], row["o_minus_e"], what + " O-E")
                    checker.check(result.varianceDiagonal[g], row["variance"], what + " variance")
                    checker.check(result.chiSquare, row["chisq"], what + " chisq")
                    checker.check(Double(result.degreesOfFreedom), row["df"], what + " df")
                    checker.check(result.pValue, row["p"], what + " p", isP: true)
                }
            }
        }
        checker.assertAll(minimum: 500)
    }

    /// separation/: time 1..6, all events, x = 1,1,1,0,0,0. R: chisq 5.05166051660517,
    /// p 0.0246023499536417 (survdiff, survival 3.5.3).
    func testSeparatedGroupsGiveAFiniteLogRank() throws {
        let result = try LogRank.test(time: [1, 2, 3, 4, 5, 6], event: Array(repeating: true, count: 6),
                                      group: ["1", "1", "1", "0", "0", "0"])
        XCTAssertEqual(result.chiSquare, 5.05166051660517, accuracy: 1e-12)
        XCTAssertEqual(result.pValue, 0.0246023499536417, accuracy: 1e-12)
        XCTAssertEqual(result.degreesOfFreedom, 1)
    }

    func testASingleGroupIsAnError() {
        XCTAssertThrowsError(try LogRank.test(time: [1, 2], event: [true, true], group: ["a", "a"]))
    }
}
