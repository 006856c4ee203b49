import Foundation

/// The Breslow partial-likelihood deviance of Cox coefficients on one set of patients, as R's
/// `glmnet::coxnet.deviance(x = x, y = y, beta = b)` computes it:
/// ```
/// D(b) = 2 (l_saturated - l(b)),   l(b) = sum_i d_i eta_i - sum_k d_k log sum_{j in R_k} exp(eta_j)
/// l_saturated = -sum_k d_k log d_k,   eta_i = sum_j b_j (x_ij - mean_j)
/// ```
/// with d_k the events at the k-th distinct event time and R_k its risk set (Breslow ties; a
/// patient censored at an event time is at risk at it). Centring eta changes nothing in exact
/// arithmetic; glmnet centres on the features' means, and so does this.
public struct CoxDeviance: Sendable {
    let n: Int
    let p: Int
    /// Features minus their means, column-major.
    let centered: [Double]
    let riskSets: CoxRiskSets
    let event: [Double]
    let dk: [Double]
    let saturated: Double

    /// Nil when the patients have no event, or too few for glmnet's risk-set layout (glmnet
    /// stops with error 30000 there).
    public init?(_ x: FeatureMatrix, _ y: TimeToEvent) {
        guard let riskSets = CoxRiskSets(time: y.time, event: y.event) else { return nil }
        n = x.rowCount
        p = x.columnCount
        var centered = x.values
        for j in 0..<p {
            let base = j * n
            var sum = 0.0
            for i in 0..<n { sum += centered[base + i] }
            let mean = sum / Double(n)
            for i in 0..<n { centered[base + i] -= mean }
        }
        self.centered = centered
        self.riskSets = riskSets
        let event = y.event.map { $0 ? 1.0 : 0.0 }
        self.event = event
        let dk = event.withUnsafeBufferPointer { riskSets.groupSums($0.baseAddress!) }
        self.dk = dk
        var saturated = 0.0
        for value in dk where value > 0 { saturated -= value * log(value) }
        self.saturated = saturated
    }

    /// The deviance at coefficients `b` (one per feature, original scale).
    public func deviance<C: Collection>(_ b: C) -> Double where C.Element == Double,
                                                                   C.Index == Int {
        precondition(b.count == p, "CoxDeviance: \(b.count) coefficients for \(p) features")
        let fmax = log(Double.greatestFiniteMagnitude * Double(Float(0.1)))
        var f = [Double](repeating: 0, count: n)
        for j in 0..<p {
            let bj = b[b.startIndex + j]
            guard bj != 0 else { continue }
            let base = j * n
            for i in 0..<n { f[i] += bj * centered[base + i] }
        }
        var e = f.map { value -> Double in
            let clamped = min(abs(value), fmax)
            return exp(value < 0 ? -clamped : clamped)
        }
        var u = [Double](repeating: 0, count: max(1, riskSets.groupCount))
        e.withUnsafeMutableBufferPointer { eBuffer in
            u.withUnsafeMutableBufferPointer { uBuffer in
                riskSets.riskSums(eBuffer.baseAddress!, into: uBuffer.baseAddress!)
            }
        }
        var first = 0.0
        for i in 0..<n { first += event[i] * f[i] }
        var second = 0.0
        for k in 0..<riskSets.groupCount { second += dk[k] * log(u[k]) }
        return 2 * (saturated - (first - second))
    }
}
