import XCTest
@testable import PetradStats

/// Input checks before any fit (issue 4): bad values are named, never turned into a p-value.
final class SurvivalTableTests: XCTestCase {
    private func table(_ text: String) throws -> SurvivalTable {
        try SurvivalTable(CSVTable.parse(text, source: "t.csv"), time: "time", event: "status")
    }

    /// bad_event/ (issue 4): status 1,3,5,1,3,5 is an error listing 3 and 5 and their rows.
    func testEventValuesOtherThanZeroOneAreListed() throws {
        let input = try table("time,status,x\n1,1,1\n2,3,0\n3,5,1\n4,1,0\n5,3,1\n6,5,0\n")
        XCTAssertThrowsError(try input.prepare(covariates: [.numeric("x")])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("status"), text)
            XCTAssertTrue(text.contains("3 (rows 2, 5)"), text)
            XCTAssertTrue(text.contains("5 (rows 3, 6)"), text)
        }
    }

    /// bad_event/ with the drop policy keeps rows 1 and 4, as R's survfit does after its
    /// warning "Invalid status value, converted to NA" (outcome.csv: n = 2; time = 1 4;
    /// n.event = 1 1; surv = 0.5 0; R 4.2.2, survival 3.5.3).
    func testDroppingBadEventsListsThemAndMatchesRsSurvfit() throws {
        let input = try table("time,status,x\n1,1,1\n2,3,0\n3,5,1\n4,1,0\n5,3,1\n6,5,0\n")
        let data = try input.prepare(policy: .drop)
        XCTAssertEqual(data.rows, [1, 4])
        XCTAssertEqual(data.droppedRowNumbers, [2, 3, 5, 6])
        XCTAssertEqual(Set(data.droppedRows.map(\.value)), ["3", "5"])
        let curve = KaplanMeier.fit(time: data.time, event: data.event)
        XCTAssertEqual(curve.time, [1, 4])
        XCTAssertEqual(curve.survival, [0.5, 0])
    }

    /// bad_event/ after dropping, the other calls of outcome.csv (R 4.2.2, survival 3.5.3):
    /// survdiff chisq 1, p 0.317310507862914; coxph coef 21.2028947907681 with "Ran out of
    /// iterations and did not converge"; concordance(Surv ~ x) 0.
    func testDroppedBadEventsGiveRsNumbersOnTheTwoRowsLeft() throws {
        let input = try table("time,status,x\n1,1,1\n2,3,0\n3,5,1\n4,1,0\n5,3,1\n6,5,0\n")
        let data = try input.prepare(covariates: [.numeric("x")], group: "x", policy: .drop)
        let test = try LogRank.test(time: data.time, event: data.event, group: data.group!)
        XCTAssertEqual(test.chiSquare, 1, accuracy: 1e-12)
        XCTAssertEqual(test.pValue, 0.317310507862914, accuracy: 1e-13)
        let fit = try CoxModel.fit(time: data.time, event: data.event,
                                   covariates: data.covariates, names: data.names)
        XCTAssertEqual(fit.coefficients[0], 21.2028947907681, accuracy: 21.2 * 1e-9)
        XCTAssertEqual(fit.warnings, ["Ran out of iterations and did not converge"])
        XCTAssertFalse(fit.isEstimable(0))
        let c = Concordance.harrell(time: data.time, event: data.event,
                                    score: data.covariates[0], reverse: false)
        XCTAssertEqual(c.concordance, 0, accuracy: 1e-15)
    }

    func testNegativeTimeIsNamed() throws {
        let input = try table("time,status\n1,1\n-2,0\n3,1\n")
        XCTAssertThrowsError(try input.prepare()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("negative time") && text.contains("-2 (row 2)"), text)
        }
    }

    func testMissingValuesStopOrAreDroppedAndListed() throws {
        let input = try table("time,status,age\n1,1,50\n2,,60\n3,1,NA\n4,0,70\n5,1,65\n")
        XCTAssertThrowsError(try input.prepare(covariates: [.numeric("age")])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("'status': missing") && text.contains("'age': missing"),
                          text)
        }
        let data = try input.prepare(covariates: [.numeric("age")], policy: .drop)
        XCTAssertEqual(data.rows, [1, 4, 5])
        XCTAssertEqual(data.droppedRows.map(\.row), [2, 3])
        XCTAssertEqual(data.droppedRows.map(\.column), ["status", "age"])
    }

    func testConstantColumnIsNamedWithItsValue() throws {
        let input = try table("time,status,dose\n1,1,5\n2,0,5\n3,1,5\n")
        XCTAssertThrowsError(try input.prepare(covariates: [.numeric("dose")])) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.field, "dose")
            XCTAssertEqual(e?.value, "5.0")
            XCTAssertTrue(e?.message.contains("constant") ?? false)
        }
        let data = try input.prepare(covariates: [.numeric("dose")], policy: .drop)
        XCTAssertEqual(data.droppedColumns.map(\.name), ["dose"])
        XCTAssertTrue(data.covariates.isEmpty)
    }

    func testExactlyCollinearColumnsAreNamed() throws {
        let input = try table("time,status,a,b,c\n1,1,1,2,5\n2,0,2,1,6\n3,1,3,5,12\n4,1,4,3,12\n")
        // c = 2 a + 1 b + 1: collinear with a and b.
        XCTAssertThrowsError(try input.prepare(covariates: [.numeric("a"), .numeric("b"),
                                                            .numeric("c")])) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.field, "c")
            XCTAssertEqual(e?.value, "a, b")
        }
        let data = try input.prepare(covariates: [.numeric("a"), .numeric("b"), .numeric("c")],
                                     policy: .drop)
        XCTAssertEqual(data.names, ["a", "b"])
        XCTAssertEqual(data.droppedColumns.map(\.name), ["c"])
    }

    func testCategoricalExpandsAgainstTheChosenReference() throws {
        let input = try table("time,status,arm\n1,1,A\n2,0,B\n3,1,C\n4,1,B\n")
        let data = try input.prepare(covariates: [.categorical("arm", reference: "B")])
        XCTAssertEqual(data.names, ["armA", "armC"])
        XCTAssertEqual(data.covariates, [[1, 0, 0, 0], [0, 0, 1, 0]])
        XCTAssertEqual(data.terms.map(\.referenceLevel), ["B", "B"])
    }

    func testUnknownReferenceLevelIsAnError() throws {
        let input = try table("time,status,arm\n1,1,A\n2,0,B\n")
        XCTAssertThrowsError(try input.prepare(covariates: [.categorical("arm", reference: "Z")]))
    }

    /// R's Surv() reads an event column of 1/2 as 1 = censored, 2 = event; dropping the 2s as
    /// invalid would silently make every censored patient an event, so it is refused.
    func testRStyleOneTwoEventCodingIsRefusedEvenWhenDropping() throws {
        let csv = try CSVTable.parse("time,status\n1,1\n2,2\n3,2\n4,1\n", source: "r.csv")
        let table = try SurvivalTable(csv, time: "time", event: "status")
        XCTAssertThrowsError(try table.prepare(policy: .drop)) { error in
            XCTAssertTrue("\(error)".contains("1 = censored"), "\(error)")
        }
    }
}
