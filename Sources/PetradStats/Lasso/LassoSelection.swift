import Foundation

/// Which lambda of each cross-validation a repeat keeps.
public enum LambdaRule: String, Sendable, Codable, CaseIterable {
    /// The lambda with the smallest cross-validated deviance (`s = "lambda.min"`).
    case min = "lambda.min"
    /// The largest lambda within one standard error of it (`s = "lambda.1se"`).
    case oneSE = "lambda.1se"
}

/// Settings of the study's repeated LASSO-Cox selection.
public struct LassoSelectionSettings: Sendable, Equatable, Codable {
    /// Number of cross-validation repeats, each with its own folds.
    public var repeats: Int = 100
    /// Folds per cross-validation.
    public var folds: Int = 10
    /// Seed of R's generator: the folds of repeat r are the r-th
    /// `sample(rep(1:folds, length.out = n))` after `set.seed(seed)`.
    public var seed: Int = 42
    /// Most features in the signature: the up-to-`topCount` most often selected (fewer when
    /// fewer were ever selected, as the study's "up to 4").
    public var topCount: Int = 4
    /// Signature = scale x sum(coefficient x feature value).
    public var scale: Double = 10
    public var lambdaRule: LambdaRule = .min
    public var net = CoxNetSettings()

    public init() {}
}

/// One repeat: its cross-validation's choice and the coefficients there (a column of the
/// all-patient path).
public struct LassoRepeat: Sendable {
    /// 0-based indices into the all-patient path of lambda.min and lambda.1se.
    public let indexMin: Int
    public let index1se: Int
    /// Cross-validated deviance at lambda.min.
    public let cvmMin: Double
    /// Fold path ends, to report maxit or numerical trouble at small lambdas.
    public let foldEnds: [CoxNetPathEnd]

    public func index(_ rule: LambdaRule) -> Int { rule == .min ? indexMin : index1se }
}

/// Selection statistics of one feature over the repeats, for one lambda rule.
public struct FeatureSelection: Sendable, Equatable {
    public let name: String
    /// Repeats with a non-zero coefficient, and that count over the number of repeats.
    public let selectedCount: Int
    public let frequency: Double
    /// Mean coefficient over the repeats that selected it (nil when never selected) and over
    /// all repeats (zeros counted); original feature scale.
    public let meanCoefficientSelected: Double?
    public let meanCoefficientAll: Double
    /// First lambda (0-based) of the all-patient path where the feature is non-zero.
    public let entryIndex: Int?
    /// Population SD of the feature (denominator n), as glmnet standardises.
    public let populationSD: Double
    /// meanCoefficientSelected x populationSD: the effect per SD, comparable across features.
    public var meanStandardizedCoefficientSelected: Double? {
        meanCoefficientSelected.map { $0 * populationSD }
    }
}

/// The outcome of the repeated selection.
public struct LassoSelectionResult: Sendable {
    public let path: CoxNetPath
    public let repeats: [LassoRepeat]
    /// Per feature, in the input order, for lambda.min and for lambda.1se.
    public let selectionMin: [FeatureSelection]
    public let selection1se: [FeatureSelection]
    /// Feature indices from most to least often selected under the settings' rule: frequency
    /// descending, then entry into the path (earlier first), then |mean standardised
    /// coefficient| descending, then name.
    public let ranking: [Int]
    public let signature: RadiomicSignature

    public func selection(_ rule: LambdaRule) -> [FeatureSelection] {
        rule == .min ? selectionMin : selection1se
    }
}

