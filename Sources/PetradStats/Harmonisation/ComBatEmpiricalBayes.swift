import Foundation

/// The empirical-Bayes steps of ComBat for one batch at a time (sva's `aprior`, `bprior`,
/// `postmean`, `postvar`, `it.sol`, `int.eprior`).
enum ComBatEmpiricalBayes {
    /// Per-batch hyper-parameters. With m, v the mean and variance of deltaHat over features:
    /// ```
    /// gammaBar = mean(gammaHat),  t2 = var(gammaHat)     (denominator G - 1)
    /// a = (2 v + m^2) / v,        b = (m v + m^3) / v    (inverse-gamma, method of moments)
    /// ```
    /// When v = 0 (every deltaHat equal, e.g. mean only) a and b are infinite, as in sva.
    struct Priors {
        var gammaBar: [Double] = []
        var t2: [Double] = []
        var a: [Double] = []
        var b: [Double] = []

        init(gammaHat: [[Double]], deltaHat: [[Double]]) {
            for (gammas, deltas) in zip(gammaHat, deltaHat) {
                gammaBar.append(ComBatEmpiricalBayes.mean(gammas))
                t2.append(ComBatEmpiricalBayes.sampleVariance(gammas))
                let m = ComBatEmpiricalBayes.mean(deltas)
                let v = ComBatEmpiricalBayes.sampleVariance(deltas)
                a.append((2 * v + m * m) / v)
                b.append((m * v + m * m * m) / v)
            }
        }
    }

    /// sva's parametric solution (`it.sol`, conv = 1e-4) for one batch:
    /// ```
    /// gamma_new = (t2 n gammaHat + delta_old gammaBar) / (t2 n + delta_old)
    /// delta_new = (sum_j (s_j - gamma_new)^2 / 2 + b) / (n/2 + a - 1)
    /// change    = max over features of (gamma_new - gamma_old)/gamma_old and
    ///             (delta_new - delta_old)/delta_old, absolute difference over SIGNED old value
    /// ```
    /// repeated from (gammaHat, deltaHat) until change <= 1e-4. sva divides by the signed old
    /// value, so a feature with a negative gamma never holds the loop; petrad does the same so
    /// that it stops at the same iteration. A ratio that is NaN (0/0) is skipped.
    ///
    /// - Parameter data: per feature, the standardised values of the batch's cases.
    static func iterativeSolution(data: [[Double]], gammaHat: [Double], deltaHat: [Double],
                                  gammaBar: Double, t2: Double, a: Double, b: Double,
                                  batch: String, source: String,
                                  convergence: Double = 1e-4,
                                  maximumIterations: Int = 10_000) throws
        -> (gamma: [Double], delta: [Double]) {
        let featureCount = gammaHat.count
        var gammaOld = gammaHat
        var deltaOld = deltaHat
        var gammaNew = gammaHat
        var deltaNew = deltaHat
        for _ in 0..<maximumIterations {
            var change = -Double.infinity
            for g in 0..<featureCount {
                let n = Double(data[g].count)
                gammaNew[g] = (t2 * n * gammaHat[g] + deltaOld[g] * gammaBar)
                    / (t2 * n + deltaOld[g])
                var sum2 = 0.0
                for value in data[g] { sum2 += (value - gammaNew[g]) * (value - gammaNew[g]) }
                deltaNew[g] = (0.5 * sum2 + b) / (n / 2 + a - 1)
            }
            for g in 0..<featureCount {
                let gammaChange = abs(gammaNew[g] - gammaOld[g]) / gammaOld[g]
                let deltaChange = abs(deltaNew[g] - deltaOld[g]) / deltaOld[g]
                if !gammaChange.isNaN { change = max(change, gammaChange) }
                if !deltaChange.isNaN { change = max(change, deltaChange) }
            }
            gammaOld = gammaNew
            deltaOld = deltaNew
            if change <= convergence { return (gammaNew, deltaNew) }
        }
        throw InputError(file: source, field: "batch", value: batch,
                         "ComBat's parametric empirical Bayes did not converge in "
                         + "\(maximumIterations) iterations; try --nonparametric")
    }

