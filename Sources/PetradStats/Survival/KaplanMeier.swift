import Foundation

/// How a pointwise confidence interval of S(t) is formed (R: `survfit(conf.type = ...)`).
public enum ConfidenceType: String, CaseIterable, Sendable {
    /// R's default: S exp(-/+ z se), upper bound capped at 1.
    case log
    /// On log(-log S): S^exp(-/+ z se / log S); not defined where S is 0 or 1.
    case logLog = "log-log"
    /// S -/+ z se S, clipped to [0, 1].
    case plain
}

/// A Kaplan–Meier curve laid out as R's `survfit` object: one entry per distinct time (event or
/// censoring) in ascending order.
///
///     S(t)   = prod_{t_i <= t} (1 - d_i / n_i)
///     se(t)  = sqrt(sum_{t_i <= t} d_i / (n_i (n_i - d_i)))      (Greenwood, se of -log S)
///     H(t)   = sum d_i / n_i,   se_H(t) = sqrt(sum d_i / n_i^2)   (Nelson–Aalen)
///
/// `standardError` is on R's scale (the cumulative-hazard scale, `survfit`'s `std.err`); the
/// Greenwood standard error of S itself is `survival * standardError`. Where S reaches 0,
/// `standardError` is +inf and every confidence bound is NaN (R: NA).
public struct KaplanMeierCurve: Equatable, Sendable {
    public var time: [Double] = []
    public var numberAtRisk: [Double] = []
    public var numberOfEvents: [Double] = []
    public var numberCensored: [Double] = []
    public var survival: [Double] = []
    public var standardError: [Double] = []
    public var cumulativeHazard: [Double] = []
    public var standardErrorCumulativeHazard: [Double] = []

    /// Rows used (R: `n`).
    public var n: Int = 0
    /// Total events.
    public var events: Int { Int(numberOfEvents.reduce(0, +)) }

    /// Greenwood standard error of S(t): S(t) * se(t); NaN where S = 0.
    public var standardErrorSurvival: [Double] {
        zip(survival, standardError).map { $0 == 0 ? .nan : $0 * $1 }
    }

    /// Pointwise confidence limits with R's edge rules: where se = 0 both bounds equal S
    /// (except log-log, NaN where S = 1, as R 4.2 / survival 3.5 gives); where S = 0, NaN.
    public func confidenceBounds(_ type: ConfidenceType = .log, level: Double = 0.95)
        -> (lower: [Double], upper: [Double]) {
        let z = Normal.quantile(1 - (1 - level) / 2)
        var lower = [Double](repeating: .nan, count: survival.count)
        var upper = lower
        for i in survival.indices {
            let s = survival[i], se = standardError[i]
            switch type {
            case .log:
                guard s > 0 else { continue }
                if se == 0 { lower[i] = s; upper[i] = s; continue }
                lower[i] = exp(log(s) - z * se)
                upper[i] = min(exp(log(s) + z * se), 1)
            case .logLog:
                guard s > 0, s < 1 else { continue }
                if se == 0 { lower[i] = s; upper[i] = s; continue }
                let w = z * se / log(s)
                lower[i] = exp(-exp(log(-log(s)) - w))
                upper[i] = exp(-exp(log(-log(s)) + w))
            case .plain:
                let half = se * s * z
                guard !half.isNaN else { continue }
                lower[i] = max(s - half, 0)
                upper[i] = min(s + half, 1)
            }
        }
        return (lower, upper)
    }

    /// The time at which the curve first reaches `1 - prob` (R: `quantile.survfit`), with the
    /// same rule applied to the lower and upper confidence curves. nil = not reached.
    ///
    /// Where S equals the level exactly (within sqrt(machine eps)) over a flat stretch, the
    /// answer is the midpoint between the start of the stretch and the next time the curve
    /// drops (or the last time of the curve when it never drops again).
    public func quantile(_ prob: Double, confidence type: ConfidenceType = .log,
                         level: Double = 0.95) -> KaplanMeierQuantile {
        let bounds = confidenceBounds(type, level: level)
        let x = [0] + time
        func curve(_ s: [Double]) -> [Double] { [0] + s.map { 1 - $0 } }
        return KaplanMeierQuantile(
            prob: prob,
            estimate: Self.findQuantile(x: x, y: curve(survival), p: prob),
            lower: Self.findQuantile(x: x, y: curve(bounds.lower), p: prob),
            upper: Self.findQuantile(x: x, y: curve(bounds.upper), p: prob))
    }

    /// S(t) of the step function at time t: 1 before the first time, the value of the last
    /// curve time <= t otherwise (R: `summary(fit, times = t)$surv` within the follow-up).
    public func survival(at t: Double) -> Double {
        guard let index = time.lastIndex(where: { $0 <= t }) else { return 1 }
        return survival[index]
    }

    /// Median survival time (nil = not reached).
    public var median: Double? { quantile(0.5).estimate }

