import Foundation

/// How tied event times enter the Cox partial likelihood (R: `coxph(ties = ...)`).
public enum CoxTies: String, CaseIterable, Sendable {
    /// Efron's approximation, R's default.
    case efron
    /// Breslow's approximation.
    case breslow
    /// The exact (discrete, conditional logistic) partial likelihood: the deaths at a time
    /// against every subset of the same size of the risk set (R: `ties = "exact"`).
    case exact
}

/// A model-level test: statistic, degrees of freedom, upper-tail chi-square p.
public struct CoxTest: Equatable, Sendable {
    public var statistic: Double
    public var degreesOfFreedom: Int
    public var pValue: Double
}

/// A coefficient the fit cannot estimate, and why.
public struct CoxNotEstimable: Equatable, Sendable {
    public var index: Int
    public var name: String
    public var reason: String
}

/// A fitted Cox proportional-hazards model (R: `coxph`, `summary.coxph`).
///
/// Coefficients of a monotone likelihood (R's warning "Loglik converged before variable k;
/// coefficient may be infinite") keep the value where the iterations stopped, as R prints
/// them, but are listed in `notEstimable`; their hazard ratio should be reported as not
/// estimable, never as a number. Coefficients of redundant (collinear) columns are NaN.
public struct CoxFit: Equatable, Sendable {
    public var names: [String]
    public var coefficients: [Double]
    /// Model-based variance matrix (inverse information), row-major.
    public var variance: [Double]
    public var ties: CoxTies
    /// Rows used and events among them.
    public var n: Int
    public var events: Int
    public var logLikelihoodNull: Double
    public var logLikelihood: Double
    public var iterations: Int
    /// False when the iteration limit was reached (R: "Ran out of iterations").
    public var converged: Bool
    public var likelihoodRatio: CoxTest
    public var wald: CoxTest
    /// Score (log-rank) test at beta = 0.
    public var score: CoxTest
    /// Harrell's C of the linear predictor (higher risk = shorter survival), R's
    /// `summary(coxph)$concordance`.
    public var concordance: ConcordanceResult
    public var notEstimable: [CoxNotEstimable]
    /// R's warning texts, e.g. `Loglik converged before variable  1 ; coefficient may be
    /// infinite. `.
    public var warnings: [String]
    /// Linear predictor per row (centred as R centres it).
    public var linearPredictor: [Double]
    public var stratified: Bool

    public var standardErrors: [Double] {
        names.indices.map { variance[$0 * names.count + $0].squareRoot() }
    }
    public var hazardRatios: [Double] { coefficients.map { exp($0) } }
    public var z: [Double] { zip(coefficients, standardErrors).map { $0 / $1 } }
    /// Two-sided Wald p-values, 2 P(Z > |z|).
    public var pValues: [Double] { z.map(Normal.twoSidedP) }

    /// Wald interval of each coefficient, coef -/+ z se (exponentiate for the hazard ratio).
    public func confidenceIntervals(level: Double = 0.95) -> (lower: [Double], upper: [Double]) {
        let q = Normal.quantile(1 - (1 - level) / 2)
        let se = standardErrors
        return (zip(coefficients, se).map { $0 - q * $1 }, zip(coefficients, se).map { $0 + q * $1 })
    }

    public func isEstimable(_ index: Int) -> Bool {
        !notEstimable.contains { $0.index == index } && !coefficients[index].isNaN
    }
}

