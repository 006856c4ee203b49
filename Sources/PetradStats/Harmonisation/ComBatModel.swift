import Foundation

/// A fitted ComBat harmonisation (Johnson, Li & Rabinovic, Biostatistics 2007), as R's
/// `sva::ComBat` 3.46 computes it: everything needed to harmonise the cohort it was fitted on
/// and new cases from the same batches, saved and read back as JSON.
///
/// For feature g, case j in batch i with covariates x_j (no intercept):
/// ```
/// standMean_jg = grandMean_g + x_j · covariateCoefficients_g
/// s_jg         = (y_jg - standMean_jg) / sqrt(varPooled_g)
/// harmonised   = (s_jg - gammaStar_ig) / sqrt(deltaStar_ig) * sqrt(varPooled_g) + standMean_jg
/// ```
/// With a reference batch, that batch's cases are returned unchanged (gammaStar 0, deltaStar 1).
///
/// Matrices indexed by batch are `[batch][feature]`, by covariate `[covariate][feature]`.
public struct ComBatModel: Codable, Sendable, Equatable {
    /// The feature names, in column order (for messages and for CSV columns).
    public var featureNames: [String]
    /// The covariates (biological variables preserved), in column order; empty for none.
    public var covariateNames: [String]
    /// Batch levels in R factor order (numeric order when every label is a number, else text).
    public var batches: [String]
    /// Number of training cases in each batch.
    public var batchSizes: [Int]
    /// Parametric (`it.sol`) or non-parametric (`int.eprior`) empirical Bayes.
    public var parametric: Bool
    /// sva's `mean.only = TRUE`: only the additive batch effect is removed (deltaStar = 1).
    public var meanOnly: Bool
    /// The batch left unchanged (sva's `ref.batch`), or nil.
    public var referenceBatch: String?

    /// Per feature: sum_i n_i/n * B.hat[batch i] (or B.hat of the reference batch).
    public var grandMean: [Double]
    /// Per feature: mean squared residual of the design fit, denominator n (or n_ref).
    public var varPooled: [Double]
    /// Per covariate, per feature: its ordinary-least-squares coefficient in the design fit.
    public var covariateCoefficients: [[Double]]

    /// Per batch, per feature: location/scale estimates on the standardised data (batch mean,
    /// and batch variance with denominator n_i - 1).
    public var gammaHat: [[Double]]
    public var deltaHat: [[Double]]
    /// Per batch, per feature: empirical-Bayes estimates used for the adjustment.
    public var gammaStar: [[Double]]
    public var deltaStar: [[Double]]

    /// Per batch: the priors (mean and variance of gammaHat over features; method-of-moments
    /// inverse-gamma hyper-parameters of deltaHat). For a reference batch they are computed
    /// but unused (its stars are fixed at 0 and 1).
    public var gammaBar: [Double]
    public var t2: [Double]
    public var aPrior: [Double]
    public var bPrior: [Double]

    /// Where the model came from (petrad version, method), for provenance.
    public var provenance: [String: String]

    /// Harmonises cases from batches the model knows.
    ///
    /// - Parameters:
    ///   - features: rows = cases, columns = the model's features in order.
    ///   - batch: the batch label of each case; every label must be one of `batches`.
    ///   - covariates: rows = cases, columns = `covariateNames` in order (nil when none).
    ///   - caseLabels: names of the cases for error messages (default "row N").
    ///   - source: the input's name for error messages.
    /// - Returns: rows = cases, harmonised features. Cases of the reference batch come back
    ///   unchanged, as in sva.
    public func apply(features: [[Double]], batch: [String], covariates: [[Double]]? = nil,
                      caseLabels: [String]? = nil,
                      source: String = "ComBat input") throws -> [[Double]] {
        let n = features.count
        let featureCount = featureNames.count
        let labels = caseLabels ?? (0..<n).map { "row \($0 + 1)" }
        try ComBatValidation.checkShape(features: features, featureNames: featureNames,
                                        batch: batch, covariates: covariates,
                                        covariateNames: covariateNames, labels: labels,
                                        source: source)
        let batchIndex = Dictionary(uniqueKeysWithValues: batches.enumerated().map { ($1, $0) })
        var result = features
        for j in 0..<n {
            guard let i = batchIndex[batch[j]] else {
                throw InputError(file: source, field: "batch, \(labels[j])", value: batch[j],
                                 "is not a batch of the fitted ComBat model (batches: "
                                 + batches.joined(separator: ", ")
                                 + "); fit the model on a cohort that includes this batch")
            }
            if let reference = referenceBatch, batches[i] == reference { continue }
            for g in 0..<featureCount {
                var standMean = grandMean[g]
                if let covariates {
                    for c in 0..<covariateNames.count {
                        standMean += covariates[j][c] * covariateCoefficients[c][g]
                    }
                }
                let sd = varPooled[g].squareRoot()
                let s = (features[j][g] - standMean) / sd
                result[j][g] = (s - gammaStar[i][g]) / deltaStar[i][g].squareRoot() * sd
                    + standMean
            }
        }
        return result
    }

    /// The model as pretty-printed JSON (keys sorted; non-finite numbers as "NaN"/"Inf").
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Inf", negativeInfinity: "-Inf", nan: "NaN")
        return try encoder.encode(self)
    }

    public func write(to path: String) throws {
        try AtomicFile.write(jsonData(), to: path)
    }

    /// Reads a model written by `write(to:)`.
    public static func read(path: String) throws -> ComBatModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, "cannot be read (missing or not readable)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Inf", negativeInfinity: "-Inf", nan: "NaN")
        let model: ComBatModel
        do {
            model = try decoder.decode(ComBatModel.self, from: data)
        } catch {
            throw InputError(file: path, "is not a petrad ComBat model (JSON): \(error)")
        }
        let b = model.batches.count, g = model.featureNames.count
        let consistent = [model.gammaStar, model.deltaStar].allSatisfy {
            $0.count == b && $0.allSatisfy { $0.count == g }
        } && model.grandMean.count == g && model.varPooled.count == g
            && model.covariateCoefficients.count == model.covariateNames.count
            && model.covariateCoefficients.allSatisfy { $0.count == g }
        guard consistent else {
            throw InputError(file: path, "is a ComBat model whose arrays do not match its "
                             + "\(b) batches and \(g) features; refit it")
        }
        return model
    }
}
