import Foundation
import XCTest
@testable import PetradStudy

/// The study's optional ComBat step (PetradStats' ComBat, checked against sva there): here
/// only the wiring — batches read by patient id, every patient harmonised, files written.
final class StudyHarmonisationTests: XCTestCase {
    func testComBatByPixelSpacingHarmonisesEveryPatientAndWritesTheModel() throws {
        var study = try StudyFile.load(path: repositoryRoot() + "/studies/sts-fdg-pet.yaml")
        study.harmonisation = HarmonisationSpec(batchTable: "../data/sts/image_summary.csv",
                                                batchColumn: "spacing_x_mm")
        let out = NSTemporaryDirectory() + "petrad-combat-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        var options = StudyOptions(outFolder: out)
        options.showProgress = false
        options.extractOnly = true
        let extraction = CaseExtraction(fingerprint: "bytes v3") { item in
            let image = try Data(contentsOf: URL(fileURLWithPath: item.imagePath))
            let mean = image.reduce(0.0) { $0 + Double($1) } / Double(image.count)
            return FeatureValues(names: ["original_a", "original_b"],
                                 values: [Double(image.count), mean])
        }
        let runner = StudyRunner(study: study, options: options, extraction: extraction)
        let outcome = try runner.run()
        let cohorts = outcome.cohorts
        var files: [String] = []
        let harmonised = try runner.harmonise(study.harmonisation!, cohorts: cohorts,
                                              results: outcome.batch.results, files: &files)
        XCTAssertEqual(harmonised.count, 51)
        XCTAssertEqual(Set(files), ["combat_model.json", "features_harmonised.csv"])
        XCTAssertNotEqual(harmonised["STS_001"]?.values, outcome.batch.results["STS_001"]?.values)
        let table = try CSVTable.read(path: out + "/features_harmonised.csv")
        XCTAssertEqual(Set(try table.column("Batch")), ["3.9062", "4.6875", "5.4688"])
    }
}
