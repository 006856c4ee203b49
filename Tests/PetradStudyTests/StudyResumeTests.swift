import Foundation
import PetradCore
import XCTest
@testable import PetradStudy

/// Interrupting `petrad study` during extraction and rerunning it: the rerun computes only the
/// unfinished cases and the results equal those of an uninterrupted run.
final class StudyResumeTests: XCTestCase {
    /// Stand-in features from the bundled files' bytes (the cache, not the features, is
    /// under test here), counting which cases were computed.
    final class Recorder: @unchecked Sendable {
        let lock = NSLock()
        var computed: [String] = []
        func add(_ id: String) { lock.lock(); computed.append(id); lock.unlock() }
    }

    func byteExtraction(_ recorder: Recorder) -> CaseExtraction {
        CaseExtraction(fingerprint: "byte statistics v1") { item in
            recorder.add(item.id)
            let image = try Data(contentsOf: URL(fileURLWithPath: item.imagePath))
            let mask = try Data(contentsOf: URL(fileURLWithPath: item.maskPath))
            let mean = image.reduce(0.0) { $0 + Double($1) } / Double(image.count)
            return FeatureValues(names: ["bytes_image", "bytes_mask", "mean_byte"],
                                 values: [Double(image.count), Double(mask.count), mean])
        }
    }

    func testInterruptedStudyRerunComputesOnlyUnfinishedCasesAndMatchesAFullRun() throws {
        var study = try StudyFile.load(path: repositoryRoot() + "/studies/sts-fdg-pet.yaml")
        // The analysis reads the stand-in features, briefly.
        study.imagingCovariates = []
        study.signature.includePrefixes = ["bytes_", "mean_"]
        study.signature.exclude = []
        study.signature.repeats = 3
        study.cutoff.permutations = 10
        let root = NSTemporaryDirectory() + "petrad-study-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }

        // First run: stopped after 10 cases, as an interruption would.
        var options = StudyOptions(outFolder: root + "/resumed")
        options.limit = 10
        options.showProgress = false
        let first = Recorder()
        let stopped = try StudyRunner(study: study, options: options,
                                      extraction: byteExtraction(first)).run()
        XCTAssertFalse(stopped.complete)
        XCTAssertEqual(first.computed.count, 10)
        XCTAssertEqual(stopped.batch.notStarted.count, 41)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/resumed/features.csv"))

        // Rerun: only the 41 unfinished cases are computed.
        options.limit = nil
        let second = Recorder()
        let resumed = try StudyRunner(study: study, options: options,
                                      extraction: byteExtraction(second)).run()
        XCTAssertTrue(resumed.complete)
        XCTAssertEqual(second.computed.count, 41)
        XCTAssertTrue(Set(second.computed).isDisjoint(with: first.computed))
        XCTAssertEqual(Set(resumed.batch.reused), Set(first.computed))

        // --limit on the now complete cache still stops before the analysis (as its help
        // says), computing nothing.
        options.limit = 5
        let third = Recorder()
        let limited = try StudyRunner(study: study, options: options,
                                      extraction: byteExtraction(third)).run()
        XCTAssertFalse(limited.complete)
        XCTAssertTrue(limited.endpoints.isEmpty)
        XCTAssertEqual(third.computed.count, 0)
        options.limit = nil

        // An uninterrupted run on one thread writes the same feature table.
        var fresh = StudyOptions(outFolder: root + "/fresh")
        fresh.threads = 1
        fresh.showProgress = false
        _ = try StudyRunner(study: study, options: fresh, extraction: byteExtraction(Recorder()))
            .run()
        let a = try String(contentsOfFile: root + "/resumed/features.csv", encoding: .utf8)
        let b = try String(contentsOfFile: root + "/fresh/features.csv", encoding: .utf8)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.split(separator: "\n").count, 52)
    }

    func testMergeJoinsShardsInCaseOrderAndListsMissingCases() throws {
        let part1 = CSVTable(header: ["PatientID", "x"], rows: [["P3", "3"], ["P1", "1"]])
        let part2 = CSVTable(header: ["PatientID", "x", "y"], rows: [["P2", "2", "b"]])
        let merged = try ShardMerge.merge([part1, part2], order: ["P1", "P2", "P3", "P4"])
        XCTAssertEqual(merged.table.header, ["PatientID", "x", "y"])
        XCTAssertEqual(merged.table.rows, [["P1", "1", ""], ["P2", "2", "b"], ["P3", "3", ""]])
        XCTAssertEqual(merged.missing, ["P4"])
        let conflicting = CSVTable(header: ["PatientID", "x"], rows: [["P1", "9"]])
        XCTAssertThrowsError(try ShardMerge.merge([part1, conflicting]))
    }
}

