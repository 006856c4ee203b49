import Foundation
import PetradStudy

/// `petrad harmonise`: ComBat across batches (centres, scanners) on a case table.
enum HarmoniseCommand: Command {
    static let name = "harmonise"
    static let summary = "ComBat harmonisation of features across batches (sva::ComBat)"
    static let usage = """
        usage: petrad harmonise --batch COLUMN [--covariates a,b] [--parametric|--nonparametric]
                                [--mean-only] [--reference-batch B]
                                [--features LIST] [--exclude LIST] [--id COLUMN]
                                [--fit-out model.json | --model model.json] IN.csv --out OUT.csv

        Fits ComBat (Johnson et al. 2007, as R's sva::ComBat 3.46) on IN.csv and writes the
        harmonised table (same columns; feature values replaced), or applies a saved model
        (--model) to new cases from the same batches.

          --batch COLUMN         the batch (centre, scanner) of each case
          --covariates a,b       biological covariates to preserve; text columns become one
                                 indicator per level except the first (as R's model.matrix)
          --parametric           parametric empirical Bayes (default)
          --nonparametric        non-parametric empirical Bayes (sva's int.eprior)
          --mean-only            remove only the additive batch effect
          --reference-batch B    leave batch B unchanged and map the others onto it
          --features LIST        feature columns (names or prefixes ending in *); default: every
                                 numeric column except batch, covariates, --id and --exclude
          --exclude LIST         numeric columns to pass through unchanged (e.g. time,event)
          --id COLUMN            case id column, for messages (default: id, when present)
          --fit-out FILE         also save the fitted model (JSON) to apply to new cases
          --model FILE           apply a saved model instead of fitting (its features,
                                 covariates and method are used)
          --out FILE             the harmonised table (CSV)
        """

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ParsedArguments(
            arguments, command: name,
            valueOptions: ["batch", "covariates", "reference-batch", "features", "exclude", "id",
                           "fit-out", "model", "out"],
            flagOptions: ["parametric", "nonparametric", "mean-only"])
        let context = "petrad \(name)"
        guard parsed.positionals.count == 1, let inputPath = parsed.positionals.first else {
            throw InputError(file: context, field: "IN.csv",
                             value: parsed.positionals.joined(separator: " "),
                             "give exactly one input table")
        }
        guard let batchColumn = parsed.options["batch"] else {
            throw InputError(file: context, field: "--batch", "is required: the batch column")
        }
        if parsed.flags.contains("parametric") && parsed.flags.contains("nonparametric") {
            throw InputError(file: context, field: "--parametric/--nonparametric",
                             "choose one")
        }
        let modelPath = parsed.options["model"]
        if modelPath != nil {
            let fitOnly = ["fit-out", "covariates", "reference-batch", "features"]
                .filter { parsed.options[$0] != nil }
                + ["parametric", "nonparametric", "mean-only"].filter(parsed.flags.contains)
            if let clash = fitOnly.first {
                throw InputError(file: context, field: "--\(clash)",
                                 "cannot be combined with --model (the model fixes it)")
            }
        }
        guard let outPath = parsed.options["out"] else {
            throw InputError(file: context, field: "--out", "is required: the output table")
        }

        let table = try CSVTable.read(path: inputPath)
        let idColumn = parsed.options["id"] ?? (table.header.contains("id") ? "id" : nil)
        let cases = HarmonisationTable.caseLabels(table, idColumn: idColumn)
        let batch = try HarmonisationTable.labels(table, column: batchColumn, caseLabels: cases)
        let started = Date()

        let model: ComBatModel
        let featureColumns: [String]
        let covariates: [[Double]]?
        if let modelPath {
            model = try ComBatModel.read(path: modelPath)
            featureColumns = model.featureNames
            covariates = model.covariateNames.isEmpty ? nil
                : try HarmonisationTable.covariateValues(table, names: model.covariateNames,
                                                         caseLabels: cases)
        } else {
            let covariateColumns = try parsed.options["covariates"].map {
                try HarmonisationTable.expand(list($0), in: table)
            } ?? []
            var excluded = Set([batchColumn] + covariateColumns)
            if let idColumn { excluded.insert(idColumn) }
            excluded.formUnion(try parsed.options["exclude"].map {
                try HarmonisationTable.expand(list($0), in: table)
            } ?? [])
            featureColumns = try HarmonisationTable.featureColumns(
                in: table, requested: parsed.options["features"].map(list), excluded: excluded)
            let design = covariateColumns.isEmpty ? nil
                : try HarmonisationTable.covariateDesign(table, columns: covariateColumns,
                                                         caseLabels: cases)
            covariates = design?.values
            let features = try HarmonisationTable.matrix(table, columns: featureColumns,
                                                         caseLabels: cases)
            var fitted = try ComBat.fit(
                features: features, batch: batch, covariates: covariates,
                parametric: !parsed.flags.contains("nonparametric"),
                referenceBatch: parsed.options["reference-batch"],
                meanOnly: parsed.flags.contains("mean-only"), featureNames: featureColumns,
                covariateNames: design?.names, caseLabels: cases, source: inputPath)
            fitted.provenance["input"] = inputPath
            fitted.provenance["batch column"] = batchColumn
            model = fitted
            if let fitOut = parsed.options["fit-out"] { try model.write(to: fitOut) }
        }

        let features = try HarmonisationTable.matrix(table, columns: featureColumns,
                                                     caseLabels: cases)
        let harmonised = try model.apply(features: features, batch: batch,
                                         covariates: covariates, caseLabels: cases,
                                         source: inputPath)
        try HarmonisationTable.replacing(table, columns: featureColumns, with: harmonised)
            .write(to: outPath)

        let sizes = zip(model.batches, model.batchSizes).map { "\($0) n=\($1)" }
        printError("harmonise: \(modelPath == nil ? "fitted" : "applied") ComBat "
                   + "(\(model.parametric ? "parametric" : "non-parametric")"
                   + (model.meanOnly ? ", mean only" : "")
                   + (model.referenceBatch.map { ", reference batch \($0)" } ?? "")
                   + ") on \(featureColumns.count) features, \(table.rows.count) cases; "
                   + "batches \(sizes.joined(separator: ", "))"
                   + (model.covariateNames.isEmpty ? ""
                       : "; covariates \(model.covariateNames.joined(separator: ", "))")
                   + String(format: "; %.2f s", Date().timeIntervalSince(started)))
        return 0
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}
