import XCTest
@testable import PetradStats

/// Kaplan–Meier against R 4.2.2 / survival 3.5.3 `survfit` (files km.csv, km_quantiles.csv of
/// every data set in ../shared/data/survival, made by make_reference.R).
final class KaplanMeierTests: XCTestCase {
    private func curves(_ set: String, groupVariable: String) throws
        -> [String: KaplanMeierCurve]? {
        guard let table = try referenceDataTable(set), let columns = survivalColumns[set] else {
            return nil
        }
        if groupVariable.isEmpty {
            let data = try completeRows(table, time: columns.time, event: columns.event,
                                        columns: [])
            return ["": KaplanMeier.fit(time: data.time, event: data.event)]
        }
        let data = try completeRows(table, time: columns.time, event: columns.event,
                                    columns: [groupVariable])
        var result: [String: KaplanMeierCurve] = [:]
        for (level, curve) in KaplanMeier.fit(time: data.time, event: data.event,
                                              group: data.values[0]) {
            result[level] = curve
        }
        return result
    }

    func testSurvivalTableStandardErrorsAndBandsMatchR() throws {
        let checker = ReferenceChecker()
        for set in survivalDataSets {
            guard let reference = try ReferenceRows.load(set, "km.csv") else {
                throw XCTSkip("survival/\(set)/km.csv absent")
            }
            var cache: [String: [String: KaplanMeierCurve]] = [:]
            var position: [String: Int] = [:]
            for row in reference.rows {
                let variable = row["group_var"]!, level = row["group_level"]!
                if cache[variable] == nil { cache[variable] = try curves(set, groupVariable: variable) }
                guard let curve = cache[variable]?[level] else {
                    checker.failures.append("\(set) \(variable)=\(level): no curve")
                    continue
                }
                let key = variable + "=" + level
                let i = position[key, default: 0]
                position[key] = i + 1
                guard i < curve.time.count else {
                    checker.failures.append("\(set) \(key): too few times")
                    continue
                }
                let what = "\(set) \(key) t=\(row["time"]!)"
                checker.check(curve.time[i], row["time"], what + " time")
                checker.check(curve.numberAtRisk[i], row["n.risk"], what + " n.risk")
                checker.check(curve.numberOfEvents[i], row["n.event"], what + " n.event")
                checker.check(curve.numberCensored[i], row["n.censor"], what + " n.censor")
                checker.check(curve.survival[i], row["surv"], what + " surv")
                checker.check(curve.standardError[i], row["std.err"], what + " std.err")
                checker.check(curve.standardErrorSurvival[i], row["greenwood_se_surv"],
                              what + " se(S)")
                checker.check(curve.cumulativeHazard[i], row["cumhaz"], what + " cumhaz")
                checker.check(curve.standardErrorCumulativeHazard[i], row["std.chaz"],
                              what + " std.chaz")
                for (type, suffix) in [(ConfidenceType.log, "log"), (.logLog, "loglog"),
                                       (.plain, "plain")] {
                    let bounds = curve.confidenceBounds(type)
                    checker.check(bounds.lower[i], row["lower_" + suffix], what + " lower " + suffix)
                    checker.check(bounds.upper[i], row["upper_" + suffix], what + " upper " + suffix)
                }
            }
            for (key, count) in position {
                let variable = String(key.split(separator: "=", maxSplits: 1,
                                                omittingEmptySubsequences: false)[0])
                let level = String(key.dropFirst(variable.count + 1))
                if cache[variable]?[level]?.time.count != count {
                    checker.failures.append("\(set) \(key): \(count) rows in R")
                }
            }
        }
        checker.assertAll(minimum: 10_000)
    }

    func testQuantilesWithMidpointRuleAndNotReachedMatchR() throws {
        let checker = ReferenceChecker()
        for set in survivalDataSets {
            guard let reference = try ReferenceRows.load(set, "km_quantiles.csv") else {
                throw XCTSkip("survival/\(set)/km_quantiles.csv absent")
            }
            var cache: [String: [String: KaplanMeierCurve]] = [:]
            for row in reference.rows {
                let variable = row["group_var"]!, level = row["group_level"]!
                if cache[variable] == nil { cache[variable] = try curves(set, groupVariable: variable) }
                guard let curve = cache[variable]?[level],
                      let type = ConfidenceType(rawValue: row["conf_type"]!),
                      let prob = Double(row["prob"]!) else {
                    checker.failures.append("\(set) \(variable)=\(level): no curve")
                    continue
                }
                let q = curve.quantile(prob, confidence: type)
                let what = "\(set) \(variable)=\(level) \(type.rawValue) p=\(prob)"
                checker.check(q.estimate, row["quantile"], what + " quantile")
                checker.check(q.lower, row["lower"], what + " lower")
                checker.check(q.upper, row["upper"], what + " upper")
            }
        }
        checker.assertAll(minimum: 300)
    }

    /// ties/: S = 0.5 exactly on [2, 3): R's median is the midpoint 2.5 (survival 3.5.3).
    func testMedianOnAFlatStretchIsTheMidpoint() {
        let curve = KaplanMeier.fit(time: [1, 1, 2, 2, 3, 3, 4, 4],
                                    event: [true, true, true, true, true, false, true, true])
        XCTAssertEqual(curve.median ?? .nan, 2.5, accuracy: 1e-12)
    }

    /// ties/: S is 1 before time 1, 0.75 on [1, 2), 0 from 4 (R survfit, survival 3.5.3:
    /// surv 0.75 at 1, 0 at 4 in ties/km.csv).
    func testSurvivalAtAGivenTimeIsTheStepFunction() {
        let curve = KaplanMeier.fit(time: [1, 1, 2, 2, 3, 3, 4, 4],
                                    event: [true, true, true, true, true, false, true, true])
        XCTAssertEqual(curve.survival(at: 0.5), 1)
        XCTAssertEqual(curve.survival(at: 1.5), 0.75, accuracy: 1e-15)
        XCTAssertEqual(curve.survival(at: 10), 0, accuracy: 1e-15)
    }

    /// A curve that never falls to 0.5 has no median ("not reached"), as R prints NA.
    func testMedianNotReachedIsNil() {
        let curve = KaplanMeier.fit(time: [1, 2, 3, 4], event: [true, false, false, false])
        XCTAssertNil(curve.median)
        XCTAssertEqual(curve.survival.last ?? .nan, 0.75, accuracy: 1e-15)
    }

    /// Times equal up to floating-point noise are one time, as R's aeqSurv makes them
    /// (survival 3.5.3, timefix = TRUE): 0.1 + 0.2 and 0.3 are tied.
    func testTimesEqualUpToRoundingAreTied() {
        let curve = KaplanMeier.fit(time: [0.1 + 0.2, 0.3, 1], event: [true, true, false])
        XCTAssertEqual(curve.time.count, 2)
        XCTAssertEqual(curve.numberOfEvents.first, 2)
        XCTAssertEqual(curve.survival.first ?? .nan, 1.0 / 3.0, accuracy: 1e-15)
    }
}
