import Foundation

/// Harrell's concordance with the pair counts, tie rules and variances of R's
/// `survival::concordance` (default `timewt = "n"`).
///
/// A pair (i, j) is comparable when i has an event and j is known to live longer: t_j > t_i, or
/// t_j = t_i with j censored. Two events at the same time are "tied on y" (and "tied on x and y"
/// when their predictors are equal too); they are not comparable.
///
///     C = (concordant + tied.x / 2) / (concordant + discordant + tied.x)
///
/// `variance` is survival's infinitesimal-jackknife variance: with Somers' d
/// D = (concordant - discordant) / npair and, for each subject k, its own counts c_k, d_k, t_k
/// over the comparable pairs it belongs to,
///
///     dfbeta_k = ((c_k - d_k) - (c_k + d_k + t_k) D) / (2 npair),   variance = sum dfbeta_k^2.
///
/// `coxVariance` is the older variance from the Cox score test (`cvar`, `survConcordance`).
/// With no comparable pair the concordance is NaN.
public struct ConcordanceResult: Equatable, Sendable {
    public var n: Int
    public var concordant: Double
    public var discordant: Double
    public var tiedX: Double
    public var tiedY: Double
    public var tiedXY: Double
    public var concordance: Double
    public var variance: Double
    public var coxVariance: Double
    public var standardError: Double { variance.squareRoot() }
}

public enum Concordance {
    /// Harrell's C of a score.
    ///
    /// - Parameters:
    ///   - score: the predictor.
    ///   - reverse: R's `reverse`. `true` (the default, as `coxph` uses for its linear
    ///     predictor) reads the score as a risk: a higher score should fail first. `false` is
    ///     `concordance(Surv(time, status) ~ x)`'s default: a higher x should live longer.
    ///   - strata: pairs are formed within strata only; counts are summed over strata.
    ///   Times equal up to floating-point noise are merged first (`TimeAlignment`).
    public static func harrell(time: [Double], event: [Bool], score: [Double],
                               strata: [String]? = nil, reverse: Bool = true) -> ConcordanceResult {
        harrellAligned(time: TimeAlignment.aligned(time), event: event, score: score,
                       strata: strata, reverse: reverse)
    }

    static func harrellAligned(time: [Double], event: [Bool], score: [Double],
                               strata: [String]?, reverse: Bool) -> ConcordanceResult {
        let n = time.count
        precondition(event.count == n && score.count == n, "time, event, score differ in length")
        var groups: [String: [Int]] = [:]
        if let strata {
            for i in 0..<n { groups[strata[i], default: []].append(i) }
        } else {
            groups[""] = Array(0..<n)
        }
        var totals = [Double](repeating: 0, count: 6)
        var influence = [Double](repeating: 0, count: 3 * n)
        for rows in groups.values {
            countPairs(rows: rows, time: time, event: event, score: score,
                       totals: &totals, influence: &influence)
        }
        let (concordant, discordant, tiedX) = (totals[0], totals[1], totals[2])
        let pairs = concordant + discordant + tiedX
        let somers = (concordant - discordant) / pairs
        var variance = 0.0
        for k in 0..<n {
            let c = influence[3 * k], d = influence[3 * k + 1], t = influence[3 * k + 2]
            let dfbeta = ((c - d) - (c + d + t) * somers) / (2 * pairs)
            variance += dfbeta * dfbeta
        }
        let coxVariance = totals[5] / (4 * pairs * pairs)
        let c = (somers + 1) / 2
        return ConcordanceResult(
            n: n, concordant: reverse ? discordant : concordant,
            discordant: reverse ? concordant : discordant, tiedX: tiedX, tiedY: totals[3] - totals[4],
            tiedXY: totals[4], concordance: reverse ? 1 - c : c, variance: variance,
            coxVariance: coxVariance)
    }

