import Foundation
import PetradStudy

/// `petrad merge`: joins the CSV outputs of array-job shards into one table.
enum MergeCommand: Command {
    static let name = "merge"
    static let summary = "merge shard outputs (petrad extract --shard I/N) into one CSV"
    static let usage = """
    usage: petrad merge PART.csv... --out FILE [--key COLUMN] [--cases CASES.csv]
                        [--cases-key COLUMN]

    Joins the CSV files written by the shards of an array job (e.g. `petrad extract
    CASES.csv --shard I/N --out part-I.csv`) into one table. Columns are the union of the
    parts' columns in first-seen order; a row missing a column gets an empty field. A key
    (default: the first column) appearing in two parts is an error unless both rows are equal.
    With --cases, rows come out in the cases table's order and every case missing from all
    parts is listed (exit status 3), so a failed shard is noticed before the analysis.

      --out FILE         merged CSV (written atomically)
      --key COLUMN       the column identifying a row (default: first column of the first part)
      --cases CASES.csv  the full cases table, to order rows and find missing cases
      --cases-key COLUMN its identifying column (default: the same as --key)
    """

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ParsedArguments(arguments, command: name,
                                         valueOptions: ["out", "key", "cases", "cases-key"])
        guard !parsed.positionals.isEmpty else {
            throw InputError(file: "petrad merge", field: "arguments",
                             "give at least one PART.csv")
        }
        guard let out = parsed.options["out"] else {
            throw InputError(file: "petrad merge", field: "--out", "is required")
        }
        let parts = try parsed.positionals.map { try CSVTable.read(path: $0) }
        var order: [String]? = nil
        if let casesPath = parsed.options["cases"] {
            let cases = try CSVTable.read(path: casesPath)
            let key = parsed.options["cases-key"] ?? parsed.options["key"]
                ?? parts[0].header.first ?? ""
            order = try cases.column(key)
        }
        let merged = try ShardMerge.merge(parts, key: parsed.options["key"], order: order)
        try merged.table.write(to: out)
        printError("petrad merge: \(merged.table.rows.count) rows from \(parts.count) parts "
                   + "written to \(out)")
        if !merged.missing.isEmpty {
            printError("petrad merge: \(merged.missing.count) cases are in no part: "
                       + merged.missing.prefix(20).joined(separator: ", ")
                       + (merged.missing.count > 20 ? ", ..." : ""))
            return 3
        }
        return 0
    }
}
