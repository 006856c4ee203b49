import Foundation
import PetradCore
import PetradStats

/// `petrad logrank`: log-rank and Peto–Peto tests (R: `survdiff`).
enum LogRankCommand: Command {
    static let name = "logrank"
    static let summary = "log-rank / Peto-Peto test of 2+ groups, optionally stratified (R survdiff)"
    static let usage = """
        usage: petrad logrank <data.csv> --time <column> --event <column> --group <column>
                              [--strata <column>] [--rho 0|1]
                              [--on-invalid stop|drop] [--format text|json]

          --group        groups to compare (two or more values)
          --strata       stratified test: O, E and V summed over strata
          --rho          0 = log-rank (default), 1 = Peto & Peto (weights S(t-)^rho)
          --on-invalid   stop (default) on bad or missing values, or drop those rows
          --format       text (laid out like R's print.survdiff) or json
        """

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ParsedArguments(arguments, command: name,
                                         valueOptions: ["time", "event", "group", "strata", "rho",
                                                        "on-invalid", "format"])
        let options = try SurvivalOptions(parsed, command: name)
        guard let group = parsed.options["group"] else {
            throw InputError(file: "petrad logrank", field: "--group", "name the group column")
        }
        let strata = parsed.options["strata"]
        let rho = try parsed.double("rho", command: name) ?? 0
        let data = try options.table.prepare(group: group, strata: strata, policy: options.policy)
        let result = try LogRank.test(time: data.time, event: data.event, group: data.group ?? [],
                                      strata: data.strata, rho: rho)
        let call = "survdiff(formula = Surv(\(options.time), \(options.event)) ~ \(group)"
            + (strata.map { " + strata(\($0))" } ?? "") + ", data = \(options.dataName)"
            + (rho != 0 ? ", rho = \(SurvivalPrinting.significant(rho))" : "") + ")"
        if options.json {
            print(SurvivalPrinting.logRankJSON(result, dropped: data.droppedRows))
        } else {
            print(SurvivalPrinting.logRank(result, call: call, groupName: group,
                                           dropped: data.droppedRows), terminator: "")
        }
        return 0
    }
}
