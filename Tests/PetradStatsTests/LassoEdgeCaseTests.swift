import XCTest
@testable import PetradStats

/// Edge cases of the Cox-LASSO fit and its inputs (behaviour of R glmnet 4.1-6 where it has one).
final class LassoEdgeCaseTests: XCTestCase {
    /// A small cohort: 12 patients, 3 features, a mix of events and censorings with a tie.
    private func small() -> (FeatureMatrix, TimeToEvent) {
        let x = FeatureMatrix(columns: [
            [1.2, 0.3, 2.2, 1.9, 0.1, 1.4, 2.8, 0.7, 1.1, 2.5, 0.2, 1.7],
            [10, 14, 9, 11, 15, 12, 8, 13, 12, 9, 16, 10],
            [0.5, 0.1, 0.9, 0.3, 0.2, 0.8, 0.7, 0.4, 0.6, 0.9, 0.1, 0.5],
        ], names: ["a", "b", "c"])
        let y = TimeToEvent(time: [5, 9, 2, 4, 12, 4, 1, 10, 6, 3, 14, 7],
                            event: [true, false, true, true, false, true, true, false, true, true,
                                    false, true])
        return (x, y)
    }

    // glmnet excludes a constant column (chkvars): its coefficient is 0 everywhere and the
    // other coefficients are those of the fit without it.
    func testConstantFeatureStaysZeroAndChangesNothing() throws {
        let (x, y) = small()
        let withConstant = FeatureMatrix(
            columns: (0..<3).map { Array(x.column($0)) } + [[Double](repeating: 4, count: 12)],
            names: ["a", "b", "c", "k"])
        let plain = try CoxNet.fit(x, y)
        let padded = try CoxNet.fit(withConstant, y)
        XCTAssertEqual(plain.lambdas, padded.lambdas)
        for l in 0..<plain.lambdas.count {
            XCTAssertEqual(padded.coefficients(at: l).last, 0)
            XCTAssertEqual(Array(padded.coefficients(at: l).dropLast()),
                           Array(plain.coefficients(at: l)))
        }
    }

    // glmnet error 30000 ("Initialization numerical error; probably too many censored
    // observations") when there is no event.
    func testNoEventIsRefused() {
        let (x, y) = small()
        let censored = TimeToEvent(time: y.time, event: y.event.map { _ in false })
        XCTAssertThrowsError(try CoxNet.fit(x, censored)) {
            XCTAssertTrue("\($0)".contains("too few events"), "\($0)")
        }
    }

    // glmnet: "negative event times encountered; not permitted for Cox family" (time <= 0).
    func testNonPositiveTimeIsRefusedNamingTheRow() {
        let (x, y) = small()
        var time = y.time
        time[3] = 0
        XCTAssertThrowsError(try CoxNet.fit(x, TimeToEvent(time: time, event: y.event))) {
            XCTAssertTrue("\($0)".contains("row 4"), "\($0)")
        }
    }

    func testEveryFeatureConstantIsRefused() {
        let (_, y) = small()
        let x = FeatureMatrix(columns: [[Double](repeating: 1, count: 12),
                                        [Double](repeating: 2, count: 12)], names: ["u", "v"])
        XCTAssertThrowsError(try CoxNet.fit(x, y))
    }

    // glmnet 4.1-6: lambda.min.ratio = 0.01 when nobs < nvars, else 1e-4.
    func testDefaultLambdaMinRatioDependsOnShape() {
        let settings = CoxNetSettings()
        XCTAssertEqual(settings.resolvedLambdaMinRatio(patients: 50, features: 100), 0.01)
        XCTAssertEqual(settings.resolvedLambdaMinRatio(patients: 150, features: 100), 1e-4)
        XCTAssertEqual(settings.resolvedLambdaMinRatio(patients: 100, features: 100), 1e-4)
    }

    // With a user lambda sequence the path has exactly those lambdas (sorted decreasing) and
    // never stops early; the solutions agree with the automatic path's at the same lambdas to
    // the convergence threshold. Expected: glmnet_path.csv (glmnet 4.1-6) at lambdas 2...40.
    func testUserLambdasReproduceTheAutomaticPathsSolutions() throws {
        let cohort = try LassoTestData.cohort()
        let automatic = try CoxNet.fit(cohort.x, cohort.y)
        var settings = CoxNetSettings()
        settings.lambdas = Array(automatic.lambdas[1..<40]).reversed()
        let user = try CoxNet.fit(cohort.x, cohort.y, settings: settings)
        XCTAssertEqual(user.lambdas, Array(automatic.lambdas[1..<40]))
        XCTAssertEqual(user.end, .allLambdas)
        for l in 0..<user.lambdas.count {
            let a = user.coefficients(at: l)
            let b = automatic.coefficients(at: l + 1)
            for j in 0..<cohort.x.columnCount {
                XCTAssertEqual(a[a.startIndex + j], b[b.startIndex + j],
                               accuracy: 1e-4 * max(1, abs(b[b.startIndex + j])))
            }
        }
    }

    // predict(fit, s) between two path lambdas is the linear interpolation in lambda; above
    // lambda_max it is the all-zero first solution.
    func testInterpolationBetweenPathLambdas() throws {
        let cohort = try LassoTestData.cohort()
        let fit = try CoxNet.fit(cohort.x, cohort.y)
        let middle = (fit.lambdas[5] + fit.lambdas[6]) / 2
        let got = fit.interpolatedCoefficients(atLambda: middle)
        let left = fit.coefficients(at: 5)
        let right = fit.coefficients(at: 6)
        for j in 0..<cohort.x.columnCount {
            let want = (left[left.startIndex + j] + right[right.startIndex + j]) / 2
            XCTAssertEqual(got[j], want, accuracy: 1e-12 * max(1, abs(want)))
        }
        XCTAssertTrue(fit.interpolatedCoefficients(atLambda: 10 * fit.lambdas[0])
            .allSatisfy { $0 == 0 })
        XCTAssertEqual(fit.interpolatedCoefficients(atLambda: 0),
                       Array(fit.coefficients(at: fit.lambdas.count - 1)))
    }

    // Ridge (alpha = 0): glmnet uses lambda_max = max|gradient| / 0.001 and has no strong-rule
    // screening, so every feature is non-zero at every lambda (glmnet reports df = p
    // throughout), vanishingly small (< 1e-30) at the first, "infinite" lambda.
    func testRidgeKeepsEveryFeature() throws {
        let (x, y) = small()
        var settings = CoxNetSettings()
        settings.alpha = 0
        let fit = try CoxNet.fit(x, y, settings: settings)
        XCTAssertTrue(fit.coefficients(at: 0).allSatisfy { $0 != 0 && abs($0) < 1e-30 })
        XCTAssertTrue(fit.nonzeroCounts.allSatisfy { $0 == 3 })
    }

    func testAlphaOutsideZeroOneIsRefused() {
        let (x, y) = small()
        var settings = CoxNetSettings()
        settings.alpha = 1.5
        XCTAssertThrowsError(try CoxNet.fit(x, y, settings: settings)) {
            XCTAssertTrue("\($0)".contains("alpha"), "\($0)")
        }
    }
}
