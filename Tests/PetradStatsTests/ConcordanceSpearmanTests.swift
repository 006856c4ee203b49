import XCTest
@testable import PetradStats

/// Harrell's C against R 4.2.2 / survival 3.5.3 `concordance(Surv ~ x, reverse = ...)`
/// (concordance.csv) and Spearman against R 4.2.2 `cor.test(method = "spearman")`
/// (spearman.csv), every data set.
final class ConcordanceSpearmanTests: XCTestCase {
    func testConcordanceCountsAndVariancesMatchR() throws {
        let checker = ReferenceChecker()
        for set in ["lung", "veteran", "ovarian", "colon", "pbc", "ties"] {
            guard let reference = try ReferenceRows.load(set, "concordance.csv"),
                  let table = try referenceDataTable(set), let columns = survivalColumns[set] else {
                throw XCTSkip("survival/\(set)/concordance.csv absent")
            }
            for row in reference.rows {
                let variable = row["variable"]!, reverse = row["reverse"] == "TRUE"
                let data = try completeRows(table, time: columns.time, event: columns.event,
                                            columns: [variable])
                let c = Concordance.harrell(time: data.time, event: data.event,
                                            score: data.values[0].map { Double($0)! },
                                            reverse: reverse)
                let what = "\(set) \(variable) reverse=\(reverse)"
                checker.check(Double(c.n), row["n"], what + " n")
                checker.check(c.concordant, row["concordant"], what + " concordant")
                checker.check(c.discordant, row["discordant"], what + " discordant")
                checker.check(c.tiedX, row["tied.x"], what + " tied.x")
                checker.check(c.tiedY, row["tied.y"], what + " tied.y")
                checker.check(c.tiedXY, row["tied.xy"], what + " tied.xy")
                checker.check(c.concordance, row["concordance"], what + " C")
                checker.check(c.variance, row["var"], what + " var")
                checker.check(c.standardError, row["std.err"], what + " se")
                checker.check(c.coxVariance, row["cvar"], what + " cvar")
            }
        }
        checker.assertAll(minimum: 200)
    }

    func testSpearmanRhoStatisticAndPMatchR() throws {
        let checker = ReferenceChecker()
        for set in ["lung", "veteran", "ovarian", "colon", "pbc", "ties"] {
            guard let reference = try ReferenceRows.load(set, "spearman.csv"),
                  let table = try referenceDataTable(set) else {
                throw XCTSkip("survival/\(set)/spearman.csv absent")
            }
            for row in reference.rows {
                let xName = row["x"]!, yName = row["y"]!
                var x = try table.numericColumn(xName).map { $0 ?? .nan }
                var y = try table.numericColumn(yName).map { $0 ?? .nan }
                if let rows = row["rows"], rows.hasPrefix("1-"), let k = Int(rows.dropFirst(2)) {
                    x = Array(x.prefix(k))
                    y = Array(y.prefix(k))
                }
                let result = Spearman.test(x, y, exact: row["exact_requested"] == "TRUE")
                let what = "\(set) \(xName)~\(yName) rows=\(row["rows"]!) "
                    + "exact=\(row["exact_requested"]!)"
                checker.check(Double(result.n), row["n"], what + " n")
                checker.check(result.rho, row["rho"], what + " rho")
                checker.check(result.statistic, row["S"], what + " S")
                checker.check(result.pValue, row["p"], what + " p", isP: true)
                XCTAssertEqual(result.hasTies, row["has_ties"] == "TRUE", what)
                XCTAssertEqual(result.warning ?? "", row["warnings"] ?? "", what)
            }
        }
        checker.assertAll(minimum: 80)
    }

    /// x = 1..5, y = 2,1,4,3,5: rho 0.8, S 4. Exact p by hand enumeration (the rule of R's
    /// exact branch for n <= 9): 8 of the 120 permutations have S <= 4, two-sided p = 16/120.
    func testSpearmanExactSmallSample() {
        let result = Spearman.test([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
        XCTAssertEqual(result.rho, 0.8, accuracy: 1e-12)
        XCTAssertEqual(result.statistic, 4, accuracy: 1e-9)
        XCTAssertTrue(result.exact)
        XCTAssertEqual(result.pValue, 16.0 / 120.0, accuracy: 1e-12)
    }
}
