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
enum StatsBridge {
    /// Repeated cross-validated LASSO-Cox on the training cohort (issue 5).
    /// - Parameters: `x[i][j]` is feature j of patient i.
    static func signature(x: [[Double]], names: [String], time: [Double], event: [Bool],
                          spec: SignatureSpec) throws -> SignatureSummary {
        // Not yet: the repeated LASSO-Cox of branch lasso has not landed in this build.
        throw StepUnavailable(step: "signature", reason: "repeated LASSO-Cox is not in this build")
    }

    /// The cutoff search on the training scores (issue 5).
    static func cutoff(score: [Double], time: [Double], event: [Bool], spec: CutoffSpec) throws
        -> (CutoffSummary, CSVTable) {
        // Not yet: the cutoff search of branch lasso has not landed in this build.
        throw StepUnavailable(step: "cutoff", reason: "the cutoff search is not in this build")
    }

    /// Cox model of the given design columns (complete cases), Efron ties; one term per column.
    static func cox(columns: [[Double]], labels: [(variable: String, level: String)],
                    time: [Double], event: [Bool]) throws -> [CoxTerm] {
        // Not yet: CoxModel of branch survival has not landed in this build.
        throw StepUnavailable(step: "Cox regression", reason: "CoxModel is not in this build")
    }

    static func spearman(_ x: [Double], _ y: [Double]) throws -> (rho: Double, p: Double) {
        // Not yet: Spearman of branch survival has not landed in this build.
        throw StepUnavailable(step: "Spearman", reason: "Spearman is not in this build")
    }

    /// Harrell's C of a risk score (higher score, shorter survival).
    static func concordance(score: [Double], time: [Double], event: [Bool]) throws -> Double {
        // Not yet: Concordance of branch survival has not landed in this build.
        throw StepUnavailable(step: "C-index", reason: "Concordance is not in this build")
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
