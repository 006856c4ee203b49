import PetradTestSupport
import XCTest
@testable import PetradStats

/// ComBat against R's sva::ComBat (Bioconductor sva 3.46.0, R 4.2.2), whose outputs and
/// internal estimates are in ../shared/data/harmonisation (see its README and make_reference.R).
/// Tolerance: |petrad - sva| <= 1e-9 * max(1, |sva|), tighter than the 1e-6 issue 5 asks for;
/// the README expects a float64 re-implementation to agree to ~1e-12 (petrad: ~5e-15).
final class ComBatTests: XCTestCase {
    struct Cohort {
        var features: [[Double]]
        var batch: [String]
        var age: [[Double]]
        var featureNames: [String]
        var ids: [String]
    }

    static func table(_ name: String) throws -> CSVTable {
        try ReferenceData.table("harmonisation/\(name)")
    }

    static func cohort(_ table: CSVTable) throws -> Cohort {
        let names = table.header.filter { $0.hasPrefix("h") }
        let columns = try names.map { try table.numericColumn($0).map { $0! } }
        let features = (0..<table.rows.count).map { j in columns.map { $0[j] } }
        let age = try table.numericColumn("age").map { [$0!] }
        return Cohort(features: features, batch: try table.column("batch"), age: age,
                      featureNames: names, ids: try table.column("id"))
    }

    static func input() throws -> Cohort { try cohort(table("input.csv")) }

    func assertClose(_ actual: Double, _ expected: Double, _ what: String,
                     tolerance: Double = 1e-9, file: StaticString = #filePath,
                     line: UInt = #line) {
        let allowed = tolerance * max(1, abs(expected))
        XCTAssertLessThanOrEqual(abs(actual - expected), allowed,
                                 "\(what): petrad \(actual), sva \(expected)",
                                 file: file, line: line)
    }

    /// Compares one sva run (tag) in full: harmonised table, batch estimates, feature
    /// estimates, priors. Returns the largest relative difference on the harmonised data.
    @discardableResult
    func checkRun(_ tag: String, parametric: Bool, covariate: Bool,
                  referenceBatch: String? = nil, prefix: String = "combat",
                  estimatesOnlyStars: Bool = false) throws -> Double {
        let input = try Self.input()
        let (model, harmonised) = try ComBat.harmonise(
            features: input.features, batch: input.batch,
            covariates: covariate ? input.age : nil, parametric: parametric,
            referenceBatch: referenceBatch, featureNames: input.featureNames,
            covariateNames: covariate ? ["age"] : nil)

        let expected = try Self.cohort(Self.table("\(prefix)_\(tag).csv"))
        var largest = 0.0
        for j in 0..<harmonised.count {
            for g in 0..<input.featureNames.count {
                let e = expected.features[j][g]
                largest = max(largest, abs(harmonised[j][g] - e) / max(1, abs(e)))
                assertClose(harmonised[j][g], e, "\(tag) case \(j + 1) \(input.featureNames[g])")
            }
        }

        let estimates = try Self.table("\(prefix)_\(tag)_batch_estimates.csv")
        let columns = estimatesOnlyStars ? ["gamma_star", "delta_star"]
            : ["gamma_hat", "delta_hat", "gamma_star", "delta_star"]
        for (r, row) in estimates.rows.enumerated() {
            let i = model.batches.firstIndex(of: row[0])!
            let g = model.featureNames.firstIndex(of: row[1])!
            for column in columns {
                let value = try estimates.numericColumn(column)[r]!
                let actual: Double
                switch column {
                case "gamma_hat": actual = model.gammaHat[i][g]
                case "delta_hat": actual = model.deltaHat[i][g]
                case "gamma_star": actual = model.gammaStar[i][g]
                default: actual = model.deltaStar[i][g]
                }
                assertClose(actual, value, "\(tag) \(column) batch \(row[0]) \(row[1])")
            }
        }
        guard prefix == "combat" else { return largest }

        let featureTable = try Self.table("combat_\(tag)_feature_estimates.csv")
        let grand = try featureTable.numericColumn("grand_mean")
        let pooled = try featureTable.numericColumn("var_pooled")
        let ageCoefficient = covariate ? try featureTable.numericColumn("B_age") : []
        for (r, name) in try featureTable.column("feature").enumerated() {
            let g = model.featureNames.firstIndex(of: name)!
            assertClose(model.grandMean[g], grand[r]!, "\(tag) grand_mean \(name)")
            assertClose(model.varPooled[g], pooled[r]!, "\(tag) var_pooled \(name)")
            if covariate {
                assertClose(model.covariateCoefficients[0][g], ageCoefficient[r]!,
                            "\(tag) B_age \(name)")
            }
        }

        let priors = try Self.table("combat_\(tag)_priors.csv")
        for (r, label) in try priors.column("batch").enumerated() {
            let i = model.batches.firstIndex(of: label)!
            XCTAssertEqual(Double(model.batchSizes[i]), try priors.numericColumn("n")[r]!)
            assertClose(model.gammaBar[i], try priors.numericColumn("gamma_bar")[r]!,
                        "\(tag) gamma_bar \(label)")
            assertClose(model.t2[i], try priors.numericColumn("t2")[r]!, "\(tag) t2 \(label)")
            // The reference batch's a and b are 0/0-like noise (its deltaHat are all
            // n/(n-1) up to rounding) and unused: the README says so; they are not compared.
            if label == referenceBatch { continue }
            assertClose(model.aPrior[i], try priors.numericColumn("a_prior")[r]!,
                        "\(tag) a_prior \(label)")
            assertClose(model.bPrior[i], try priors.numericColumn("b_prior")[r]!,
                        "\(tag) b_prior \(label)")
        }
        return largest
    }

