import Foundation
import PetradCore
import PetradStats

/// A step of the study that cannot run in this build or on these data; the study records it
/// as a warning and goes on with the other steps.
public struct StepUnavailable: Error, CustomStringConvertible {
    public var step: String
    public var reason: String
    public var description: String { "\(step): \(reason)" }
}

/// The calls from the study workflow into the statistics layer, in one place.
public enum StatsBridge {
    /// Repeated cross-validated LASSO-Cox on the training cohort (issue 5, PetradStats'
    /// `LassoSelection`): `spec.repeats` cross-validations with their own seeded folds, the
    /// `spec.maxFeatures` most often selected features, their mean coefficients (original
    /// feature scale) times `spec.scale`. The signature file itself is written by the caller.
    /// - Parameters: `x[i][j]` is feature j of patient i.
    public static func signature(x: [[Double]], names: [String], time: [Double], event: [Bool],
                                 spec: SignatureSpec) throws -> SignatureSummary {
        let columns = names.indices.map { j in x.map { $0[j] } }
        let matrix = FeatureMatrix(columns: columns, names: names)
        var settings = LassoSelectionSettings()
        settings.repeats = spec.repeats
        settings.folds = spec.folds
        settings.seed = Int(truncatingIfNeeded: spec.seed)
        settings.topCount = min(spec.maxFeatures, names.count)
        settings.scale = spec.scale
        settings.lambdaRule = spec.lambdaRule == "lambda.1se" ? .oneSE : .min
        settings.net.alpha = spec.alpha
        let result = try LassoSelection.run(matrix, TimeToEvent(time: time, event: event),
                                            settings: settings)
        let signature = result.signature
        var counts: [String: Int] = [:]
        for feature in result.selection(settings.lambdaRule) where feature.selectedCount > 0 {
            counts[feature.name] = feature.selectedCount
        }
        var summary = SignatureSummary(features: signature.features,
                                       coefficients: signature.coefficients, centers: [],
                                       scales: [], scale: signature.scale,
                                       selectionCounts: counts, repeats: spec.repeats, file: "")
        summary.lambdaRule = settings.lambdaRule.rawValue
        summary.signatureJSON = String(decoding: try signature.jsonData(), as: UTF8.self)
        return summary
    }

    /// The cutoff search on the training scores (issue 5, PetradStats' `CutoffSearch`): every
    /// distinct score is a candidate (high risk = score > cutoff) with both groups at least
    /// `spec.minGroupSize`; the largest log-rank chi-square among candidates whose high-risk
    /// share is in `spec.highRiskShare` wins. Corrected p-values: Lausen–Schumacher (maxstat
    /// "Lau94") and a seeded permutation test of the whole search.
    public static func cutoff(score: [Double], time: [Double], event: [Bool], spec: CutoffSpec)
        throws -> (CutoffSummary, CSVTable) {
        let n = Double(score.count)
        var settings = CutoffSettings()
        // CutoffSearch keeps groups of at least ceil(proportion x n); half a patient below the
        // wanted size makes that exactly `minGroupSize`.
        settings.minGroupProportion = min(max((Double(spec.minGroupSize) - 0.5) / n, 1e-9),
                                          0.4999)
        settings.highRiskShareMin = spec.highRiskShare.lowerBound
        settings.highRiskShareMax = spec.highRiskShare.upperBound
        settings.permutations = spec.permutations
        settings.seed = Int(truncatingIfNeeded: spec.seed)
        let result = try CutoffSearch.run(score: score,
                                          outcome: TimeToEvent(time: time, event: event),
                                          settings: settings)
        let chosen = result.chosen
        let summary = CutoffSummary(
            cutoff: chosen.cutoff, highRiskCount: chosen.highCount,
            highRiskShare: chosen.highShare, statistic: chosen.chiSquare, rawP: chosen.pValue,
            lausenSchumacherP: result.maxstat.pLausen94,
            permutationP: result.permutationPValue ?? .nan, scanFile: "",
            maxstatCutoff: result.maxstat.estimate)
        var scan = CSVTable(header: ["Cutoff", "NLow", "NHigh", "EventsLow", "EventsHigh",
                                     "HighShare", "ChiSquare", "RawP", "Admissible", "Chosen"])
        let admissible = result.admissible
        for (i, row) in result.rows.enumerated() {
            scan.rows.append([formatNumber(row.cutoff), "\(row.lowCount)", "\(row.highCount)",
                              "\(row.lowEvents)", "\(row.highEvents)",
                              formatNumber(row.highShare), formatNumber(row.chiSquare),
                              formatNumber(row.pValue), admissible[i] ? "yes" : "no",
                              i == result.chosenIndex ? "yes" : "no"])
        }
        return (summary, scan)
    }

    /// Cox model of the given design columns (complete cases), Efron ties; one term per column.
    /// A coefficient of a monotone likelihood (complete separation) or of a collinear column is
    /// reported as not estimable (NaN hazard ratio) with the reason, never as a number.
    static func cox(columns: [[Double]], labels: [(variable: String, level: String)],
                    time: [Double], event: [Bool]) throws -> [CoxTerm] {
        let names = labels.map { $0.level.isEmpty ? $0.variable : "\($0.variable): \($0.level)" }
        let fit = try CoxModel.fit(time: time, event: event, covariates: columns, names: names,
                                   ties: .efron)
        let (lower, upper) = fit.confidenceIntervals(level: 0.95)
        let p = fit.pValues
        return labels.indices.map { i in
            var note = ""
            if let problem = fit.notEstimable.first(where: { $0.index == i }) {
                note = "not estimable: \(problem.reason)"
            } else if fit.coefficients[i].isNaN {
                note = "not estimable: collinear with other columns"
            } else if !fit.converged {
                note = "fit did not converge"
            }
            let ok = note.isEmpty || note == "fit did not converge"
            return CoxTerm(variable: labels[i].variable, level: labels[i].level, n: fit.n,
                           events: fit.events, coefficient: fit.coefficients[i],
                           hazardRatio: ok ? exp(fit.coefficients[i]) : .nan,
                           lower: ok ? exp(lower[i]) : .nan, upper: ok ? exp(upper[i]) : .nan,
                           p: ok ? p[i] : .nan, note: note)
        }
    }

    /// Spearman's rho with R's `cor.test(method = "spearman")` p-value.
    static func spearman(_ x: [Double], _ y: [Double]) throws -> (rho: Double, p: Double) {
        let rows = x.indices.filter { x[$0].isFinite && y[$0].isFinite }
        guard rows.count >= 3 else {
            throw StepUnavailable(step: "Spearman", reason: "fewer than 3 complete pairs")
        }
        let result = Spearman.test(rows.map { x[$0] }, rows.map { y[$0] })
        return (result.rho, result.pValue)
    }

    /// Harrell's C of a risk score (higher score, shorter survival; R `concordance(...,
    /// reverse = TRUE)`).
    static func concordance(score: [Double], time: [Double], event: [Bool]) throws -> Double {
        Concordance.harrell(time: time, event: event, score: score, reverse: true).concordance
    }

    static func kaplanMeier(time: [Double], event: [Bool]) -> KaplanMeierCurve {
        KaplanMeier.fit(time: time, event: event)
    }

    static func logRank(time: [Double], event: [Bool], group: [String]) throws
        -> (chiSquare: Double, p: Double) {
        let result = try LogRank.test(time: time, event: event, group: group,
                                      levels: ["low", "high"])
        return (result.chiSquare, result.pValue)
    }
}
