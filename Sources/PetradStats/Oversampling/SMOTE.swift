import Foundation

/// SMOTE, the Synthetic Minority Over-sampling TEchnique (Chawla et al., "SMOTE: synthetic
/// minority over-sampling technique", JAIR 16:321, 2002), for a binary endpoint, with the
/// neighbours found in standardised feature space as imbalanced-learn's `SMOTE` does when it
/// is given standardised data.
///
/// ```
/// z          = (x - mean) / sd            mean, sd (denominator n) over ALL cases, both classes
/// neighbours = the k minority cases nearest to each minority case in z (Euclidean, self excluded,
///              ties broken by input order)
/// synthetic  = x_base + gap * (x_neighbour - x_base),  base uniform over the minority cases,
///              neighbour uniform over its k, gap uniform in [0, 1)
/// ```
/// n_majority - n_minority synthetic cases are made, so that both classes end with n_majority.
/// The map x <-> z is affine per column, so interpolating in raw units gives the same point as
/// interpolating in z and mapping back; petrad interpolates in raw units, so an original value
/// is never altered by rounding. A feature with sd 0 contributes nothing to the distances (as
/// scikit-learn's StandardScaler, which leaves it at z = 0).
///
/// Random draws come from `Xoshiro256StarStar(seed:)`, in imbalanced-learn's order: first all
/// (base, neighbour) pairs as one integer `nextInt(below: n_minority * k)` each
/// (base = index / k, neighbour rank = index % k), then all gaps (`nextUniform()`). The stream
/// differs from numpy's, so the synthetic cases differ from imbalanced-learn's but obey the
/// same properties (`../shared/data/smote/README.md`).
public enum SMOTE {
    /// One synthetic case: where it came from.
    public struct SyntheticCase: Sendable, Equatable {
        /// Index (into the input rows) of the minority case it starts from.
        public var base: Int
        /// Index (into the input rows) of the neighbour it moves towards.
        public var neighbour: Int
        /// 1 ... k: which of the base's nearest minority neighbours.
        public var neighbourRank: Int
        /// In [0, 1): how far along the segment from base to neighbour.
        public var gap: Double
    }

    /// The balanced data set.
    public struct Result: Sendable {
        /// Input rows in input order, then the synthetic rows in generation order.
        public var features: [[Double]]
        public var labels: [Int]
        public var isSynthetic: [Bool]
        /// One entry per synthetic row (row `inputCount + s` is `synthetic[s]`).
        public var synthetic: [SyntheticCase]
        public var minorityLabel: Int
        public var majorityLabel: Int
        /// The standardisation used for the neighbour search: column mean and population SD.
        public var mean: [Double]
        public var standardDeviation: [Double]
    }

    /// Balances a binary endpoint by SMOTE.
    ///
    /// - Parameters:
    ///   - features: rows = cases, columns = features (no missing values).
    ///   - labels: the endpoint, exactly two distinct values; the rarer is the minority (when
    ///     both are equally frequent nothing is added).
    ///   - k: number of nearest minority neighbours (imbalanced-learn's default 5); at most
    ///     n_minority - 1.
    ///   - seed: seed of the xoshiro256** stream; the same seed gives the same output.
    ///   - featureNames, caseLabels, source: for error messages.
    public static func oversample(features: [[Double]], labels: [Int], k: Int = 5,
                                  seed: UInt64, featureNames: [String]? = nil,
                                  caseLabels: [String]? = nil,
                                  source: String = "SMOTE input") throws -> Result {
        let n = features.count
        let width = features.first?.count ?? 0
        let names = featureNames ?? (0..<width).map { "feature \($0 + 1)" }
        let caseNames = caseLabels ?? (0..<n).map { "row \($0 + 1)" }
        try validate(features: features, labels: labels, names: names, caseNames: caseNames,
                     source: source)

        let classes = Array(Set(labels)).sorted()
        guard classes.count == 2 else {
            throw InputError(file: source, field: "endpoint",
                             value: classes.map(String.init).joined(separator: ","),
                             "SMOTE needs a binary endpoint with exactly 2 classes; found "
                             + "\(classes.count)")
        }
        let counts = classes.map { c in labels.filter { $0 == c }.count }
        // The rarer class is the minority; with equal counts the second label, nothing added.
        let minorityLabel = counts[0] < counts[1] ? classes[0] : classes[1]
        let majorityLabel = minorityLabel == classes[0] ? classes[1] : classes[0]
        let minority = (0..<n).filter { labels[$0] == minorityLabel }
        let syntheticCount = n - 2 * minority.count
        guard k >= 1 else {
            throw InputError(file: source, field: "k", value: "\(k)",
                             "the number of neighbours must be at least 1")
        }
        guard k < minority.count else {
            throw InputError(file: source, field: "k", value: "\(k)",
                             "the minority class (\(minorityLabel)) has \(minority.count) "
                             + "cases, so k can be at most \(minority.count - 1)")
        }

        let (mean, sd) = standardisation(features)
        let neighbours = nearestMinorityNeighbours(features: features, minority: minority, k: k,
                                                   mean: mean, standardDeviation: sd)

        var generator = Xoshiro256StarStar(seed: seed)
        let draws = (0..<max(0, syntheticCount)).map { _ in
            generator.nextInt(below: minority.count * k)
        }
        let gaps = draws.map { _ in generator.nextUniform() }

        var result = Result(features: features, labels: labels,
                            isSynthetic: Array(repeating: false, count: n), synthetic: [],
                            minorityLabel: minorityLabel, majorityLabel: majorityLabel,
                            mean: mean, standardDeviation: sd)
        for (draw, gap) in zip(draws, gaps) {
            let baseIndex = draw / k
            let rank = draw % k
            let base = minority[baseIndex]
            let neighbour = minority[neighbours[baseIndex][rank].index]
            let row = (0..<width).map { c in
                features[base][c] + gap * (features[neighbour][c] - features[base][c])
            }
            result.features.append(row)
            result.labels.append(minorityLabel)
            result.isSynthetic.append(true)
            result.synthetic.append(SyntheticCase(base: base, neighbour: neighbour,
                                                  neighbourRank: rank + 1, gap: gap))
        }
        return result
    }

