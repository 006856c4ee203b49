import XCTest
@testable import PetradStats

/// Printed output: R's headings (print.survdiff, print.coxph, print.survfit), the ties method
/// and the number of events always shown, and JSON that parses.
final class SurvivalPrintingTests: XCTestCase {
    private let time: [Double] = [1, 1, 2, 2, 3, 3, 4, 4]
    private let event = [1, 1, 1, 1, 1, 0, 1, 1].map { $0 == 1 }
    private let x: [Double] = [1, 0, 1, 1, 0, 0, 1, 0]

    func testCoxTextShowsTiesEventsAndRHeadings() throws {
        let fit = try CoxModel.fit(time: time, event: event, covariates: [x], names: ["x"],
                                   ties: .breslow)
        let text = SurvivalPrinting.cox(fit, call: "coxph(Surv(time, status) ~ x)")
        for heading in ["coef", "exp(coef)", "se(coef)", "lower .95", "Likelihood ratio test=",
                        "Wald test", "Score (logrank) test", "Concordance=",
                        "n= 8, number of events= 7, ties= breslow"] {
            XCTAssertTrue(text.contains(heading), "missing \(heading) in\n\(text)")
        }
    }

    func testSeparatedCoxPrintsNotEstimableWithReason() throws {
        let fit = try CoxModel.fit(time: [1, 2, 3, 4, 5, 6], event: Array(repeating: true, count: 6),
                                   covariates: [[1, 1, 1, 0, 0, 0]], names: ["x"])
        let text = SurvivalPrinting.cox(fit, call: "coxph(Surv(time, status) ~ x)")
        XCTAssertTrue(text.contains("not estimable: monotone likelihood"), text)
        let json = SurvivalPrinting.coxJSON(fit)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let first = (object?["coefficients"] as? [[String: Any]])?.first
        XCTAssertEqual(first?["estimable"] as? Bool, false)
    }

    func testLogRankTextHasSurvdiffColumns() throws {
        let result = try LogRank.test(time: time, event: event, group: x.map { "\(Int($0))" })
        let text = SurvivalPrinting.logRank(result, call: "survdiff(Surv(time, status) ~ x)",
                                            groupName: "x")
        XCTAssertTrue(text.contains("N Observed Expected (O-E)^2/E (O-E)^2/V"), text)
        XCTAssertTrue(text.contains("Chisq=") && text.contains("on 1 degrees of freedom"), text)
        let json = SurvivalPrinting.logRankJSON(result)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(json.utf8)))
    }

    func testKaplanMeierTextHasMedianColumns() throws {
        let curve = KaplanMeier.fit(time: time, event: event)
        let text = SurvivalPrinting.kaplanMeier([("[1,]", curve)], call: "survfit()", table: true)
        XCTAssertTrue(text.contains("n events median 0.95LCL 0.95UCL"), text)
        XCTAssertTrue(text.contains("n.risk n.event survival std.err"), text)
        let json = SurvivalPrinting.kaplanMeierJSON([("all", curve)])
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(json.utf8)))
    }
}
