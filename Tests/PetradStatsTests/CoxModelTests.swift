import XCTest
@testable import PetradStats

/// Cox models against R 4.2.2 / survival 3.5.3 `coxph` (cox_<model>.csv, cox_models.csv of
/// every data set, made by make_reference.R), ties efron, breslow and (ties/ only) exact.
final class CoxModelTests: XCTestCase {
    /// Factor variables and their R level order (reference first), from the README.
    static let factors: [String: [String: [String]]] = [
        "lung": ["sex": ["1", "2"]],
        "veteran": ["trt": ["1", "2"], "celltype": ["squamous", "smallcell", "adeno", "large"]],
        "ovarian": ["rx": ["1", "2"]],
        "colon": ["rx": ["Obs", "Lev", "Lev+5FU"]],
        "pbc": ["trt": ["1", "2"], "sex": ["m", "f"]],
    ]

    /// Fits the model of a `Surv(time, status) ~ a + b + strata(s)` formula.
    static func fit(_ set: String, formula: String, ties: CoxTies) throws
        -> (fit: CoxFit, data: SurvivalData)? {
        guard let table = try referenceDataTable(set), let columns = survivalColumns[set] else {
            return nil
        }
        let rhs = formula.components(separatedBy: "~")[1]
            .components(separatedBy: "+").map { $0.trimmingCharacters(in: .whitespaces) }
        var specs: [CovariateSpec] = []
        var strata: String? = nil
        for term in rhs {
            if term.hasPrefix("strata(") {
                strata = String(term.dropFirst(7).dropLast())
            } else if let levels = factors[set]?[term] {
                specs.append(.categorical(term, levels: levels))
            } else {
                specs.append(.numeric(term))
            }
        }
        let data = try SurvivalTable(table, time: columns.time, event: columns.event)
            .prepare(covariates: specs, strata: strata, policy: .drop)
        let fit = try CoxModel.fit(time: data.time, event: data.event,
                                   covariates: data.covariates, names: data.names,
                                   strata: data.strata, ties: ties)
        return (fit, data)
    }

    func testCoefficientsTestsAndConcordanceMatchR() throws {
        let checker = ReferenceChecker()
        for set in ["lung", "veteran", "ovarian", "colon", "pbc", "ties"] {
            guard let models = try ReferenceRows.load(set, "cox_models.csv") else {
                throw XCTSkip("survival/\(set)/cox_models.csv absent")
            }
            for row in models.rows {
                guard let ties = CoxTies(rawValue: row["ties"]!) else { continue }
                let model = row["model"]!
                guard let (fit, data) = try Self.fit(set, formula: row["formula"]!, ties: ties)
                else { throw XCTSkip("survival/\(set)/data.csv absent") }
                let what = "\(set) \(model) \(ties.rawValue)"
                checker.check(Double(fit.n), row["n"], what + " n")
                checker.check(Double(fit.events), row["nevent"], what + " nevent")
                checker.check(Double(data.droppedRowNumbers.count), row["n_dropped_na"],
                              what + " dropped")
                checker.check(Double(fit.iterations), row["iter"], what + " iter")
                checker.check(fit.logLikelihoodNull, row["loglik_null"], what + " loglik0")
                checker.check(fit.logLikelihood, row["loglik_final"], what + " loglik")
                for (test, prefix) in [(fit.likelihoodRatio, "lr"), (fit.wald, "wald"),
                                       (fit.score, "score")] {
                    checker.check(test.statistic, row[prefix + "_test"], what + " " + prefix)
                    checker.check(Double(test.degreesOfFreedom), row[prefix + "_df"],
                                  what + " " + prefix + " df")
                    checker.check(test.pValue, row[prefix + "_p"], what + " " + prefix + " p",
                                  isP: true)
                }
                let c = fit.concordance
                checker.check(c.concordance, row["concordance"], what + " C")
                checker.check(c.standardError, row["concordance_se"], what + " C se")
                checker.check(c.concordant, row["conc_concordant"], what + " concordant")
                checker.check(c.discordant, row["conc_discordant"], what + " discordant")
                checker.check(c.tiedX, row["conc_tied_x"], what + " tied.x")
                checker.check(c.tiedY, row["conc_tied_y"], what + " tied.y")
                checker.check(c.tiedXY, row["conc_tied_xy"], what + " tied.xy")
                if fit.warnings.joined(separator: " | ") != row["warnings"]! {
                    checker.failures.append(what + " warnings: \(fit.warnings)")
                }

                guard let coefficients = try ReferenceRows.load(set, "cox_\(model).csv") else {
                    checker.failures.append(what + ": cox_\(model).csv absent")
                    continue
                }
                let (lower, upper) = fit.confidenceIntervals()
                let se = fit.standardErrors, z = fit.z, p = fit.pValues
                for term in coefficients.rows where term["ties"] == ties.rawValue {
                    let name = term["term"]!
                    guard let i = fit.names.firstIndex(of: name) else {
                        checker.failures.append(what + ": no term \(name) in \(fit.names)")
                        continue
                    }
                    let w = what + " " + name
                    if let info = data.terms.first(where: { $0.name == name }), info.level != nil {
                        XCTAssertEqual(info.level, term["level"], w)
                        XCTAssertEqual(info.referenceLevel, term["ref_level"], w)
                    }
                    checker.check(fit.coefficients[i], term["coef"], w + " coef")
                    checker.check(fit.hazardRatios[i], term["exp_coef"], w + " exp(coef)")
                    checker.check(se[i], term["se_coef"], w + " se")
                    checker.check(z[i], term["z"], w + " z")
                    checker.check(p[i], term["p"], w + " p", isP: true)
                    checker.check(lower[i], term["lower95_coef"], w + " lower")
                    checker.check(upper[i], term["upper95_coef"], w + " upper")
                    checker.check(exp(lower[i]), term["lower95_exp"], w + " lower HR")
                    checker.check(exp(upper[i]), term["upper95_exp"], w + " upper HR")
                }
            }
        }
        checker.assertAll(minimum: 1_000)
    }