    func testParametricWithAgeCovariateMatchesSva() throws {
        let largest = try checkRun("param_cov", parametric: true, covariate: true)
        print("ComBat param_cov: largest relative difference from sva \(largest)")
    }

    func testParametricWithoutCovariateMatchesSva() throws {
        let largest = try checkRun("param_nocov", parametric: true, covariate: false)
        print("ComBat param_nocov: largest relative difference from sva \(largest)")
    }

    func testNonParametricWithAgeCovariateMatchesSva() throws {
        let largest = try checkRun("nonparam_cov", parametric: false, covariate: true)
        print("ComBat nonparam_cov: largest relative difference from sva \(largest)")
    }

    func testNonParametricWithoutCovariateMatchesSva() throws {
        let largest = try checkRun("nonparam_nocov", parametric: false, covariate: false)
        print("ComBat nonparam_nocov: largest relative difference from sva \(largest)")
    }

    func testReferenceBatchLeavesItUnchangedAndMatchesSva() throws {
        let largest = try checkRun("param_cov_ref1", parametric: true, covariate: true,
                                   referenceBatch: "1")
        print("ComBat param_cov_ref1: largest relative difference from sva \(largest)")
        let input = try Self.input()
        let (_, harmonised) = try ComBat.harmonise(
            features: input.features, batch: input.batch, covariates: input.age,
            referenceBatch: "1")
        for j in input.batch.indices where input.batch[j] == "1" {
            XCTAssertEqual(harmonised[j], input.features[j])
        }
    }

    /// neuroCombat 0.2.12 agrees with sva to ~5e-15 without covariates (README), so petrad must
    /// match it too; with a covariate neuroCombat's float32 cast limits agreement to ~1e-6.
    func testNeuroCombatWithoutCovariateAgrees() throws {
        try checkRun("param_nocov", parametric: true, covariate: false, prefix: "neurocombat",
                     estimatesOnlyStars: true)
        try checkRun("nonparam_nocov", parametric: false, covariate: false,
                     prefix: "neurocombat", estimatesOnlyStars: true)
    }

