import XCTest
@testable import PetradStats

/// Cox-LASSO path against R glmnet 4.1-6 (`glmnet(x, Surv(time, event), family = "cox")`) on
/// sim_lasso_150x100.
final class LassoPathTests: XCTestCase {
    /// Compares a fitted path with glmnet_path*.csv and glmnet_lambda*.csv.
    private func check(alpha: Double, pathFile: String, lambdaFile: String) throws {
        let cohort = try LassoTestData.cohort()
        var settings = CoxNetSettings()
        settings.alpha = alpha
        let fit = try CoxNet.fit(cohort.x, cohort.y, settings: settings)

        let lambdaTable = try LassoTestData.table(lambdaFile)
        let lambdas = try LassoTestData.doubles(lambdaTable, "lambda")
        let ratios = try LassoTestData.doubles(lambdaTable, "dev_ratio")
        let df = try LassoTestData.doubles(lambdaTable, "df")
        XCTAssertEqual(fit.lambdas.count, lambdas.count, "path length (glmnet's fdev stop)")
        XCTAssertEqual(fit.end, .devianceStop)
        for l in 0..<min(fit.lambdas.count, lambdas.count) {
            XCTAssertEqual(fit.lambdas[l], lambdas[l], accuracy: 1e-12 * lambdas[l], "lambda \(l + 1)")
            XCTAssertEqual(fit.devianceRatio[l], ratios[l], accuracy: 1e-8, "dev.ratio \(l + 1)")
            XCTAssertEqual(Double(fit.nonzeroCounts[l]), df[l], "df at lambda \(l + 1)")
        }

        // Every coefficient, zero or not, at every reference lambda.
        let pathTable = try LassoTestData.table(pathFile)
        let index = try pathTable.numericColumn("lambda_index").map { Int($0!) - 1 }
        let feature = try pathTable.column("feature")
        let coef = try LassoTestData.doubles(pathTable, "coef")
        let p = cohort.x.columnCount
        var expected = [Double](repeating: 0, count: lambdas.count * p)
        for row in 0..<index.count {
            let j = cohort.x.names.firstIndex(of: feature[row])!
            expected[index[row] * p + j] = coef[row]
        }
        var worst = 0.0
        for l in 0..<min(fit.lambdas.count, lambdas.count) {
            for j in 0..<p {
                let got = fit.coefficients[l * p + j]
                let want = expected[l * p + j]
                worst = max(worst, abs(got - want))
                XCTAssertEqual(got, want, accuracy: 1e-5,
                               "lambda \(l + 1), \(cohort.x.names[j])")
                XCTAssertEqual(got == 0, want == 0, "zero pattern, lambda \(l + 1), \(cohort.x.names[j])")
            }
        }
        print("alpha \(alpha): largest |coef - glmnet| = \(worst), passes \(fit.passes)")
    }

    // Expected: glmnet_path.csv / glmnet_lambda.csv (glmnet 4.1-6, alpha = 1, 81 lambdas).
    func testLassoPathMatchesGlmnetAtEveryLambda() throws {
        try check(alpha: 1, pathFile: "glmnet_path.csv", lambdaFile: "glmnet_lambda.csv")
    }

    // Expected: glmnet_path_alpha05.csv / glmnet_lambda_alpha05.csv (alpha = 0.5, 91 lambdas).
    func testElasticNetHalfPathMatchesGlmnetAtEveryLambda() throws {
        try check(alpha: 0.5, pathFile: "glmnet_path_alpha05.csv",
                  lambdaFile: "glmnet_lambda_alpha05.csv")
    }

    // Expected: glmnet_nulldev.csv, fit$nulldev = 852.829593008114 (glmnet 4.1-6).
    func testNullDevianceMatchesGlmnet() throws {
        let cohort = try LassoTestData.cohort()
        let fit = try CoxNet.fit(cohort.x, cohort.y)
        XCTAssertEqual(fit.nullDeviance, 852.829593008114, accuracy: 1e-9)
        let deviance = CoxDeviance(cohort.x, cohort.y)!
        let zero = [Double](repeating: 0, count: cohort.x.columnCount)
        XCTAssertEqual(deviance.deviance(zero), 852.829593008114, accuracy: 1e-9)
    }
}
