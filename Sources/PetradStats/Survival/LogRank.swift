import Foundation

/// The result of a log-rank / Peto–Peto test (R: `survdiff`), one entry per group level.
public struct LogRankResult: Equatable, Sendable {
    /// Group levels in the order of the other arrays.
    public var levels: [String]
    /// Rows per group (summed over strata).
    public var n: [Int]
    /// Observed events per group, weighted by S(t-)^rho (plain counts when rho = 0).
    public var observed: [Double]
    /// Expected events per group under equal hazards, with the same weights.
    public var expected: [Double]
    /// Variance matrix of O - E (row-major, levels x levels), summed over strata.
    public var variance: [Double]
    /// (O - E)' V^- (O - E) over the groups with expected > 0, first of them left out.
    public var chiSquare: Double
    /// Groups with expected > 0, minus 1.
    public var degreesOfFreedom: Int
    /// Upper-tail chi-square probability of `chiSquare`.
    public var pValue: Double
    public var rho: Double
    /// True when the test was stratified.
    public var stratified: Bool

    public var observedMinusExpected: [Double] { zip(observed, expected).map { $0 - $1 } }
    /// Diagonal of `variance`.
    public var varianceDiagonal: [Double] { levels.indices.map { variance[$0 * levels.count + $0] } }
}

/// The G-rho family of two-or-more-sample tests (R: `survival::survdiff`; Harrington and
/// Fleming 1982): rho = 0 is the log-rank (Mantel–Haenszel) test, rho = 1 the Peto & Peto
/// modification of the Gehan–Wilcoxon test.
///
/// At each distinct event time t with d deaths among n at risk (n_j, d_j in group j) and weight
/// w = S(t-)^rho (pooled Kaplan–Meier within the stratum, just before t):
///
///     O_j += w d_j,   E_j += w d n_j / n,
///     V_jk += w^2 d (n - d) / (n - 1) * (n_j / n) (delta_jk - n_k / n)     (n > 1)
public enum LogRank {
    public static func test(time: [Double], event: [Bool], group: [String],
                            levels: [String]? = nil, strata: [String]? = nil,
                            rho: Double = 0) throws -> LogRankResult {
        let count = time.count
        guard event.count == count, group.count == count, strata.map({ $0.count == count }) ?? true
        else {
            throw InputError(file: "log-rank", field: "columns",
                             value: "\(count) times, \(event.count) events, \(group.count) groups",
                             "time, event, group (and strata) must have the same length")
        }
        let time = TimeAlignment.aligned(time)
        let order = levels ?? GroupLevels.sorted(group)
        let k = order.count
        guard k >= 2 else {
            throw InputError(file: "log-rank", field: "group", value: order.joined(separator: ","),
                             "a log-rank test needs at least two groups")
        }
        var index: [String: Int] = [:]
        for (i, level) in order.enumerated() { index[level] = i }
        let groupIndex = try group.enumerated().map { row, value -> Int in
            guard let i = index[value] else {
                throw InputError(file: "log-rank", field: "group, row \(row + 1)", value: value,
                                 "is not one of the levels \(order.joined(separator: ", "))")
            }
            return i
        }

        var observed = [Double](repeating: 0, count: k)
        var expected = observed
        var variance = [Double](repeating: 0, count: k * k)
        var sizes = [Int](repeating: 0, count: k)
        for g in groupIndex { sizes[g] += 1 }

        let strataKeys = strata ?? [String](repeating: "", count: count)
        var byStratum: [String: [Int]] = [:]
        for i in 0..<count { byStratum[strataKeys[i], default: []].append(i) }
        for rows in byStratum.values {
            accumulate(rows: rows, time: time, event: event, group: groupIndex, k: k, rho: rho,
                       observed: &observed, expected: &expected, variance: &variance)
        }

        let used = (0..<k).filter { expected[$0] > 0 }
        var chi = 0.0
        if used.count >= 2 {
            let kept = Array(used.dropFirst())
            let m = kept.count
            var v = [Double](repeating: 0, count: m * m)
            var difference = [Double](repeating: 0, count: m)
            for (a, i) in kept.enumerated() {
                difference[a] = observed[i] - expected[i]
                for (b, j) in kept.enumerated() { v[a * m + b] = variance[i * k + j] }
            }
            let solved = SymmetricFactor(v, size: m).solve(difference)
            chi = zip(solved, difference).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let df = used.count - 1
        return LogRankResult(levels: order, n: sizes, observed: observed, expected: expected,
                             variance: variance, chiSquare: chi, degreesOfFreedom: df,
                             pValue: df > 0
                                ? ChiSquare.upperTail(chi, degreesOfFreedom: Double(df)) : .nan,
                             rho: rho, stratified: strata != nil)
    }

    private static func accumulate(rows: [Int], time: [Double], event: [Bool], group: [Int],
                                   k: Int, rho: Double, observed: inout [Double],
                                   expected: inout [Double], variance: inout [Double]) {
        let sorted = rows.sorted { time[$0] < time[$1] }
        var atRisk = [Double](repeating: 0, count: k)
        for i in sorted { atRisk[group[i]] += 1 }
        var total = Double(sorted.count)
        var km = 1.0
        var position = 0
        var deathsByGroup = [Double](repeating: 0, count: k)
        var leaving = [Double](repeating: 0, count: k)
        while position < sorted.count {
            let t = time[sorted[position]]
            for g in 0..<k { deathsByGroup[g] = 0; leaving[g] = 0 }
            var deaths = 0.0
            while position < sorted.count, time[sorted[position]] == t {
                let i = sorted[position]
                leaving[group[i]] += 1
                if event[i] { deathsByGroup[group[i]] += 1; deaths += 1 }
                position += 1
            }
            if deaths > 0 {
                let w = rho == 0 ? 1 : pow(km, rho)
                for j in 0..<k {
                    observed[j] += w * deathsByGroup[j]
                    expected[j] += w * deaths * atRisk[j] / total
                }
                if total > 1 {
                    let factor = w * w * deaths * (total - deaths) / (total * (total - 1))
                    for j in 0..<k {
                        variance[j * k + j] += factor * atRisk[j]
                        for l in 0..<k {
                            variance[j * k + l] -= factor * atRisk[j] * atRisk[l] / total
                        }
                    }
                }
                km *= (total - deaths) / total
            }
            for g in 0..<k { atRisk[g] -= leaving[g] }
            total -= leaving.reduce(0, +)
        }
    }
}
