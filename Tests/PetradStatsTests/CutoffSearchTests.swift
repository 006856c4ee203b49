import XCTest
@testable import PetradStats

/// X-Tile style cutoff scan of the sim_lasso_150x100 signature against R 4.2.2 survival 3.5-3
/// (make_reference.R section 7: survdiff at every cutoff, both groups >= 15 patients).
final class CutoffSearchTests: XCTestCase {
    private func signatureCohort() throws -> (score: [Double], y: TimeToEvent) {
        let table = try LassoTestData.table("lasso_signature.csv")
        return (try LassoTestData.doubles(table, "signature"),
                try TimeToEvent.read(table, time: "time", event: "event"))
    }

    // Expected: signature_cutoff.csv (121 cutoffs: sizes, events, chisq, p, best rows) and
    // signature_cutoff_summary.csv (max chisq 89.9313210097512 at -7221.12834976521; with
    // 10-20 % high risk 63.4314666859311 at -7217.18741959738).
    func testScanMatchesSurvdiffAtEveryCutoff() throws {
        let (score, y) = try signatureCohort()
        var settings = CutoffSettings()
        settings.permutations = 0
        let all = try CutoffSearch.run(score: score, outcome: y, settings: settings)
        settings.highRiskShareMin = 0.10
        settings.highRiskShareMax = 0.20
        let constrained = try CutoffSearch.run(score: score, outcome: y, settings: settings)

        let table = try LassoTestData.table("signature_cutoff.csv")
        func column(_ name: String) throws -> [Double] { try LassoTestData.doubles(table, name) }
        let cutoff = try column("cutoff"), nLow = try column("n_low"), nHigh = try column("n_high")
        let eLow = try column("events_low"), eHigh = try column("events_high")
        let chisq = try column("chisq"), p = try column("p"), share = try column("prop_high")
        let bestAll = try column("best_all"), best1020 = try column("best_high10to20")
        XCTAssertEqual(all.rows.count, cutoff.count)
        XCTAssertEqual(all.minimumGroupSize, 15)
        for (i, row) in all.rows.enumerated() where i < cutoff.count {
            XCTAssertEqual(row.cutoff, cutoff[i], accuracy: 1e-9, "row \(i + 1)")
            XCTAssertEqual(Double(row.lowCount), nLow[i])
            XCTAssertEqual(Double(row.highCount), nHigh[i])
            XCTAssertEqual(Double(row.lowEvents), eLow[i])
            XCTAssertEqual(Double(row.highEvents), eHigh[i])
            XCTAssertEqual(row.highShare, share[i], accuracy: 1e-14)
            XCTAssertEqual(row.chiSquare, chisq[i], accuracy: 1e-9 * chisq[i], "chisq row \(i + 1)")
            XCTAssertEqual(row.pValue, p[i], accuracy: 1e-6 * p[i], "p row \(i + 1)")
            XCTAssertEqual(i == all.chosenIndex ? 1.0 : 0.0, bestAll[i], "best_all row \(i + 1)")
            XCTAssertEqual(i == constrained.chosenIndex ? 1.0 : 0.0, best1020[i],
                           "best_high10to20 row \(i + 1)")
        }
        XCTAssertEqual(all.chosen.chiSquare, 89.9313210097512, accuracy: 1e-9)
        XCTAssertEqual(constrained.chosen.chiSquare, 63.4314666859311, accuracy: 1e-9)
        XCTAssertEqual(constrained.chosen.highCount, 26)
    }

    // Expected: maxstat_signature.csv, maxstat.test(minprop = 0.1, maxprop = 0.9) on the
    // signature, M = 7.5073671816252, Lau94 p = 3.85693228828765e-12 (maxstat 0.7-25).
    func testUnconstrainedSearchReportsMaxstatsCorrectedPValue() throws {
        let (score, y) = try signatureCohort()
        var settings = CutoffSettings()
        settings.permutations = 0
        let result = try CutoffSearch.run(score: score, outcome: y, settings: settings)
        XCTAssertEqual(result.maxstat.statistic, 7.5073671816252, accuracy: 1e-9)
        XCTAssertEqual(result.maxstat.pLausen94, 3.85693228828765e-12,
                       accuracy: 1e-6 * 3.85693228828765e-12)
    }

    // A 90-99 % high-risk share is impossible with groups of >= 15 of 150 patients.
    func testImpossibleHighRiskShareIsRefusedWithTheRangeThatExists() throws {
        let (score, y) = try signatureCohort()
        var settings = CutoffSettings()
        settings.highRiskShareMin = 0.95
        settings.highRiskShareMax = 0.99
        settings.permutations = 0
        XCTAssertThrowsError(try CutoffSearch.run(score: score, outcome: y, settings: settings)) {
            let text = "\($0)"
            XCTAssertTrue(text.contains("0.95...0.99") && text.contains("0.9"), text)
        }
    }

    // The permutation p-value is seeded (same seed, same p) and, with the signature's strong
    // separation, smaller than 2/(B + 1) (no permutation reaches chisq 63.4).
    func testPermutationPValueIsSeededAndSmallForAStrongSignature() throws {
        let (score, y) = try signatureCohort()
        var settings = CutoffSettings()
        settings.highRiskShareMin = 0.10
        settings.highRiskShareMax = 0.20
        settings.permutations = 99
        settings.seed = 7
        let first = try CutoffSearch.run(score: score, outcome: y, settings: settings)
        let second = try CutoffSearch.run(score: score, outcome: y, settings: settings)
        XCTAssertEqual(first.permutationPValue, second.permutationPValue)
        XCTAssertEqual(first.permutationPValue!, 0.01, accuracy: 1e-12)
    }

    // With no association (score independent of outcome) the permutation p is not small.
    func testPermutationPValueOfANoiseScoreIsNotSmall() throws {
        let (score, y) = try signatureCohort()
        var random = RRandom(seed: 3)
        let noise = random.permutation(score.count).map { Double($0) }
        var settings = CutoffSettings()
        settings.permutations = 99
        let result = try CutoffSearch.run(score: noise, outcome: y, settings: settings)
        XCTAssertLessThan(result.chosen.pValue, result.permutationPValue!,
                          "the raw p of the best cutoff is over-optimistic")
        _ = score
    }

    // An absolute minimum group size replaces ceil(0.1 n): with 40 per group, the rows of
    // signature_cutoff.csv with n_low and n_high >= 40 (R survdiff values).
    func testAbsoluteMinimumGroupSize() throws {
        let (score, y) = try signatureCohort()
        var settings = CutoffSettings()
        settings.minGroupSize = 40
        settings.permutations = 0
        let result = try CutoffSearch.run(score: score, outcome: y, settings: settings)
        let table = try LassoTestData.table("signature_cutoff.csv")
        let nLow = try LassoTestData.doubles(table, "n_low")
        let nHigh = try LassoTestData.doubles(table, "n_high")
        let chisq = try LassoTestData.doubles(table, "chisq")
        let kept = nLow.indices.filter { nLow[$0] >= 40 && nHigh[$0] >= 40 }
        XCTAssertEqual(result.minimumGroupSize, 40)
        XCTAssertEqual(result.rows.count, kept.count)
        for (row, i) in zip(result.rows, kept) {
            XCTAssertEqual(row.chiSquare, chisq[i], accuracy: 1e-9 * chisq[i])
        }
    }
}
