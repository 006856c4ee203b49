import XCTest
@testable import PetradStats

/// The study's 100 repeats of 10-fold cross-validated LASSO-Cox on sim_lasso_150x100 with the
/// saved fold ids (foldid.csv), against R 4.2.2 + glmnet 4.1-6 (make_reference.R, sections 4-6).
final class LassoSelectionTests: XCTestCase {
    nonisolated(unsafe) private static var cached: LassoSelectionResult?

    private func result() throws -> LassoSelectionResult {
        if let cached = Self.cached { return cached }
        let cohort = try LassoTestData.cohort()
        let result = try LassoSelection.run(cohort.x, cohort.y, foldIDs: LassoTestData.foldIDs(),
                                            dataFile: "data.csv")
        Self.cached = result
        return result
    }

    /// One test for everything that reads the 100 repeats: `swift test --parallel` runs each test
    /// in its own process, where the cached result would otherwise be recomputed six times.
    func testHundredRepeatsReproduceGlmnetReferences() throws {
        try checkEveryRepeatChoosesGlmnetsLambdaMinAnd1se()
        try checkRepeatCoefficientsAtLambdaMinMatch()
        try checkRepeatCoefficientsAtLambda1seMatch()
        try checkSelectionFrequenciesMeansAndRanking()
        try checkSignatureFeaturesCoefficientsAndScores()
        try checkSignatureFileRoundTripsAndScoresTheSame()
    }

    // Expected: lasso_repeats_lambda.csv (index_min, index_1se, cvm_min of every repeat).
    private func checkEveryRepeatChoosesGlmnetsLambdaMinAnd1se() throws {
        let result = try result()
        let table = try LassoTestData.table("lasso_repeats_lambda.csv")
        let indexMin = try LassoTestData.doubles(table, "index_min")
        let index1se = try LassoTestData.doubles(table, "index_1se")
        let cvmMin = try LassoTestData.doubles(table, "cvm_min")
        XCTAssertEqual(result.repeats.count, 100)
        for r in 0..<100 {
            XCTAssertEqual(result.repeats[r].indexMin + 1, Int(indexMin[r]), "repeat \(r + 1)")
            XCTAssertEqual(result.repeats[r].index1se + 1, Int(index1se[r]), "repeat \(r + 1)")
            XCTAssertEqual(result.repeats[r].cvmMin, cvmMin[r], accuracy: 1e-8 * cvmMin[r])
        }
    }

    /// Non-zero coefficients per repeat, compared with lasso_repeats*.csv.
    private func checkRepeats(file: String, rule: LambdaRule) throws {
        let result = try result()
        let table = try LassoTestData.table(file)
        let repeatColumn = try LassoTestData.doubles(table, "repeat").map { Int($0) - 1 }
        let feature = try table.column("feature")
        let coef = try LassoTestData.doubles(table, "coef")
        let names = result.path.featureNames
        var expected = [[Double]](repeating: [Double](repeating: 0, count: names.count),
                                  count: 100)
        for row in 0..<coef.count {
            expected[repeatColumn[row]][names.firstIndex(of: feature[row])!] = coef[row]
        }
        for r in 0..<100 {
            let got = result.path.coefficients(at: result.repeats[r].index(rule))
            for j in 0..<names.count {
                let value = got[got.startIndex + j]
                XCTAssertEqual(value, expected[r][j], accuracy: 1e-9 * max(1, abs(expected[r][j])),
                               "repeat \(r + 1), \(names[j])")
                XCTAssertEqual(value == 0, expected[r][j] == 0, "repeat \(r + 1), \(names[j])")
            }
        }
    }

    // Expected: lasso_repeats.csv, coef(cv, s = "lambda.min") of each repeat.
    private func checkRepeatCoefficientsAtLambdaMinMatch() throws {
        try checkRepeats(file: "lasso_repeats.csv", rule: .min)
    }

    // Expected: lasso_repeats_1se.csv, coef(cv, s = "lambda.1se") of each repeat.
    private func checkRepeatCoefficientsAtLambda1seMatch() throws {
        try checkRepeats(file: "lasso_repeats_1se.csv", rule: .oneSE)
    }