    /// Column means and population standard deviations (denominator n, scikit-learn's
    /// StandardScaler). A column with sd 0 gets sd 1 (its z are all 0, as in scikit-learn).
    public static func standardisation(_ features: [[Double]])
        -> (mean: [Double], standardDeviation: [Double]) {
        let n = Double(features.count)
        let width = features.first?.count ?? 0
        var mean = [Double](repeating: 0, count: width)
        for row in features { for c in 0..<width { mean[c] += row[c] } }
        mean = mean.map { $0 / n }
        var variance = [Double](repeating: 0, count: width)
        for row in features {
            for c in 0..<width { variance[c] += (row[c] - mean[c]) * (row[c] - mean[c]) }
        }
        let sd = variance.map { v -> Double in
            let s = (v / n).squareRoot()
            return s > 0 ? s : 1
        }
        return (mean, sd)
    }

    /// For each minority case (in the order of `minority`), its k nearest other minority cases
    /// in standardised space: `index` into `minority` and Euclidean `distance`, nearest first,
    /// equal distances in input order.
    public static func nearestMinorityNeighbours(features: [[Double]], minority: [Int], k: Int,
                                                 mean: [Double], standardDeviation: [Double])
        -> [[(index: Int, distance: Double)]] {
        let width = mean.count
        let z = minority.map { j in
            (0..<width).map { c in (features[j][c] - mean[c]) / standardDeviation[c] }
        }
        return z.indices.map { a in
            var candidates: [(index: Int, squared: Double)] = []
            candidates.reserveCapacity(z.count - 1)
            for b in z.indices where b != a {
                var squared = 0.0
                for c in 0..<width { squared += (z[a][c] - z[b][c]) * (z[a][c] - z[b][c]) }
                candidates.append((b, squared))
            }
            candidates.sort { ($0.squared, $0.index) < ($1.squared, $1.index) }
            return candidates.prefix(k).map { ($0.index, $0.squared.squareRoot()) }
        }
    }

    private static func validate(features: [[Double]], labels: [Int], names: [String],
                                 caseNames: [String], source: String) throws {
        guard !features.isEmpty else { throw InputError(file: source, "has no cases") }
        guard labels.count == features.count else {
            throw InputError(file: source, field: "endpoint", value: "\(labels.count) labels",
                             "needs one label per case (\(features.count) cases)")
        }
        for (j, row) in features.enumerated() {
            guard row.count == names.count else {
                throw InputError(file: source, field: caseNames[j], value: "\(row.count) values",
                                 "needs \(names.count) features")
            }
            for (c, value) in row.enumerated() where !value.isFinite {
                throw InputError(file: source, field: "\(names[c]), \(caseNames[j])",
                                 value: formatNumber(value),
                                 "is missing or not finite; SMOTE needs every feature value "
                                 + "(impute it or drop the case)")
            }
        }
    }
}