/// Cox proportional-hazards regression by Newton–Raphson, following R's `coxph` (survival
/// 3.5, `coxfit6`): covariates centred, and scaled by n / sum |x - mean| unless they only take
/// the values -1, 0, 1; step halving whenever the log-likelihood falls or is not finite;
/// converged when |1 - l_old / l_new| <= eps (1e-9); at most 20 iterations.
///
/// Efron's partial likelihood for deaths D at a time with risk set R, d = |D|:
///
///     l = sum_D x_i b - sum_{k=0}^{d-1} log( sum_R e^{x b} - (k/d) sum_D e^{x b} )
///
/// (Breslow: the subtracted term is absent.) The score test is at beta = 0, the Wald test is
/// b' V^-1 b, the likelihood-ratio test 2 (l(b) - l(0)).
///
/// Not yet: case weights, offsets, (start, stop] data, robust (cluster) variance and
/// time-dependent terms; the study's models do not use them.
public enum CoxModel {
    /// - Parameters:
    ///   - covariates: one array per column, each as long as `time`.
    ///   - names: one name per column.
    ///   - strata: optional stratum label per row (R: `+ strata(s)`).
    public static func fit(time: [Double], event: [Bool], covariates: [[Double]],
                           names: [String], strata: [String]? = nil, ties: CoxTies = .efron,
                           maxIterations: Int = 20, epsilon: Double = 1e-9) throws -> CoxFit {
        let n = time.count
        let p = covariates.count
        guard event.count == n, covariates.allSatisfy({ $0.count == n }), names.count == p,
              strata.map({ $0.count == n }) ?? true else {
            throw InputError(file: "cox", field: "columns",
                             "time, event, strata and every covariate must have the same length, "
                             + "with one name per covariate")
        }
        guard p > 0 else {
            throw InputError(file: "cox", field: "covariates", "a Cox model needs a covariate")
        }
        guard n > 0, event.contains(true) else {
            throw InputError(file: "cox", field: "event", value: "no events",
                             "a Cox model needs at least one event")
        }
        for (c, column) in covariates.enumerated() {
            if let row = column.firstIndex(where: { !$0.isFinite }) {
                throw InputError(file: "cox", field: "\(names[c]), row \(row + 1)",
                                 value: "\(column[row])", "is not a finite number")
            }
        }

        let time = TimeAlignment.aligned(time)
        // Sort by stratum, then time (stable), as coxph does.
        let strataKeys = strata ?? [String](repeating: "", count: n)
        let order = (0..<n).sorted {
            if strataKeys[$0] != strataKeys[$1] { return strataKeys[$0] < strataKeys[$1] }
            if time[$0] != time[$1] { return time[$0] < time[$1] }
            return $0 < $1
        }
        var problem = CoxProblem(n: n, p: p, ties: ties)
        for (position, row) in order.enumerated() {
            problem.time[position] = time[row]
            problem.status[position] = event[row]
            problem.lastInStratum[position] = position == n - 1
                || strataKeys[order[position + 1]] != strataKeys[row]
        }
        var means = [Double](repeating: 0, count: p)
        var scale = [Double](repeating: 1, count: p)
        for c in 0..<p {
            let column = covariates[c]
            let zeroOne = column.allSatisfy { $0 == 0 || $0 == 1 || $0 == -1 }
            if !zeroOne {
                let mean = column.reduce(0, +) / Double(n)
                means[c] = mean
                if ties == .exact {
                    // coxexact.fit: R's scale(), centre and divide by the sample sd.
                    let ss = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
                    let sd = n > 1 ? (ss / Double(n - 1)).squareRoot() : 0
                    scale[c] = sd > 0 ? 1 / sd : 1
                } else {
                    let spread = column.reduce(0) { $0 + abs($1 - mean) }
                    scale[c] = spread > 0 ? Double(n) / spread : 1
                }
            }
            for (position, row) in order.enumerated() {
                problem.x[position * p + c] = (column[row] - means[c]) * scale[c]
            }
        }

        let newton = ties == .exact
            ? problem.newtonExact(maxIterations: maxIterations, epsilon: epsilon)
            : problem.newton(maxIterations: maxIterations, epsilon: epsilon)
        let beta = newton.beta, final = newton.final, factor = newton.factor
        let loglikNull = newton.loglikNull, bestLoglik = newton.loglik
        let scoreTest = newton.scoreTest, iterations = newton.iterations
        let converged = newton.converged

        // Back to the original scale.
        let scaledVariance = factor.inverse()
        var coefficients = [Double](repeating: 0, count: p)
        var variance = [Double](repeating: 0, count: p * p)
        var score = [Double](repeating: 0, count: p)
        for i in 0..<p {
            coefficients[i] = beta[i] * scale[i]
            score[i] = final.score[i] / scale[i]
            for j in 0..<p { variance[i * p + j] = scaledVariance[i * p + j] * scale[i] * scale[j] }
        }
        var notEstimable: [CoxNotEstimable] = []
        var warnings: [String] = []
        for i in 0..<p where factor.singular[i] {
            coefficients[i] = .nan
            notEstimable.append(CoxNotEstimable(
                index: i, name: names[i],
                reason: "column is a linear combination of the others (or constant) among the "
                    + "rows used: its coefficient is not identifiable"))
        }
        if !converged {
            warnings.append("Ran out of iterations and did not converge")
        } else {
            // R's rule: |u V| > eps and > sqrt(eps) |beta| (coxexact.fit: on the scaled scale).
            var infinite: [Int] = []
            let exact = ties == .exact
            for j in 0..<p where !factor.singular[j] {
                var s = 0.0
                for i in 0..<p {
                    s += exact ? final.score[i] * scaledVariance[i * p + j]
                        : score[i] * variance[i * p + j]
                }
                let size = abs(s)
                let coefficient = exact ? beta[j] : coefficients[j]
                if !score[j].isFinite || (size > epsilon && size > epsilon.squareRoot()
                                          * abs(coefficient)) {
                    infinite.append(j)
                }
            }
            if !infinite.isEmpty {
                warnings.append("Loglik converged before variable  "
                                + infinite.map { String($0 + 1) }.joined(separator: ",")
                                + (exact ? " ; beta may be infinite. "
                                   : " ; coefficient may be infinite. "))
                for j in infinite {
                    notEstimable.append(CoxNotEstimable(
                        index: j, name: names[j],
                        reason: "monotone likelihood: the partial likelihood keeps rising as the "
                            + "coefficient grows without bound (the covariate separates the "
                            + "events), so the hazard ratio is infinite or zero; R warns "
                            + "\"Loglik converged before variable \(j + 1); coefficient may be "
                            + "infinite\""))
                }
            }
        }
        if !converged {
            let listed = Set(notEstimable.map(\.index))
            for j in 0..<p where !factor.singular[j] && !listed.contains(j) {
                notEstimable.append(CoxNotEstimable(
                    index: j, name: names[j],
                    reason: "Newton–Raphson did not converge in \(maxIterations) iterations"))
            }
        }
        notEstimable.sort { $0.index < $1.index }

        let estimated = (0..<p).filter { !factor.singular[$0] }
        let df = estimated.count
        let lr = 2 * (bestLoglik - loglikNull)
        var waldStatistic = 0.0
        if df > 0 {
            var sub = [Double](repeating: 0, count: df * df)
            for (a, i) in estimated.enumerated() {
                for (b, j) in estimated.enumerated() { sub[a * df + b] = variance[i * p + j] }
            }
            let b = estimated.map { coefficients[$0] }
            let solved = SymmetricFactor(sub, size: df).solve(b)
            waldStatistic = zip(solved, b).reduce(0) { $0 + $1.0 * $1.1 }
        }
        func test(_ statistic: Double) -> CoxTest {
            CoxTest(statistic: statistic, degreesOfFreedom: df,
                    pValue: ChiSquare.upperTail(statistic, degreesOfFreedom: Double(df)))
        }

        // Linear predictor per original row: x b - sum(b * mean) over the centred columns.
        var offset = 0.0
        for i in estimated { offset += coefficients[i] * means[i] }
        var linearPredictor = [Double](repeating: -offset, count: n)
        for row in 0..<n {
            var sum = 0.0
            for i in estimated { sum += covariates[i][row] * coefficients[i] }
            linearPredictor[row] = sum - offset
        }
        let concordance = Concordance.harrellAligned(time: time, event: event, score: linearPredictor,
                                              strata: strata, reverse: true)
        return CoxFit(
            names: names, coefficients: coefficients, variance: variance, ties: ties, n: n,
            events: event.filter { $0 }.count, logLikelihoodNull: loglikNull,
            logLikelihood: bestLoglik, iterations: iterations, converged: converged,
            likelihoodRatio: test(lr), wald: test(waldStatistic), score: test(scoreTest),
            concordance: concordance, notEstimable: notEstimable, warnings: warnings,
            linearPredictor: linearPredictor, stratified: strata != nil)
    }
}

