import Foundation
import PetradCore
import PetradStats

/// `petrad km`: Kaplan–Meier curves from a CSV (R: `survfit`).
enum KMCommand: Command {
    static let name = "km"
    static let summary = "Kaplan–Meier survival curves, medians and intervals (R survfit)"
    static let usage = """
        usage: petrad km <data.csv> --time <column> --event <column> [--group <column>]
                         [--conf-type log|log-log|plain] [--table]
                         [--on-invalid stop|drop] [--format text|json]

          --time, --event   time column and event column (0 = censored, 1 = event)
          --group           one curve per value of this column
          --conf-type       confidence interval transform (default log, as R)
          --table           also print the survival table at each event time
          --on-invalid      stop (default) on bad or missing values, or drop those rows
                            (dropped rows are always listed)
          --format          text (laid out like R's print.survfit) or json
        """

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ParsedArguments(arguments, command: name,
                                         valueOptions: ["time", "event", "group", "conf-type",
                                                        "on-invalid", "format"],
                                         flagOptions: ["table"])
        let options = try SurvivalOptions(parsed, command: name)
        let typeText = parsed.options["conf-type"] ?? "log"
        guard let type = ConfidenceType(rawValue: typeText) else {
            throw InputError(file: "petrad km", field: "--conf-type", value: typeText,
                             "should be log, log-log or plain")
        }
        let group = parsed.options["group"]
        let data = try options.table.prepare(group: group, policy: options.policy)
        var curves: [(label: String, curve: KaplanMeierCurve)]
        if let group, let values = data.group {
            curves = KaplanMeier.fit(time: data.time, event: data.event, group: values)
                .map { ("\(group)=\($0.level)", $0.curve) }
        } else {
            curves = [("[1,]", KaplanMeier.fit(time: data.time, event: data.event))]
        }
        let call = "survfit(formula = Surv(\(options.time), \(options.event)) ~ "
            + "\(group ?? "1"), data = \(options.dataName))"
        if options.json {
            print(SurvivalPrinting.kaplanMeierJSON(curves, confidence: type,
                                                   dropped: data.droppedRows))
        } else {
            print(SurvivalPrinting.kaplanMeier(curves, call: call, confidence: type,
                                               table: parsed.flags.contains("table"),
                                               dropped: data.droppedRows), terminator: "")
        }
        return 0
    }
}

/// Options shared by `petrad km`, `logrank` and `cox`: the CSV, its time and event columns,
/// the invalid-data policy and the output format.
struct SurvivalOptions {
    let table: SurvivalTable
    let time: String
    let event: String
    let policy: InvalidDataPolicy
    let json: Bool
    let dataName: String

    init(_ parsed: ParsedArguments, command: String) throws {
        guard parsed.positionals.count == 1, let path = parsed.positionals.first else {
            throw InputError(file: "petrad \(command)", field: "data.csv",
                             value: parsed.positionals.joined(separator: " "),
                             "give exactly one CSV file")
        }
        guard let time = parsed.options["time"], let event = parsed.options["event"] else {
            throw InputError(file: "petrad \(command)", field: "--time/--event",
                             "both the time and the event column must be named")
        }
        let policyText = parsed.options["on-invalid"] ?? "stop"
        guard let policy = InvalidDataPolicy(rawValue: policyText) else {
            throw InputError(file: "petrad \(command)", field: "--on-invalid", value: policyText,
                             "should be stop or drop")
        }
        let format = parsed.options["format"] ?? "text"
        guard format == "text" || format == "json" else {
            throw InputError(file: "petrad \(command)", field: "--format", value: format,
                             "should be text or json")
        }
        table = try SurvivalTable.read(path: path, time: time, event: event)
        self.time = time
        self.event = event
        self.policy = policy
        json = format == "json"
        dataName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }
}
