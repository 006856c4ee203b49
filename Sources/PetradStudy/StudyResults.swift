import Foundation
import PetradCore
import PetradStats

/// One row of a Cox table (univariate or multivariate): a design column's hazard ratio.
public struct CoxTerm: Sendable, Codable, Equatable {
    public var variable: String
    public var level: String
    public var n: Int
    public var events: Int
    public var coefficient: Double
    public var hazardRatio: Double
    public var lower: Double
    public var upper: Double
    public var p: Double
    /// Why the estimate is missing or doubtful (separation, too few events), else "".
    public var note: String
}

/// The signature built on the training cohort for one endpoint.
public struct SignatureSummary: Sendable, Codable, Equatable {
    public var features: [String]
    public init(features: [String], coefficients: [Double], centers: [Double],
                scales: [Double], scale: Double, selectionCounts: [String: Int], repeats: Int,
                file: String) {
        self.features = features
        self.coefficients = coefficients
        self.centers = centers
        self.scales = scales
        self.scale = scale
        self.selectionCounts = selectionCounts
        self.repeats = repeats
        self.file = file
    }

    /// Mean coefficient over the repeats, per feature (on the standardised feature when
    /// `centers`/`scales` are given, else on the raw feature).
    public var coefficients: [Double]
    public var centers: [Double]
    public var scales: [Double]
    public var scale: Double
    /// How many of the repeats selected each feature (most often selected first).
    public var selectionCounts: [String: Int]
    public var repeats: Int
    /// Path of the signature JSON under the output folder.
    public var file: String
    /// Which lambda each repeat kept ("lambda.min" or "lambda.1se").
    public var lambdaRule = "lambda.min"
    /// The signature file as PetradStats writes it (applies to any cohort with
    /// `petrad signature apply`); written as `<endpoint>/signature.json`.
    public var signatureJSON = ""

    enum CodingKeys: String, CodingKey {
        case features, coefficients, centers, scales, scale, selectionCounts, repeats, file,
             lambdaRule
    }

    /// The signature as a formula a reader can apply by hand, one term per line.
    public var formula: String {
        var lines: [String] = []
        for (i, name) in features.enumerated() {
            let c = coefficients[i]
            let sign = lines.isEmpty ? (c < 0 ? "  -" : "   ") : (c < 0 ? "  -" : "  +")
            let standardised = centers.count == features.count
                ? "(\(name) - \(format(centers[i], 6))) / \(format(scales[i], 6))" : name
            lines.append("\(sign) \(format(abs(c), 6)) x \(standardised)")
        }
        return "score = \(format(scale, 6)) x (\n" + lines.joined(separator: "\n") + "\n)"
    }

    public func score(_ values: [Double]) -> Double {
        var sum = 0.0
        for i in features.indices {
            let x = centers.count == features.count ? (values[i] - centers[i]) / scales[i]
                : values[i]
            sum += coefficients[i] * x
        }
        return scale * sum
    }
}

/// The cutoff chosen on the training cohort.
public struct CutoffSummary: Sendable, Codable, Equatable {
    /// Patients with score > cutoff are high risk.
    public var cutoff: Double
    public var highRiskCount: Int
    public var highRiskShare: Double
    public var statistic: Double
    public var rawP: Double
    /// Lausen–Schumacher p corrected for the search (R maxstat, "Lau94"); NaN when not given.
    /// It belongs to maxstat's own statistic (standardised log-rank scores) maximised over the
    /// same range of shares, whose maximum can sit at another cutoff (`maxstatCutoff`).
    public var lausenSchumacherP: Double
    /// Seeded permutation p over the whole search; NaN when not run. This one repeats the
    /// search that chose `cutoff`.
    public var permutationP: Double
    public var scanFile: String
    /// Where maxstat's statistic is largest (its `estimate`); nil in files written before it
    /// was recorded.
    public var maxstatCutoff: Double? = nil
}

/// The signature's validation on one cohort.
public struct CohortValidation: Sendable, Codable, Equatable {
    public var cohort: String
    public var role: String
    public var n: Int
    public var events: Int
    public var nHigh: Int
    public var eventsHigh: Int
    public var nLow: Int
    public var eventsLow: Int
    public var logRankChiSquare: Double
    public var logRankP: Double
    /// Harrell's C of the continuous score (higher score, shorter time).
    public var concordance: Double
    /// Spearman correlation of the score with MTV, and its p.
    public var spearmanMTV: Double
    public var spearmanMTVP: Double
    /// Median follow-up (reverse Kaplan–Meier) and median survival per group, in the
    /// endpoint's time unit; nil when not reached.
    public var medianLow: Double?
    public var medianHigh: Double?
    public var plotFiles: [String]
}

/// Everything computed for one endpoint.
public struct EndpointResult: Sendable {
    public var endpoint: EndpointSpec
    public var signature: SignatureSummary?
    public var cutoff: CutoffSummary?
    public var validations: [CohortValidation] = []
    /// Cox tables by cohort name.
    public var univariate: [String: [CoxTerm]] = [:]
    public var multivariate: [String: [CoxTerm]] = [:]
    /// Figures: cohort name -> plot.
    public var plots: [(cohort: String, plot: KaplanMeierPlotData)] = []
    public var warnings: [String] = []
    /// Patients left out of this endpoint because their time or event could not be read.
    public var clinicalFailures: [CaseFailure] = []
    /// Why the analysis of this endpoint stopped before its tables; nil when it ran through.
    public var stopped: String? = nil

    /// The warning that says the analysis stopped, as it stands in the warnings.
    public var stoppedWarning: String? {
        stopped.map { "\(endpoint.name): analysis stopped: \($0)" }
    }
}

/// The data behind one Kaplan–Meier figure (kept free of drawing code so PetradStudy does
/// not depend on how PetradReport draws it).
public struct KaplanMeierPlotData: Sendable {
    public var title: String
    /// The title drawn in the figure (the cohort); `title` goes into the caption.
    public var shortTitle: String
    public var timeUnit: String
    public var groups: [(label: String, curve: KaplanMeierCurve, times: [Double])]
    public var logRankP: Double
}

func format(_ value: Double, _ digits: Int = 3) -> String {
    if value.isNaN { return "NA" }
    if value.isInfinite { return value > 0 ? "Inf" : "-Inf" }
    if abs(value) >= 1000, abs(value) < 1e7 { return String(format: "%.0f", value) }
    if value != 0, abs(value) < 1e-3 || abs(value) >= 1e7 {
        return String(format: "%.\(max(digits - 1, 1))e", value)
    }
    return String(format: "%.\(digits)g", value)
}

/// p-values as a statistician prints them: three significant digits without trailing zeros
/// (R's `signif(p, 3)`, e.g. 0.0234, 0.5), and "< 0.001" below 0.001 (R's
/// `format.pval(p, digits = 3, eps = 0.001)` gives "<0.001"; the space is journal style).
func formatP(_ p: Double) -> String {
    if p.isNaN { return "NA" }
    if p < 0.001 { return "< 0.001" }
    return String(format: "%.3g", p)
}
