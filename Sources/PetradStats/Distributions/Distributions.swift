import Foundation

/// The standard normal distribution, with tails computed from `erfc` so that small upper-tail
/// probabilities keep their relative accuracy (R: `pnorm`, `qnorm`).
public enum Normal {
    /// P(Z <= x) = erfc(-x / sqrt 2) / 2.
    public static func cdf(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        return 0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// P(Z > x) = erfc(x / sqrt 2) / 2, accurate far into the tail.
    public static func upperTail(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        return 0.5 * erfc(x / 2.0.squareRoot())
    }

    /// Two-sided p-value of a Wald z: 2 P(Z > |z|) (R: `2 * pnorm(-abs(z))`).
    public static func twoSidedP(_ z: Double) -> Double {
        if z.isNaN { return .nan }
        return erfc(abs(z) / 2.0.squareRoot())
    }

    /// The quantile x with P(Z <= x) = p (R: `qnorm(p)`), by bisection refined with Newton
    /// steps; -inf at p = 0, +inf at p = 1, NaN outside [0, 1].
    public static func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p > 0.5 { return -quantile(1 - p) }
        // Lower half: solve cdf(x) = p on [-40, 0].
        var low = -40.0, high = 0.0
        for _ in 0..<200 {
            let middle = 0.5 * (low + high)
            if middle == low || middle == high { break }
            if cdf(middle) < p { low = middle } else { high = middle }
        }
        var x = 0.5 * (low + high)
        for _ in 0..<3 {
            let density = exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
            guard density > 0 else { break }
            let step = (cdf(x) - p) / density
            if !step.isFinite || abs(step) > 1e-6 { break }
            x -= step
        }
        return x
    }
}

/// Regularised incomplete gamma functions P(a, x) and Q(a, x) = 1 - P(a, x), by the power
/// series for x < a + 1 and Legendre's continued fraction (modified Lentz) otherwise; the
/// prefactor x^a e^-x / Gamma(a) is formed on the log scale so tails keep relative accuracy.
public enum IncompleteGamma {
    public static func lower(_ a: Double, _ x: Double) -> Double {
        if x.isNaN || a.isNaN || a <= 0 || x < 0 { return .nan }
        if x == 0 { return 0 }
        if x.isInfinite { return 1 }
        return x < a + 1 ? series(a, x) : 1 - continuedFraction(a, x)
    }

    public static func upper(_ a: Double, _ x: Double) -> Double {
        if x.isNaN || a.isNaN || a <= 0 || x < 0 { return .nan }
        if x == 0 { return 1 }
        if x.isInfinite { return 0 }
        return x < a + 1 ? 1 - series(a, x) : continuedFraction(a, x)
    }

    private static func logPrefactor(_ a: Double, _ x: Double) -> Double {
        a * log(x) - x - lgamma(a)
    }

    private static func series(_ a: Double, _ x: Double) -> Double {
        var term = 1 / a
        var sum = term
        var ap = a
        for _ in 0..<10_000 {
            ap += 1
            term *= x / ap
            sum += term
            if abs(term) < abs(sum) * 1e-17 { break }
        }
        return sum * exp(logPrefactor(a, x))
    }

    private static func continuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-17 { break }
        }
        return exp(logPrefactor(a, x)) * h
    }
}

/// Regularised incomplete beta function I_x(a, b), by its continued fraction (modified Lentz)
/// on whichever side converges fast, prefactor on the log scale.
public enum IncompleteBeta {
    public static func regularized(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x.isNaN || a <= 0 || b <= 0 { return .nan }
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * fraction(x, a, b) / a
        }
        return 1 - exp(logFront) * fraction(1 - x, b, a) / b
    }

    /// 1 - I_x(a, b) computed without cancellation: I_{1-x}(b, a).
    public static func regularizedComplement(_ x: Double, _ a: Double, _ b: Double) -> Double {
        regularized(1 - x, b, a)
    }

    private static func fraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1..<10_000 {
            let m = Double(m)
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }
}

/// The chi-square distribution (R: `pchisq`).
public enum ChiSquare {
    /// P(X > x) for X ~ chi-square(df) = Q(df/2, x/2); for df = 1, erfc(sqrt(x/2)) directly.
    /// NaN for NaN input or df <= 0; 1 for x <= 0.
    public static func upperTail(_ x: Double, degreesOfFreedom df: Double) -> Double {
        if x.isNaN || df.isNaN || df <= 0 { return .nan }
        if x <= 0 { return 1 }
        if df == 1 { return erfc((x / 2).squareRoot()) }
        if df == 2 { return exp(-x / 2) }
        return IncompleteGamma.upper(df / 2, x / 2)
    }

    public static func cdf(_ x: Double, degreesOfFreedom df: Double) -> Double {
        if x.isNaN || df.isNaN || df <= 0 { return .nan }
        if x <= 0 { return 0 }
        return IncompleteGamma.lower(df / 2, x / 2)
    }
}

/// Student's t distribution (R: `pt`).
public enum StudentT {
    /// P(T > t) on df degrees of freedom: I_{df/(df+t^2)}(df/2, 1/2) / 2 for t >= 0.
    public static func upperTail(_ t: Double, degreesOfFreedom df: Double) -> Double {
        if t.isNaN || df.isNaN || df <= 0 { return .nan }
        if t.isInfinite { return t > 0 ? 0 : 1 }
        let x = df / (df + t * t)
        let tail: Double
        if x < 0.5 {
            tail = 0.5 * IncompleteBeta.regularized(x, df / 2, 0.5)
        } else {
            // Near t = 0: use the complement on the other variable to avoid cancellation.
            tail = 0.5 * (1 - IncompleteBeta.regularized(t * t / (df + t * t), 0.5, df / 2))
        }
        return t >= 0 ? tail : 1 - tail
    }

    public static func cdf(_ t: Double, degreesOfFreedom df: Double) -> Double {
        1 - upperTail(t, degreesOfFreedom: df)
    }

    /// Two-sided p-value 2 P(T > |t|).
    public static func twoSidedP(_ t: Double, degreesOfFreedom df: Double) -> Double {
        min(1, 2 * upperTail(abs(t), degreesOfFreedom: df))
    }
}
