import Foundation

/// Spearman's rank correlation test (R: `cor.test(x, y, method = "spearman")`).
public struct SpearmanResult: Equatable, Sendable {
    /// Pearson correlation of the mid-ranks.
    public var rho: Double
    /// R's statistic S = (n^3 - n)(1 - rho) / 6.
    public var statistic: Double
    /// Two-sided p-value.
    public var pValue: Double
    /// Complete pairs used.
    public var n: Int
    public var hasTies: Bool
    /// True when the p-value came from algorithm AS 89 (exact for n <= 9, Edgeworth series
    /// from n = 10), false for the t approximation.
    public var exact: Bool
    /// R's warning, e.g. "Cannot compute exact p-value with ties".
    public var warning: String?
}

public enum Spearman {
    /// Spearman's rho and its two-sided p-value, as `cor.test(method = "spearman")`.
    ///
    /// Pairs where either value is NaN are left out. p-value: with `exact` (default R's:
    /// exact when n < 1290 and there are no ties) and no ties, AS 89 on S; otherwise the t
    /// approximation t = rho sqrt((n - 2) / (1 - rho^2)) on n - 2 df. Fewer than 3 pairs, or
    /// a constant column, give NaN for rho and p.
    public static func test(_ x: [Double], _ y: [Double], exact: Bool? = nil) -> SpearmanResult {
        precondition(x.count == y.count, "x and y differ in length")
        var xs: [Double] = [], ys: [Double] = []
        for i in x.indices where !x[i].isNaN && !y[i].isNaN {
            xs.append(x[i])
            ys.append(y[i])
        }
        let n = xs.count
        let rx = midRanks(xs), ry = midRanks(ys)
        let hasTies = Set(xs).count < n || Set(ys).count < n
        let rho = pearson(rx, ry)
        let nd = Double(n)
        let q = (nd * nd * nd - nd) * (1 - rho) / 6
        var useExact = exact ?? (n < 1290 && !hasTies)
        var warning: String? = nil
        if hasTies && useExact {
            useExact = false
            warning = "Cannot compute exact p-value with ties"
        }
        guard n >= 3, rho.isFinite else {
            return SpearmanResult(rho: rho, statistic: q, pValue: .nan, n: n, hasTies: hasTies,
                                  exact: false, warning: warning)
        }
        let exactUsed = useExact && n <= 1290
        func tail(_ q: Double, lower: Bool) -> Double {
            if exactUsed {
                return upperTailAS89(q.rounded() + (lower ? 2 : 0), n: n, lower: lower)
            }
            let den = nd * (nd * nd - 1) / 6
            let r = 1 - q / den
            let t = r / ((1 - r * r) / (nd - 2)).squareRoot()
            let upper = StudentT.upperTail(t, degreesOfFreedom: nd - 2)
            return lower ? upper : 1 - upper
        }
        let one = q > (nd * nd * nd - nd) / 6 ? tail(q, lower: false) : tail(q, lower: true)
        return SpearmanResult(rho: rho, statistic: q, pValue: min(2 * one, 1), n: n,
                              hasTies: hasTies, exact: exactUsed, warning: warning)
    }

    /// Mid-ranks (1-based; ties get the mean of their ranks).
    static func midRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for k in start...end { ranks[order[k]] = rank }
            start = end + 1
        }
        return ranks
    }

    static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            sab += (a[i] - ma) * (b[i] - mb)
            saa += (a[i] - ma) * (a[i] - ma)
            sbb += (b[i] - mb) * (b[i] - mb)
        }
        return sab / (saa * sbb).squareRoot()
    }

    /// Algorithm AS 89 (Best and Roberts 1975) as R's `prho`: P(S >= s) for Spearman's S with
    /// n distinct ranks, by enumerating all n! permutations for n <= 9 and by an Edgeworth
    /// series from n = 10; `lower` returns 1 minus that.
    static func upperTailAS89(_ s: Double, n: Int, lower: Bool) -> Double {
        let nd = Double(n)
        let maximum = nd * (nd * nd - 1) / 3
        var upper: Double
        if s <= 0 {
            upper = 1
        } else if s > maximum {
            upper = 0
        } else if n <= 9 {
            var permutation = Array(1...n)
            var count = 0, total = 0
            func visit() {
                var sum = 0
                for i in 0..<n {
                    let d = i + 1 - permutation[i]
                    sum += d * d
                }
                total += 1
                if s <= Double(sum) { count += 1 }
            }
            // Heap's algorithm.
            var c = [Int](repeating: 0, count: n)
            visit()
            var i = 0
            while i < n {
                if c[i] < i {
                    if i % 2 == 0 { permutation.swapAt(0, i) } else { permutation.swapAt(c[i], i) }
                    visit()
                    c[i] += 1
                    i = 0
                } else {
                    c[i] = 0
                    i += 1
                }
            }
            upper = Double(count) / Double(total)
        } else {
            let (c1, c2, c3, c4, c5, c6) = (0.2274, 0.2531, 0.1745, 0.0758, 0.1033, 0.3932)
            let (c7, c8, c9, c10, c11, c12) = (0.0879, 0.0151, 0.0072, 0.0831, 0.0131, 4.6e-4)
            let b = 1 / nd
            let x = (6 * (s - 1) * b / (nd * nd - 1) - 1) * (1 / b - 1).squareRoot()
            var y = x * x
            let u = x * b * (c1 + b * (c2 + c3 * b) + y * (-c4 + b * (c5 + c6 * b)
                - y * b * (c7 + c8 * b - y * (c9 - c10 * b + y * b * (c11 - c12 * y)))))
            y = u / exp(y / 2)
            upper = min(max(y + Normal.upperTail(x), 0), 1)
        }
        return lower ? 1 - upper : upper
    }
}
