import Foundation

/// ComBat harmonisation of features across batches (centres, scanners): location/scale batch
/// effects estimated by empirical Bayes, biological covariates preserved (Johnson, Li &
/// Rabinovic, "Adjusting batch effects in microarray expression data using empirical Bayes
/// methods", Biostatistics 8:118, 2007), computed as R's `sva::ComBat` 3.46.0 does.
///
/// Steps (feature g, case j in batch i, n cases, n_i in batch i):
/// 1. Design D = [one indicator column per batch, covariate columns]; with a reference batch r
///    its column is all ones. `B.hat = solve(D'D, D'Y)` per feature.
/// 2. `grandMean = sum_i n_i/n * B.hat[i]` (reference: `B.hat[r]`);
///    `varPooled = mean_j (y_j - D_j B.hat)^2` over all cases (reference: over batch r).
/// 3. `s = (y - grandMean - x·B.hat[covariates]) / sqrt(varPooled)`; gammaHat = batch means of s
///    (reference: minus the mean of batch r), deltaHat = batch variances (denominator n_i - 1).
/// 4. Priors per batch: gammaBar, t2 = mean and variance (denominator G - 1) of gammaHat over
///    features; with m, v = mean and variance of deltaHat: `a = (2v + m^2)/v`, `b = (m v + m^3)/v`.
/// 5. Parametric (`it.sol`): iterate `gamma = (t2 n_i gammaHat + delta gammaBar)/(t2 n_i + delta)`,
///    `delta = (sum_j (s_j - gamma)^2 / 2 + b)/(n_i/2 + a - 1)` until sva's change criterion
///    `max((new - old)/old) <= 1e-4` (signed denominator, as sva writes it).
///    Non-parametric (`int.eprior`): gammaStar_g, deltaStar_g = averages of gammaHat_h, deltaHat_h
///    over the other features h, weighted by the normal likelihood of feature g's data under
///    (gammaHat_h, deltaHat_h).
/// 6. Harmonised = `(s - gammaStar)/sqrt(deltaStar) * sqrt(varPooled) + standMean`
///    (see `ComBatModel.apply`).
///
/// Where petrad differs from sva, it refuses instead of guessing: a batch with one case (sva
/// silently switches to mean-only), a feature constant within a batch (sva leaves it
/// unadjusted) and missing values (sva estimates around them) are errors naming the column,
/// the batch and the value.
public enum ComBat {
    /// Fits ComBat on a cohort.
    ///
    /// - Parameters:
    ///   - features: rows = cases, columns = features (at least 2 features).
    ///   - batch: batch label of each case (at least 2 batches, each with at least 2 cases).
    ///   - covariates: rows = cases, columns = biological covariates to preserve (numeric; code
    ///     a categorical covariate as indicator columns without the first level). No intercept.
    ///   - parametric: parametric (true, sva's default `par.prior = TRUE`) or non-parametric EB.
    ///   - referenceBatch: sva's `ref.batch`: the batch left unchanged, others mapped onto it.
    ///   - meanOnly: sva's `mean.only`: adjust only the batch means.
    ///   - featureNames, covariateNames, caseLabels, source: names used in the model and in
    ///     error messages (defaults "feature N", "covariate N", "row N", "ComBat input").
    public static func fit(features: [[Double]], batch: [String], covariates: [[Double]]? = nil,
                           parametric: Bool = true, referenceBatch: String? = nil,
                           meanOnly: Bool = false, featureNames: [String]? = nil,
                           covariateNames: [String]? = nil, caseLabels: [String]? = nil,
                           source: String = "ComBat input") throws -> ComBatModel {
        let n = features.count
        let featureCount = features.first?.count ?? 0
        let names = featureNames ?? (0..<featureCount).map { "feature \($0 + 1)" }
        let covariateCount = covariates?.first?.count ?? 0
        let covNames = covariateNames ?? (0..<covariateCount).map { "covariate \($0 + 1)" }
        let labels = caseLabels ?? (0..<n).map { "row \($0 + 1)" }
        try ComBatValidation.checkShape(features: features, featureNames: names, batch: batch,
                                        covariates: covariates, covariateNames: covNames,
                                        labels: labels, source: source)
        guard featureCount >= 2 else {
            throw InputError(file: source, field: "features", value: "\(featureCount)",
                             "ComBat needs at least 2 features to estimate its priors")
        }

        // Batches in R factor order, and the cases of each.
        let levels = ComBatValidation.factorLevels(batch)
        guard levels.count >= 2 else {
            throw InputError(file: source, field: "batch", value: levels.first ?? "",
                             "only one batch: ComBat needs at least 2 batches to harmonise")
        }
        let levelIndex = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
        let batchOf = batch.map { levelIndex[$0]! }
        var members = [[Int]](repeating: [], count: levels.count)
        for j in 0..<n { members[batchOf[j]].append(j) }
        for (i, cases) in members.enumerated() where cases.count < 2 {
            throw InputError(file: source, field: "batch", value: levels[i],
                             "has only \(cases.count) case; ComBat needs at least 2 cases per "
                             + "batch to estimate its variance (merge it with a similar batch)")
        }
        var reference: Int? = nil
        if let referenceBatch {
            guard let r = levelIndex[referenceBatch] else {
                throw InputError(file: source, field: "reference batch", value: referenceBatch,
                                 "is not one of the batches: " + levels.joined(separator: ", "))
            }
            reference = r
        }
        try ComBatValidation.checkNotConstantWithinBatch(
            features: features, members: members, levels: levels, featureNames: names,
            source: source)

        let batchCount = levels.count
        let sizes = members.map(\.count)
        let y = featureMajor(features, featureCount: featureCount)

        // 1. Design and least squares.
        let p = batchCount + covariateCount
        var design = [Double](repeating: 0, count: n * p)
        for j in 0..<n {
            design[j * p + batchOf[j]] = 1
            if let r = reference { design[j * p + r] = 1 }
            for c in 0..<covariateCount { design[j * p + batchCount + c] = covariates![j][c] }
        }
        let bHat = try leastSquares(design: design, n: n, p: p, y: y,
                                    featureCount: featureCount, levels: levels,
                                    covariateNames: covNames, source: source)

        // 2. Grand mean, pooled variance, standardisation mean.
        var grandMean = [Double](repeating: 0, count: featureCount)
        var varPooled = [Double](repeating: 0, count: featureCount)
        let poolCases = reference.map { members[$0] } ?? Array(0..<n)
        for g in 0..<featureCount {
            if let r = reference {
                grandMean[g] = bHat[r * featureCount + g]
            } else {
                for i in 0..<batchCount {
                    grandMean[g] += Double(sizes[i]) / Double(n) * bHat[i * featureCount + g]
                }
            }
            var sum = 0.0
            for j in poolCases {
                var fitted = 0.0
                for k in 0..<p { fitted += design[j * p + k] * bHat[k * featureCount + g] }
                let residual = y[g * n + j] - fitted
                sum += residual * residual
            }
            varPooled[g] = sum / Double(poolCases.count)
        }
        let covariateCoefficients = (0..<covariateCount).map { c in
            Array(bHat[((batchCount + c) * featureCount)..<((batchCount + c + 1) * featureCount)])
        }
        var s = [Double](repeating: 0, count: featureCount * n)
        for g in 0..<featureCount {
            let sd = varPooled[g].squareRoot()
            for j in 0..<n {
                var standMean = grandMean[g]
                for c in 0..<covariateCount {
                    standMean += covariates![j][c] * covariateCoefficients[c][g]
                }
                s[g * n + j] = (y[g * n + j] - standMean) / sd
            }
        }

        // 3. Batch location and scale on the standardised data.
        var gammaHat = [[Double]](repeating: [Double](repeating: 0, count: featureCount),
                                  count: batchCount)
        var deltaHat = gammaHat
        for i in 0..<batchCount {
            for g in 0..<featureCount {
                let values = members[i].map { s[g * n + $0] }
                gammaHat[i][g] = ComBatEmpiricalBayes.mean(values)
                deltaHat[i][g] = meanOnly
                    ? 1 : ComBatEmpiricalBayes.sampleVariance(values)
            }
        }
        if let r = reference {
            // sva regresses s on the design's batch part, whose reference column is all ones:
            // the other batches' coefficients are differences from the reference batch's mean.
            for i in 0..<batchCount where i != r {
                for g in 0..<featureCount { gammaHat[i][g] -= gammaHat[r][g] }
            }
        }

        // 4. Priors and 5. empirical Bayes.
        let priors = ComBatEmpiricalBayes.Priors(gammaHat: gammaHat, deltaHat: deltaHat)
        var gammaStar = gammaHat
        var deltaStar = deltaHat
        for i in 0..<batchCount {
            if i == reference {
                gammaStar[i] = [Double](repeating: 0, count: featureCount)
                deltaStar[i] = [Double](repeating: 1, count: featureCount)
                continue
            }
            let batchData = (0..<featureCount).map { g in members[i].map { s[g * n + $0] } }
            let stars: (gamma: [Double], delta: [Double])
            if parametric && meanOnly {
                stars = ComBatEmpiricalBayes.meanOnlyPosterior(
                    gammaHat: gammaHat[i], gammaBar: priors.gammaBar[i], t2: priors.t2[i])
            } else if parametric {
                stars = try ComBatEmpiricalBayes.iterativeSolution(
                    data: batchData, gammaHat: gammaHat[i], deltaHat: deltaHat[i],
                    gammaBar: priors.gammaBar[i], t2: priors.t2[i], a: priors.a[i],
                    b: priors.b[i], batch: levels[i], source: source)
            } else {
                stars = ComBatEmpiricalBayes.integratedPrior(
                    data: batchData, gammaHat: gammaHat[i], deltaHat: deltaHat[i])
            }
            gammaStar[i] = stars.gamma
            deltaStar[i] = meanOnly ? [Double](repeating: 1, count: featureCount) : stars.delta
        }

        return ComBatModel(
            featureNames: names, covariateNames: covariateCount > 0 ? covNames : [],
            batches: levels, batchSizes: sizes, parametric: parametric, meanOnly: meanOnly,
            referenceBatch: referenceBatch, grandMean: grandMean, varPooled: varPooled,
            covariateCoefficients: covariateCoefficients, gammaHat: gammaHat,
            deltaHat: deltaHat, gammaStar: gammaStar, deltaStar: deltaStar,
            gammaBar: priors.gammaBar, t2: priors.t2, aPrior: priors.a, bPrior: priors.b,
            provenance: ["software": "petrad \(petradVersion)",
                         "method": "ComBat (Johnson et al. 2007) as sva::ComBat 3.46.0, "
                             + (parametric ? "parametric" : "non-parametric")
                             + " empirical Bayes" + (meanOnly ? ", mean only" : ""),
                         "cases": "\(n)"])
    }

