import Dispatch
import Foundation
import PetradStudy

/// `petrad study STUDY.yaml --out DIR`: the whole study, from images to the report.
enum StudyCommand: Command {
    static let name = "study"
    static let summary = "run a study file: extraction, signature, cutoff, validation, report"
    static let usage = """
    usage: petrad study STUDY.yaml --out DIR [--threads N] [--limit N] [--shard I/N]
                        [--extract-only] [--quiet]

    Runs the study described in STUDY.yaml (see README.md, "Study file reference"):
    feature extraction of every cohort in parallel with a resumable cache (DIR/cache), then
    per endpoint the signature on the training cohort, its cutoff and the validation on every
    cohort, and writes DIR/report.html with every number also in CSV/JSON under DIR.

      --out DIR        output folder (created; rerunning reuses its cache)
      --threads N      cases extracted at the same time (default: all cores)
      --limit N        compute at most N new cases, then stop before the analysis
      --shard I/N      extract only shard I of N into DIR/cache and stop (cluster array jobs;
                       see docs/cluster.md); a final run without --shard does the analysis
      --extract-only   stop after extraction, with DIR/features.csv written
      --quiet          no progress output

    Ctrl-C stops after the cases that are running; rerun the same command to finish.
    Exit status: 0 done (with --extract-only: every case extracted), 1 error, 3 stopped
    before the analysis (rerun to continue) or cases failed.
    """

    /// Ctrl-C finishes the running cases, keeps the cache and exits 3 (see run).
    static let handlesInterrupt = true

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ParsedArguments(arguments, command: name,
                                         valueOptions: ["out", "threads", "limit", "shard"],
                                         flagOptions: ["extract-only", "quiet"])
        guard parsed.positionals.count == 1 else {
            throw InputError(file: "petrad study", field: "arguments",
                             value: parsed.positionals.joined(separator: " "),
                             "give exactly one study file (got \(parsed.positionals.count))")
        }
        guard let out = parsed.options["out"] else {
            throw InputError(file: "petrad study", field: "--out", "is required")
        }
        var options = StudyOptions(outFolder: out)
        options.threads = try parsed.int("threads", command: name, minimum: 1)
        options.limit = try parsed.int("limit", command: name, minimum: 0)
        options.shard = try parsed.options["shard"].map {
            try Shard.parse($0, command: "petrad study")
        }
        let study = try StudyFile.load(path: parsed.positionals[0])
        options.extractOnly = parsed.flags.contains("extract-only")
        options.showProgress = !parsed.flags.contains("quiet")

        // Ctrl-C: finish the running cases, keep the cache, and stop.
        let cancellation = Cancellation()
        options.cancellation = cancellation
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT,
                                                     queue: .global(qos: .userInitiated))
        source.setEventHandler {
            printError("\npetrad study: stopping after the running cases (Ctrl-C again to quit "
                       + "at once)")
            cancellation.cancel()
            signal(SIGINT, SIG_DFL)
        }
        source.resume()

        let started = Date()
        let runner = StudyRunner(study: study, options: options,
                                 extraction: try study.makeExtraction())
        let outcome = try runner.run()
        let batch = outcome.batch
        printError("petrad study: extraction \(batch.computed.count) computed, "
                   + "\(batch.reused.count) cached, \(batch.failures.count) failed"
                   + (batch.notStarted.isEmpty ? "" : ", \(batch.notStarted.count) not started"))
        func listExtractionFailures() {
            for failure in batch.failures {
                printError("petrad study: case \(failure.caseID) failed: \(failure.message)")
            }
        }
        if options.extractOnly && batch.notStarted.isEmpty && options.shard == nil {
            listExtractionFailures()
            printError("petrad study: extraction done (--extract-only): \(out)/features.csv; "
                       + "run without --extract-only for the analysis")
            return batch.failures.isEmpty ? ExitCode.ok : ExitCode.casesFailed
        }
        guard outcome.complete else {
            printError("petrad study: stopped before the analysis; rerun the same command to "
                       + "finish (finished cases are kept in \(out)/cache)")
            return 3
        }
        var builder = StudyReportBuilder(study: study, outcome: outcome, outFolder: out)
        builder.software = StudyReportBuilder.librarySoftware()
        let report = try builder.write()
        // Warnings of single cases were printed as the extraction finished; a stopped endpoint
        // is listed with the failures below.
        let printed = Set(outcome.extractionWarnings)
            .union(outcome.endpoints.compactMap(\.stoppedWarning))
        let analysisWarnings = outcome.warnings.filter { !printed.contains($0) }
        for warning in analysisWarnings.prefix(20) { printError("warning: \(warning)") }
        if analysisWarnings.count > 20 {
            printError("... \(analysisWarnings.count - 20) more warnings in the report")
        }
        printError(String(format: "petrad study: done in %.0f s", Date().timeIntervalSince(started)))
        print("report: \(report)")
        // Every failure listed with its cause; exit 3 when any patient was left out.
        listExtractionFailures()
        for failure in outcome.clinicalFailures {
            printError("petrad study: case \(failure.caseID) clinical data unreadable: "
                       + failure.message)
        }
        let stopped = outcome.endpoints.filter { $0.stopped != nil }
        for endpoint in stopped {
            printError("petrad study: endpoint \(endpoint.endpoint.name) not analysed: "
                       + endpoint.stopped!)
        }
        if !batch.failures.isEmpty || !outcome.clinicalFailures.isEmpty || !stopped.isEmpty {
            printError("petrad study: \(batch.failures.count) extraction and "
                       + "\(outcome.clinicalFailures.count) clinical failure(s), "
                       + "\(stopped.count) endpoint(s) not analysed; the rest was analysed and "
                       + "written")
            return ExitCode.casesFailed
        }
        return ExitCode.ok
    }
}
