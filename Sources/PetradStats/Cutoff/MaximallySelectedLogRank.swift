import Foundation

/// Maximally selected log-rank statistic over the cutpoints of a continuous score, with the
/// p-values that correct for the search, as R's `maxstat::maxstat.test(Surv(time, event) ~ x,
/// smethod = "LogRank", pmethod = "Lau92" / "Lau94", minprop, maxprop)` (maxstat 0.7-25)
/// computes them.
///
/// With log-rank scores a_i (`exactRankTests::cscores`) in the order of increasing x, and m the
/// number of patients with x <= cutpoint:
/// ```
/// S_m = sum_{i <= m} a_i,   E_m = m/N sum a,   V_m = m (N - m) / (N^2 (N - 1)) (N sum a^2 - (sum a)^2)
/// statistic_m = |S_m - E_m| / sqrt(V_m),   M = max_m statistic_m
/// ```
/// over the m where x changes, max(1, floor(N minprop)) <= m <= floor(N maxprop). V_m is the
/// permutation variance, not survdiff's hypergeometric variance, so M^2 is not the log-rank
/// chi-square and its cutpoint can differ from the one maximising survdiff's chi-square.
public struct MaximallySelectedLogRank: Sendable, Equatable {
    public let n: Int
    public let minProportion: Double
    public let maxProportion: Double
    /// Candidate cutpoints c (group 1 is x <= c), increasing, and m for each.
    public let cutpoints: [Double]
    public let lowCounts: [Int]
    /// Standardised statistic at each cutpoint.
    public let statistics: [Double]
    /// M, and the first cutpoint where it is reached (maxstat's `estimate`).
    public let statistic: Double
    public let estimate: Double

    /// Lausen & Schumacher (1992) asymptotic p-value of M for the search over
    /// [minprop, maxprop] (maxstat's `pLausen92`, with its rule p = 1 for M < 1):
    /// ```
    /// p = 4 phi(M)/M + phi(M) (M - 1/M) log(maxprop (1 - minprop) / ((1 - maxprop) minprop))
    /// ```
    /// clamped below at 0, not above at 1 (as in R).
    public var pLausen92: Double {
        Self.pLausen92(statistic, minProportion: minProportion, maxProportion: maxProportion)
    }

    /// Lausen, Sauerbrei & Schumacher (1994) improved Bonferroni p-value over the actual
    /// cutpoints (maxstat's `pLausen94`):
    /// ```
    /// p = 1 - (Phi(M) - Phi(-M)) + sum_k (1/pi) exp(-M^2/2) (t_k - (M^2/4 - 1) t_k^3 / 6)
    /// t_k = sqrt(1 - m_k (N - m_{k+1}) / ((N - m_k) m_{k+1}))
    /// ```
    /// Not clamped: R returns values above 1 or slightly below 0 as they come.
    public var pLausen94: Double {
        Self.pLausen94(statistic, n: n, lowCounts: lowCounts)
    }

