import Foundation
import PetradFeatures
import XCTest
@testable import PetradStudy

/// The extraction cache: an interrupted batch, rerun, finishes with the same results and
/// recomputes only the cases that had not finished (issue 6).
final class BatchResumeTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "petrad-batch-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Six cases whose "image" and "mask" are small files with different bytes.
    private func makeCases(_ count: Int = 6) throws -> [StudyCase] {
        try (1...count).map { i in
            let image = folder + "/case\(i)_image.bin"
            let mask = folder + "/case\(i)_mask.bin"
            try Data((0..<(100 * i)).map { UInt8(truncatingIfNeeded: $0 * i) })
                .write(to: URL(fileURLWithPath: image))
            try Data([UInt8(i)]).write(to: URL(fileURLWithPath: mask))
            return StudyCase(id: "P\(i)", imagePath: image, maskPath: mask)
        }
    }

    /// A stand-in extractor whose values depend only on the file bytes (features are not this
    /// test's subject); it counts its calls.
    private final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var calls: [String] = []
        func record(_ id: String) { lock.lock(); calls.append(id); lock.unlock() }
    }

    private func extraction(_ counter: Counter, fingerprint: String = "binWidth: 0.25")
        -> CaseExtraction {
        CaseExtraction(fingerprint: fingerprint) { item in
            counter.record(item.id)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: item.imagePath))
            let sum = bytes.reduce(0.0) { $0 + Double($1) }
            return FeatureValues(names: ["mean", "count", "undefined"],
                                 values: [sum / Double(bytes.count), Double(bytes.count), .nan])
        }
    }

    func testInterruptedBatchRerunRecomputesOnlyUnfinishedCasesWithIdenticalResults() throws {
        let cases = try makeCases()
        let first = Counter()
        let batch = BatchExtractor(cacheFolder: folder + "/cache", extraction: extraction(first),
                                   threads: 2)
        // "Interrupt" after two cases have been computed.
        let interrupted = batch.run(cases, limit: 2)
        XCTAssertEqual(interrupted.computed.count, 2)
        XCTAssertEqual(interrupted.notStarted.count, 4)
        XCTAssertEqual(first.calls.count, 2)

        let second = Counter()
        let resumed = BatchExtractor(cacheFolder: folder + "/cache", extraction: extraction(second),
                                     threads: 2).run(cases)
        XCTAssertEqual(Set(resumed.reused), Set(interrupted.computed))
        XCTAssertEqual(Set(second.calls), Set(interrupted.notStarted))
        XCTAssertEqual(resumed.results.count, 6)

        // A run from scratch in another folder, on one thread, gives the same entries
        // (apart from the timing).
        let fresh = BatchExtractor(cacheFolder: folder + "/fresh", extraction: extraction(Counter()),
                                   threads: 1).run(cases)
        for item in cases {
            XCTAssertEqual(resumed.results[item.id]?.key, fresh.results[item.id]?.key)
            XCTAssertEqual(resumed.results[item.id]?.values, fresh.results[item.id]?.values)
        }
        XCTAssertEqual(resumed.results["P1"]?.values.last, "NaN")
    }

    func testCancellationStopsBeforeNewCasesAndRerunFinishesThem() throws {
        let cases = try makeCases()
        let cancellation = Cancellation()
        let counter = Counter()
        let cancelling = CaseExtraction(fingerprint: "x") { item in
            counter.record(item.id)
            cancellation.cancel()  // as if the user pressed Ctrl-C during the first case
            return FeatureValues(names: ["id"], values: [Double(item.id.dropFirst())!])
        }
        let stopped = BatchExtractor(cacheFolder: folder + "/cache", extraction: cancelling,
                                     threads: 1).run(cases, cancellation: cancellation)
        XCTAssertEqual(stopped.computed, ["P1"])
        XCTAssertEqual(stopped.notStarted.count, 5)

        let rerun = Counter()
        let plain = CaseExtraction(fingerprint: "x") { item in
            rerun.record(item.id)
            return FeatureValues(names: ["id"], values: [Double(item.id.dropFirst())!])
        }
        let finished = BatchExtractor(cacheFolder: folder + "/cache", extraction: plain,
                                      threads: 2).run(cases)
        XCTAssertEqual(finished.reused, ["P1"])
        XCTAssertEqual(Set(rerun.calls), ["P2", "P3", "P4", "P5", "P6"])
    }

    func testChangedSettingsOrImageBytesInvalidateTheCache() throws {
        let cases = try makeCases(3)
        _ = BatchExtractor(cacheFolder: folder + "/cache", extraction: extraction(Counter()))
            .run(cases)
        let otherSettings = Counter()
        _ = BatchExtractor(cacheFolder: folder + "/cache",
                           extraction: extraction(otherSettings, fingerprint: "binWidth: 25"))
            .run(cases)
        XCTAssertEqual(otherSettings.calls.count, 3)

        try Data([9, 9, 9]).write(to: URL(fileURLWithPath: cases[1].imagePath))
        let changedImage = Counter()
        let outcome = BatchExtractor(cacheFolder: folder + "/cache",
                                     extraction: extraction(changedImage,
                                                            fingerprint: "binWidth: 25"))
            .run(cases)
        XCTAssertEqual(changedImage.calls, ["P2"])
        XCTAssertEqual(outcome.results["P2"]?.values.first, "9.0")
    }

    /// A changed setting in the study file changes the fingerprint `makeExtraction` gives, so
    /// every case is recomputed; the unchanged study then finds its entries again.
    func testChangingAStudySettingMissesTheCache() throws {
        let cases = try makeCases(3)
        func study(binWidth: String) throws -> StudyFile {
            try StudyFile(node: try YAMLNode.parse(minimalStudyText(
                params: "{setting: {binWidth: \(binWidth)}}")), path: "/tmp/cache-check.yaml")
        }
        func run(_ study: StudyFile, _ counter: Counter) throws -> BatchOutcome {
            var extraction = try study.makeExtraction()
            extraction.extract = self.extraction(counter).extract
            return BatchExtractor(cacheFolder: folder + "/cache", extraction: extraction)
                .run(cases)
        }
        let first = Counter()
        _ = try run(try study(binWidth: "0.25"), first)
        XCTAssertEqual(first.calls.count, 3)
        let changed = Counter()
        let outcome = try run(try study(binWidth: "0.5"), changed)
        XCTAssertEqual(changed.calls.count, 3)
        XCTAssertEqual(outcome.reused, [])
        let same = Counter()
        _ = try run(try study(binWidth: "0.5"), same)
        XCTAssertEqual(same.calls, [])
    }

    /// A bump of the feature-definitions revision (changed feature code, same version) misses
    /// every cached case; the key records the revision.
    func testBumpedDefinitionsRevisionMissesTheCache() throws {
        let cases = try makeCases(3)
        let batch = BatchExtractor(cacheFolder: folder + "/cache",
                                   extraction: extraction(Counter()))
        let first = batch.run(cases)
        XCTAssertEqual(first.results["P1"]?.definitionsRevision, featureDefinitionsRevision)
        var bumped = BatchExtractor(cacheFolder: folder + "/cache",
                                    extraction: extraction(Counter()))
        bumped.definitionsRevision = featureDefinitionsRevision + 1
        XCTAssertNotEqual(try bumped.key(for: cases[0]), try batch.key(for: cases[0]))
        let counter = Counter()
        bumped.extraction = extraction(counter)
        XCTAssertEqual(bumped.run(cases).computed.count, 3)
        XCTAssertEqual(counter.calls.count, 3)
    }

    func testAFailingCaseIsLoggedAndTheOthersFinish() throws {
        var cases = try makeCases(3)
        cases[1].imagePath = folder + "/missing.nii.gz"
        let outcome = BatchExtractor(cacheFolder: folder + "/cache",
                                     extraction: extraction(Counter())).run(cases)
        XCTAssertEqual(outcome.failures.map(\.caseID), ["P2"])
        XCTAssertTrue(outcome.failures[0].message.contains("missing.nii.gz"))
        XCTAssertEqual(Set(outcome.results.keys), ["P1", "P3"])
    }

    func testShardsPartitionTheCasesInTableOrder() throws {
        let items = Array(1...7)
        let shards = (1...3).map { Shard(index: $0, count: 3).select(items) }
        XCTAssertEqual(shards, [[1, 4, 7], [2, 5], [3, 6]])
        XCTAssertEqual(try Shard.parse("2/3"), Shard(index: 2, count: 3))
        XCTAssertThrowsError(try Shard.parse("4/3"))
        XCTAssertThrowsError(try Shard.parse("0/3"))
    }

    /// FIPS 180-4 example digests (also `sha256sum` of the same bytes).
    func testSHA256KnownDigests() {
        XCTAssertEqual(SHA256.hex(Data("abc".utf8)),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(Data()),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Data(repeating: 0x61, count: 1_000)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