    /// Counts for one stratum by a sweep from the longest time down, with Fenwick trees over
    /// the ranks of the score (all subjects seen so far, and the events seen so far). Adds
    /// concordant, discordant, tied.x, tied.y, tied.xy and the Cox variance sum into `totals`,
    /// and each subject's concordant, discordant, tied.x counts into `influence`.
    private static func countPairs(rows: [Int], time: [Double], event: [Bool], score: [Double],
                                   totals: inout [Double], influence: inout [Double]) {
        let distinct = Array(Set(rows.map { score[$0] })).sorted()
        var rankOf: [Double: Int] = [:]
        for (r, value) in distinct.enumerated() { rankOf[value] = r }
        let m = distinct.count
        var everyone = Fenwick(size: m), events = Fenwick(size: m)
        // Descending time; at a tie, censored before events.
        let order = rows.sorted {
            if time[$0] != time[$1] { return time[$0] > time[$1] }
            return !event[$0] && event[$1]
        }
        var z2 = 0.0
        func insert(_ i: Int) {
            let r = rankOf[score[i]]!
            let (smaller, equal, greater) = everyone.split(r)
            z2 += greater * (1 + 2 * (smaller + equal)) + smaller * (1 + 2 * (greater + equal))
                + (greater - smaller) * (greater - smaller)
            everyone.add(r, 1)
        }
        func openInfluence(_ i: Int) {
            let (smaller, equal, greater) = events.split(rankOf[score[i]]!)
            influence[3 * i] -= smaller
            influence[3 * i + 1] -= greater
            influence[3 * i + 2] -= equal
        }
        var position = 0
        while position < order.count {
            let i = order[position]
            if !event[i] {
                openInfluence(i)
                insert(i)
                position += 1
                continue
            }
            var end = position
            while end < order.count, time[order[end]] == time[i] { end += 1 }
            // Pass 1: each event against everyone already known to live longer.
            var seen: [Int: Double] = [:]
            for p in position..<end {
                let e = order[p]
                let r = rankOf[score[e]]!
                let (smaller, equal, greater) = everyone.split(r)
                totals[0] += greater
                totals[1] += smaller
                totals[2] += equal
                influence[3 * e] += greater
                influence[3 * e + 1] += smaller
                influence[3 * e + 2] += equal
                totals[3] += Double(p - position)
                totals[4] += seen[r, default: 0]
                seen[r, default: 0] += 1
            }
            // Pass 2: the events join both trees.
            for p in position..<end { events.add(rankOf[score[order[p]]]!, 1) }
            for p in position..<end {
                openInfluence(order[p])
                insert(order[p])
            }
            totals[5] += Double(end - position) * z2 / everyone.total
            position = end
        }
        for i in rows {
            let (smaller, equal, greater) = events.split(rankOf[score[i]]!)
            influence[3 * i] += smaller
            influence[3 * i + 1] += greater
            influence[3 * i + 2] += equal
        }
    }
}

/// A Fenwick (binary indexed) tree of counts over ranks 0..<size.
private struct Fenwick {
    private var tree: [Double]
    private(set) var total = 0.0

    init(size: Int) { tree = [Double](repeating: 0, count: size + 1) }

    mutating func add(_ rank: Int, _ weight: Double) {
        total += weight
        var i = rank + 1
        while i < tree.count {
            tree[i] += weight
            i += i & -i
        }
    }

    /// Sum of counts at ranks < rank (i.e. 0..<rank).
    func prefix(_ rank: Int) -> Double {
        var sum = 0.0
        var i = rank
        while i > 0 {
            sum += tree[i]
            i -= i & -i
        }
        return sum
    }

    /// Counts strictly below, equal to, and strictly above `rank`.
    func split(_ rank: Int) -> (smaller: Double, equal: Double, greater: Double) {
        let below = prefix(rank)
        let atOrBelow = prefix(rank + 1)
        return (below, atOrBelow - below, total - atOrBelow)
    }
}