/// The sorted, centred and scaled data of one Cox fit, and the partial likelihood with its
/// score and information (coxfit6's inner loop).
private struct CoxProblem {
    let n: Int
    let p: Int
    let ties: CoxTies
    var efron: Bool { ties == .efron }
    var time: [Double]
    var status: [Bool]
    var lastInStratum: [Bool]
    /// Row-major n x p.
    var x: [Double]

    init(n: Int, p: Int, ties: CoxTies) {
        self.n = n
        self.p = p
        self.ties = ties
        time = [Double](repeating: 0, count: n)
        status = [Bool](repeating: false, count: n)
        lastInStratum = [Bool](repeating: false, count: n)
        x = [Double](repeating: 0, count: n * p)
    }

    struct Evaluation {
        var loglik: Double
        var score: [Double]
        /// Row-major p x p.
        var information: [Double]
    }

    struct NewtonResult {
        var beta: [Double]
        var final: Evaluation
        var factor: SymmetricFactor
        var loglikNull: Double
        var loglik: Double
        var scoreTest: Double
        var iterations: Int
        var converged: Bool
    }

    private static func isFinite(_ e: Evaluation) -> Bool {
        e.loglik.isFinite && e.score.allSatisfy(\.isFinite) && e.information.allSatisfy(\.isFinite)
    }

