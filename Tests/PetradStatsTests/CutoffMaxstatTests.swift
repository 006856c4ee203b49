import PetradTestSupport
import XCTest
@testable import PetradStats

/// Maximally selected log-rank statistics against R 4.2.2 maxstat 0.7-25 (exactRankTests
/// 0.8-35 scores): ../shared/data/survival/*/maxstat*.csv and
/// sim_lasso_150x100/maxstat_signature*.csv.
final class CutoffMaxstatTests: XCTestCase {
    private static let sets: [(folder: String, time: String, event: String)] = [
        ("lung", "time", "status"), ("veteran", "time", "status"),
        ("ovarian", "futime", "fustat"), ("colon", "time", "status"),
        ("pbc", "time", "status"), ("ties", "time", "status"),
    ]

    private func table(_ relative: String) throws -> CSVTable {
        try ReferenceData.table("survival/\(relative)")
    }

    /// Complete rows (time, event, x all present) of one variable, as maxstat's model frame.
    private func complete(_ data: CSVTable, time: String, event: String,
                          variable: String) throws -> (x: [Double], y: TimeToEvent) {
        let t = try data.numericColumn(time)
        let e = try data.numericColumn(event)
        let v = try data.numericColumn(variable)
        var xs: [Double] = [], ts: [Double] = [], es: [Bool] = []
        for i in 0..<t.count {
            guard let ti = t[i], let ei = e[i], let vi = v[i] else { continue }
            xs.append(vi); ts.append(ti); es.append(ei == 1)
        }
        return (xs, TimeToEvent(time: ts, event: es))
    }

    private func closeEnough(_ got: Double, _ want: Double, _ what: String) {
        XCTAssertEqual(got, want, accuracy: max(1e-6 * abs(want), 1e-15), what)
    }

    // Expected: <set>/maxstat.csv (statistic, cutpoint, n_cuts, Lau92 and Lau94 p-values) and
    // <set>/maxstat_scan.csv (standardised statistic at every cutpoint), minprop 0.1, maxprop 0.9.
    func testStatisticsCutpointsAndLausenPValuesOnEveryDataSet() throws {
        for set in Self.sets {
            let data = try table("\(set.folder)/data.csv")
            let summary = try table("\(set.folder)/maxstat.csv")
            let scan = try table("\(set.folder)/maxstat_scan.csv")
            let variables = try summary.column("variable")
            let methods = try summary.column("pmethod")
            let expectedN = try summary.numericColumn("n")
            let cuts = try summary.numericColumn("n_cuts")
            let statistic = try summary.numericColumn("statistic")
            let estimate = try summary.numericColumn("estimated_cutpoint")
            let pValue = try summary.numericColumn("p_value")
            let scanVariable = try scan.column("variable")
            let scanCut = try scan.numericColumn("cut")
            let scanStat = try scan.numericColumn("standardized_stat")
            let scanM = try scan.numericColumn("n_le_cut")
            for row in 0..<variables.count {
                let name = "\(set.folder) \(variables[row]) \(methods[row])"
                let (x, y) = try complete(data, time: set.time, event: set.event,
                                          variable: variables[row])
                let test = try MaximallySelectedLogRank.test(score: x, outcome: y)
                XCTAssertEqual(Double(test.n), expectedN[row]!, name)
                XCTAssertEqual(Double(test.cutpoints.count), cuts[row]!, name)
                closeEnough(test.statistic, statistic[row]!, "\(name) statistic")
                XCTAssertEqual(test.estimate, estimate[row]!, "\(name) cutpoint")
                let p = methods[row] == "Lau92" ? test.pLausen92 : test.pLausen94
                closeEnough(p, pValue[row]!, "\(name) p")
                let rows = scanVariable.indices.filter { scanVariable[$0] == variables[row] }
                XCTAssertEqual(rows.count, test.cutpoints.count, name)
                for (k, r) in rows.enumerated() where k < test.cutpoints.count {
                    XCTAssertEqual(test.cutpoints[k], scanCut[r]!, name)
                    XCTAssertEqual(Double(test.lowCounts[k]), scanM[r]!, name)
                    closeEnough(test.statistics[k], scanStat[r]!, "\(name) cut \(k + 1)")
                }
            }
        }
    }

    // Expected: <set>/maxstat_scores.csv, exactRankTests::cscores(Surv, type = "LogRank").
    func testLogRankScoresGiveTiesTheLargestRank() throws {
        for set in Self.sets {
            let scores = try table("\(set.folder)/maxstat_scores.csv")
            let variables = try scores.column("variable")
            let first = variables.first!
            let rows = variables.indices.filter { variables[$0] == first }
            let time = try scores.numericColumn("time")
            let status = try scores.numericColumn("status")
            let expected = try scores.numericColumn("logrank_score")
            let y = TimeToEvent(time: rows.map { time[$0]! }, event: rows.map { status[$0] == 1 })
            let got = MaximallySelectedLogRank.logRankScores(y)
            for (k, r) in rows.enumerated() {
                closeEnough(got[k], expected[r]!, "\(set.folder) score \(k + 1)")
            }
        }
    }

    // Expected: sim_lasso_150x100/maxstat_signature.csv and maxstat_signature_scan.csv
    // (maxstat.test(... ~ signature, pmethod = "Lau94"), statistic 7.5073671816252).
    func testSignatureMaxstatMatchesR() throws {
        let signature = try LassoTestData.table("lasso_signature.csv")
        let x = try LassoTestData.doubles(signature, "signature")
        let y = try TimeToEvent.read(signature, time: "time", event: "event")
        let test = try MaximallySelectedLogRank.test(score: x, outcome: y)
        let summary = try LassoTestData.table("maxstat_signature.csv")
        closeEnough(test.statistic, try LassoTestData.doubles(summary, "statistic")[0], "M")
        XCTAssertEqual(test.estimate, try LassoTestData.doubles(summary, "estimate")[0],
                       accuracy: 1e-9)
        closeEnough(test.pLausen94, try LassoTestData.doubles(summary, "p_value")[0], "Lau94")
        XCTAssertEqual(Double(test.cutpoints.count),
                       try LassoTestData.doubles(summary, "n_cutpoints")[0])
        let scan = try LassoTestData.table("maxstat_signature_scan.csv")
        let stats = try LassoTestData.doubles(scan, "standardized_statistic")
        for k in 0..<stats.count { closeEnough(test.statistics[k], stats[k], "cut \(k + 1)") }
    }

    // maxstat 0.7-25: pLausen92 returns 1 for M < 1 (Schell's correction).
    func testLausen92IsOneBelowOne() {
        XCTAssertEqual(MaximallySelectedLogRank.pLausen92(0.8, minProportion: 0.1,
                                                          maxProportion: 0.9), 1)
    }

    // maxstat 0.7-25: a score with one value has no cutpoint ("minprop too large").
    func testConstantScoreIsRefused() {
        let y = TimeToEvent(time: [1, 2, 3, 4, 5], event: [true, true, false, true, true])
        XCTAssertThrowsError(try MaximallySelectedLogRank.test(score: [2, 2, 2, 2, 2], outcome: y))
    }
}
