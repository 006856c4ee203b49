import Foundation
import PetradCore
import PetradStats

/// `petrad cutoff`: X-Tile style cutoff search with search-corrected p-values.
enum CutoffCommand: Command {
    static let name = "cutoff"
    static let summary = "best cutoff of a risk score (log-rank scan, Lausen-Schumacher, permutation p)"
    static let usage = """
        usage: petrad cutoff <data.csv> --time <column> --event <column> --score <column>
                             [--min-group 0.1] [--min-size N] [--high-share 0.10-0.20]
                             [--permutations 1000] [--seed 1] [--out <scan.csv>]

          --min-group     each group holds at least ceil(share x n) patients
          --min-size      or at least N patients (replaces --min-group in the scan)
          --high-share    allowed share of patients in the high-risk group (score > cutoff)
          --permutations  outcome permutations for the permutation p-value (0 = none)
          --seed          R's set.seed for the permutations
          --out           write every candidate cutoff with its log-rank chi-square
        """

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ParsedArguments(
            arguments, command: name,
            valueOptions: ["time", "event", "score", "min-group", "min-size", "high-share",
                           "permutations",
                           "seed", "out"])
        guard parsed.positionals.count == 1 else {
            throw InputError(file: "petrad cutoff", field: "data.csv", "give exactly one data file")
        }
        func required(_ option: String) throws -> String {
            guard let value = parsed.options[option] else {
                throw InputError(file: "petrad cutoff", field: "--\(option)", "is required")
            }
            return value
        }
        let table = try CSVTable.read(path: parsed.positionals[0])
        let y = try TimeToEvent.read(table, time: try required("time"),
                                     event: try required("event"))
        let scoreColumn = try required("score")
        let score = try FeatureMatrix.read(table, columns: [scoreColumn]).values

        var settings = CutoffSettings()
        settings.minGroupProportion = try parsed.double("min-group", command: name) ?? 0.1
        settings.minGroupSize = try parsed.int("min-size", command: name)
        settings.permutations = try parsed.int("permutations", command: name, minimum: 0)
            ?? 1000
        settings.seed = try parsed.int("seed", command: name) ?? 1
        if let text = parsed.options["high-share"] {
            let parts = text.split(separator: "-").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let low = parts[0], let high = parts[1], low <= high else {
                throw InputError(file: "petrad cutoff", field: "--high-share", value: text,
                                 "should be two shares like 0.10-0.20")
            }
            settings.highRiskShareMin = low
            settings.highRiskShareMax = high
        }
        let result = try CutoffSearch.run(score: score, outcome: y, settings: settings)
        if let out = parsed.options["out"] {
            let admissible = result.admissible
            let rows = result.rows.enumerated().map { i, row -> [String] in
                [formatNumber(row.cutoff), "\(row.lowCount)", "\(row.highCount)",
                 formatNumber(row.highShare), "\(row.lowEvents)", "\(row.highEvents)",
                 formatNumber(row.chiSquare), formatNumber(row.pValue),
                 admissible[i] ? "1" : "0", i == result.chosenIndex ? "1" : "0"]
            }
            try CSVTable(header: ["cutoff", "n_low", "n_high", "prop_high", "events_low",
                                  "events_high", "chisq", "p", "admissible", "chosen"],
                         rows: rows).write(to: out)
        }
        let chosen = result.chosen
        print("cutoff search on \(scoreColumn): n = \(y.count), events = \(y.eventCount), "
              + "\(result.rows.count) candidate cutoffs (each group >= \(result.minimumGroupSize))")
        print("high risk = \(scoreColumn) > cutoff; log-rank (survdiff, rho = 0)")
        print("chosen cutoff  \(formatNumber(chosen.cutoff))")
        print("  low:  n = \(chosen.lowCount), events = \(chosen.lowEvents)")
        print("  high: n = \(chosen.highCount) (\(String(format: "%.1f", 100 * chosen.highShare)) %), "
              + "events = \(chosen.highEvents)")
        print("  chisq = \(formatNumber(chosen.chiSquare)) on 1 df, raw p = "
              + "\(formatNumber(chosen.pValue)) (not corrected for the search)")
        if let p = result.permutationPValue {
            print("  permutation p = \(formatNumber(p)) (\(settings.permutations) permutations, "
                  + "seed \(settings.seed), this search repeated: the corrected p of this "
                  + "cutoff)")
        }
        // maxstat standardises log-rank scores under permutation, not survdiff's chi-square,
        // so its maximum can sit at another cutoff; its p-values test that statistic.
        let m = result.maxstat
        let share = Double(score.filter { $0 > m.estimate }.count) / Double(score.count)
        print("maxstat.test (R maxstat, smethod LogRank, minprop "
              + "\(formatNumber(m.minProportion)), maxprop \(formatNumber(m.maxProportion))): "
              + "M = \(formatNumber(m.statistic)), "
              + "largest at \(formatNumber(m.estimate)) ("
              + String(format: "%.1f", 100 * share) + " % high risk)")
        print("  Lausen-Schumacher p of M: Lau92 = \(formatNumber(m.pLausen92)), "
              + "Lau94 = \(formatNumber(m.pLausen94))")
        return 0
    }
}
