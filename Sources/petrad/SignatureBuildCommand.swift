import Foundation
import PetradCore
import PetradStats

/// `petrad signature build`: the study's repeated cross-validated LASSO-Cox selection and the
/// resulting signature file.
enum SignatureBuildCommand: Command {
    static let name = "signature build"
    static let summary = "repeated cross-validated LASSO-Cox selection -> signature file (glmnet)"
    static let usage = """
        usage: petrad signature build <data.csv> --time <column> --event <column> --out <file.json>
                                      [--features a,b,c | --exclude a,b] [--id <column>]
                                      [--repeats 100] [--folds 10] [--seed 42] [--foldid <file.csv>]
                                      [--top 4] [--scale 10] [--lambda min|1se] [--alpha 1]
                                      [--no-standardize] [--threads N]
                                      [--selection <file.csv>] [--repeats-table <file.csv>]

          --features       candidate feature columns (default: every column except time, event,
                           id and --exclude)
          --repeats        cross-validation repeats, each with its own folds
          --seed           R's set.seed: the folds of repeat r are R's r-th
                           sample(rep(1:folds, length.out = n)) after set.seed(seed)
          --foldid         fold ids instead of drawing them: columns repeat, fold (and id to
                           match patients; otherwise rows of each repeat in data order)
          --top            most signature features: the up-to-N most often selected
          --scale          signature = scale x sum(mean coefficient x feature value)
          --lambda         which lambda of each cross-validation counts (lambda.min or lambda.1se)
          --alpha          elastic-net mixing (1 = LASSO)
          --threads        cores for the repeats (default all; results do not depend on it)
          --selection      write every feature's selection frequency and mean coefficients
          --repeats-table  write each repeat's lambda.min / lambda.1se
        """

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ParsedArguments(
            arguments, command: name,
            valueOptions: ["time", "event", "out", "features", "exclude", "id", "repeats", "folds",
                           "seed", "foldid", "top", "scale", "lambda", "alpha", "threads",
                           "selection", "repeats-table"],
            flagOptions: ["no-standardize"])
        guard parsed.positionals.count == 1, let dataPath = parsed.positionals.first else {
            throw InputError(file: "petrad \(name)", field: "data.csv",
                             "give exactly one data file; see petrad signature build --help")
        }
        func required(_ option: String) throws -> String {
            guard let value = parsed.options[option] else {
                throw InputError(file: "petrad \(name)", field: "--\(option)", "is required")
            }
            return value
        }
        let timeColumn = try required("time")
        let eventColumn = try required("event")
        let outPath = try required("out")
        let table = try CSVTable.read(path: dataPath)
        let idColumn = parsed.options["id"]
        let features = try featureColumns(table, parsed: parsed,
                                          reserved: [timeColumn, eventColumn] + (idColumn.map { [$0] } ?? []))
        let x = try FeatureMatrix.read(table, columns: features)
        let y = try TimeToEvent.read(table, time: timeColumn, event: eventColumn)

        var settings = LassoSelectionSettings()
        settings.repeats = try parsed.int("repeats", command: name) ?? settings.repeats
        settings.folds = try parsed.int("folds", command: name) ?? settings.folds
        settings.seed = try parsed.int("seed", command: name) ?? settings.seed
        settings.topCount = try parsed.int("top", command: name) ?? settings.topCount
        settings.scale = try parsed.double("scale", command: name) ?? settings.scale
        settings.net.alpha = try parsed.double("alpha", command: name) ?? 1
        settings.net.standardize = !parsed.flags.contains("no-standardize")
        if let rule = parsed.options["lambda"] {
            switch rule {
            case "min", "lambda.min": settings.lambdaRule = .min
            case "1se", "lambda.1se": settings.lambdaRule = .oneSE
            default:
                throw InputError(file: "petrad \(name)", field: "--lambda", value: rule,
                                 "should be min or 1se")
            }
        }
        var foldIDs: [[Int]]? = nil
        if let foldPath = parsed.options["foldid"] {
            foldIDs = try readFoldIDs(foldPath, data: table, idColumn: idColumn)
        }
        let repeatCount = foldIDs?.count ?? settings.repeats
        let progress = Progress(total: repeatCount, label: "LASSO-Cox repeats")
        let start = Date()
        let result = try LassoSelection.run(x, y, settings: settings, foldIDs: foldIDs,
                                            threads: try parsed.int("threads", command: name),
                                            dataFile: dataPath, progress: progress)
        try result.signature.write(to: outPath)
        if let path = parsed.options["selection"] {
            try selectionTable(result).write(to: path)
        }
        if let path = parsed.options["repeats-table"] {
            try repeatsTable(result).write(to: path)
        }