    /// sva's `postmean` with n = 1 and delta = 1, its mean-only parametric adjustment:
    /// `gammaStar = (t2 gammaHat + gammaBar) / (t2 + 1)`, deltaStar = 1.
    static func meanOnlyPosterior(gammaHat: [Double], gammaBar: Double, t2: Double)
        -> (gamma: [Double], delta: [Double]) {
        (gammaHat.map { (t2 * $0 + gammaBar) / (t2 + 1) }, gammaHat.map { _ in 1 })
    }

    /// sva's non-parametric solution (`int.eprior`) for one batch. For feature g with values
    /// s_1..s_n in the batch, over the other features h != g:
    /// ```
    /// LH_h        = (2 pi deltaHat_h)^(-n/2) exp(-sum_j (s_j - gammaHat_h)^2 / (2 deltaHat_h))
    /// gammaStar_g = sum_h LH_h gammaHat_h / sum_h LH_h
    /// deltaStar_g = sum_h LH_h deltaHat_h / sum_h LH_h
    /// ```
    /// petrad sums the likelihoods on the log scale, scaled by the largest, which gives the same
    /// ratios and does not underflow to 0/0 where sva's direct product would.
    static func integratedPrior(data: [[Double]], gammaHat: [Double], deltaHat: [Double])
        -> (gamma: [Double], delta: [Double]) {
        let featureCount = gammaHat.count
        var gammaStar = [Double](repeating: 0, count: featureCount)
        var deltaStar = gammaStar
        // Features are independent: spread them over threads; each writes only its own slot,
        // so the result does not depend on the thread count.
        gammaStar.withUnsafeMutableBufferPointer { gammaOut in
            deltaStar.withUnsafeMutableBufferPointer { deltaOut in
                let gammaOut = gammaOut, deltaOut = deltaOut
                DispatchQueue.concurrentPerform(iterations: featureCount) { g in
                    let star = integratedPrior(feature: g, values: data[g], gammaHat: gammaHat,
                                               deltaHat: deltaHat)
                    gammaOut[g] = star.gamma
                    deltaOut[g] = star.delta
                }
            }
        }
        return (gammaStar, deltaStar)
    }

    /// `int.eprior` for one feature g: likelihood-weighted averages over the other features.
    private static func integratedPrior(feature g: Int, values: [Double], gammaHat: [Double],
                                        deltaHat: [Double]) -> (gamma: Double, delta: Double) {
        let n = Double(values.count)
        var logLikelihood = [Double](repeating: -Double.infinity, count: gammaHat.count)
        var largest = -Double.infinity
        for h in gammaHat.indices where h != g {
            var sum2 = 0.0
            for value in values { sum2 += (value - gammaHat[h]) * (value - gammaHat[h]) }
            logLikelihood[h] = -n / 2 * log(2 * Double.pi * deltaHat[h])
                - sum2 / (2 * deltaHat[h])
            largest = max(largest, logLikelihood[h])
        }
        var weightSum = 0.0, gammaSum = 0.0, deltaSum = 0.0
        for h in gammaHat.indices where h != g {
            let weight = exp(logLikelihood[h] - largest)
            weightSum += weight
            gammaSum += weight * gammaHat[h]
            deltaSum += weight * deltaHat[h]
        }
        return (gammaSum / weightSum, deltaSum / weightSum)
    }

    static func mean(_ values: [Double]) -> Double {
        values.reduce(0, +) / Double(values.count)
    }

    /// Sample variance, denominator count - 1 (R's `var`); NaN for fewer than 2 values.
    static func sampleVariance(_ values: [Double]) -> Double {
        guard values.count >= 2 else { return .nan }
        let m = mean(values)
        return values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
    }
}