    /// Fit once, save as JSON, read back, apply to each case alone: every case gets sva's
    /// harmonised values (the model carries everything; nothing depends on the other cases).
    func testSavedModelAppliedToSingleNewCasesReproducesSva() throws {
        let input = try Self.input()
        let model = try ComBat.fit(features: input.features, batch: input.batch,
                                   covariates: input.age, featureNames: input.featureNames,
                                   covariateNames: ["age"])
        let path = NSTemporaryDirectory() + "petrad-combat-\(getpid()).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.write(to: path)
        let reloaded = try ComBatModel.read(path: path)
        XCTAssertEqual(reloaded, model)

        let expected = try Self.cohort(Self.table("combat_param_cov.csv"))
        for j in stride(from: 0, to: input.features.count, by: 7) {
            let one = try reloaded.apply(features: [input.features[j]], batch: [input.batch[j]],
                                         covariates: [input.age[j]])
            for g in input.featureNames.indices {
                assertClose(one[0][g], expected.features[j][g], "case \(j + 1) alone")
            }
        }
    }

    /// Mean-only (sva `mean.only = TRUE`; no sva file, checked by its definition): deltaStar
    /// is 1, so each case moves by -gammaStar * sqrt(varPooled), the same shift for every
    /// case of a batch, and the within-batch spread is unchanged.
    func testMeanOnlyShiftsEachBatchByAConstant() throws {
        let input = try Self.input()
        let (model, harmonised) = try ComBat.harmonise(
            features: input.features, batch: input.batch, covariates: input.age,
            meanOnly: true)
        XCTAssertTrue(model.deltaStar.allSatisfy { $0.allSatisfy { $0 == 1 } })
        for j in input.features.indices {
            let i = model.batches.firstIndex(of: input.batch[j])!
            for g in input.featureNames.indices {
                let shift = -model.gammaStar[i][g] * model.varPooled[g].squareRoot()
                assertClose(harmonised[j][g] - input.features[j][g], shift, "shift",
                            tolerance: 1e-9)
            }
            // sva's mean-only posterior: (t2 gammaHat + gammaBar) / (t2 + 1).
            let g = 0
            let posterior = (model.t2[i] * model.gammaHat[i][g] + model.gammaBar[i])
                / (model.t2[i] + 1)
            assertClose(model.gammaStar[i][g], posterior, "mean-only gamma star",
                        tolerance: 1e-12)
        }
    }

    // MARK: - Errors

    func small() -> (features: [[Double]], batch: [String]) {
        ([[1, 10], [2, 12], [3, 11], [5, 20], [7, 25], [6, 21]], ["A", "A", "A", "B", "B", "B"])
    }

