import Foundation

/// Checks on ComBat's input, each failure an `InputError` naming the column, the case or batch,
/// and the value found.
enum ComBatValidation {
    static func checkShape(features: [[Double]], featureNames: [String], batch: [String],
                           covariates: [[Double]]?, covariateNames: [String], labels: [String],
                           source: String) throws {
        let n = features.count
        guard n > 0 else { throw InputError(file: source, "has no cases") }
        guard batch.count == n else {
            throw InputError(file: source, field: "batch", value: "\(batch.count) labels",
                             "needs one batch label per case (\(n) cases)")
        }
        guard labels.count == n else {
            throw InputError(file: source, field: "case labels", value: "\(labels.count)",
                             "needs one label per case (\(n) cases)")
        }
        for j in 0..<n {
            guard features[j].count == featureNames.count else {
                throw InputError(file: source, field: labels[j],
                                 value: "\(features[j].count) features",
                                 "has a different number of features from the model "
                                 + "(\(featureNames.count))")
            }
            for (g, value) in features[j].enumerated() where !value.isFinite {
                throw InputError(file: source, field: "\(featureNames[g]), \(labels[j])",
                                 value: formatNumber(value),
                                 "is missing or not finite; ComBat needs every feature value "
                                 + "(impute it or drop the case)")
            }
            if batch[j].isEmpty {
                throw InputError(file: source, field: "batch, \(labels[j])", value: "",
                                 "is missing; every case needs a batch")
            }
        }
        if covariates == nil, !covariateNames.isEmpty {
            throw InputError(file: source, field: "covariates",
                             value: covariateNames.joined(separator: ","),
                             "are required by the model but were not given")
        }
        if let covariates {
            guard covariates.count == n else {
                throw InputError(file: source, field: "covariates",
                                 value: "\(covariates.count) rows",
                                 "needs one row per case (\(n) cases)")
            }
            for j in 0..<n {
                guard covariates[j].count == covariateNames.count else {
                    throw InputError(file: source, field: "covariates, \(labels[j])",
                                     value: "\(covariates[j].count) values",
                                     "needs \(covariateNames.count) covariates ("
                                     + covariateNames.joined(separator: ", ") + ")")
                }
                for (c, value) in covariates[j].enumerated() where !value.isFinite {
                    throw InputError(file: source, field: "\(covariateNames[c]), \(labels[j])",
                                     value: formatNumber(value),
                                     "is missing or not finite; ComBat needs every covariate")
                }
            }
        }
    }

    /// A feature with zero variance inside a batch cannot be scaled: sva silently leaves such
    /// features unadjusted, petrad refuses and names them.
    static func checkNotConstantWithinBatch(features: [[Double]], members: [[Int]],
                                            levels: [String], featureNames: [String],
                                            source: String) throws {
        for (i, cases) in members.enumerated() {
            for g in featureNames.indices {
                let first = features[cases[0]][g]
                if cases.allSatisfy({ features[$0][g] == first }) {
                    throw InputError(file: source, field: featureNames[g],
                                     value: formatNumber(first),
                                     "is constant within batch \(levels[i]) (all "
                                     + "\(cases.count) cases); ComBat cannot scale it: drop "
                                     + "the feature or harmonise without this batch")
                }
            }
        }
    }

    /// Distinct labels in R's factor order: numeric order when every label reads as a number,
    /// otherwise sorted as text.
    static func factorLevels(_ labels: [String]) -> [String] {
        let distinct = Array(Set(labels))
        let numbers = distinct.map { Double($0) }
        if numbers.allSatisfy({ $0 != nil }) {
            return zip(distinct, numbers).sorted { ($0.1!, $0.0) < ($1.1!, $1.0) }.map(\.0)
        }
        return distinct.sorted()
    }
}
