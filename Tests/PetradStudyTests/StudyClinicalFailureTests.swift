import Foundation
import XCTest
@testable import PetradStudy

/// A study whose clinical table has an unreadable time and a damaged line: those two patients
/// are left out and listed with their causes, every other patient is analysed.
final class StudyClinicalFailureTests: XCTestCase {
    func testUnreadableClinicalRowsCostOnlyTheirPatients() throws {
        var study = try StudyFile.load(path: repositoryRoot() + "/studies/sts-fdg-pet.yaml")
        let folder = NSTemporaryDirectory() + "petrad-clinical-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        // STS_005: any_event_time_days "about 2 years"; STS_010: the line loses its last field.
        let original = try CSVTable.read(path: study.resolve(study.clinicalTable))
        let timeColumn = try original.columnIndex("any_event_time_days")
        var lines = try String(contentsOfFile: study.resolve(study.clinicalTable), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (n, line) in lines.enumerated() where line.hasPrefix("STS_005,") {
            var fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map(String.init)
            fields[timeColumn] = "about 2 years"
            lines[n] = fields.joined(separator: ",")
        }
        let damagedLine = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("STS_010,") })
        lines[damagedLine] = String(lines[damagedLine].prefix(while: { $0 != "," }))
            + ",60,Female"
        let clinicalPath = folder + "/clinical.csv"
        try lines.joined(separator: "\n").write(toFile: clinicalPath, atomically: true,
                                                encoding: .utf8)
        study.clinicalTable = clinicalPath

        var options = StudyOptions(outFolder: folder + "/out")
        options.showProgress = false
        let outcome = try StandInAnalysis.runner(study: study, options: options).run()
        XCTAssertTrue(outcome.complete)
        XCTAssertTrue(outcome.batch.failures.isEmpty)

        let failures = Dictionary(grouping: outcome.clinicalFailures, by: \.caseID)
        XCTAssertEqual(Set(failures.keys), ["STS_005", "STS_010"])
        let time = try XCTUnwrap(failures["STS_005"]?.first?.message)
        XCTAssertTrue(time.contains("field 'any_event_time_days, patient STS_005'")
                      && time.contains("value 'about 2 years'"), time)
        let line = try XCTUnwrap(failures["STS_010"]?.first?.message)
        XCTAssertTrue(line.contains("row \(damagedLine + 1)") && line.contains("3 fields"), line)

        // dfs: 51 patients less both; os (time readable for STS_005): 51 less STS_010. Events
        // counted from the bundled clinical table itself.
        let anyEvent = try original.column("any_event")
        let death = try original.column("death_event")
        let ids = try original.column("PatientID")
        func events(_ column: [String], without: Set<String>) -> Int {
            zip(ids, column).filter { !without.contains($0.0) && $0.1 == "1" }.count
        }
        let dfs = outcome.endpoints[0], os = outcome.endpoints[1]
        XCTAssertEqual(dfs.validations.map(\.n).reduce(0, +), 49)
        XCTAssertEqual(dfs.validations.map(\.events).reduce(0, +),
                       events(anyEvent, without: ["STS_005", "STS_010"]))
        XCTAssertEqual(os.validations.map(\.n).reduce(0, +), 50)
        XCTAssertEqual(os.validations.map(\.events).reduce(0, +),
                       events(death, without: ["STS_010"]))
        XCTAssertNotNil(dfs.signature)

        let listed = try CSVTable.read(path: folder + "/out/clinical_errors.csv")
        XCTAssertEqual(try listed.column("PatientID").sorted(), ["STS_005", "STS_010"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/out/features.csv"))
    }
}
