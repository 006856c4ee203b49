import Foundation

/// Settings of an elastic-net Cox fit, with glmnet 4.1-6's defaults.
public struct CoxNetSettings: Sendable, Equatable, Codable {
    /// Elastic-net mixing: penalty = lambda * (alpha * |b|_1 + (1 - alpha)/2 * |b|_2^2);
    /// 1 = LASSO (glmnet's default), 0 = ridge.
    public var alpha: Double = 1
    /// Length of the automatic lambda sequence (`nlambda`).
    public var lambdaCount: Int = 100
    /// Smallest lambda as a fraction of lambda_max (`lambda.min.ratio`); nil = glmnet's default,
    /// 0.01 when there are fewer patients than features, else 1e-4.
    public var lambdaMinRatio: Double? = nil
    /// A user lambda sequence (sorted decreasing before use); nil = automatic. With a user
    /// sequence glmnet never stops the path early.
    public var lambdas: [Double]? = nil
    /// Standardise each feature to mean 0 and population SD 1 (denominator n) before fitting;
    /// coefficients are returned on the original scale either way (`standardize`).
    public var standardize: Bool = true
    /// Convergence threshold `thresh`: coordinate descent stops when no coefficient moves by
    /// more than thresh x null deviance / (2n) on the weighted squared scale.
    public var threshold: Double = 1e-7
    /// Total coordinate-descent passes over the whole path (`maxit`); beyond it the path ends.
    public var maxPasses: Int = 100_000
    /// `glmnet.control(fdev)`: the path stops when the fraction of deviance explained grew by
    /// less than 100 x fdev over the last `minLambdas - 1` lambdas (the coxnet solver scales
    /// fdev by 100).
    public var fractionDevianceStop: Double = 1e-5
    /// `glmnet.control(mnlam)`: minimum number of lambdas before an early stop.
    public var minLambdas: Int = 5

    public init() {}

    /// glmnet's default `lambda.min.ratio` for n patients and p features.
    public func resolvedLambdaMinRatio(patients n: Int, features p: Int) -> Double {
        lambdaMinRatio ?? (n < p ? 1e-2 : 1e-4)
    }
}

/// How a Cox-LASSO path ended.
public enum CoxNetPathEnd: Sendable, Equatable {
    /// Every requested lambda was fitted.
    case allLambdas
    /// glmnet's deviance rule stopped the path: the fraction of deviance explained grew too
    /// little, or passed 0.99 (no warning in R).
    case devianceStop
    /// The pass budget `maxPasses` ran out at this lambda (1-based; glmnet warning -k,
    /// "convergence for kth lambda value not reached"); the path holds the lambdas before it.
    case maxPasses(lambdaIndex: Int)
    /// A non-positive Hessian weight at this lambda (glmnet warning -30000-k); the path holds
    /// the lambdas before it.
    case numericalError(lambdaIndex: Int)
}

/// A fitted elastic-net Cox path: the coefficients at each lambda, on the features' original
/// scale, as `glmnet(x, Surv(time, event), family = "cox")` returns them.
public struct CoxNetPath: Sendable {
    /// Decreasing lambdas. With the automatic sequence the first is lambda_max, computed as
    /// glmnet's `fix.lam` does (exp(2 log l2 - log l3)).
    public let lambdas: [Double]
    public let featureNames: [String]
    /// Coefficients, lambda by lambda: `coefficients[l * featureCount + j]`.
    public let coefficients: [Double]
    /// Fraction of the null deviance explained at each lambda (`dev.ratio`).
    public let devianceRatio: [Double]
    /// Null deviance 2 (saturated - null) Breslow partial log-likelihood (`nulldev`).
    public let nullDeviance: Double
    /// Coordinate-descent passes used (`npasses`).
    public let passes: Int
    public let end: CoxNetPathEnd
    /// Feature means and the standardising SDs (population SD; 1 when not standardised).
    public let centers: [Double]
    public let scales: [Double]

    public var featureCount: Int { featureNames.count }

    public func coefficients(at index: Int) -> ArraySlice<Double> {
        coefficients[(index * featureCount)..<((index + 1) * featureCount)]
    }

