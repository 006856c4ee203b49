import Foundation

/// Where a signature came from, written into its file.
public struct SignatureProvenance: Sendable, Equatable, Codable {
    public var petradVersion: String
    public var dataFile: String
    /// ISO 8601 time of the build.
    public var created: String
    public var patients: Int
    public var events: Int
    public var candidateFeatures: Int
    public var repeats: Int
    public var folds: Int
    /// Seed of the fold draws; nil when the fold ids were given.
    public var seed: Int?
    /// Number of features asked for, and the glmnet settings of every fit.
    public var topCount: Int
    public var lambdaCount: Int
    public var lambdaMinRatio: Double?
    public var threshold: Double
    public var maxPasses: Int
    public var lambdaRule: String
    public var alpha: Double
    public var standardize: Bool
}

/// A radiomic risk signature: a weighted sum of raw feature values,
/// ```
/// signature = scale x sum_f coefficient_f x value_f
/// ```
/// with the coefficients on the features' original scale (no centring), as the study applied
/// it. The training means and SDs are kept for checking a new cohort against the training one;
/// they do not enter the score.
public struct RadiomicSignature: Sendable, Equatable, Codable {
    public var features: [String]
    public var coefficients: [Double]
    public var scale: Double
    public var trainingMeans: [Double]
    public var trainingSDs: [Double]
    /// How often each feature was selected over the repeats (0...1).
    public var selectionFrequencies: [Double]
    public var provenance: SignatureProvenance

    public init(features: [String], coefficients: [Double], scale: Double,
                trainingMeans: [Double], trainingSDs: [Double],
                selectionFrequencies: [Double], provenance: SignatureProvenance) {
        self.features = features
        self.coefficients = coefficients
        self.scale = scale
        self.trainingMeans = trainingMeans
        self.trainingSDs = trainingSDs
        self.selectionFrequencies = selectionFrequencies
        self.provenance = provenance
    }

    /// The signature of each patient of `x`, whose columns must include the signature's
    /// features (found by name). Summed feature by feature, as R's `x %*% b` does.
    public func score(_ x: FeatureMatrix, source: String = "") throws -> [Double] {
        var columns: [Int] = []
        for name in features {
            guard let j = x.names.firstIndex(of: name) else {
                throw InputError(file: source, field: name,
                                 "the signature needs this feature column, which is absent")
            }
            columns.append(j)
        }
        var sum = [Double](repeating: 0, count: x.rowCount)
        for (f, j) in columns.enumerated() {
            let b = coefficients[f]
            for i in 0..<x.rowCount { sum[i] += x[i, j] * b }
        }
        return sum.map { scale * $0 }
    }

    /// The signature of every row of a CSV table with the features as named columns.
    public func score(_ table: CSVTable) throws -> [Double] {
        try score(FeatureMatrix.read(table, columns: features), source: table.source)
    }

    // MARK: file

    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    public func write(to path: String) throws {
        try AtomicFile.write(jsonData(), to: path)
    }

    public static func read(path: String) throws -> RadiomicSignature {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, "cannot be read (missing or not readable)")
        }
        let signature: RadiomicSignature
        do {
            signature = try JSONDecoder().decode(RadiomicSignature.self, from: data)
        } catch {
            throw InputError(file: path, "is not a petrad signature file (\(error))")
        }
        guard signature.features.count == signature.coefficients.count,
              !signature.features.isEmpty else {
            throw InputError(file: path, field: "coefficients",
                             value: "\(signature.coefficients.count)",
                             "needs one coefficient per feature (\(signature.features.count))")
        }
        return signature
    }
}