    /// Fits on a cohort and harmonises it in one step.
    public static func harmonise(features: [[Double]], batch: [String],
                                 covariates: [[Double]]? = nil, parametric: Bool = true,
                                 referenceBatch: String? = nil, meanOnly: Bool = false,
                                 featureNames: [String]? = nil, covariateNames: [String]? = nil,
                                 caseLabels: [String]? = nil, source: String = "ComBat input")
        throws -> (model: ComBatModel, harmonised: [[Double]]) {
        let model = try fit(features: features, batch: batch, covariates: covariates,
                            parametric: parametric, referenceBatch: referenceBatch,
                            meanOnly: meanOnly, featureNames: featureNames,
                            covariateNames: covariateNames, caseLabels: caseLabels,
                            source: source)
        let harmonised = try model.apply(features: features, batch: batch,
                                         covariates: covariates, caseLabels: caseLabels,
                                         source: source)
        return (model, harmonised)
    }

    /// `solve(D'D, D'Y)`: p x G coefficients, row-major, or an error when the design is
    /// singular (a covariate constant or confounded with batch). The columns of D are scaled
    /// to unit length before solving and the coefficients scaled back, so that the singularity
    /// test does not depend on the covariates' units.
    private static func leastSquares(design: [Double], n: Int, p: Int, y: [Double],
                                     featureCount: Int, levels: [String],
                                     covariateNames: [String], source: String) throws -> [Double] {
        var columnScale = [Double](repeating: 0, count: p)
        for j in 0..<n {
            for k in 0..<p { columnScale[k] += design[j * p + k] * design[j * p + k] }
        }
        columnScale = columnScale.map { $0 > 0 ? 1 / $0.squareRoot() : 1 }

        var crossProduct = [Double](repeating: 0, count: p * p)
        for j in 0..<n {
            for a in 0..<p where design[j * p + a] != 0 {
                for b in 0..<p { crossProduct[a * p + b] += design[j * p + a] * design[j * p + b] }
            }
        }
        for a in 0..<p {
            for b in 0..<p { crossProduct[a * p + b] *= columnScale[a] * columnScale[b] }
        }
        var rightHandSide = [Double](repeating: 0, count: p * featureCount)
        for a in 0..<p {
            for g in 0..<featureCount {
                var sum = 0.0
                for j in 0..<n { sum += design[j * p + a] * y[g * n + j] }
                rightHandSide[a * featureCount + g] = sum * columnScale[a]
            }
        }
        guard var solution = solveLinearSystem(crossProduct, size: p, rightHandSide,
                                               columns: featureCount) else {
            throw InputError(file: source, field: "covariates",
                             value: covariateNames.joined(separator: ","),
                             "are constant or confounded with batch (" +
                             levels.joined(separator: ", ") + "): the design matrix is "
                             + "singular; drop the covariate or merge batches")
        }
        for a in 0..<p {
            for g in 0..<featureCount { solution[a * featureCount + g] *= columnScale[a] }
        }
        return solution
    }

    private static func featureMajor(_ rows: [[Double]], featureCount: Int) -> [Double] {
        let n = rows.count
        var out = [Double](repeating: 0, count: n * featureCount)
        for j in 0..<n { for g in 0..<featureCount { out[g * n + j] = rows[j][g] } }
        return out
    }
}