    /// The quantile rule of R's `findq` on a distribution curve y(x) = 1 - S (NaN = undefined).
    static func findQuantile(x: [Double], y: [Double], p: Double) -> Double? {
        let tolerance = Double.ulpOfOne.squareRoot()
        let defined = y.filter { !$0.isNaN }
        guard let top = defined.max(), top >= p else { return nil }
        let xmax = x[x.count - 1]
        // Keep the first point of each distinct y (censorings repeat y; undefined counts once).
        var xs: [Double] = [], ys: [Double] = []
        var seenNaN = false
        var seen = Set<Double>()
        for i in y.indices {
            if y[i].isNaN {
                if seenNaN { continue }
                seenNaN = true
            } else if !seen.insert(y[i]).inserted {
                continue
            }
            xs.append(x[i])
            ys.append(y[i])
        }
        // Index of the first point whose shifted y reaches p (R: approx constant, f = 1).
        func firstReaching(_ shift: Double) -> Int? {
            var pairs: [(key: Double, index: Int)] = []
            for i in ys.indices where !ys[i].isNaN { pairs.append((ys[i] + shift, i)) }
            pairs.sort { $0.key < $1.key }
            guard let first = pairs.first, let last = pairs.last,
                  p >= first.key, p <= last.key else { return nil }
            return pairs.first { $0.key >= p }?.index
        }
        if p == 0 { return xs[0] }
        let index1 = firstReaching(tolerance)
        let index2 = firstReaching(-tolerance)
        var result: Double? = nil
        if let i1 = index1, let i2 = index2 { result = (xs[i1] + xs[i2]) / 2 }
        if let lastY = ys.last, !lastY.isNaN, abs(p - lastY) < tolerance {
            result = index1.map { (xs[$0] + xmax) / 2 }
        }
        return result
    }
}

/// One quantile of a Kaplan–Meier curve and its confidence limits; nil = not reached.
public struct KaplanMeierQuantile: Equatable, Sendable {
    /// Fraction that has had the event (0.5 = median).
    public var prob: Double
    public var estimate: Double?
    public var lower: Double?
    public var upper: Double?
}

/// Kaplan–Meier estimation (R: `survival::survfit(Surv(time, event) ~ group)`).
///
/// Not yet: case weights, (start, stop] counting-process data and the robust (cluster)
/// variance; the study's right-censored, unweighted data do not need them.
public enum KaplanMeier {
    /// The curve of all rows. Times need not be sorted; times equal up to floating-point noise
    /// are merged first (`TimeAlignment`, R's `timefix`). An empty input gives an empty curve.
    public static func fit(time: [Double], event: [Bool]) -> KaplanMeierCurve {
        precondition(time.count == event.count, "time and event differ in length")
        return fitAligned(time: TimeAlignment.aligned(time), event: event)
    }

    private static func fitAligned(time: [Double], event: [Bool]) -> KaplanMeierCurve {
        var curve = KaplanMeierCurve()
        curve.n = time.count
        let order = time.indices.sorted { time[$0] < time[$1] }
        var atRisk = Double(time.count)
        var greenwood = 0.0, hazard = 0.0, hazardVariance = 0.0, survival = 1.0
        var position = 0
        while position < order.count {
            let t = time[order[position]]
            var deaths = 0.0, censored = 0.0
            while position < order.count, time[order[position]] == t {
                if event[order[position]] { deaths += 1 } else { censored += 1 }
                position += 1
            }
            if deaths > 0 {
                survival *= (atRisk - deaths) / atRisk
                greenwood += atRisk == deaths
                    ? .infinity : deaths / (atRisk * (atRisk - deaths))
                hazard += deaths / atRisk
                hazardVariance += deaths / (atRisk * atRisk)
            }
            curve.time.append(t)
            curve.numberAtRisk.append(atRisk)
            curve.numberOfEvents.append(deaths)
            curve.numberCensored.append(censored)
            curve.survival.append(survival)
            curve.standardError.append(greenwood.squareRoot())
            curve.cumulativeHazard.append(hazard)
            curve.standardErrorCumulativeHazard.append(hazardVariance.squareRoot())
            atRisk -= deaths + censored
        }
        return curve
    }

    /// One curve per group level, levels in `levels` order when given, else in `GroupLevels`
    /// order (numeric when every value is a number, otherwise sorted text).
    public static func fit(time: [Double], event: [Bool], group: [String],
                           levels: [String]? = nil) -> [(level: String, curve: KaplanMeierCurve)] {
        precondition(time.count == group.count, "time and group differ in length")
        let order = levels ?? GroupLevels.sorted(group)
        let time = TimeAlignment.aligned(time)
        return order.map { level in
            let rows = group.indices.filter { group[$0] == level }
            return (level, fitAligned(time: rows.map { time[$0] }, event: rows.map { event[$0] }))
        }
    }
}

/// The order R gives the levels of a grouping column read from a CSV file: numeric order when
/// every value is a number, otherwise sorted text (R's `factor` default).
public enum GroupLevels {
    public static func sorted(_ values: [String]) -> [String] {
        let distinct = Array(Set(values))
        let numbers = distinct.compactMap(Double.init)
        if numbers.count == distinct.count {
            return distinct.sorted { Double($0)! < Double($1)! }
        }
        return distinct.sorted()
    }
}
