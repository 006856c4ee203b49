import XCTest
@testable import PetradStats

/// cv.glmnet (glmnet 4.1-6, type.measure = "deviance", grouped = TRUE) on sim_lasso_150x100
/// with the saved fold ids of repeat 1.
final class LassoCrossValidationTests: XCTestCase {
    // Expected: cv.csv and cv_summary.csv (R 4.2.2, glmnet 4.1-6): lambda.min index 19,
    // lambda.1se index 10. cvm/cvsd compared on lambda_index <= 60 (the README: the tail
    // depends on where each fold's solver gives up).
    func testRepeatOneFoldsGiveGlmnetsCurveLambdaMinAnd1se() throws {
        let cohort = try LassoTestData.cohort()
        let folds = try LassoTestData.foldIDs()[0]
        let cv = try CoxNetCrossValidation.run(cohort.x, cohort.y, foldIDs: folds)

        let table = try LassoTestData.table("cv.csv")
        let cvm = try LassoTestData.doubles(table, "cvm")
        let cvsd = try LassoTestData.doubles(table, "cvsd")
        let nzero = try LassoTestData.doubles(table, "nzero")
        XCTAssertEqual(cv.lambdas.count, cvm.count)
        for l in 0..<min(60, cvm.count) {
            XCTAssertEqual(cv.cvm[l], cvm[l], accuracy: 1e-8 * cvm[l], "cvm at lambda \(l + 1)")
            XCTAssertEqual(cv.cvsd[l], cvsd[l], accuracy: 1e-7 * cvsd[l], "cvsd at lambda \(l + 1)")
            XCTAssertEqual(Double(cv.nonzeroCounts[l]), nzero[l])
        }
        let summary = try LassoTestData.table("cv_summary.csv")
        XCTAssertEqual(cv.indexMin + 1, 19)
        XCTAssertEqual(cv.index1se + 1, 10)
        XCTAssertEqual(cv.lambdaMin, try LassoTestData.doubles(summary, "lambda_min")[0],
                       accuracy: 1e-14)
        XCTAssertEqual(cv.lambda1se, try LassoTestData.doubles(summary, "lambda_1se")[0],
                       accuracy: 1e-14)
    }

    // Expected: cv_folds_repeat1.csv, the fold paths' own lambda_max and length
    // (glmnet 4.1-6; lengths 81..100, ended by the deviance rule or by maxit/numerical error).
    func testFoldPathsHaveGlmnetsOwnLambdaMax() throws {
        let cohort = try LassoTestData.cohort()
        let folds = try LassoTestData.foldIDs()[0]
        let table = try LassoTestData.table("cv_folds_repeat1.csv")
        let fold = try LassoTestData.doubles(table, "fold")
        let lambdaMax = try LassoTestData.doubles(table, "fold_lambda_max")
        let count = try LassoTestData.doubles(table, "fold_n_lambda")
        for k in 1...10 {
            let row = fold.firstIndex(of: Double(k))!
            let training = (0..<folds.count).filter { folds[$0] != k }
            let fit = try CoxNet.fit(cohort.x.selectingRows(training),
                                     cohort.y.selecting(training))
            XCTAssertEqual(fit.lambdas[0], lambdaMax[row], accuracy: 1e-12, "fold \(k)")
            print("fold \(k): \(fit.lambdas.count) lambdas (glmnet \(Int(count[row]))), \(fit.end)")
        }
    }

    // Expected: foldid.csv, written by R 4.2.2 as set.seed(42) then, for each of 100 repeats,
    // sample(rep(1:10, length.out = 150)) (Mersenne-Twister, Rejection sampling).
    func testSeededFoldsAreRsSample() throws {
        let expected = try LassoTestData.foldIDs()
        var random = RRandom(seed: 42)
        for r in 0..<expected.count {
            XCTAssertEqual(random.folds(count: 150, folds: 10), expected[r], "repeat \(r + 1)")
        }
    }

    // Expected: R 4.2.2, set.seed(1); runif(3) = 0.2655087 0.3721239 0.5728534.
    func testUniformMatchesRunif() {
        var random = RRandom(seed: 1)
        XCTAssertEqual(random.uniform(), 0.2655086631421, accuracy: 1e-12)
        XCTAssertEqual(random.uniform(), 0.3721238996368, accuracy: 1e-12)
        XCTAssertEqual(random.uniform(), 0.5728533633519, accuracy: 1e-12)
    }

    // cv.glmnet draws foldid = sample(rep(seq(nfolds), length = N)); with set.seed(42) that is
    // repeat 1 of foldid.csv, so the seeded run gives cv_summary.csv's lambda.min (index 19).
    func testSeededRandomFoldsAreCvGlmnetsDraw() throws {
        let cohort = try LassoTestData.cohort()
        let cv = try CoxNetCrossValidation.run(cohort.x, cohort.y, folds: 10, seed: 42)
        XCTAssertEqual(cv.foldIDs, try LassoTestData.foldIDs()[0])
        XCTAssertEqual(cv.indexMin + 1, 19)
    }

    func testFewerThanThreeFoldsIsRefused() throws {
        let cohort = try LassoTestData.cohort()
        let folds = (0..<cohort.x.rowCount).map { $0 % 2 + 1 }
        XCTAssertThrowsError(try CoxNetCrossValidation.run(cohort.x, cohort.y, foldIDs: folds)) {
            XCTAssertTrue("\($0)".contains("K >= 3"), "\($0)")
        }
    }
}