    /// Runs the scan.
    ///
    /// - Throws: `InputError` as maxstat stops: "minprop too large", "maxprop too small",
    ///   "no data between minprop, maxprop", or lengths that differ.
    public static func test(score x: [Double], outcome y: TimeToEvent,
                            minProportion: Double = 0.1,
                            maxProportion: Double = 0.9) throws -> MaximallySelectedLogRank {
        let n = x.count
        guard y.count == n, n >= 2 else {
            throw InputError(file: "maxstat", field: "score", value: "\(n) values",
                             "needs one score per patient (\(y.count)), at least 2")
        }
        let scores = logRankScores(y)
        let order = x.indices.sorted { x[$0] < x[$1] || (x[$0] == x[$1] && $0 < $1) }
        let sortedX = order.map { x[$0] }
        let sortedScores = order.map { scores[$0] }

        // m = position before each new x value (0 for the first).
        var candidates: [Int] = []
        for position in 0..<n where position == 0 || sortedX[position] != sortedX[position - 1] {
            candidates.append(position)
        }
        var m: [Int]
        if minProportion == 0 && maxProportion == 1 {
            m = candidates.count > 2 ? Array(candidates[1..<(candidates.count - 1)]) : []
        } else {
            let low = Int((Double(n) * minProportion).rounded(.down))
            let high = Int((Double(n) * maxProportion).rounded(.down))
            if candidates.allSatisfy({ $0 < low }) {
                throw InputError(file: "maxstat", field: "minprop",
                                 value: formatNumber(minProportion),
                                 "minprop too large: no cutpoint leaves that share below it")
            }
            if candidates.allSatisfy({ $0 > high }) {
                throw InputError(file: "maxstat", field: "maxprop",
                                 value: formatNumber(maxProportion),
                                 "maxprop too small: no cutpoint leaves that share below it")
            }
            m = candidates.filter { $0 >= max(1, low) && $0 <= high }
        }
        guard !m.isEmpty else {
            throw InputError(file: "maxstat", field: "minprop/maxprop",
                             value: "\(formatNumber(minProportion))/\(formatNumber(maxProportion))",
                             "no data between minprop and maxprop: the score has too few "
                             + "distinct values")
        }

        let total = sortedScores.reduce(0, +)
        let squares = sortedScores.reduce(0) { $0 + $1 * $1 }
        var cumulative = [Double](repeating: 0, count: n)
        var running = 0.0
        for i in 0..<n {
            running += sortedScores[i]
            cumulative[i] = running
        }
        let bigN = Double(n)
        let statistics = m.map { count -> Double in
            let mm = Double(count)
            let expectation = mm / bigN * total
            let variance = mm * (bigN - mm) / (bigN * bigN * (bigN - 1))
                * (bigN * squares - total * total)
            return abs((cumulative[count - 1] - expectation) / variance.squareRoot())
        }
        let maximum = statistics.max()!
        let first = statistics.firstIndex(of: maximum)!
        return MaximallySelectedLogRank(
            n: n, minProportion: minProportion, maxProportion: maxProportion,
            cutpoints: m.map { sortedX[$0 - 1] }, lowCounts: m, statistics: statistics,
            statistic: maximum, estimate: sortedX[m[first] - 1])
    }

    /// Log-rank scores as `exactRankTests::cscores(Surv(time, event), type = "LogRank")`:
    /// ```
    /// a_i = event_i - sum_{j: r_j <= r_i} event_j / (N - r_j + 1)
    /// ```
    /// with r the rank of time, tied times all given the largest rank of their tie (so two
    /// events tied first among 8 both add 1/7, not the Nelson–Aalen 2/8).
    public static func logRankScores(_ y: TimeToEvent) -> [Double] {
        let n = y.count
        let order = y.time.indices.sorted {
            y.time[$0] < y.time[$1] || (y.time[$0] == y.time[$1] && $0 < $1)
        }
        var rank = [Int](repeating: 0, count: n)
        var start = 0
        while start < n {
            var end = start
            while end + 1 < n && y.time[order[end + 1]] == y.time[order[start]] { end += 1 }
            for position in start...end { rank[order[position]] = end + 1 }
            start = end + 1
        }
        var cumulative = [Double](repeating: 0, count: n)
        var running = 0.0
        for position in 0..<n {
            let i = order[position]
            running += (y.event[i] ? 1 : 0) / Double(n - rank[i] + 1)
            cumulative[position] = running
        }
        return (0..<n).map { (y.event[$0] ? 1 : 0) - cumulative[rank[$0] - 1] }
    }

    public static func pLausen92(_ b: Double, minProportion: Double,
                                 maxProportion: Double) -> Double {
        if b < 1 { return 1 }
        let density = standardNormalDensity(b)
        let p = 4 * density / b + density * (b - 1 / b)
            * log((maxProportion * (1 - minProportion)) / ((1 - maxProportion) * minProportion))
        return max(p, 0)
    }

    public static func pLausen94(_ b: Double, n: Int, lowCounts m: [Int]) -> Double {
        var d = 0.0
        if m.count > 1 {
            let bigN = Double(n)
            for k in 0..<(m.count - 1) {
                let m1 = Double(m[k])
                let m2 = Double(m[k + 1])
                let t = (1 - m1 * (bigN - m2) / ((bigN - m1) * m2)).squareRoot()
                d += 1 / Double.pi * exp(-b * b / 2) * (t - (b * b / 4 - 1) * (t * t * t) / 6)
            }
        }
        return 1 - (standardNormalCDF(b) - standardNormalCDF(-b)) + d
    }

    static func standardNormalDensity(_ x: Double) -> Double {
        exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
    }

    static func standardNormalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }
}
