import Foundation
import PetradCore

/// Text laid out like R's print methods (`print.survfit`, `print.survdiff`, `print.coxph` with
/// the tests of `summary.coxph`), and JSON, for the survival results.
public enum SurvivalPrinting {
    /// A number with `digits` significant digits, as R prints it (NA, Inf).
    public static func significant(_ x: Double?, _ digits: Int = 4) -> String {
        guard let x, !x.isNaN else { return "NA" }
        if x.isInfinite { return x > 0 ? "Inf" : "-Inf" }
        if x == 0 { return "0" }
        let text = String(format: "%.\(digits)g", x)
        return text.contains("e") ? text : text
    }

    /// A p-value the way R's `format.pval` shows small values.
    public static func pValue(_ p: Double, _ digits: Int = 4) -> String {
        if p.isNaN { return "NA" }
        if p < 2.2e-16 { return "<2e-16" }
        return significant(p, digits)
    }

    /// Right-aligned columns; the first column left-aligned (row labels).
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return all.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 ? cell + pad : pad + cell
            }.joined(separator: " ")
        }.joined(separator: "\n") + "\n"
    }

    static func droppedText(_ rows: [DroppedRow], _ columns: [DroppedColumn]) -> String {
        var text = ""
        if !rows.isEmpty {
            let distinct = Set(rows.map(\.row)).count
            text += "   (\(distinct) observation\(distinct == 1 ? "" : "s") deleted: "
                + rows.prefix(10).map { row in
                    let value = row.value.isEmpty ? "(empty)" : row.value
                    return "row \(row.row) \(row.column)=\(value) \(row.reason)"
                }
                    .joined(separator: "; ")
                + (rows.count > 10 ? "; ... \(rows.count - 10) more, all in --format json" : "")
                + ")\n"
        }
        for column in columns { text += "   (column \(column.name) dropped: \(column.reason))\n" }
        return text
    }

    // MARK: Kaplan–Meier

    /// `print.survfit`: n, events, median and its interval per curve; with `table`, the
    /// `summary.survfit` rows (event times only; std.err of S).
    public static func kaplanMeier(_ curves: [(label: String, curve: KaplanMeierCurve)],
                                   call: String, confidence: ConfidenceType = .log,
                                   table: Bool = false, dropped: [DroppedRow] = [],
                                   droppedColumns: [DroppedColumn] = []) -> String {
        var text = "Call: \(call)\n\n"
        text += droppedText(dropped, droppedColumns)
        let rows = curves.map { label, curve -> [String] in
            let q = curve.quantile(0.5, confidence: confidence)
            return [label, String(curve.n), String(curve.events), significant(q.estimate),
                    significant(q.lower), significant(q.upper)]
        }
        text += Self.table(["", "n", "events", "median", "0.95LCL", "0.95UCL"], rows)
        text += "(conf.type = \(confidence.rawValue); NA median = not reached)\n"
        guard table else { return text }
        for (label, curve) in curves {
            text += "\n" + (label == "[1,]" ? "" : "                \(label)\n")
            let bounds = curve.confidenceBounds(confidence)
            let se = curve.standardErrorSurvival
            var lines: [[String]] = []
            for i in curve.time.indices where curve.numberOfEvents[i] > 0 {
                lines.append([significant(curve.time[i]), significant(curve.numberAtRisk[i]),
                              significant(curve.numberOfEvents[i]), significant(curve.survival[i], 3),
                              significant(se[i], 3), significant(bounds.lower[i], 3),
                              significant(bounds.upper[i], 3)])
            }
            text += Self.table(["time", "n.risk", "n.event", "survival", "std.err",
                                "lower 95% CI", "upper 95% CI"], lines)
        }
        return text
    }

    public static func kaplanMeierJSON(_ curves: [(label: String, curve: KaplanMeierCurve)],
                                       confidence: ConfidenceType = .log,
                                       dropped: [DroppedRow] = []) -> String {
        let items = curves.map { label, curve -> JSON in
            let bounds = curve.confidenceBounds(confidence)
            let quantiles = [0.25, 0.5, 0.75].map { p -> JSON in
                let q = curve.quantile(p, confidence: confidence)
                return .object([("prob", .number(p)), ("quantile", .optional(q.estimate)),
                                ("lower", .optional(q.lower)), ("upper", .optional(q.upper))])
            }
            return .object([
                ("strata", .string(label)), ("n", .number(Double(curve.n))),
                ("events", .number(Double(curve.events))),
                ("time", .numbers(curve.time)), ("n.risk", .numbers(curve.numberAtRisk)),
                ("n.event", .numbers(curve.numberOfEvents)),
                ("n.censor", .numbers(curve.numberCensored)), ("surv", .numbers(curve.survival)),
                ("std.err", .numbers(curve.standardError)),
                ("cumhaz", .numbers(curve.cumulativeHazard)),
                ("std.chaz", .numbers(curve.standardErrorCumulativeHazard)),
                ("lower", .numbers(bounds.lower)), ("upper", .numbers(bounds.upper)),
                ("quantiles", .array(quantiles)),
            ])
        }
        return JSON.object([("conf.type", .string(confidence.rawValue)),
                            ("curves", .array(items)), ("dropped", droppedJSON(dropped))]).text
    }

    // MARK: log-rank

    /// `print.survdiff`.
    public static func logRank(_ result: LogRankResult, call: String, groupName: String,
                               dropped: [DroppedRow] = []) -> String {
        var text = "Call:\n\(call)\n\n" + droppedText(dropped, [])
        let variance = result.varianceDiagonal
        let rows = result.levels.indices.map { g -> [String] in
            let oe = result.observed[g] - result.expected[g]
            return ["\(groupName)=\(result.levels[g])", String(result.n[g]),
                    significant(result.observed[g], 3), significant(result.expected[g], 3),
                    significant(oe * oe / result.expected[g], 3),
                    significant(oe * oe / variance[g], 3)]
        }
        text += table(["", "N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V"], rows)
        text += "\n Chisq= \(significant(result.chiSquare, 3))  on \(result.degreesOfFreedom) "
            + "degrees of freedom, p= \(pValue(result.pValue, 2)) \n"
        if result.rho != 0 {
            text += " (rho = \(significant(result.rho)): Peto & Peto weights S(t-)^rho)\n"
        }
        if result.stratified { text += " (stratified: O, E and V summed over strata)\n" }
        return text
    }

    public static func logRankJSON(_ result: LogRankResult, dropped: [DroppedRow] = []) -> String {
        let groups = result.levels.indices.map { g -> JSON in
            .object([("group", .string(result.levels[g])), ("n", .number(Double(result.n[g]))),
                     ("observed", .number(result.observed[g])),
                     ("expected", .number(result.expected[g])),
                     ("variance", .number(result.varianceDiagonal[g]))])
        }
        return JSON.object([
            ("rho", .number(result.rho)), ("stratified", .bool(result.stratified)),
            ("chisq", .number(result.chiSquare)),
            ("df", .number(Double(result.degreesOfFreedom))), ("p", .number(result.pValue)),
            ("groups", .array(groups)), ("dropped", droppedJSON(dropped)),
        ]).text
    }

    // MARK: Cox

    /// `print.coxph` with the hazard-ratio intervals and the three tests of `summary.coxph`;
    /// the ties method and the number of events are always printed. A coefficient that is not
    /// estimable is printed with its reason instead of a hazard ratio.
    public static func cox(_ fit: CoxFit, call: String, dropped: [DroppedRow] = [],
                           droppedColumns: [DroppedColumn] = []) -> String {
        var text = "Call:\n\(call)\n\n"
        let se = fit.standardErrors, z = fit.z, p = fit.pValues
        let (lower, upper) = fit.confidenceIntervals()
        let rows = fit.names.indices.map { i -> [String] in
            guard fit.isEstimable(i) else {
                return [fit.names[i], significant(fit.coefficients[i]), "not estimable", "", "", ""]
            }
            return [fit.names[i], significant(fit.coefficients[i]), significant(fit.hazardRatios[i]),
                    significant(se[i]), significant(z[i]), pValue(p[i])]
        }
        text += table(["", "coef", "exp(coef)", "se(coef)", "z", "p"], rows) + "\n"
        let ci = fit.names.indices.map { i -> [String] in
            guard fit.isEstimable(i) else { return [fit.names[i], "not estimable", "", "", ""] }
            return [fit.names[i], significant(fit.hazardRatios[i]),
                    significant(exp(-fit.coefficients[i])), significant(exp(lower[i])),
                    significant(exp(upper[i]))]
        }
        text += table(["", "exp(coef)", "exp(-coef)", "lower .95", "upper .95"], ci) + "\n"
        for item in fit.notEstimable { text += "\(item.name): not estimable: \(item.reason)\n" }
        for warning in fit.warnings { text += "Warning: \(warning)\n" }
        if !fit.notEstimable.isEmpty || !fit.warnings.isEmpty { text += "\n" }
        let c = fit.concordance
        text += "Concordance= \(significant(c.concordance, 3))  "
            + "(se = \(significant(c.standardError, 3)) )\n"
        for (name, test) in [("Likelihood ratio test", fit.likelihoodRatio),
                             ("Wald test            ", fit.wald),
                             ("Score (logrank) test ", fit.score)] {
            text += "\(name)= \(significant(test.statistic))  on \(test.degreesOfFreedom) df,   "
                + "p=\(pValue(test.pValue, 2))\n"
        }
        text += "n= \(fit.n), number of events= \(fit.events), ties= \(fit.ties.rawValue)"
            + (fit.stratified ? ", stratified" : "") + " \n"
        text += droppedText(dropped, droppedColumns)
        return text
    }

    public static func coxJSON(_ fit: CoxFit, terms: [DesignTerm] = [], dropped: [DroppedRow] = [],
                               droppedColumns: [DroppedColumn] = []) -> String {
        let se = fit.standardErrors, z = fit.z, p = fit.pValues
        let (lower, upper) = fit.confidenceIntervals()
        let coefficients = fit.names.indices.map { i -> JSON in
            let term = terms.first { $0.name == fit.names[i] }
            let reason = fit.notEstimable.first { $0.index == i }?.reason
            return .object([
                ("term", .string(fit.names[i])), ("variable", .optionalString(term?.variable)),
                ("level", .optionalString(term?.level)),
                ("ref_level", .optionalString(term?.referenceLevel)),
                ("estimable", .bool(fit.isEstimable(i))),
                ("not_estimable_reason", .optionalString(reason)),
                ("coef", .number(fit.coefficients[i])), ("exp_coef", .number(fit.hazardRatios[i])),
                ("se_coef", .number(se[i])), ("z", .number(z[i])), ("p", .number(p[i])),
                ("lower95_exp", .number(exp(lower[i]))), ("upper95_exp", .number(exp(upper[i]))),
            ])
        }
        func test(_ t: CoxTest) -> JSON {
            .object([("statistic", .number(t.statistic)),
                     ("df", .number(Double(t.degreesOfFreedom))), ("p", .number(t.pValue))])
        }
        let c = fit.concordance
        return JSON.object([
            ("ties", .string(fit.ties.rawValue)), ("n", .number(Double(fit.n))),
            ("nevent", .number(Double(fit.events))), ("iter", .number(Double(fit.iterations))),
            ("converged", .bool(fit.converged)), ("loglik_null", .number(fit.logLikelihoodNull)),
            ("loglik", .number(fit.logLikelihood)), ("coefficients", .array(coefficients)),
            ("likelihood_ratio", test(fit.likelihoodRatio)), ("wald", test(fit.wald)),
            ("score", test(fit.score)),
            ("concordance", .object([
                ("concordance", .number(c.concordance)), ("se", .number(c.standardError)),
                ("concordant", .number(c.concordant)), ("discordant", .number(c.discordant)),
                ("tied_x", .number(c.tiedX)), ("tied_y", .number(c.tiedY)),
                ("tied_xy", .number(c.tiedXY)),
            ])),
            ("warnings", .array(fit.warnings.map(JSON.string))),
            ("dropped", droppedJSON(dropped)),
            ("dropped_columns", .array(droppedColumns.map {
                .object([("column", .string($0.name)), ("reason", .string($0.reason))])
            })),
        ]).text
    }

    static func droppedJSON(_ rows: [DroppedRow]) -> JSON {
        .array(rows.map {
            .object([("row", .number(Double($0.row))), ("column", .string($0.column)),
                     ("value", .string($0.value)), ("reason", .string($0.reason))])
        })
    }
}

/// A small JSON value with ordered keys; NaN and infinities are written as null.
enum JSON {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    case array([JSON])
    case object([(String, JSON)])

    static func numbers(_ values: [Double]) -> JSON { .array(values.map(JSON.number)) }
    static func optional(_ value: Double?) -> JSON { value.map(JSON.number) ?? .null }
    static func optionalString(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }

    var text: String {
        switch self {
        case let .number(x):
            guard x.isFinite else { return "null" }
            if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
            return "\(x)"
        case let .string(s): return JSON.quote(s)
        case let .bool(b): return b ? "true" : "false"
        case .null: return "null"
        case let .array(items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case let .object(pairs):
            return "{" + pairs.map { JSON.quote($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ s: String) -> String { jsonQuoted(s) }
}
