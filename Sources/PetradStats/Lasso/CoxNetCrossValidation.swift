import Foundation

/// K-fold cross-validation of a Cox-LASSO path by partial-likelihood deviance, as
/// `cv.glmnet(x, y, family = "cox", foldid = ...)` does it with its defaults
/// (type.measure = "deviance", grouped = TRUE, alignment = "lambda").
///
/// Each fold fit is a plain path fit on the other folds with its own lambda sequence; its
/// coefficients are read at the full-data lambdas by linear interpolation in lambda
/// (`predict(fit, s = lambda)`). For fold k with e_k events (Verweij & van Houwelingen 1993):
/// ```
/// cvraw[k, l] = (D_all(b_kl) - D_without_k(b_kl)) / e_k
/// cvm[l]  = sum_k e_k cvraw[k, l] / sum_k e_k
/// cvsd[l] = sqrt( sum_k e_k (cvraw[k, l] - cvm[l])^2 / sum_k e_k / (K - 1) )
/// ```
/// lambda.min is the largest lambda with the smallest cvm; lambda.1se the largest lambda whose
/// cvm is at most cvm + cvsd at lambda.min. A fold without events gets weight 0 (as in R) but
/// still counts in K.
public struct CoxNetCrossValidation: Sendable {
    /// The fit on all patients; its lambdas are the lambdas of the curve.
    public let path: CoxNetPath
    /// Fold of each patient, 1...K.
    public let foldIDs: [Int]
    public let cvm: [Double]
    public let cvsd: [Double]
    /// Index (0-based) of lambda.min and lambda.1se in `path.lambdas`.
    public let indexMin: Int
    public let index1se: Int
    /// Number of lambdas each fold's own path had.
    public let foldLambdaCounts: [Int]
    /// How each fold's path ended (maximum passes or numerical trouble at small lambdas).
    public let foldEnds: [CoxNetPathEnd]

    public var lambdas: [Double] { path.lambdas }
    public var cvup: [Double] { zip(cvm, cvsd).map { $0 + $1 } }
    public var cvlo: [Double] { zip(cvm, cvsd).map { $0 - $1 } }
    public var lambdaMin: Double { path.lambdas[indexMin] }
    public var lambda1se: Double { path.lambdas[index1se] }
    public var nonzeroCounts: [Int] { path.nonzeroCounts }

