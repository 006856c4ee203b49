import Foundation
import PetradCore
import PetradFeatures

/// The features of one case, names in output order (PyRadiomics' column order), and the
/// warnings its extraction gave (each naming the case, the setting and its value).
public struct FeatureValues: Sendable, Equatable {
    public var names: [String]
    public var values: [Double]
    public var warnings: [String]

    public init(names: [String], values: [Double], warnings: [String] = []) {
        precondition(names.count == values.count, "\(names.count) names, \(values.count) values")
        self.names = names
        self.values = values
        self.warnings = warnings
    }

    public func value(_ name: String) -> Double? {
        names.firstIndex(of: name).map { values[$0] }
    }
}

/// How a batch extracts one case. `fingerprint` is every setting that changes the result
/// (parameter text and convention); it goes into each case's cache key.
public struct CaseExtraction: Sendable {
    public var fingerprint: String
    public var extract: @Sendable (StudyCase) throws -> FeatureValues

    public init(fingerprint: String, extract: @escaping @Sendable (StudyCase) throws
                -> FeatureValues) {
        self.fingerprint = fingerprint
        self.extract = extract
    }
}

/// One case's entry in the extraction cache (`<cache>/<case>.json`), written atomically once
/// the case is done. It is reused only when `key` matches the key computed now.
public struct CachedCase: Codable, Sendable, Equatable {
    public var caseID: String
    /// SHA-256 over image bytes, mask bytes, label, settings fingerprint, feature-definitions
    /// revision and petrad version (`BatchExtractor.key(for:)`).
    public var key: String
    public var names: [String]
    /// Values as text (`formatNumber`), so NaN and infinities survive JSON unchanged.
    public var values: [String]
    /// The extraction's warnings, kept so that a rerun from the cache reports them again.
    public var warnings: [String]
    public var seconds: Double
    public var petradVersion: String
    public var definitionsRevision: Int

    public var features: FeatureValues {
        FeatureValues(names: names, values: values.map { text in
            switch text {
            case "NaN": return .nan
            case "Inf": return .infinity
            case "-Inf": return -.infinity
            default: return Double(text) ?? .nan
            }
        }, warnings: warnings)
    }
}

/// A case that failed, with the error's text; the batch goes on without it.
public struct CaseFailure: Sendable, Equatable {
    public var caseID: String
    public var message: String
}

/// Which part of a case list one job of an array job takes: shard `index` of `count`
/// (1-based, as Slurm's `SLURM_ARRAY_TASK_ID` with `--array=1-N`) holds the cases at positions
/// p (0-based) with p mod count == index - 1.
public struct Shard: Sendable, Equatable {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Reads `I/N`, e.g. `3/50`, given to `option` of `command` (named in the error).
    public static func parse(_ text: String, option: String = "--shard",
                             command: String = "petrad") throws -> Shard {
        let parts = text.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let index = parts[0], let count = parts[1], count >= 1,
              index >= 1, index <= count else {
            throw InputError(file: command, field: option, value: text,
                             "should be I/N with 1 <= I <= N, e.g. 3/50")
        }
        return Shard(index: index, count: count)
    }

    public func select<T>(_ items: [T]) -> [T] {
        items.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }
}

/// What a batch run did.
public struct BatchOutcome: Sendable {
    /// Finished cases (computed now or read from the cache), by case id.
    public var results: [String: CachedCase]
    public var failures: [CaseFailure]
    /// Case ids computed in this run, and those read back from the cache.
    public var computed: [String]
    public var reused: [String]
    /// Case ids not started because the run was stopped (limit or cancellation).
    public var notStarted: [String]
}

/// Stops a batch between cases; thread-safe. A case that has started always finishes.
public final class Cancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    public init() {}
    public func cancel() { lock.lock(); stopped = true; lock.unlock() }
    public var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return stopped }
}

/// Batch feature extraction across cases on all cores, with a resumable cache.
///
/// Each finished case is written at once, atomically, to `<cacheFolder>/<case>.json`; an
/// interrupted run (killed, cancelled, or stopped by `limit`) therefore loses only the cases
/// that were running, and the next run recomputes only cases without a valid cache entry.
/// Results do not depend on the number of threads or on the order cases finish in.
public struct BatchExtractor: Sendable {
    public var cacheFolder: String
    public var extraction: CaseExtraction
    public var threads: Int
    /// `featureDefinitionsRevision`; settable so that tests can show a bump misses the cache.
    public var definitionsRevision = featureDefinitionsRevision

    public init(cacheFolder: String, extraction: CaseExtraction,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.cacheFolder = cacheFolder
        self.extraction = extraction
        self.threads = max(1, threads)
    }