    // Expected: lasso_selection.csv (counts, means, entry index, population SD, rank).
    private func checkSelectionFrequenciesMeansAndRanking() throws {
        let result = try result()
        let table = try LassoTestData.table("lasso_selection.csv")
        let names = try table.column("feature")
        func column(_ name: String) throws -> [Double] { try LassoTestData.doubles(table, name) }
        let checks: [(String, [Double])] = [
            ("n_selected_min", result.selectionMin.map { Double($0.selectedCount) }),
            ("freq_min", result.selectionMin.map(\.frequency)),
            ("mean_coef_selected_min", result.selectionMin.map { $0.meanCoefficientSelected ?? .nan }),
            ("mean_coef_all_min", result.selectionMin.map(\.meanCoefficientAll)),
            ("n_selected_1se", result.selection1se.map { Double($0.selectedCount) }),
            ("freq_1se", result.selection1se.map(\.frequency)),
            ("mean_coef_selected_1se", result.selection1se.map { $0.meanCoefficientSelected ?? .nan }),
            ("mean_coef_all_1se", result.selection1se.map(\.meanCoefficientAll)),
            ("entry_index", result.selectionMin.map { $0.entryIndex.map { Double($0 + 1) } ?? .nan }),
            ("sd_pop", result.selectionMin.map(\.populationSD)),
            ("mean_std_coef_selected_min",
             result.selectionMin.map { $0.meanStandardizedCoefficientSelected ?? .nan }),
        ]
        for (name, got) in checks {
            let want = try column(name)
            for j in 0..<names.count {
                XCTAssertEqual(result.selectionMin[j].name, names[j])
                if want[j].isNaN {
                    XCTAssertTrue(got[j].isNaN, "\(name), \(names[j]): \(got[j]) should be NA")
                } else {
                    XCTAssertEqual(got[j], want[j], accuracy: 1e-9 * max(1, abs(want[j])),
                                   "\(name), \(names[j])")
                }
            }
        }
        let rank = try column("rank_min")
        for (position, j) in result.ranking.enumerated() {
            XCTAssertEqual(Double(position + 1), rank[j], "rank of \(names[j])")
        }
    }

    // Expected: lasso_signature_features.csv (f005, f062, f023, f088 and their mean
    // coefficients) and lasso_signature.csv (signature of every patient).
    private func checkSignatureFeaturesCoefficientsAndScores() throws {
        let result = try result()
        let features = try LassoTestData.table("lasso_signature_features.csv")
        XCTAssertEqual(result.signature.features, try features.column("feature"))
        let coef = try LassoTestData.doubles(features, "mean_coef_selected")
        for f in 0..<4 {
            XCTAssertEqual(result.signature.coefficients[f], coef[f],
                           accuracy: 1e-10 * abs(coef[f]))
        }
        XCTAssertEqual(result.signature.scale, 10)
        let cohort = try LassoTestData.cohort()
        let scores = try result.signature.score(cohort.x)
        let expected = try LassoTestData.doubles(LassoTestData.table("lasso_signature.csv"),
                                                 "signature")
        for i in 0..<scores.count {
            XCTAssertEqual(scores[i], expected[i], accuracy: 1e-10 * abs(expected[i]),
                           "patient \(i + 1)")
        }
    }

    private func checkSignatureFileRoundTripsAndScoresTheSame() throws {
        let result = try result()
        let file = NSTemporaryDirectory() + "petrad-signature-\(getpid()).json"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try result.signature.write(to: file)
        let read = try RadiomicSignature.read(path: file)
        XCTAssertEqual(read, result.signature)
        XCTAssertEqual(read.provenance.petradVersion, petradVersion)
        XCTAssertEqual(read.provenance.repeats, 100)
    }

    func testThreadCountDoesNotChangeTheResult() throws {
        let cohort = try LassoTestData.cohort()
        let folds = Array(try LassoTestData.foldIDs().prefix(4))
        let one = try LassoSelection.run(cohort.x, cohort.y, foldIDs: folds, threads: 1)
        let three = try LassoSelection.run(cohort.x, cohort.y, foldIDs: folds, threads: 3)
        XCTAssertEqual(one.repeats.map(\.indexMin), three.repeats.map(\.indexMin))
        XCTAssertEqual(one.repeats.map(\.cvmMin), three.repeats.map(\.cvmMin))
        XCTAssertEqual(one.signature.coefficients, three.signature.coefficients)
    }

    /// Asking for more features than any repeat selected gives the up-to-N most often
    /// selected, in ranking order, instead of an error (the study's "up to 4").
    func testSignatureHoldsAtMostTheFeaturesEverSelected() throws {
        let cohort = try LassoTestData.cohort()
        var settings = LassoSelectionSettings()
        settings.topCount = 60
        let result = try LassoSelection.run(cohort.x, cohort.y, settings: settings,
                                            foldIDs: Array(try LassoTestData.foldIDs().prefix(2)))
        let selected = result.selectionMin.filter { $0.selectedCount > 0 }
        XCTAssertGreaterThan(selected.count, 0)
        XCTAssertLessThan(selected.count, 60)
        XCTAssertEqual(result.signature.features,
                       result.ranking.prefix(selected.count).map { cohort.x.names[$0] })
        XCTAssertEqual(Set(result.signature.features), Set(selected.map(\.name)))
    }

    func testMissingSignatureFeatureIsNamed() throws {
        let signature = RadiomicSignature(
            features: ["f005", "nope"], coefficients: [1, 2], scale: 10, trainingMeans: [0, 0],
            trainingSDs: [1, 1], selectionFrequencies: [1, 1],
            provenance: SignatureProvenance(petradVersion: petradVersion, dataFile: "", created: "",
                                            patients: 0, events: 0, candidateFeatures: 0,
                                            repeats: 0, folds: 0, seed: nil, topCount: 2,
                                            lambdaCount: 100, lambdaMinRatio: nil,
                                            threshold: 1e-7, maxPasses: 100_000, lambdaRule: "",
                                            alpha: 1, standardize: true))
        let cohort = try LassoTestData.cohort()
        XCTAssertThrowsError(try signature.score(cohort.x, source: "new.csv")) {
            XCTAssertTrue("\($0)".contains("nope"), "\($0)")
        }
    }
}