/// The same with the real feature extractor (study parameters: SUV, bin width 0.25,
/// 4 x 4 x 5 mm B-spline) on six bundled patients: an interrupted extraction, rerun, gives
/// byte-identical cache entries to an uninterrupted one-thread run.
final class StudyResumeRealExtractionTests: XCTestCase {
    func testInterruptedRealExtractionRerunGivesIdenticalFeatures() throws {
        let root = NSTemporaryDirectory() + "petrad-real-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let data = repositoryRoot() + "/data/sts"
        let ids = ["STS_002", "STS_004", "STS_010", "STS_021", "STS_033", "STS_047"]
        var cases = CSVTable(header: ["PatientID", "Image", "Mask"])
        for id in ids {
            cases.rows.append([id, "\(data)/\(id)/pet_image.nii.gz", "\(data)/\(id)/pet_mask.nii.gz"])
        }
        try cases.write(to: root + "/cases.csv")
        let studyText = """
        name: resume check
        cohorts:
          - {name: all, role: training, cases: cases.csv}
        clinical: {table: \(data)/clinical_outcomes.csv}
        endpoints:
          - {name: os, time: os_time_days, event: death_event}
        extraction:
          params: \(repositoryRoot())/studies/params/sts-fdg-pet-suv.yaml

        """
        try studyText.write(toFile: root + "/study.yaml", atomically: true, encoding: .utf8)
        let study = try StudyFile.load(path: root + "/study.yaml")
        let extraction = try study.makeExtraction()

        var options = StudyOptions(outFolder: root + "/resumed")
        options.showProgress = false
        options.extractOnly = true
        options.limit = 2
        let stopped = try StudyRunner(study: study, options: options, extraction: extraction).run()
        XCTAssertEqual(stopped.batch.computed.count, 2)
        // --extract-only writes the feature table only once every case is extracted.
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/resumed/features.csv"))
        options.limit = nil
        let resumed = try StudyRunner(study: study, options: options, extraction: extraction).run()
        XCTAssertEqual(Set(resumed.batch.reused), Set(stopped.batch.computed))
        XCTAssertEqual(resumed.batch.computed.count, 4)
        XCTAssertTrue(resumed.batch.failures.isEmpty, "\(resumed.batch.failures)")
        let table = try CSVTable.read(path: root + "/resumed/features.csv")
        XCTAssertEqual(table.rows.count, ids.count)

        var fresh = StudyOptions(outFolder: root + "/fresh")
        fresh.showProgress = false
        fresh.extractOnly = true
        fresh.threads = 1
        let full = try StudyRunner(study: study, options: fresh, extraction: extraction).run()
        for id in ids {
            let a = try XCTUnwrap(resumed.batch.results[id])
            let b = try XCTUnwrap(full.batch.results[id])
            XCTAssertEqual(a.key, b.key)
            XCTAssertEqual(a.names, b.names)
            XCTAssertEqual(a.values, b.values, id)
            XCTAssertGreaterThan(a.names.count, 90)  // shape, first order and texture
        }
    }
}