    /// Number of non-zero coefficients at each lambda (`df`).
    public var nonzeroCounts: [Int] {
        (0..<lambdas.count).map { l in coefficients(at: l).reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
    }

    /// Coefficients at any lambda `s`, as `predict(fit, s = s, type = "coefficients")` gives
    /// them: linear interpolation in lambda between the two neighbouring path lambdas; above
    /// the first lambda the first solution, below the last lambda the last solution.
    public func interpolatedCoefficients(atLambda s: Double) -> [Double] {
        let p = featureCount
        let k = lambdas.count
        if k == 1 { return Array(coefficients(at: 0)) }
        let top = lambdas[0]
        let span = top - lambdas[k - 1]
        // glmnet's lambda.interp works on the normalised scale (top - lambda) / span.
        let normalised = lambdas.map { (top - $0) / span }
        var target = (top - s) / span
        target = min(max(target, normalised[0]), normalised[k - 1])
        // R's approx(): bisection for normalised[i] <= target <= normalised[j].
        var i = 0
        var j = k - 1
        while i < j - 1 {
            let middle = (i + j) / 2
            if target < normalised[middle] { j = middle } else { i = middle }
        }
        let left: Int
        let right: Int
        if target == normalised[j] {
            left = j; right = j
        } else if target == normalised[i] {
            left = i; right = i
        } else {
            let coordinate = Double(i) + (target - normalised[i]) / (normalised[j] - normalised[i])
            left = Int(coordinate.rounded(.down))
            right = Int(coordinate.rounded(.up))
        }
        var fraction = 1.0
        if left != right && abs(normalised[left] - normalised[right]) >= Double.ulpOfOne {
            fraction = (target - normalised[right]) / (normalised[left] - normalised[right])
        }
        let a = coefficients(at: left)
        let b = coefficients(at: right)
        return (0..<p).map { fraction * a[a.startIndex + $0] + (1 - fraction) * b[b.startIndex + $0] }
    }
}

/// Elastic-net penalised Cox regression by cyclic coordinate descent, the algorithm of R's
/// glmnet (`family = "cox"`, the compiled coxnet solver of glmnet 4.1-6).
///
/// Maximises, over a decreasing sequence of lambdas with warm starts,
/// ```
/// (1/n) log PL_Breslow(b) - lambda * sum_j (alpha |b_j| + (1 - alpha)/2 b_j^2)
/// ```
/// on standardised features. Each outer step replaces the log partial likelihood by its
/// quadratic approximation with the diagonal Hessian w_i and working residual wr_i, then updates
/// one coefficient at a time by soft-thresholding
/// `b_j = S(b_j v_j + <wr, x_j>, alpha lambda) / (v_j + (1 - alpha) lambda)`, v_j = <w, x_j^2>;
/// features enter through the sequential strong rule and a KKT check. Lambda_max =
/// max_j |<wr0, x_j>| / max(alpha, 0.001) with the null-model residuals wr0.
///
/// Reference: Simon N, Friedman J, Hastie T, Tibshirani R (2011). Regularization paths for
/// Cox's proportional hazards model via coordinate descent. J Stat Softw 39(5).
public enum CoxNet {
    /// glmnet.control() constants as the coxnet solver reads them.
    static let big = 9.9e35
    static let minFlmin = 1e-6
    /// `devmax * 0.99 / 0.999` with glmnet's single-precision literals.
    static let devianceMax = Double(Float(0.999)) * Double(Float(0.99)) / Double(Float(0.999))