    /// The cache key of a case: SHA-256 of everything that decides its values: the image and
    /// mask bytes (whole files, so any change to pixels or header counts), its label, the
    /// settings fingerprint, the feature-definitions revision (code changes between releases)
    /// and petrad's version.
    public func key(for item: StudyCase) throws -> String {
        var hasher = SHA256()
        for path in [item.imagePath, item.maskPath] {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw InputError(file: path, "cannot be read (missing or not readable)")
            }
            hasher.update("\(data.count):")
            hasher.update(data)
        }
        hasher.update("label:\(item.label.map(String.init) ?? "default")\n")
        hasher.update("settings:\(extraction.fingerprint)\n")
        hasher.update("definitions:\(definitionsRevision)\n")
        hasher.update("petrad:\(petradVersion)\n")
        return hasher.finalizeHex()
    }

    public func cachePath(for caseID: String) -> String {
        let safe = caseID.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "."
            ? $0 : "_" }
        return cacheFolder + "/" + String(safe) + ".json"
    }

    /// Extracts every case, reusing valid cache entries.
    /// - Parameters:
    ///   - limit: compute at most this many new cases, then stop (nil: no limit).
    ///   - cancellation: checked before each case starts.
    ///   - progress: one line (or bar update) per finished case.
    public func run(_ cases: [StudyCase], limit: Int? = nil, cancellation: Cancellation? = nil,
                    progress: PetradCore.Progress? = nil) -> BatchOutcome {
        try? FileManager.default.createDirectory(atPath: cacheFolder,
                                                 withIntermediateDirectories: true)
        let lock = NSLock()
        var results: [String: CachedCase] = [:]
        var failures: [Int: CaseFailure] = [:]
        var computed: [Int] = []
        var reused: [Int] = []
        var notStarted: [Int] = []
        var started = 0
        let decoder = JSONDecoder()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]

        let worker: (Int) -> Void = { index in
            let item = cases[index]
            let clock = Date()
            let key: String
            do {
                key = try self.key(for: item)
            } catch {
                lock.lock()
                failures[index] = CaseFailure(caseID: item.id, message: "\(error)")
                lock.unlock()
                progress?.finished("\(item.id) failed: \(error)")
                return
            }
            if let data = FileManager.default.contents(atPath: self.cachePath(for: item.id)),
               let cached = try? decoder.decode(CachedCase.self, from: data), cached.key == key {
                lock.lock()
                results[item.id] = cached
                reused.append(index)
                lock.unlock()
                progress?.finished("\(item.id) cached")
                return
            }
            lock.lock()
            let stop = (cancellation?.isCancelled ?? false) || (limit.map { started >= $0 } ?? false)
            if stop { notStarted.append(index) } else { started += 1 }
            lock.unlock()
            if stop {
                progress?.finished("\(item.id) not started (run stopped)")
                return
            }
            do {
                let features = try self.extraction.extract(item)
                let seconds = Date().timeIntervalSince(clock)
                let entry = CachedCase(caseID: item.id, key: key, names: features.names,
                                       values: features.values.map(formatNumber),
                                       warnings: features.warnings,
                                       seconds: (seconds * 1000).rounded() / 1000,
                                       petradVersion: petradVersion,
                                       definitionsRevision: self.definitionsRevision)
                try AtomicFile.write(try encoder.encode(entry), to: self.cachePath(for: item.id))
                lock.lock()
                results[item.id] = entry
                computed.append(index)
                lock.unlock()
                progress?.finished(String(format: "%@ ok %.1fs", item.id, seconds))
            } catch {
                lock.lock()
                failures[index] = CaseFailure(caseID: item.id, message: "\(error)")
                lock.unlock()
                progress?.finished("\(item.id) failed: \(error)")
            }
        }

        // Cases are handed out one at a time to `threads` workers.
        let next = NSLock()
        var position = 0
        DispatchQueue.concurrentPerform(iterations: min(threads, max(cases.count, 1))) { _ in
            while true {
                next.lock()
                let index = position
                position += 1
                next.unlock()
                guard index < cases.count else { return }
                worker(index)
            }
        }
        return BatchOutcome(
            results: results,
            failures: failures.keys.sorted().map { failures[$0]! },
            computed: computed.sorted().map { cases[$0].id },
            reused: reused.sorted().map { cases[$0].id },
            notStarted: notStarted.sorted().map { cases[$0].id })
    }
}

/// The feature table of finished cases: `PatientID`, `Cohort`, then one column per feature in
/// the order of the first case (a case lacking a feature gets NaN).
public func featureTable(cohorts: [Cohort], results: [String: CachedCase]) -> CSVTable {
    var names: [String] = []
    var known = Set<String>()
    for cohort in cohorts {
        for item in cohort.cases {
            for name in results[item.id]?.names ?? [] where known.insert(name).inserted {
                names.append(name)
            }
        }
    }
    var table = CSVTable(header: ["PatientID", "Cohort"] + names)
    for cohort in cohorts {
        for item in cohort.cases {
            guard let entry = results[item.id] else { continue }
            var byName: [String: String] = [:]
            for (name, value) in zip(entry.names, entry.values) { byName[name] = value }
            table.rows.append([item.id, cohort.name] + names.map { byName[$0] ?? "NaN" })
        }
    }
    return table
}