    func assertInputError(_ body: () throws -> Void, field: String, value: String,
                          mentions: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let error = error as? InputError else {
                return XCTFail("not an InputError: \(error)", file: file, line: line)
            }
            XCTAssertEqual(error.field, field, file: file, line: line)
            XCTAssertEqual(error.value, value, file: file, line: line)
            XCTAssertTrue(error.description.contains(mentions), "\(error)", file: file, line: line)
        }
    }

    func testBatchWithOneCaseIsAnErrorNamingTheBatch() {
        var data = small()
        data.batch[5] = "C"
        assertInputError({ _ = try ComBat.fit(features: data.features, batch: data.batch) },
                         field: "batch", value: "C", mentions: "only 1 case")
    }

    func testFeatureConstantWithinABatchIsAnErrorNamingFeatureBatchAndValue() {
        var data = small()
        for j in 3..<6 { data.features[j][1] = 4.5 }
        assertInputError({
            _ = try ComBat.fit(features: data.features, batch: data.batch,
                               featureNames: ["suv_max", "glcm_contrast"])
        }, field: "glcm_contrast", value: "4.5", mentions: "constant within batch B")
    }

    func testMissingValueIsAnErrorNamingColumnAndCase() {
        var data = small()
        data.features[4][0] = .nan
        assertInputError({
            _ = try ComBat.fit(features: data.features, batch: data.batch,
                               featureNames: ["suv_max", "glcm_contrast"],
                               caseLabels: ["p1", "p2", "p3", "p4", "p5", "p6"])
        }, field: "suv_max, p5", value: "NaN", mentions: "missing")
    }

    func testMissingCovariateIsAnError() {
        let data = small()
        assertInputError({
            _ = try ComBat.fit(features: data.features, batch: data.batch,
                               covariates: [[1], [2], [.nan], [4], [5], [6]],
                               covariateNames: ["age"])
        }, field: "age, row 3", value: "NaN", mentions: "missing")
    }

    func testUnknownBatchAtApplyIsAnError() throws {
        let data = small()
        let model = try ComBat.fit(features: data.features, batch: data.batch)
        assertInputError({ _ = try model.apply(features: [[1, 2]], batch: ["Z"]) },
                         field: "batch, row 1", value: "Z", mentions: "not a batch")
    }

    func testUnknownReferenceBatchIsAnError() {
        let data = small()
        assertInputError({
            _ = try ComBat.fit(features: data.features, batch: data.batch, referenceBatch: "Q")
        }, field: "reference batch", value: "Q", mentions: "A, B")
    }

    func testCovariateConfoundedWithBatchIsAnError() {
        let data = small()
        assertInputError({
            _ = try ComBat.fit(features: data.features, batch: data.batch,
                               covariates: [[0], [0], [0], [1], [1], [1]],
                               covariateNames: ["site_is_b"])
        }, field: "covariates", value: "site_is_b", mentions: "singular")
    }

    func testSingleBatchIsAnError() {
        let data = small()
        assertInputError({
            _ = try ComBat.fit(features: data.features, batch: Array(repeating: "A", count: 6))
        }, field: "batch", value: "A", mentions: "only one batch")
    }

    func testNumericBatchLabelsAreOrderedAsNumbers() {
        XCTAssertEqual(ComBatValidation.factorLevels(["10", "9", "2", "10"]), ["2", "9", "10"])
        XCTAssertEqual(ComBatValidation.factorLevels(["b", "a", "C"]), ["C", "a", "b"])
    }
}

extension ComBatTests {
    /// A covariate in large units (age in seconds, ~2e9) gives the same harmonised values as in
    /// years: the singularity test and the fit do not depend on the covariate's scale.
    func testCovariateUnitsDoNotMatter() throws {
        let input = try Self.input()
        let years = try ComBat.harmonise(features: input.features, batch: input.batch,
                                         covariates: input.age).harmonised
        let seconds = try ComBat.harmonise(features: input.features, batch: input.batch,
                                           covariates: input.age.map { [$0[0] * 3.15576e7] })
            .harmonised
        for j in years.indices {
            for g in years[j].indices {
                assertClose(seconds[j][g], years[j][g], "seconds vs years", tolerance: 1e-10)
            }
        }
    }
}

extension ComBatTests {
    /// Rows in any order (batches interleaved) and batch names whose sorted order differs from
    /// the numeric one give sva's values for each case (combat_nonparam_cov.csv, 1e-9).
    func testRowOrderAndBatchNamesDoNotMatter() throws {
        let input = try Self.input()
        var generator = Xoshiro256StarStar(seed: 11)
        let order = generator.permutation(input.features.count)
        let rename = ["1": "zurich", "2": "lyon", "3": "aachen"]
        let (model, harmonised) = try ComBat.harmonise(
            features: order.map { input.features[$0] },
            batch: order.map { rename[input.batch[$0]]! },
            covariates: order.map { input.age[$0] }, parametric: false)
        XCTAssertEqual(model.batches, ["aachen", "lyon", "zurich"])
        let expected = try Self.cohort(Self.table("combat_nonparam_cov.csv"))
        for (position, j) in order.enumerated() {
            for g in input.featureNames.indices {
                assertClose(harmonised[position][g], expected.features[j][g],
                            "case \(j + 1) at position \(position)")
            }
        }
    }
}