    /// coxfit6: Newton–Raphson; when the log-likelihood falls (or is not finite) the step is
    /// pulled back towards the last good beta, more each time (1/2, 2/3, 3/4 of the way).
    func newton(maxIterations: Int, epsilon: Double) -> NewtonResult {
        var beta = [Double](repeating: 0, count: p)
        let start = evaluate(beta)
        var factor = SymmetricFactor(start.information, size: p)
        let firstStep = factor.solve(start.score)
        let scoreTest = zip(firstStep, start.score).reduce(0) { $0 + $1.0 * $1.1 }
        var best = start.loglik
        var newBeta = zip(beta, firstStep).map { $0 + $1 }
        var halving = 0.0
        var iteration = 1
        while iteration <= maxIterations {
            let trial = evaluate(newBeta)
            factor = SymmetricFactor(trial.information, size: p)
            let finite = Self.isFinite(trial)
            if finite && abs(1 - best / trial.loglik) <= epsilon {
                return NewtonResult(beta: newBeta, final: trial, factor: factor,
                                    loglikNull: start.loglik, loglik: trial.loglik,
                                    scoreTest: scoreTest, iterations: iteration, converged: true)
            }
            if !finite || trial.loglik < best {
                halving += 1
                for i in 0..<p { newBeta[i] = (newBeta[i] + halving * beta[i]) / (halving + 1) }
            } else {
                halving = 0
                best = trial.loglik
                let step = factor.solve(trial.score)
                beta = newBeta
                for i in 0..<p { newBeta[i] += step[i] }
            }
            iteration += 1
        }
        let last = evaluate(beta)
        return NewtonResult(beta: beta, final: last,
                            factor: SymmetricFactor(last.information, size: p),
                            loglikNull: start.loglik, loglik: last.loglik, scoreTest: scoreTest,
                            iterations: iteration, converged: false)
    }