        let rule = settings.lambdaRule
        print("LASSO-Cox (glmnet coxnet), n = \(x.rowCount), events = \(y.eventCount), "
              + "\(x.columnCount) candidate features, ties: Breslow")
        print("\(repeatCount) repeats of \(result.signature.provenance.folds)-fold CV, "
              + "alpha = \(formatNumber(settings.net.alpha)), \(rule.rawValue); "
              + String(format: "%.1f s", Date().timeIntervalSince(start)))
        let trouble = result.repeats.flatMap(\.foldEnds).filter {
            if case .maxPasses = $0 { return true }
            if case .numericalError = $0 { return true }
            return false
        }.count
        if trouble > 0 {
            print("note: \(trouble) fold paths ended early at small lambdas (glmnet maxit or "
                  + "numerical warnings), as in R; lambdas far below lambda.min only")
        }
        print("")
        // The feature column as wide as the longest name (PyRadiomics names run to 50).
        let width = max(12, result.signature.features.map(\.count).max() ?? 0)
        print("feature".padding(toLength: width, withPad: " ", startingAt: 0)
              + " selected   mean coef (raw scale)   coef per SD")
        for (f, feature) in result.signature.features.enumerated() {
            let j = x.names.firstIndex(of: feature)!
            let s = result.selection(rule)[j]
            print(feature.padding(toLength: width, withPad: " ", startingAt: 0)
                  + String(format: " %8d%%   %21@   %11@", Int((s.frequency * 100).rounded()),
                           formatNumber(result.signature.coefficients[f]),
                           formatNumber(s.meanStandardizedCoefficientSelected ?? .nan)))
        }
        print("\nsignature = \(formatNumber(settings.scale)) x ("
              + zip(result.signature.features, result.signature.coefficients)
                .map { "\(formatNumber($1)) x \($0)" }.joined(separator: " + ") + ")")
        print("written: \(outPath)")
        return 0
    }

    static func featureColumns(_ table: CSVTable, parsed: ParsedArguments,
                               reserved: [String]) throws -> [String] {
        if let list = parsed.options["features"] {
            let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            for name in names { _ = try table.columnIndex(name) }
            return names
        }
        let excluded = Set(reserved + (parsed.options["exclude"]?.split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? []))
        let names = table.header.filter { !excluded.contains($0) }
        guard !names.isEmpty else {
            throw InputError(file: table.source, field: "--features",
                             "no feature columns left after time, event, id and --exclude")
        }
        return names
    }

    /// Fold ids per repeat from a long table (repeat, fold, optional id).
    static func readFoldIDs(_ path: String, data: CSVTable, idColumn: String?) throws -> [[Int]] {
        let table = try CSVTable.read(path: path)
        let repeats = try table.numericColumn("repeat")
        let folds = try table.numericColumn("fold")
        let n = data.rows.count
        var byRepeat: [Int: [(id: String?, fold: Int)]] = [:]
        let ids: [String]? = table.header.contains("id") ? try table.column("id") : nil
        for row in 0..<repeats.count {
            guard let r = repeats[row], let fold = folds[row] else {
                throw InputError(file: path, field: "row \(row + 2)", "repeat and fold must be given")
            }
            byRepeat[Int(r), default: []].append((ids?[row], Int(fold)))
        }
        let dataIDs: [String]? = try idColumn.map { try data.column($0) }
            ?? (data.header.contains("id") ? try data.column("id") : nil)
        return try byRepeat.keys.sorted().map { r in
            let entries = byRepeat[r]!
            guard entries.count == n else {
                throw InputError(file: path, field: "repeat \(r)", value: "\(entries.count) rows",
                                 "needs one fold id per patient (\(n))")
            }
            guard let dataIDs, entries.allSatisfy({ $0.id != nil }) else { return entries.map(\.fold) }
            var lookup: [String: Int] = [:]
            for entry in entries { lookup[entry.id!] = entry.fold }
            return try dataIDs.map { id in
                guard let fold = lookup[id] else {
                    throw InputError(file: path, field: "repeat \(r)", value: id,
                                     "has no fold id for this patient")
                }
                return fold
            }
        }
    }

    static func selectionTable(_ result: LassoSelectionResult) -> CSVTable {
        var rank = [Int](repeating: 0, count: result.selectionMin.count)
        for (position, j) in result.ranking.enumerated() { rank[j] = position + 1 }
        let header = ["feature", "n_selected_min", "freq_min", "mean_coef_selected_min",
                      "mean_coef_all_min", "n_selected_1se", "freq_1se", "mean_coef_selected_1se",
                      "mean_coef_all_1se", "entry_index", "sd_pop", "mean_std_coef_selected_min",
                      "rank"]
        let rows = result.selectionMin.indices.map { j -> [String] in
            let a = result.selectionMin[j]
            let b = result.selection1se[j]
            return [a.name, "\(a.selectedCount)", formatNumber(a.frequency),
                    a.meanCoefficientSelected.map(formatNumber) ?? "NA",
                    formatNumber(a.meanCoefficientAll), "\(b.selectedCount)",
                    formatNumber(b.frequency), b.meanCoefficientSelected.map(formatNumber) ?? "NA",
                    formatNumber(b.meanCoefficientAll), a.entryIndex.map { "\($0 + 1)" } ?? "NA",
                    formatNumber(a.populationSD),
                    a.meanStandardizedCoefficientSelected.map(formatNumber) ?? "NA",
                    "\(rank[j])"]
        }
        return CSVTable(header: header, rows: rows)
    }

    static func repeatsTable(_ result: LassoSelectionResult) -> CSVTable {
        let lambdas = result.path.lambdas
        let nonzero = result.path.nonzeroCounts
        let rows = result.repeats.enumerated().map { r, item -> [String] in
            ["\(r + 1)", formatNumber(lambdas[item.indexMin]), formatNumber(lambdas[item.index1se]),
             "\(item.indexMin + 1)", "\(item.index1se + 1)", "\(nonzero[item.indexMin])",
             "\(nonzero[item.index1se])", formatNumber(item.cvmMin)]
        }
        return CSVTable(header: ["repeat", "lambda_min", "lambda_1se", "index_min", "index_1se",
                                 "nzero_min", "nzero_1se", "cvm_min"], rows: rows)
    }
}
