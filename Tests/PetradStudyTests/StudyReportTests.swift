import Foundation
import XCTest
@testable import PetradStudy
import PetradCore

/// The report and the output files of a whole study run on the bundled cohort, with a fixed
/// stand-in signature and cutoff (their own tests live with the LASSO and cutoff code), so the
/// workflow, the statistics wiring and the report are checked on real outcomes.
final class StudyReportTests: XCTestCase {
    func testFixedSignatureStudyWritesEveryTableFigureAndTheReport() throws {
        let study = try StudyFile.load(path: repositoryRoot() + "/studies/sts-fdg-pet.yaml")
        let out = ProcessInfo.processInfo.environment["PETRAD_REPORT_OUT"]
            ?? NSTemporaryDirectory() + "petrad-report-\(UUID().uuidString)"
        defer {
            if ProcessInfo.processInfo.environment["PETRAD_REPORT_OUT"] == nil {
                try? FileManager.default.removeItem(atPath: out)
            }
        }
        var options = StudyOptions(outFolder: out)
        options.showProgress = false
        let runner = StandInAnalysis.runner(study: study, options: options)
        let outcome = try runner.run()
        XCTAssertTrue(outcome.complete)
        XCTAssertEqual(outcome.endpoints.count, 3)
        let dfs = outcome.endpoints[0]
        XCTAssertEqual(dfs.validations.map(\.n), [12, 26, 13])
        // 27 any-recurrence-or-metastasis events in the 51 patients (data/sts/README.md).
        XCTAssertEqual(dfs.validations.map(\.events).reduce(0, +), 27)
        XCTAssertNotNil(dfs.univariate["training"])
        XCTAssertTrue(dfs.univariate["training"]!.contains { $0.variable == "Age (years)" })

        let report = try StudyReportBuilder(study: study, outcome: outcome, outFolder: out).write()
        let html = try String(contentsOfFile: report, encoding: .utf8)
        XCTAssertTrue(html.contains("Patient characteristics per cohort"))
        XCTAssertTrue(html.contains("Univariate Cox regression"))
        XCTAssertTrue(html.contains("data:image/svg+xml;base64,"))
        XCTAssertFalse(html.contains("src=\"http"))  // self-contained
        // A multivariate model without the signature says so in its table.
        let withoutSignature = outcome.endpoints.flatMap { $0.multivariate.values }.filter {
            !$0.isEmpty && !$0.contains { ["Signature", "(model)"].contains($0.variable) }
        }
        XCTAssertEqual(html.contains("Signature: not in the model"), !withoutSignature.isEmpty)
        for file in ["summary.json", "features.csv", "dfs/validation.csv",
                     "dfs/cox_univariate.csv", "dfs/scores.csv", "dfs/km_training.png",
                     "dfs/km_training.svg", "dfs/km_training.pdf", "os/km_internal-validation.pdf"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + file), file)
        }

        // The multivariate CSV says, as the report does, where the signature is not in the
        // model and why; a cohort without a model gets a row too.
        for endpoint in outcome.endpoints {
            let table = try CSVTable.read(path: "\(out)/\(endpoint.endpoint.name)/"
                                          + "cox_multivariate.csv")
            for (cohort, terms) in endpoint.multivariate {
                let rows = table.rows.filter { $0[0] == cohort }
                if terms.isEmpty {
                    XCTAssertEqual(rows.map { $0[1] }, ["(model)"], cohort)
                    XCTAssertTrue(rows.first?.last?.hasPrefix("not fitted") == true, cohort)
                } else if !terms.contains(where: {
                    ["Signature", "(model)"].contains($0.variable)
                }) {
                    let note = rows.first { $0[1] == "Signature" }?.last ?? ""
                    XCTAssertTrue(note.hasPrefix("not in the model: univariate p ")
                                  || note.hasPrefix("not in the model: not estimable"), note)
                } else {
                    XCTAssertEqual(rows.count, terms.count, cohort)
                }
            }
        }
        XCTAssertFalse(withoutSignature.isEmpty, "the stand-in study has no such cohort")

        // The Kaplan-Meier table names its two standard errors: that of S is S times that of
        // -log S (survfit's std.err), and the bounds are R's log type, 95 % (both checked
        // against survfit in KaplanMeierTests); to 1e-12 relative.
        let km = try CSVTable.read(path: out + "/dfs/km_training.csv")
        XCTAssertEqual(km.header, ["Group", "Time", "NumberAtRisk", "Events", "Censored",
                                   "Survival", "StdErrSurvival", "StdErrLogSurvival",
                                   "Lower95", "Upper95"])
        XCTAssertEqual(Set(km.rows.map { $0[0] }), ["low", "high"])
        let z = 1.959963984540054
        var checked = 0
        for row in km.rows {
            let number = { (name: String) -> Double in
                Double(row[km.header.firstIndex(of: name)!]) ?? .nan
            }
            let s = number("Survival"), se = number("StdErrLogSurvival")
            guard s > 0, se > 0, se.isFinite else { continue }
            XCTAssertEqual(number("StdErrSurvival"), s * se, accuracy: 1e-12 * s * se)
            XCTAssertEqual(number("Lower95"), s * exp(-z * se), accuracy: 1e-12)
            XCTAssertEqual(number("Upper95"), min(1, s * exp(z * se)), accuracy: 1e-12)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 3)
    }
}