    /// Fits the whole lambda path.
    ///
    /// - Throws: `InputError` when times are not positive, no feature varies, or there are too
    ///   few events (glmnet's fatal errors 7777 and 30000).
    public static func fit(_ x: FeatureMatrix, _ y: TimeToEvent,
                           settings: CoxNetSettings = CoxNetSettings()) throws -> CoxNetPath {
        let n = x.rowCount
        let p = x.columnCount
        guard y.count == n else {
            throw InputError(file: "", field: "time/event", value: "\(y.count) rows",
                             "the outcome has a different number of rows from the features (\(n))")
        }
        guard n >= 2, p >= 1 else {
            throw InputError(file: "", field: "features", value: "\(n) x \(p)",
                             "LASSO-Cox needs at least 2 patients and 1 feature")
        }
        if let bad = y.time.firstIndex(where: { !($0 > 0) }) {
            throw InputError(file: "", field: "time, row \(bad + 1)",
                             value: formatNumber(y.time[bad]),
                             "survival times must be positive for the Cox model (glmnet rule)")
        }
        guard settings.alpha >= 0 && settings.alpha <= 1 else {
            throw InputError(file: "", field: "alpha", value: formatNumber(settings.alpha),
                             "the elastic-net mixing parameter must be between 0 and 1")
        }
        let flmin: Double
        var lambdaCount = settings.lambdaCount
        var userLambdas: [Double] = []
        if let given = settings.lambdas {
            guard !given.isEmpty, given.allSatisfy({ $0 >= 0 }) else {
                throw InputError(file: "", field: "lambda", "lambdas must be non-negative")
            }
            userLambdas = given.sorted(by: >)
            lambdaCount = userLambdas.count
            flmin = 1
        } else {
            flmin = settings.resolvedLambdaMinRatio(patients: n, features: p)
            guard flmin < 1, flmin > 0 else {
                throw InputError(file: "", field: "lambda.min.ratio", value: formatNumber(flmin),
                                 "must be between 0 and 1")
            }
            guard lambdaCount >= 2 else {
                throw InputError(file: "", field: "nlambda", value: "\(lambdaCount)",
                                 "needs at least 2 lambdas")
            }
        }
        guard let riskSets = CoxRiskSets(time: y.time, event: y.event) else {
            throw InputError(file: "", field: "event", value: "\(y.eventCount) events",
                             "too few events for a Cox fit (glmnet: initialization numerical "
                             + "error; probably too many censored observations)")
        }

        // Standardise (glmnet's cstandard): weights q = 1/n, population moments.
        let q = 1.0 / Double(n)
        var xs = x.values
        var varies = [Bool](repeating: false, count: p)
        var centers = [Double](repeating: 0, count: p)
        var scales = [Double](repeating: 1, count: p)
        for j in 0..<p {
            let base = j * n
            let first = xs[base]
            for i in 1..<n where xs[base + i] != first {
                varies[j] = true
                break
            }
            guard varies[j] else { continue }
            var mean = 0.0
            for i in 0..<n { mean += q * xs[base + i] }
            centers[j] = mean
            for i in 0..<n { xs[base + i] -= mean }
            if settings.standardize {
                var s = 0.0
                for i in 0..<n { s += q * (xs[base + i] * xs[base + i]) }
                s = s.squareRoot()
                scales[j] = s
                for i in 0..<n { xs[base + i] /= s }
            }
        }
        guard varies.contains(true) else {
            throw InputError(file: "", field: "features", value: "all constant",
                             "every feature has one value for all patients; nothing to fit")
        }

        let solver = CoxNetSolver(n: n, p: p, x: xs, varies: varies, riskSets: riskSets,
                                  event: y.event, q: q)
        let result = try solver.run(alpha: settings.alpha, lambdaCount: lambdaCount,
                                    flmin: flmin, userLambdas: userLambdas,
                                    threshold: settings.threshold, maxPasses: settings.maxPasses,
                                    fdev: settings.fractionDevianceStop,
                                    minLambdas: settings.minLambdas)
        guard !result.lambdas.isEmpty else {
            throw InputError(file: "", field: "lambda", value: "1",
                             "the Cox-LASSO fit failed at the first lambda (\(result.end))")
        }
        var lambdas = result.lambdas
        if settings.lambdas == nil && lambdas.count > 2 {
            lambdas[0] = exp(2 * log(lambdas[1]) - log(lambdas[2]))
        }
        var coefficients = result.coefficients
        for l in 0..<lambdas.count {
            for j in 0..<p where coefficients[l * p + j] != 0 {
                coefficients[l * p + j] /= scales[j]
            }
        }
        return CoxNetPath(lambdas: lambdas, featureNames: x.names, coefficients: coefficients,
                          devianceRatio: result.devianceRatio,
                          nullDeviance: 2 * Double(n) * result.nullDevianceOverTwoN,
                          passes: result.passes, end: result.end, centers: centers,
                          scales: scales)
    }
}

/// The working state of one coxnet path fit (standardised features, quadratic-approximation
/// weights, coefficients, active set).
struct CoxNetSolver {
    struct Result {
        var lambdas: [Double] = []
        var coefficients: [Double] = []
        var devianceRatio: [Double] = []
        var nullDevianceOverTwoN = 0.0
        var passes = 0
        var end = CoxNetPathEnd.allLambdas
    }

    let n: Int
    let p: Int
    let x: [Double]
    let varies: [Bool]
    let riskSets: CoxRiskSets
    /// Event indicator times q (glmnet's dq).
    let dq: [Double]
    let dk: [Double]
    let q: Double

    init(n: Int, p: Int, x: [Double], varies: [Bool], riskSets: CoxRiskSets, event: [Bool],
         q: Double) {
        self.n = n
        self.p = p
        self.x = x
        self.varies = varies
        self.riskSets = riskSets
        self.q = q
        let dq = event.map { $0 ? q : 0 }
        self.dq = dq
        self.dk = dq.withUnsafeBufferPointer { riskSets.groupSums($0.baseAddress!) }
    }

