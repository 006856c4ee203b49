import Foundation
import PetradStudy

/// `petrad smote`: balances a binary endpoint by SMOTE in standardised feature space.
enum SMOTECommand: Command {
    static let name = "smote"
    static let summary = "SMOTE oversampling of a binary endpoint (seeded)"
    static let usage = """
        usage: petrad smote --label COLUMN [--k 5] [--seed N] [--features LIST] [--exclude LIST]
                            [--id COLUMN] IN.csv --out OUT.csv

        Adds synthetic minority cases until both classes have as many cases as the majority
        (Chawla et al. 2002; neighbours in the space standardised over all cases, as
        imbalanced-learn's SMOTE on StandardScaler output). OUT.csv has the input rows first,
        then the synthetic rows, and the columns is_synthetic, smote_base, smote_neighbour
        (ids of the cases each synthetic row lies between) and smote_gap.

          --label COLUMN    the binary endpoint (two distinct values)
          --k N             nearest minority neighbours (default 5)
          --seed N          seed of the xoshiro256** stream (default 1); same seed, same output
          --features LIST   feature columns (names or prefixes ending in *); default: every
                            numeric column except the label, --id and --exclude
          --exclude LIST    numeric columns that are not features (left empty in synthetic rows)
          --id COLUMN       case id column (default: id, when present)
          --out FILE        the balanced table (CSV)
        """

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ParsedArguments(
            arguments, command: name,
            valueOptions: ["label", "k", "seed", "features", "exclude", "id", "out"])
        let context = "petrad \(name)"
        guard parsed.positionals.count == 1, let inputPath = parsed.positionals.first else {
            throw InputError(file: context, field: "IN.csv",
                             value: parsed.positionals.joined(separator: " "),
                             "give exactly one input table")
        }
        guard let labelColumn = parsed.options["label"] else {
            throw InputError(file: context, field: "--label", "is required: the endpoint")
        }
        guard let outPath = parsed.options["out"] else {
            throw InputError(file: context, field: "--out", "is required: the output table")
        }
        let k = try parsed.int("k", command: name) ?? 5
        let seedText = parsed.options["seed"] ?? "1"
        guard let seed = UInt64(seedText) else {
            throw InputError(file: context, field: "--seed", value: seedText,
                             "should be a whole number from 0 to 2^64 - 1")
        }

        let table = try CSVTable.read(path: inputPath)
        let idColumn = parsed.options["id"] ?? (table.header.contains("id") ? "id" : nil)
        let cases = HarmonisationTable.caseLabels(table, idColumn: idColumn)
        var excluded: Set<String> = [labelColumn]
        if let idColumn { excluded.insert(idColumn) }
        excluded.formUnion(try parsed.options["exclude"].map {
            try HarmonisationTable.expand(HarmoniseCommand.list($0), in: table)
        } ?? [])
        let featureColumns = try HarmonisationTable.featureColumns(
            in: table, requested: parsed.options["features"].map(HarmoniseCommand.list),
            excluded: excluded)
        let features = try HarmonisationTable.matrix(table, columns: featureColumns,
                                                     caseLabels: cases)
        let labelTexts = try HarmonisationTable.labels(table, column: labelColumn,
                                                       caseLabels: cases)
        let levels = HarmonisationTable.factorLevels(labelTexts)
        guard levels.count == 2 else {
            throw InputError(file: inputPath, field: labelColumn,
                             value: levels.joined(separator: ","),
                             "SMOTE needs a binary endpoint with exactly 2 distinct values")
        }
        let labels = labelTexts.map { $0 == levels[0] ? 0 : 1 }
        let result = try SMOTE.oversample(features: features, labels: labels, k: k, seed: seed,
                                          featureNames: featureColumns, caseLabels: cases,
                                          source: inputPath)

        var out = table
        out.header += ["is_synthetic", "smote_base", "smote_neighbour", "smote_gap"]
        out.rows = table.rows.map { $0 + ["0", "", "", ""] }
        let ids = idColumn.flatMap { try? table.column($0) }
            ?? table.rows.indices.map { "row \($0 + 2)" }
        let featureIndex = try featureColumns.map { try table.columnIndex($0) }
        let labelIndex = try table.columnIndex(labelColumn)
        for (s, origin) in result.synthetic.enumerated() {
            var row = [String](repeating: "", count: table.header.count)
            for (k, c) in featureIndex.enumerated() {
                row[c] = formatNumber(result.features[table.rows.count + s][k])
            }
            row[labelIndex] = levels[result.minorityLabel]
            out.rows.append(row + ["1", ids[origin.base], ids[origin.neighbour],
                                   formatNumber(origin.gap)])
        }
        try out.write(to: outPath)
        printError("smote: \(result.synthetic.count) synthetic cases of \(labelColumn) = "
                   + "\(levels[result.minorityLabel]) (k \(k), seed \(seed), "
                   + "\(featureColumns.count) features); \(table.rows.count) -> "
                   + "\(out.rows.count) cases")
        return 0
    }
}