    /// coxexact: Newton–Raphson; a step that lowers the log-likelihood is halved, and
    /// convergence is only accepted after a full step.
    func newtonExact(maxIterations: Int, epsilon: Double) -> NewtonResult {
        var beta = [Double](repeating: 0, count: p)
        let start = evaluate(beta)
        var factor = SymmetricFactor(start.information, size: p)
        let firstStep = factor.solve(start.score)
        let scoreTest = zip(firstStep, start.score).reduce(0) { $0 + $1.0 * $1.1 }
        var best = start.loglik
        var oldBeta = beta
        for i in 0..<p { beta[i] += firstStep[i] }
        var halving = false
        if maxIterations >= 1 {
            for iteration in 1...maxIterations {
                let trial = evaluate(beta)
                factor = SymmetricFactor(trial.information, size: p)
                let finite = Self.isFinite(trial)
                if finite && abs(1 - best / trial.loglik) <= epsilon && !halving {
                    return NewtonResult(beta: beta, final: trial, factor: factor,
                                        loglikNull: start.loglik, loglik: trial.loglik,
                                        scoreTest: scoreTest, iterations: iteration,
                                        converged: true)
                }
                if iteration == maxIterations { break }
                if !finite || trial.loglik < best {
                    halving = true
                    for i in 0..<p { beta[i] = (oldBeta[i] + beta[i]) / 2 }
                } else {
                    halving = false
                    best = trial.loglik
                    let step = factor.solve(trial.score)
                    oldBeta = beta
                    for i in 0..<p { beta[i] += step[i] }
                }
            }
        }
        let last = evaluate(oldBeta)
        return NewtonResult(beta: oldBeta, final: last,
                            factor: SymmetricFactor(last.information, size: p),
                            loglikNull: start.loglik, loglik: last.loglik, scoreTest: scoreTest,
                            iterations: maxIterations, converged: false)
    }

    /// Partial log-likelihood, score and information at beta.
    func evaluate(_ beta: [Double]) -> Evaluation {
        ties == .exact ? evaluateExact(beta) : evaluateApproximate(beta)
    }

