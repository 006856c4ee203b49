import Foundation
import PetradCore
import PetradStats

/// `petrad cox`: Cox proportional-hazards model (R: `coxph`).
enum CoxCommand: Command {
    static let name = "cox"
    static let summary = "Cox proportional-hazards model, Efron or Breslow ties (R coxph)"
    static let usage = """
        usage: petrad cox <data.csv> --time <column> --event <column> --covariates a,b,...
                          [--categorical a,...] [--reference a=level,...] [--strata <column>]
                          [--ties efron|breslow|exact] [--on-invalid stop|drop] [--format text|json]

          --covariates   model columns, numeric unless listed in --categorical
          --categorical  columns expanded into 0/1 columns against a reference level
          --reference    the reference level of a categorical column (default: its first
                         level, numeric order for numbers, else sorted text)
          --strata       stratified model (separate baseline hazard per stratum)
          --ties         efron (default, as R), breslow or exact
          --on-invalid   stop (default) on bad, missing, constant or collinear input, or drop
                         those rows / columns (always listed)
          --format       text (laid out like R's print.coxph / summary.coxph) or json
        """

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ParsedArguments(arguments, command: name,
                                         valueOptions: ["time", "event", "covariates",
                                                        "categorical", "reference", "strata",
                                                        "ties", "on-invalid", "format"])
        let options = try SurvivalOptions(parsed, command: name)
        func list(_ key: String) -> [String] {
            (parsed.options[key] ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let covariates = list("covariates")
        guard !covariates.isEmpty else {
            throw InputError(file: "petrad cox", field: "--covariates", "name at least one column")
        }
        let categorical = Set(list("categorical"))
        var references: [String: String] = [:]
        for item in list("reference") {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, categorical.contains(parts[0]) else {
                throw InputError(file: "petrad cox", field: "--reference", value: item,
                                 "should be column=level for a column listed in --categorical")
            }
            references[parts[0]] = parts[1]
        }
        let tiesText = parsed.options["ties"] ?? "efron"
        guard let ties = CoxTies(rawValue: tiesText) else {
            throw InputError(file: "petrad cox", field: "--ties", value: tiesText,
                             "should be efron, breslow or exact")
        }
        let specs = covariates.map { column in
            categorical.contains(column)
                ? CovariateSpec.categorical(column, reference: references[column])
                : CovariateSpec.numeric(column)
        }
        let strata = parsed.options["strata"]
        let data = try options.table.prepare(covariates: specs, strata: strata,
                                             policy: options.policy)
        let fit = try CoxModel.fit(time: data.time, event: data.event, covariates: data.covariates,
                                   names: data.names, strata: data.strata, ties: ties)
        let call = "coxph(formula = Surv(\(options.time), \(options.event)) ~ "
            + (covariates + (strata.map { ["strata(\($0))"] } ?? [])).joined(separator: " + ")
            + ", data = \(options.dataName), ties = \"\(ties.rawValue)\")"
        if options.json {
            print(SurvivalPrinting.coxJSON(fit, terms: data.terms, dropped: data.droppedRows,
                                           droppedColumns: data.droppedColumns))
        } else {
            print(SurvivalPrinting.cox(fit, call: call, dropped: data.droppedRows,
                                       droppedColumns: data.droppedColumns), terminator: "")
        }
        return 0
    }
}