    /// log partial likelihood part sum(dq f) - sum(dk log u_k) (glmnet's `risk`).
    func risk(f: UnsafePointer<Double>, e: UnsafePointer<Double>,
              u: UnsafeMutablePointer<Double>) -> Double {
        riskSets.riskSums(e, into: u)
        var first = 0.0
        for i in 0..<n { first += dq[i] * f[i] }
        var second = 0.0
        for k in 0..<riskSets.groupCount { second += dk[k] * log(u[k]) }
        return first - second
    }

    /// Diagonal Hessian weights w and working residuals wr of the quadratic approximation at
    /// the current e = q exp(f) (glmnet's `outer`); false when a weight is not positive.
    func outer(e: UnsafePointer<Double>, w: UnsafeMutablePointer<Double>,
               wr: UnsafeMutablePointer<Double>, u: UnsafeMutablePointer<Double>) -> Bool {
        riskSets.riskSums(e, into: u)
        var b = 0.0
        var c = 0.0
        var position = 0
        let order = riskSets.order
        for k in 0..<riskSets.groupCount {
            if k == 0 {
                b = dk[0] / u[0]
                c = dk[0] / (u[0] * u[0])
            } else {
                b += dk[k] / u[k]
                c += dk[k] / (u[k] * u[k])
            }
            while position < riskSets.groupEnd[k] {
                let i = order[position]
                w[i] = e[i] * (b - e[i] * c)
                if !(w[i] > 0) { return false }
                wr[i] = dq[i] - e[i] * b
                position += 1
            }
        }
        return true
    }