    /// Cross-validates. `fullPath` may pass an already fitted all-patient path (the same for
    /// every set of folds), which saves one fit per call.
    ///
    /// - Parameters:
    ///   - foldIDs: fold of each patient, 1...K with K >= 3 and every fold present.
    ///   - parallel: fit the folds on several cores; results are identical either way.
    public static func run(_ x: FeatureMatrix, _ y: TimeToEvent,
                           settings: CoxNetSettings = CoxNetSettings(), foldIDs: [Int],
                           fullPath: CoxNetPath? = nil,
                           parallel: Bool = true) throws -> CoxNetCrossValidation {
        let n = x.rowCount
        guard foldIDs.count == n else {
            throw InputError(file: "", field: "foldid", value: "\(foldIDs.count) values",
                             "needs one fold id per patient (\(n))")
        }
        let k = foldIDs.max() ?? 0
        guard k >= 3, foldIDs.allSatisfy({ $0 >= 1 }),
              Set(foldIDs).count == k else {
            throw InputError(file: "", field: "foldid", value: "\(k) folds",
                             "fold ids must be 1...K with K >= 3 and every fold used "
                             + "(cv.glmnet: nfolds must be bigger than 3)")
        }
        let path = try fullPath ?? CoxNet.fit(x, y, settings: settings)
        guard let allDeviance = CoxDeviance(x, y) else {
            throw InputError(file: "", field: "event", value: "\(y.eventCount) events",
                             "too few events to cross-validate")
        }
        let lambdaCount = path.lambdas.count

        // Per fold: (D_all - D_train) at every full-data lambda, and the fold path's summary.
        var foldDifferences = [[Double]](repeating: [], count: k)
        var foldCounts = [Int](repeating: 0, count: k)
        var foldEnds = [CoxNetPathEnd](repeating: .allLambdas, count: k)
        var failures = [Error?](repeating: nil, count: k)
        let lock = NSLock()
        let work = { (fold: Int) in
            let training = (0..<n).filter { foldIDs[$0] != fold + 1 }
            do {
                let xTrain = x.selectingRows(training)
                let yTrain = y.selecting(training)
                let foldPath = try CoxNet.fit(xTrain, yTrain, settings: settings)
                guard let trainDeviance = CoxDeviance(xTrain, yTrain) else {
                    throw InputError(file: "", field: "fold \(fold + 1)",
                                     "too few events outside this fold for a Cox fit")
                }
                var differences = [Double](repeating: 0, count: lambdaCount)
                for l in 0..<lambdaCount {
                    let b = foldPath.interpolatedCoefficients(atLambda: path.lambdas[l])
                    differences[l] = allDeviance.deviance(b) - trainDeviance.deviance(b)
                }
                lock.lock()
                foldDifferences[fold] = differences
                foldCounts[fold] = foldPath.lambdas.count
                foldEnds[fold] = foldPath.end
                lock.unlock()
            } catch {
                lock.lock()
                failures[fold] = error
                lock.unlock()
            }
        }
        if parallel {
            DispatchQueue.concurrentPerform(iterations: k, execute: work)
        } else {
            for fold in 0..<k { work(fold) }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }

        var events = [Double](repeating: 0, count: k)
        for i in 0..<n where y.event[i] { events[foldIDs[i] - 1] += 1 }
        let weightSum = events.reduce(0, +)
        guard weightSum > 0 else {
            throw InputError(file: "", field: "event", value: "0", "no events to cross-validate")
        }
        var cvm = [Double](repeating: 0, count: lambdaCount)
        var cvsd = [Double](repeating: 0, count: lambdaCount)
        for l in 0..<lambdaCount {
            var raw = [Double](repeating: 0, count: k)
            var sum = 0.0
            for fold in 0..<k where events[fold] > 0 {
                raw[fold] = foldDifferences[fold][l] / events[fold]
                sum += raw[fold] * events[fold]
            }
            let mean = sum / weightSum
            var squares = 0.0
            for fold in 0..<k where events[fold] > 0 {
                let centred = raw[fold] - mean
                squares += centred * centred * events[fold]
            }
            cvm[l] = mean
            cvsd[l] = (squares / weightSum / Double(k - 1)).squareRoot()
        }
        let (indexMin, index1se) = selectLambdas(cvm: cvm, cvsd: cvsd)
        return CoxNetCrossValidation(path: path, foldIDs: foldIDs, cvm: cvm, cvsd: cvsd,
                                     indexMin: indexMin, index1se: index1se,
                                     foldLambdaCounts: foldCounts, foldEnds: foldEnds)
    }

    /// Cross-validates with `folds` random folds drawn as cv.glmnet draws them after R's
    /// `set.seed(seed)`: `sample(rep(1:folds, length.out = n))`.
    public static func run(_ x: FeatureMatrix, _ y: TimeToEvent,
                           settings: CoxNetSettings = CoxNetSettings(), folds: Int = 10,
                           seed: Int) throws -> CoxNetCrossValidation {
        var random = RRandom(seed: seed)
        return try run(x, y, settings: settings,
                       foldIDs: random.folds(count: x.rowCount, folds: folds))
    }

    /// glmnet's getOptcv: the first (largest-lambda) index with the minimum cvm, and the first
    /// index whose cvm is at most cvm + cvsd there. NaN cvm values are skipped.
    static func selectLambdas(cvm: [Double], cvsd: [Double]) -> (Int, Int) {
        let smallest = cvm.filter { !$0.isNaN }.min() ?? .nan
        let indexMin = cvm.firstIndex { $0 <= smallest } ?? 0
        let bound = cvm[indexMin] + cvsd[indexMin]
        let index1se = cvm.firstIndex { $0 <= bound } ?? indexMin
        return (indexMin, index1se)
    }
}