    /// ties/ (issue 4): R coxph Efron beta 0.5057, loglik -9.2916 (survival 3.5.3:
    /// 0.505700..., -9.29161627327827).
    func testTiedTimesEfron() throws {
        let fit = try CoxModel.fit(time: [1, 1, 2, 2, 3, 3, 4, 4],
                                   event: [1, 1, 1, 1, 1, 0, 1, 1].map { $0 == 1 },
                                   covariates: [[1, 0, 1, 1, 0, 0, 1, 0]], names: ["x"])
        XCTAssertEqual(fit.coefficients[0], 0.5057, accuracy: 5e-5)
        XCTAssertEqual(fit.logLikelihood, -9.29161627327827, accuracy: 1e-9)
        XCTAssertEqual(fit.ties, .efron)
    }

    /// ties/ (issue 4): R coxph Breslow beta 0.4457, loglik -10.3484 (-10.3484353708527).
    func testTiedTimesBreslow() throws {
        let fit = try CoxModel.fit(time: [1, 1, 2, 2, 3, 3, 4, 4],
                                   event: [1, 1, 1, 1, 1, 0, 1, 1].map { $0 == 1 },
                                   covariates: [[1, 0, 1, 1, 0, 0, 1, 0]], names: ["x"],
                                   ties: .breslow)
        XCTAssertEqual(fit.coefficients[0], 0.4457, accuracy: 5e-5)
        XCTAssertEqual(fit.logLikelihood, -10.3484353708527, accuracy: 1e-9)
    }

    /// separation/ (issue 4): time 1..6, all events, x = 1,1,1,0,0,0. R 4.2.2 / survival
    /// 3.5.3 stops at beta 21.94 with "Loglik converged before variable  1 ; coefficient may
    /// be infinite. "; petrad reports the hazard ratio as not estimable, and the numbers where
    /// the iterations stopped agree with R's (separation/cox_x.csv).
    func testSeparationIsNotEstimable() throws {
        for ties in CoxTies.allCases {
            let fit = try CoxModel.fit(time: [1, 2, 3, 4, 5, 6],
                                       event: Array(repeating: true, count: 6),
                                       covariates: [[1, 1, 1, 0, 0, 0]], names: ["x"], ties: ties)
            XCTAssertFalse(fit.isEstimable(0))
            XCTAssertTrue(fit.notEstimable.first?.reason.contains("monotone likelihood") ?? false)
            XCTAssertEqual(fit.warnings, ["Loglik converged before variable  1 ; "
                + (ties == .exact ? "beta" : "coefficient") + " may be infinite. "])
            guard let reference = try ReferenceRows.load("separation", "cox_x.csv") else {
                throw XCTSkip("survival/separation/cox_x.csv absent")
            }
            let checker = ReferenceChecker()
            for row in reference.rows where row["ties"] == ties.rawValue {
                checker.check(fit.coefficients[0], row["coef"], "coef")
                checker.check(fit.standardErrors[0], row["se_coef"], "se")
                checker.check(fit.pValues[0], row["p"], "p", isP: true)
                checker.check(Double(fit.iterations), row["iter"], "iter")
                checker.check(fit.logLikelihood, row["loglik_final"], "loglik")
                checker.check(fit.likelihoodRatio.statistic, row["lr_test"], "lr")
                checker.check(fit.wald.statistic, row["wald_test"], "wald")
                checker.check(fit.score.statistic, row["score_test"], "score")
                checker.check(fit.score.pValue, row["score_p"], "score p", isP: true)
                checker.check(fit.concordance.concordance, row["concordance"], "C")
                XCTAssertEqual(fit.warnings.joined(), row["warning_text"])
            }
            checker.assertAll(minimum: 10)
        }
    }
}
