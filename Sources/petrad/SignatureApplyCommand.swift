import Foundation
import PetradCore
import PetradStats

/// `petrad signature apply`: scores a cohort with a signature file.
enum SignatureApplyCommand: Command {
    static let name = "signature apply"
    static let summary = "score a cohort with a signature file"
    static let usage = """
        usage: petrad signature apply <signature.json> <data.csv> --out <scores.csv> [--id <column>]

          writes one row per patient: the id (or the row number), the signature's feature
          values and `signature`; warns when a feature's mean in this cohort lies more than
          one training SD from its training mean (a scanner or protocol shift)
        """

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ParsedArguments(arguments, command: name, valueOptions: ["out", "id"])
        guard parsed.positionals.count == 2 else {
            throw InputError(file: "petrad \(name)", field: "arguments",
                             value: parsed.positionals.joined(separator: " "),
                             "give the signature file and the data file")
        }
        guard let outPath = parsed.options["out"] else {
            throw InputError(file: "petrad \(name)", field: "--out", "is required")
        }
        let signature = try RadiomicSignature.read(path: parsed.positionals[0])
        let table = try CSVTable.read(path: parsed.positionals[1])
        let x = try FeatureMatrix.read(table, columns: signature.features)
        let scores = try signature.score(x, source: table.source)
        for (f, feature) in signature.features.enumerated() where signature.trainingSDs[f] > 0 {
            let mean = x.column(f).reduce(0, +) / Double(x.rowCount)
            let shift = (mean - signature.trainingMeans[f]) / signature.trainingSDs[f]
            if abs(shift) > 1 {
                printError("warning: \(feature): mean \(formatNumber(mean)) is "
                           + String(format: "%.1f", shift) + " training SDs from the training "
                           + "mean \(formatNumber(signature.trainingMeans[f]))")
            }
        }
        let ids = try parsed.options["id"].map { try table.column($0) }
            ?? (1...max(1, table.rows.count)).map { "\($0)" }
        let idName = parsed.options["id"] ?? "row"
        let rows = (0..<x.rowCount).map { i in
            [ids[i]] + (0..<signature.features.count).map { formatNumber(x[i, $0]) }
                + [formatNumber(scores[i])]
        }
        try CSVTable(header: [idName] + signature.features + ["signature"], rows: rows)
            .write(to: outPath)
        print("scored \(x.rowCount) patients with \(signature.features.count) features; "
              + "written: \(outPath)")
        return 0
    }
}