/// The study's feature selection: N repeats of 10-fold cross-validated LASSO-Cox, each with its
/// own random folds; the k features selected most often form the signature, weighted by their
/// mean coefficient over the repeats that selected them.
public enum LassoSelection {
    /// Runs the repeats on `threads` cores (default: all). Results do not depend on the number
    /// of threads: each repeat is computed alone, from its own folds.
    ///
    /// - Parameters:
    ///   - foldIDs: fold ids per repeat (e.g. read from R); nil draws them from the seed.
    ///   - provenance: what to record in the signature file (data file, date).
    public static func run(_ x: FeatureMatrix, _ y: TimeToEvent,
                           settings: LassoSelectionSettings = LassoSelectionSettings(),
                           foldIDs: [[Int]]? = nil, threads: Int? = nil,
                           dataFile: String = "",
                           progress: PetradCore.Progress? = nil) throws -> LassoSelectionResult {
        let n = x.rowCount
        guard settings.topCount >= 1, settings.topCount <= x.columnCount else {
            throw InputError(file: "", field: "top", value: "\(settings.topCount)",
                             "the signature needs between 1 and \(x.columnCount) features")
        }
        let folds: [[Int]]
        if let foldIDs {
            folds = foldIDs
        } else {
            guard settings.repeats >= 1, settings.folds >= 3, settings.folds <= n else {
                throw InputError(file: "", field: "repeats/folds",
                                 value: "\(settings.repeats)/\(settings.folds)",
                                 "needs at least 1 repeat and 3...n folds")
            }
            var random = RRandom(seed: settings.seed)
            folds = (0..<settings.repeats).map { _ in random.folds(count: n, folds: settings.folds) }
        }
        let path = try CoxNet.fit(x, y, settings: settings.net)

        var repeats = [LassoRepeat?](repeating: nil, count: folds.count)
        var failures = [Error?](repeating: nil, count: folds.count)
        let lock = NSLock()
        let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                 folds.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for r in stride(from: worker, to: folds.count, by: workers) {
                let start = Date()
                do {
                    let cv = try CoxNetCrossValidation.run(x, y, settings: settings.net,
                                                           foldIDs: folds[r], fullPath: path,
                                                           parallel: false)
                    let result = LassoRepeat(indexMin: cv.indexMin, index1se: cv.index1se,
                                             cvmMin: cv.cvm[cv.indexMin], foldEnds: cv.foldEnds)
                    lock.lock()
                    repeats[r] = result
                    lock.unlock()
                    let seconds = String(format: "%.2f", Date().timeIntervalSince(start))
                    progress?.finished("repeat \(r + 1): lambda.min index \(cv.indexMin + 1), "
                                       + "ok, \(seconds) s")
                } catch {
                    lock.lock()
                    failures[r] = error
                    lock.unlock()
                    progress?.finished("repeat \(r + 1): failed")
                }
            }
        }
        if let index = failures.firstIndex(where: { $0 != nil }) {
            throw InputError(file: "", field: "repeat \(index + 1)",
                             "cross-validation failed: \(failures[index]!)")
        }
        let done = repeats.map { $0! }
        let selectionMin = summarise(x, path: path, repeats: done, rule: .min)
        let selection1se = summarise(x, path: path, repeats: done, rule: .oneSE)
        let chosen = settings.lambdaRule == .min ? selectionMin : selection1se
        let ranking = rank(chosen)
        // The up-to-topCount most often selected: a feature no repeat selected has no mean
        // coefficient, so fewer than topCount were ever selected gives a shorter signature.
        let top = Array(ranking.prefix(settings.topCount).prefix {
            chosen[$0].selectedCount > 0
        })
        guard !top.isEmpty else {
            throw InputError(file: dataFile, field: "selection",
                             value: "0 features selected in \(folds.count) repeats",
                             "no repeat selected any feature at \(settings.lambdaRule.rawValue) "
                             + "(every cross-validation chose the empty model); no signature "
                             + "can be built from these data")
        }
        let signature = RadiomicSignature(
            features: top.map { x.names[$0] },
            coefficients: top.map { chosen[$0].meanCoefficientSelected! },
            scale: settings.scale,
            trainingMeans: top.map { path.centers[$0] },
            trainingSDs: top.map { chosen[$0].populationSD },
            selectionFrequencies: top.map { chosen[$0].frequency },
            provenance: SignatureProvenance(
                petradVersion: petradVersion, dataFile: dataFile,
                created: ISO8601DateFormatter().string(from: Date()),
                patients: n, events: y.eventCount, candidateFeatures: x.columnCount,
                repeats: folds.count, folds: folds.first.map { $0.max() ?? 0 } ?? 0,
                seed: foldIDs == nil ? settings.seed : nil, topCount: settings.topCount,
                lambdaCount: settings.net.lambdaCount, lambdaMinRatio: settings.net.lambdaMinRatio,
                threshold: settings.net.threshold, maxPasses: settings.net.maxPasses,
                lambdaRule: settings.lambdaRule.rawValue, alpha: settings.net.alpha,
                standardize: settings.net.standardize))
        return LassoSelectionResult(path: path, repeats: done, selectionMin: selectionMin,
                                    selection1se: selection1se, ranking: ranking,
                                    signature: signature)
    }

    static func summarise(_ x: FeatureMatrix, path: CoxNetPath, repeats: [LassoRepeat],
                          rule: LambdaRule) -> [FeatureSelection] {
        let p = x.columnCount
        let n = x.rowCount
        var counts = [Int](repeating: 0, count: p)
        var sums = [Double](repeating: 0, count: p)
        for item in repeats {
            let coefficients = path.coefficients(at: item.index(rule))
            for j in 0..<p {
                let b = coefficients[coefficients.startIndex + j]
                if b != 0 {
                    counts[j] += 1
                    sums[j] += b
                }
            }
        }
        let total = Double(repeats.count)
        return (0..<p).map { j in
            let column = x.column(j)
            let mean = column.reduce(0, +) / Double(n)
            let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
            let entry = (0..<path.lambdas.count).first { path.coefficients[$0 * p + j] != 0 }
            return FeatureSelection(
                name: x.names[j], selectedCount: counts[j], frequency: Double(counts[j]) / total,
                meanCoefficientSelected: counts[j] > 0 ? sums[j] / Double(counts[j]) : nil,
                meanCoefficientAll: sums[j] / total, entryIndex: entry,
                populationSD: variance.squareRoot())
        }
    }

    /// Frequency descending, entry index ascending (never entered last), |mean standardised
    /// coefficient| descending, name ascending.
    static func rank(_ features: [FeatureSelection]) -> [Int] {
        features.indices.sorted { i, j in
            let a = features[i]
            let b = features[j]
            if a.selectedCount != b.selectedCount { return a.selectedCount > b.selectedCount }
            let entryA = a.entryIndex ?? Int.max
            let entryB = b.entryIndex ?? Int.max
            if entryA != entryB { return entryA < entryB }
            let sizeA = abs(a.meanStandardizedCoefficientSelected ?? 0)
            let sizeB = abs(b.meanStandardizedCoefficientSelected ?? 0)
            if sizeA != sizeB { return sizeA > sizeB }
            return a.name < b.name
        }
    }
}