    func run(alpha: Double, lambdaCount: Int, flmin: Double, userLambdas: [Double],
                      threshold: Double, maxPasses: Int, fdev: Double,
                      minLambdas: Int) throws -> Result {
        var result = Result()
        let n = self.n
        let p = self.p
        let fmax = log(Double.greatestFiniteMagnitude * Double(Float(0.1)))
        let sml = fdev * 100
        let mnl = min(minLambdas, lambdaCount)

        let w = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let wr = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let f = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let e = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let u = UnsafeMutablePointer<Double>.allocate(capacity: max(1, riskSets.groupCount))
        defer {
            w.deallocate(); wr.deallocate(); f.deallocate(); e.deallocate(); u.deallocate()
        }
        w.initialize(repeating: 0, count: n)
        wr.initialize(repeating: 0, count: n)
        f.initialize(repeating: 0, count: n)
        e.initialize(repeating: q, count: n)

        let r0 = risk(f: f, e: e, u: u)
        var dkLogDk = 0.0
        for k in 0..<riskSets.groupCount { dkLogDk += dk[k] * log(dk[k]) }
        let rr = -(dkLogDk + r0)
        result.nullDevianceOverTwoN = rr
        guard outer(e: e, w: w, wr: wr, u: u) else {
            result.end = .numericalError(lambdaIndex: 0)
            return result
        }

        var alf = 1.0
        if flmin < 1 {
            // glmnet computes the exponent 1/(nlam - 1) in single precision.
            alf = pow(max(CoxNet.minFlmin, flmin), Double(Float(1) / Float(lambdaCount - 1)))
        }
        let cthr = threshold * rr
        let oma = 1 - alpha

        let a = UnsafeMutablePointer<Double>.allocate(capacity: p)
        let saved = UnsafeMutablePointer<Double>.allocate(capacity: p)
        let v = UnsafeMutablePointer<Double>.allocate(capacity: p)
        a.initialize(repeating: 0, count: p)
        saved.initialize(repeating: 0, count: p)
        v.initialize(repeating: 0, count: p)
        defer { a.deallocate(); saved.deallocate(); v.deallocate() }
        var ga = [Double](repeating: 0, count: p)
        var strong = [Bool](repeating: false, count: p)
        var isActive = [Bool](repeating: false, count: p)
        var active: [Int] = []
        var passes = 0
        var lambda = 0.0

        return x.withUnsafeBufferPointer { xBuffer -> Result in
            let xp = xBuffer.baseAddress!
            func dot(_ vector: UnsafePointer<Double>, _ j: Int) -> Double {
                dotProduct(vector, xp + j * n, n)
            }
            for j in 0..<p where varies[j] { ga[j] = abs(dot(wr, j)) }

            lambdaLoop: for ilm in 0..<lambdaCount {
                var previous = lambda
                if flmin >= 1 {
                    lambda = userLambdas[ilm]
                } else if ilm >= 2 {
                    lambda *= alf
                } else if ilm == 0 {
                    lambda = CoxNet.big
                } else {
                    previous = 0
                    for j in 0..<p where varies[j] { previous = max(previous, ga[j]) }
                    previous /= max(alpha, 1e-3)
                    lambda = alf * previous
                }
                let sa = alpha * lambda
                let omal = oma * lambda
                let strongBound = alpha * (2 * lambda - previous)
                for k in 0..<p where !strong[k] && varies[k] && ga[k] > strongBound {
                    strong[k] = true
                }

                // One coordinate update; returns v_j * change^2.
                func update(_ j: Int) -> Double {
                    let uj = a[j] * v[j] + dot(wr, j)
                    var updated = 0.0
                    if abs(uj) > sa {
                        let magnitude = abs(uj) - sa
                        updated = (uj < 0 ? -magnitude : magnitude) / (v[j] + omal)
                    }
                    if updated == a[j] { return 0 }
                    let change = updated - a[j]
                    a[j] = updated
                    let column = xp + j * n
                    for i in 0..<n { wr[i] -= change * w[i] * column[i] }
                    if !isActive[j] {
                        isActive[j] = true
                        active.append(j)
                    }
                    return v[j] * (change * change)
                }

                quadratic: while true {
                    if passes > maxPasses {
                        result.end = .maxPasses(lambdaIndex: ilm + 1)
                        break lambdaLoop
                    }
                    for k in active { saved[k] = a[k] }
                    for j in 0..<p where strong[j] {
                        let column = xp + j * n
                        var s = 0.0
                        for i in 0..<n { s += w[i] * (column[i] * column[i]) }
                        v[j] = s
                    }
                    fullPasses: while true {
                        passes += 1
                        var largest = 0.0
                        for j in 0..<p where strong[j] { largest = max(largest, update(j)) }
                        if largest < cthr { break fullPasses }
                        if passes > maxPasses {
                            result.end = .maxPasses(lambdaIndex: ilm + 1)
                            break lambdaLoop
                        }
                        while true {
                            passes += 1
                            largest = 0
                            for j in active { largest = max(largest, update(j)) }
                            if largest < cthr { break }
                            if passes > maxPasses {
                                result.end = .maxPasses(lambdaIndex: ilm + 1)
                                break lambdaLoop
                            }
                        }
                    }

                    // New quadratic approximation at the updated linear predictor.
                    for i in 0..<n { f[i] = 0 }
                    for j in active where a[j] != 0 {
                        let column = xp + j * n
                        let aj = a[j]
                        for i in 0..<n { f[i] += aj * column[i] }
                    }
                    for i in 0..<n {
                        let clamped = min(abs(f[i]), fmax)
                        e[i] = q * exp(f[i] < 0 ? -clamped : clamped)
                    }
                    guard outer(e: e, w: w, wr: wr, u: u) else {
                        result.end = .numericalError(lambdaIndex: ilm + 1)
                        break lambdaLoop
                    }
                    var moved = false
                    for k in active {
                        let change = a[k] - saved[k]
                        if v[k] * (change * change) >= cthr {
                            moved = true
                            break
                        }
                    }
                    if !moved {
                        for k in 0..<p where !strong[k] && varies[k] {
                            ga[k] = abs(dot(wr, k))
                            if ga[k] > sa {
                                strong[k] = true
                                moved = true
                            }
                        }
                        if !moved { break quadratic }
                    }
                }

                result.lambdas.append(lambda)
                result.coefficients.append(contentsOf: UnsafeBufferPointer(start: a, count: p))
                let deviance = (risk(f: f, e: e, u: u) - r0) / rr
                result.devianceRatio.append(deviance)
                if ilm + 1 < mnl || flmin >= 1 { continue }
                let earlier = result.devianceRatio[ilm - mnl + 1]
                if (deviance - earlier) / deviance < sml { result.end = .devianceStop; break }
                if deviance > CoxNet.devianceMax { result.end = .devianceStop; break }
            }
            result.passes = passes
            return result
        }
    }
}

/// Sum of a[i] * b[i] with four running sums (so that the compiler can use vector registers);
/// the order of additions differs from a plain loop only in the last bits.
@inline(__always)
func dotProduct(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var i = 0
    while i + 4 <= n {
        s0 += a[i] * b[i]
        s1 += a[i + 1] * b[i + 1]
        s2 += a[i + 2] * b[i + 2]
        s3 += a[i + 3] * b[i + 3]
        i += 4
    }
    while i < n {
        s0 += a[i] * b[i]
        i += 1
    }
    return (s0 + s1) + (s2 + s3)
}