    /// Exact partial likelihood: at each time with d deaths, risk set R (every subject of the
    /// stratum with time >= t), the denominator is the sum over all size-d subsets S of R of
    /// exp(sum_S x b), built by the recursion f(k, m) = f(k, m-1) + r_m f(k-1, m-1) together
    /// with its first and second derivatives (Gail, Lubin and Rubinstein 1981).
    private func evaluateExact(_ beta: [Double]) -> Evaluation {
        var loglik = 0.0
        var u = [Double](repeating: 0, count: p)
        var imat = [Double](repeating: 0, count: p * p)
        var risk = [Double](repeating: 0, count: n)
        var linear = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var z = 0.0
            for j in 0..<p { z += beta[j] * x[i * p + j] }
            linear[i] = z
            risk[i] = exp(z)
        }
        var stratumEnd = n - 1
        var person = n - 1
        while person >= 0 {
            if lastInStratum[person] { stratumEnd = person }
            let t = time[person]
            var deaths = 0
            var first = person
            while first >= 0 && time[first] == t {
                if status[first] {
                    deaths += 1
                    for j in 0..<p { u[j] += x[first * p + j] }
                    loglik += linear[first]
                }
                first -= 1
                if first >= 0 && lastInStratum[first] { break }
            }
            let groupStart = first + 1
            person = first
            guard deaths > 0 else { continue }
            // Subset sums over the risk set groupStart...stratumEnd.
            var f = [Double](repeating: 0, count: deaths + 1)
            var g = [Double](repeating: 0, count: (deaths + 1) * p)
            var h = [Double](repeating: 0, count: (deaths + 1) * p * p)
            f[0] = 1
            for m in groupStart...stratumEnd {
                let r = risk[m]
                let base = m * p
                for k in stride(from: deaths, through: 1, by: -1) {
                    let fk = f[k - 1]
                    for j in 0..<p {
                        let xj = x[base + j]
                        for l in 0...j {
                            let xl = x[base + l]
                            h[(k * p + j) * p + l] += r * (xj * xl * fk + xj * g[(k - 1) * p + l]
                                + xl * g[(k - 1) * p + j] + h[((k - 1) * p + j) * p + l])
                        }
                    }
                    for j in 0..<p { g[k * p + j] += r * (x[base + j] * fk + g[(k - 1) * p + j]) }
                    f[k] += r * fk
                }
            }
            let d0 = f[deaths]
            loglik -= log(d0)
            for j in 0..<p {
                let dj = g[deaths * p + j] / d0
                u[j] -= dj
                for l in 0...j {
                    let dl = g[deaths * p + l] / d0
                    imat[j * p + l] += h[(deaths * p + j) * p + l] / d0 - dj * dl
                }
            }
        }
        for i in 0..<p {
            for j in 0..<i { imat[j * p + i] = imat[i * p + j] }
        }
        return Evaluation(loglik: loglik, score: u, information: imat)
    }

    /// Breslow / Efron: walks from the longest time down, accumulating risk-set sums.
    private func evaluateApproximate(_ beta: [Double]) -> Evaluation {
        var loglik = 0.0
        var u = [Double](repeating: 0, count: p)
        var imat = [Double](repeating: 0, count: p * p)
        var a = [Double](repeating: 0, count: p)
        var cmat = [Double](repeating: 0, count: p * p)
        var a2 = [Double](repeating: 0, count: p)
        var cmat2 = [Double](repeating: 0, count: p * p)
        var denominator = 0.0
        var person = n - 1
        while person >= 0 {
            if lastInStratum[person] {
                denominator = 0
                for i in 0..<p { a[i] = 0 }
                for i in 0..<(p * p) { cmat[i] = 0 }
            }
            let t = time[person]
            var deaths = 0
            var deathRisk = 0.0
            for i in 0..<p { a2[i] = 0 }
            for i in 0..<(p * p) { cmat2[i] = 0 }
            while person >= 0 && time[person] == t {
                var zbeta = 0.0
                let base = person * p
                for i in 0..<p { zbeta += beta[i] * x[base + i] }
                let risk = exp(zbeta)
                if !status[person] {
                    denominator += risk
                    for i in 0..<p {
                        a[i] += risk * x[base + i]
                        for j in 0...i { cmat[i * p + j] += risk * x[base + i] * x[base + j] }
                    }
                } else {
                    deaths += 1
                    deathRisk += risk
                    loglik += zbeta
                    for i in 0..<p {
                        u[i] += x[base + i]
                        a2[i] += risk * x[base + i]
                        for j in 0...i { cmat2[i * p + j] += risk * x[base + i] * x[base + j] }
                    }
                }
                person -= 1
                if person >= 0 && lastInStratum[person] { break }
            }
            guard deaths > 0 else { continue }
            if !efron || deaths == 1 {
                denominator += deathRisk
                loglik -= Double(deaths) * log(denominator)
                for i in 0..<p {
                    a[i] += a2[i]
                    let mean = a[i] / denominator
                    u[i] -= Double(deaths) * mean
                    for j in 0...i {
                        cmat[i * p + j] += cmat2[i * p + j]
                        imat[i * p + j] += Double(deaths) * (cmat[i * p + j] - mean * a[j])
                            / denominator
                    }
                }
            } else {
                let d = Double(deaths)
                for _ in 0..<deaths {
                    denominator += deathRisk / d
                    loglik -= log(denominator)
                    for i in 0..<p {
                        a[i] += a2[i] / d
                        let mean = a[i] / denominator
                        u[i] -= mean
                        for j in 0...i {
                            cmat[i * p + j] += cmat2[i * p + j] / d
                            imat[i * p + j] += (cmat[i * p + j] - mean * a[j]) / denominator
                        }
                    }
                }
            }
        }
        for i in 0..<p {
            for j in 0..<i { imat[j * p + i] = imat[i * p + j] }
        }
        return Evaluation(loglik: loglik, score: u, information: imat)
    }
}
