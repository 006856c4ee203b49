import Foundation
import PetradCore
import PetradStats

/// How one `petrad study` run behaves (the study itself is in the study file).
public struct StudyOptions: Sendable {
    public var outFolder: String
    /// Cases extracted at the same time (default: the study file's `threads`, else all cores).
    public var threads: Int?
    /// Compute at most this many new cases, then stop before the analysis (partial runs).
    public var limit: Int?
    public var cancellation: Cancellation?
    /// Extract only this shard's cases into the cache and stop (cluster array jobs).
    public var shard: Shard?
    /// Stop after extraction (with or without a shard).
    public var extractOnly = false
    /// Progress on standard error (a bar on a terminal, lines otherwise).
    public var showProgress = true

    public init(outFolder: String) {
        self.outFolder = outFolder
    }
}

/// What a study run produced.
public struct StudyOutcome: Sendable {
    public var cohorts: [Cohort]
    public var batch: BatchOutcome
    public var endpoints: [EndpointResult]
    /// False when extraction stopped early (limit, cancellation, shard, extract-only).
    public var complete: Bool
    /// Patients whose clinical row could not be read (a damaged line, a time that is not a
    /// number, an event other than 0/1): left out of the analyses that need it, the others
    /// go on. `caseID` is "row N" when the damaged line's patient id cannot be found. Also in
    /// clinical_errors.csv.
    public var clinicalFailures: [CaseFailure] = []
    public var warnings: [String]
    /// The files written, relative to the output folder.
    public var files: [String]
}

/// Runs a study: extraction of every cohort (cached, in parallel), then per endpoint the
/// signature on the training cohort, its cutoff, and validation on every cohort.
public struct StudyRunner {
    public var study: StudyFile
    public var options: StudyOptions
    public var extraction: CaseExtraction
    /// Builds the signature from the training features (default: repeated LASSO-Cox).
    /// Replaceable so that the workflow and the report can be checked with a fixed signature.
    public var buildSignature: (_ x: [[Double]], _ names: [String], _ time: [Double],
                                _ event: [Bool], _ spec: SignatureSpec) throws -> SignatureSummary
        = StatsBridge.signature
    /// Chooses the cutoff on the training scores (default: the maxstat-style search).
    public var searchCutoff: (_ score: [Double], _ time: [Double], _ event: [Bool],
                              _ spec: CutoffSpec) throws -> (CutoffSummary, CSVTable)
        = StatsBridge.cutoff

    public init(study: StudyFile, options: StudyOptions, extraction: CaseExtraction) {
        self.study = study
        self.options = options
        self.extraction = extraction
    }

    var out: String { options.outFolder }

    public func run() throws -> StudyOutcome {
        var warnings: [String] = []
        var files: [String] = []
        let started = Date()
        let cohorts = try study.resolveCohorts { Xoshiro256StarStar(seed: $0) }
        let clinical = try ClinicalData(study: study)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)

        // A damaged clinical line costs its own patient only (listed as a failure).
        var clinicalFailures: [CaseFailure] = []
        var unreadable: [String: InputError] = [:]
        for (id, error) in clinical.unreadableRows {
            if id.isEmpty {
                clinicalFailures.append(CaseFailure(caseID: error.field, message: "\(error)"))
            } else {
                unreadable[id] = error
            }
        }
        var cohortTable = CSVTable(header: ["PatientID", "Cohort", "Role", "Image", "Mask"])
        for cohort in cohorts {
            for item in cohort.cases {
                cohortTable.rows.append([item.id, cohort.name, cohort.role.rawValue,
                                         item.imagePath, item.maskPath])
                if let error = unreadable[item.id] {
                    clinicalFailures.append(CaseFailure(caseID: item.id, message: "\(error)"))
                    warnings.append("Patient \(item.id) (cohort \(cohort.name)): clinical row "
                                    + "unreadable (\(error)); left out of the survival "
                                    + "analyses.")
                } else if clinical.rowOf[item.id] == nil {
                    let near = clinical.nearMatches(for: item.id)
                    let hint = near.isEmpty ? "" : " (it has "
                        + near.map { "'\($0)'" }.joined(separator: " and ")
                        + (near.count == 1 ? ", which differs" : ", which differ")
                        + " only in case or spaces; ids are matched exactly)"
                    warnings.append("Patient '\(item.id)' (cohort \(cohort.name)) has no row in "
                                    + "the clinical table\(hint); left out of the survival "
                                    + "analyses.")
                }
            }
        }
        try write(cohortTable, "cohorts.csv", &files)

        // Extraction, every cohort at once (cases in study order).
        var allCases = cohorts.flatMap(\.cases)
        if let shard = options.shard { allCases = shard.select(allCases) }
        let threads = options.threads ?? study.threads
            ?? ProcessInfo.processInfo.activeProcessorCount
        let batch = BatchExtractor(cacheFolder: out + "/cache", extraction: extraction,
                                   threads: threads)
        let progress = options.showProgress
            ? PetradCore.Progress(total: allCases.count, label: "extract") : nil
        let outcome = batch.run(allCases, limit: options.limit,
                                cancellation: options.cancellation, progress: progress)
        var errors = CSVTable(header: ["PatientID", "Cohort", "Error"])
        let cohortOf = Dictionary(uniqueKeysWithValues: cohorts.flatMap { c in
            c.cases.map { ($0.id, c.name) } })
        for failure in outcome.failures {
            errors.rows.append([failure.caseID, cohortOf[failure.caseID] ?? "", failure.message])
            warnings.append("Extraction failed for \(failure.caseID): \(failure.message)")
        }
        // Warnings of single cases (e.g. one grey level), once per case in study order, also
        // for cases read from the cache.
        let extractionWarnings = caseWarnings(allCases, outcome)
        for warning in extractionWarnings { printError("warning: \(warning)") }
        warnings += extractionWarnings
        var log = CSVTable(header: ["PatientID", "Cohort", "Status", "Seconds"])
        for item in allCases {
            let status: String
            if outcome.computed.contains(item.id) { status = "computed" }
            else if outcome.reused.contains(item.id) { status = "cached" }
            else if outcome.failures.contains(where: { $0.caseID == item.id }) { status = "failed" }
            else { status = "not started" }
            let seconds = outcome.results[item.id].map { formatNumber($0.seconds) } ?? ""
            log.rows.append([item.id, cohortOf[item.id] ?? "", status, seconds])
        }
        try write(errors, "extraction_errors.csv", &files)
        try write(log, "extraction_log.csv", &files)

        // Every case asked for was tried (no --limit stop, no shard).
        let extracted = outcome.notStarted.isEmpty && options.shard == nil
        if extracted, outcome.results.isEmpty, let first = outcome.failures.first {
            // A setting every case fails on (a label no mask holds, say): one error, not a
            // report on no patients. The errors are in extraction_errors.csv.
            throw InputError(
                file: study.path, field: "extraction",
                value: "\(outcome.failures.count) of \(allCases.count) cases failed",
                "no case could be extracted (see extraction_errors.csv); the first: "
                    + "\(first.caseID): \(first.message)")
        }
        // The feature table once every case is extracted (with --extract-only, all asked for).
        if extracted {
            try write(featureTable(cohorts: cohorts, results: outcome.results), "features.csv",
                      &files)
        }
        // --limit always stops before the analysis, even when the cache held every case.
        if !extracted || options.extractOnly || options.limit != nil {
            return StudyOutcome(cohorts: cohorts, batch: outcome, endpoints: [], complete: false,
                                clinicalFailures: clinicalFailures,
                                warnings: warnings, files: files)
        }
        try checkFeatureNames(outcome.results)

        var signatureInputs = outcome.results
        if let harmonisation = study.harmonisation {
            do {
                signatureInputs = try harmonise(harmonisation, cohorts: cohorts,
                                                results: outcome.results, files: &files)
            } catch {
                warnings.append("Harmonisation: not applied: \(error)")
            }
        }

        var endpoints: [EndpointResult] = []
        for endpoint in study.endpoints {
            var result = EndpointResult(endpoint: endpoint)
            do {
                result = try analyse(endpoint, cohorts: cohorts, clinical: clinical,
                                     results: signatureInputs, raw: outcome.results,
                                     files: &files)
            } catch {
                result.stopped = "\(error)"
                result.warnings.append(result.stoppedWarning!)
            }
            warnings += result.warnings
            clinicalFailures += result.clinicalFailures
            endpoints.append(result)
        }
        var clinicalErrors = CSVTable(header: ["PatientID", "Error"])
        clinicalErrors.rows = clinicalFailures.map { [$0.caseID, $0.message] }
        try write(clinicalErrors, "clinical_errors.csv", &files)

        let studyOutcome = StudyOutcome(cohorts: cohorts, batch: outcome, endpoints: endpoints,
                                        complete: true, clinicalFailures: clinicalFailures,
                                        warnings: warnings, files: files)
        try writeSummary(studyOutcome, seconds: Date().timeIntervalSince(started), &files)
        return StudyOutcome(cohorts: cohorts, batch: outcome, endpoints: endpoints,
                            complete: true, clinicalFailures: clinicalFailures,
                            warnings: warnings, files: files)
    }

    // MARK: - One endpoint

    struct Patient {
        var id: String
        var cohort: Cohort
        var time: Double
        var event: Bool
        /// Features for the signature (harmonised when the study asks for it).
        var features: FeatureValues
        /// Features as extracted, for the imaging covariates (MTV, SUVmax).
        var raw: FeatureValues
    }

    func analyse(_ endpoint: EndpointSpec, cohorts: [Cohort], clinical: ClinicalData,
                 results: [String: CachedCase], raw: [String: CachedCase],
                 files: inout [String]) throws -> EndpointResult {
        var result = EndpointResult(endpoint: endpoint)
        let folder = endpoint.name
        var patients: [Patient] = []
        for cohort in cohorts {
            for item in cohort.cases {
                guard let entry = results[item.id] else { continue }
                let known: (Double, Bool)??
                do {
                    known = try clinical.outcome(item.id, endpoint)
                } catch {
                    // A time or event that cannot be read: this patient only is left out.
                    result.clinicalFailures.append(CaseFailure(
                        caseID: item.id, message: "\(endpoint.name): \(error)"))
                    result.warnings.append("\(endpoint.name): patient \(item.id) left out: "
                                           + "\(error)")
                    continue
                }
                guard let (time, event) = known ?? nil else {
                    result.warnings.append("\(endpoint.name): patient \(item.id) has no "
                                           + "\(endpoint.timeColumn)/\(endpoint.eventColumn); "
                                           + "left out.")
                    continue
                }
                patients.append(Patient(id: item.id, cohort: cohort, time: time, event: event,
                                        features: entry.features,
                                        raw: raw[item.id]?.features ?? entry.features))
            }
        }
        let training = patients.filter { $0.cohort.role == .training }
        guard !training.isEmpty else {
            throw StepUnavailable(step: "signature", reason: "no training patient has features "
                                  + "and an outcome")
        }

        // Candidate features: included prefixes, not excluded, finite and not constant in the
        // training cohort.
        let names = training[0].features.names.filter(study.signature.admits)
        var candidates: [String] = []
        var dropped: [String] = []
        for name in names {
            let values = training.map { $0.features.value(name) ?? .nan }
            if values.allSatisfy(\.isFinite), Set(values).count > 1 { candidates.append(name) }
            else { dropped.append(name) }
        }
        if !dropped.isEmpty {
            result.warnings.append("\(endpoint.name): \(dropped.count) features left out of the "
                                   + "signature search (missing or constant in the training "
                                   + "cohort): \(dropped.prefix(8).joined(separator: ", "))"
                                   + (dropped.count > 8 ? ", ..." : ""))
        }

        // Signature on the training cohort; each cross-validation fold needs a patient.
        if study.signature.folds > training.count {
            throw InputError(file: study.path, position: study.positions["signature.folds"],
                             field: "signature.folds", value: "\(study.signature.folds)",
                             "is more than the \(training.count) training patients with an "
                                 + "outcome for \(endpoint.name); use at most "
                                 + "\(training.count) (cv.glmnet needs nfolds <= n)")
        }
        let x = training.map { p in candidates.map { p.features.value($0)! } }
        var signature = try buildSignature(x, candidates, training.map(\.time),
                                           training.map(\.event), study.signature)
        signature.file = "\(folder)/signature.json"
        if signature.signatureJSON.isEmpty {
            try writeJSON(signature, signature.file, &files)
        } else {
            try AtomicFile.write(signature.signatureJSON, to: out + "/" + signature.file)
            files.append(signature.file)
        }
        var selection = CSVTable(header: ["Feature", "TimesSelected", "Repeats", "InSignature"])
        for (name, count) in signature.selectionCounts.sorted(by: {
            $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            selection.rows.append([name, "\(count)", "\(signature.repeats)",
                                   signature.features.contains(name) ? "yes" : "no"])
        }
        try write(selection, "\(folder)/selection.csv", &files)
        result.signature = signature

        // Scores for every patient with the signature's features.
        var scored: [(patient: Patient, score: Double)] = []
        for patient in patients {
            let values = signature.features.map { patient.features.value($0) ?? .nan }
            guard values.allSatisfy(\.isFinite) else {
                result.warnings.append("\(endpoint.name): patient \(patient.id) lacks a "
                                       + "signature feature; no score.")
                continue
            }
            scored.append((patient, signature.score(values)))
        }
        result.warnings += shiftWarnings(endpoint: endpoint.name, features: signature.features,
                                         patients: patients)

        // Cutoff on the training scores.
        let trainingScored = scored.filter { $0.patient.cohort.role == .training }
        let (cutoffResult, scan) = try searchCutoff(
            trainingScored.map(\.score), trainingScored.map(\.patient.time),
            trainingScored.map(\.patient.event), study.cutoff)
        var cutoff = cutoffResult
        cutoff.scanFile = "\(folder)/cutoff_scan.csv"
        try write(scan, cutoff.scanFile, &files)
        try writeJSON(cutoff, "\(folder)/cutoff.json", &files)
        result.cutoff = cutoff

        var scores = CSVTable(header: ["PatientID", "Cohort", "Role", "Score", "RiskGroup",
                                       "Time", "Event"] + study.imagingCovariates.map(\.name))
        for (patient, score) in scored {
            scores.rows.append([patient.id, patient.cohort.name, patient.cohort.role.rawValue,
                                formatNumber(score), score > cutoff.cutoff ? "high" : "low",
                                formatNumber(patient.time), patient.event ? "1" : "0"]
                               + study.imagingCovariates.map {
                                   formatNumber(imaging($0, patient.raw)) })
        }
        try write(scores, "\(folder)/scores.csv", &files)

        // Validation on every cohort (training included, marked as such).
        var validationTable = CSVTable(header: [
            "Cohort", "Role", "N", "Events", "NHigh", "EventsHigh", "NLow", "EventsLow",
            "LogRankChiSquare", "LogRankP", "CIndex", "SpearmanMTV", "SpearmanMTVP",
            "MedianLow", "MedianHigh"])
        for cohort in cohorts {
            let members = scored.filter { $0.patient.cohort.name == cohort.name }
            guard !members.isEmpty else { continue }
            do {
                let (validation, plot) = try validate(cohort: cohort, members: members,
                                                      cutoff: cutoff.cutoff, endpoint: endpoint,
                                                      result: &result, files: &files)
                result.validations.append(validation)
                result.plots.append((cohort.name, plot))
                let smaller = min(validation.nHigh, validation.nLow)
                if smaller > 0 && smaller < study.cutoff.minGroupSize {
                    result.warnings.append(
                        smallGroupWarning(endpoint: endpoint.name, cohort: cohort.name,
                                          logRankP: validation.logRankP, smallerGroup: smaller,
                                          minimumGroupSize: study.cutoff.minGroupSize))
                }
                validationTable.rows.append([
                    cohort.name, cohort.role.rawValue, "\(validation.n)", "\(validation.events)",
                    "\(validation.nHigh)", "\(validation.eventsHigh)", "\(validation.nLow)",
                    "\(validation.eventsLow)", formatNumber(validation.logRankChiSquare),
                    formatNumber(validation.logRankP), formatNumber(validation.concordance),
                    formatNumber(validation.spearmanMTV), formatNumber(validation.spearmanMTVP),
                    validation.medianLow.map(formatNumber) ?? "not reached",
                    validation.medianHigh.map(formatNumber) ?? "not reached"])
            } catch {
                result.warnings.append("\(endpoint.name), \(cohort.name): validation: \(error)")
            }

            // Cox tables.
            do {
                let (uni, multi) = try coxTables(members: members, cutoff: cutoff.cutoff,
                                                 clinical: clinical)
                result.univariate[cohort.name] = uni
                result.multivariate[cohort.name] = multi
            } catch {
                result.warnings.append("\(endpoint.name), \(cohort.name): Cox: \(error)")
            }
        }
        try write(validationTable, "\(folder)/validation.csv", &files)
        try write(Self.coxCSV(result.univariate, cohorts: cohorts),
                  "\(folder)/cox_univariate.csv", &files)
        try write(Self.coxCSV(result.multivariate, cohorts: cohorts,
                              univariate: result.univariate,
                              threshold: study.multivariatePThreshold),
                  "\(folder)/cox_multivariate.csv", &files)
        return result
    }

    /// ComBat (PetradStats, sva's algorithm) across the batches of the study's batch table,
    /// fitted on every patient of every cohort (ComBat does not see the outcomes) and applied
    /// to the features that are finite for all of them; the others are left out with a
    /// warning by the candidate filter. Writes `features_harmonised.csv` and
    /// `combat_model.json`.
    func harmonise(_ spec: HarmonisationSpec, cohorts: [Cohort], results: [String: CachedCase],
                   files: inout [String]) throws -> [String: CachedCase] {
        let table = try CSVTable.read(path: study.resolve(spec.batchTable))
        let ids = try table.column("PatientID")
        let labels = try table.column(spec.batchColumn)
        let batchOf = Dictionary(zip(ids, labels), uniquingKeysWith: { a, _ in a })
        let patients = cohorts.flatMap(\.cases).map(\.id).filter { results[$0] != nil }
        guard let first = patients.first.flatMap({ results[$0] }) else {
            throw StepUnavailable(step: "harmonisation", reason: "no extracted case")
        }
        var batch: [String] = []
        for id in patients {
            guard let label = batchOf[id], !label.isEmpty else {
                throw InputError(file: spec.batchTable, field: spec.batchColumn, value: id,
                                 "this patient has no batch label")
            }
            batch.append(label)
        }
        let names = first.names.filter { name in
            !name.hasPrefix("diagnostics_") && patients.allSatisfy {
                results[$0]!.features.value(name)?.isFinite ?? false }
        }
        let matrix = patients.map { id in names.map { results[id]!.features.value($0)! } }
        let (model, harmonised) = try ComBat.harmonise(
            features: matrix, batch: batch, parametric: spec.parametric, featureNames: names,
            caseLabels: patients, source: "features.csv")
        try AtomicFile.write(try model.jsonData(), to: out + "/combat_model.json")
        files.append("combat_model.json")
        var updated = results
        var table2 = CSVTable(header: ["PatientID", "Batch"] + names)
        for (row, id) in patients.enumerated() {
            var entry = results[id]!
            entry.names = names
            entry.values = harmonised[row].map(formatNumber)
            updated[id] = entry
            table2.rows.append([id, batch[row]] + entry.values)
        }
        try write(table2, "features_harmonised.csv", &files)
        return updated
    }

    /// Refuses, before any analysis and with the features already written, an imaging
    /// covariate naming a feature that was not extracted, and signature settings
    /// (`include_prefixes`, `exclude`) that leave no feature to select from.
    func checkFeatureNames(_ results: [String: CachedCase]) throws {
        guard let names = results.values.first?.names else { return }
        let known = Set(names)
        for (index, spec) in study.imagingCovariates.enumerated()
        where !known.contains(spec.feature) {
            let stem = spec.feature.split(separator: "_").last.map { $0.lowercased() } ?? ""
            // Names holding the last word of the one given, those of the same class first.
            let prefix = spec.feature.split(separator: "_").dropLast().joined(separator: "_")
            let similar = names.filter { !stem.isEmpty && $0.lowercased().contains(stem) }
                .sorted { ($0.hasPrefix(prefix) ? 0 : 1) < ($1.hasPrefix(prefix) ? 0 : 1) }
            let field = "imaging_covariates[\(index + 1)].feature"
            throw InputError(
                file: study.path, position: study.positions[field], field: field,
                value: spec.feature,
                "is not one of the \(names.count) extracted features"
                    + (similar.isEmpty ? "" : "; similar names: "
                        + similar.prefix(5).joined(separator: ", ")))
        }
        if !names.contains(where: study.signature.admits) {
            throw InputError(
                file: study.path, field: "signature",
                value: "include_prefixes \(study.signature.includePrefixes), exclude "
                    + "\(study.signature.exclude)",
                "leave none of the \(names.count) extracted features as signature candidates")
        }
    }

    /// Cohorts whose mean of a signature feature lies more than one training SD (population
    /// SD, as `petrad signature apply` measures it) from the training mean: a scanner or
    /// protocol shift that moves scores across the cutoff (ComBat harmonisation is for this).
    func shiftWarnings(endpoint: String, features: [String], patients: [Patient]) -> [String] {
        let training = patients.filter { $0.cohort.role == .training }
        // The other cohorts, in the order their patients come.
        var order: [String] = []
        var others: [String: [Patient]] = [:]
        for patient in patients where patient.cohort.role != .training {
            if others[patient.cohort.name] == nil { order.append(patient.cohort.name) }
            others[patient.cohort.name, default: []].append(patient)
        }
        var warnings: [String] = []
        for feature in features {
            func values(_ group: [Patient]) -> [Double] {
                group.compactMap { $0.features.value(feature) }.filter(\.isFinite)
            }
            let reference = values(training)
            guard reference.count > 1 else { continue }
            let mean = reference.reduce(0, +) / Double(reference.count)
            let sd = (reference.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
                      / Double(reference.count)).squareRoot()
            guard sd > 0 else { continue }
            for name in order {
                let cohort = values(others[name] ?? [])
                guard !cohort.isEmpty else { continue }
                let shift = (cohort.reduce(0, +) / Double(cohort.count) - mean) / sd
                if abs(shift) > 1 {
                    warnings.append("\(endpoint), \(name): signature feature "
                                    + "\(feature) has a mean " + String(format: "%.1f", shift)
                                    + " training SDs from the training mean; scores of this "
                                    + "cohort are shifted (scanner or protocol? see "
                                    + "harmonisation)")
                }
            }
        }
        return warnings
    }

    func imaging(_ spec: ImagingCovariateSpec, _ features: FeatureValues) -> Double {
        (features.value(spec.feature) ?? .nan) * spec.scale
    }

    func validate(cohort: Cohort, members: [(patient: Patient, score: Double)], cutoff: Double,
                  endpoint: EndpointSpec, result: inout EndpointResult,
                  files: inout [String]) throws -> (CohortValidation, KaplanMeierPlotData) {
        let time = members.map(\.patient.time)
        let event = members.map(\.patient.event)
        let group = members.map { $0.score > cutoff ? "high" : "low" }
        let high = group.indices.filter { group[$0] == "high" }
        let low = group.indices.filter { group[$0] == "low" }
        var chi = Double.nan, p = Double.nan
        if high.isEmpty || low.isEmpty {
            result.warnings.append("\(endpoint.name), \(cohort.name): all \(members.count) "
                                   + "patients fall in the \(high.isEmpty ? "low" : "high")-risk "
                                   + "group; no log-rank test.")
        } else {
            (chi, p) = try StatsBridge.logRank(time: time, event: event, group: group)
        }
        var cIndex = Double.nan
        do {
            cIndex = try StatsBridge.concordance(score: members.map(\.score), time: time,
                                                 event: event)
        } catch { result.warnings.append("\(endpoint.name), \(cohort.name): \(error)") }
        var rho = Double.nan, rhoP = Double.nan
        if let mtv = study.imagingCovariates.first(where: { $0.name == "MTV" }) {
            let volumes = members.map { imaging(mtv, $0.patient.raw) }
            do {
                (rho, rhoP) = try StatsBridge.spearman(members.map(\.score), volumes)
            } catch { result.warnings.append("\(endpoint.name), \(cohort.name): \(error)") }
        }
        let lowCurve = StatsBridge.kaplanMeier(time: low.map { time[$0] },
                                               event: low.map { event[$0] })
        let highCurve = StatsBridge.kaplanMeier(time: high.map { time[$0] },
                                                event: high.map { event[$0] })
        let slug = Self.slug(cohort.name)
        // Both standard errors, named: `summary.survfit` prints that of S (Greenwood), while
        // a `survfit` object's `std.err` is that of -log S; the bounds are R's default
        // (`conf.type = "log"`, 95 %).
        var curves = CSVTable(header: ["Group", "Time", "NumberAtRisk", "Events", "Censored",
                                       "Survival", "StdErrSurvival", "StdErrLogSurvival",
                                       "Lower95", "Upper95"])
        for (label, curve) in [("low", lowCurve), ("high", highCurve)] {
            let seSurvival = curve.standardErrorSurvival
            let bounds = curve.confidenceBounds(.log, level: 0.95)
            for i in curve.time.indices {
                curves.rows.append([label, formatNumber(curve.time[i]),
                                    formatNumber(curve.numberAtRisk[i]),
                                    formatNumber(curve.numberOfEvents[i]),
                                    formatNumber(curve.numberCensored[i]),
                                    formatNumber(curve.survival[i]),
                                    formatNumber(seSurvival[i]),
                                    formatNumber(curve.standardError[i]),
                                    formatNumber(bounds.lower[i]),
                                    formatNumber(bounds.upper[i])])
            }
        }
        try write(curves, "\(endpoint.name)/km_\(slug).csv", &files)
        let plot = KaplanMeierPlotData(
            title: "\(endpoint.title): \(cohort.label)",
            shortTitle: cohort.label,
            timeUnit: endpoint.timeUnit,
            groups: [("Low risk (n = \(low.count))", lowCurve, low.map { time[$0] }),
                     ("High risk (n = \(high.count))", highCurve, high.map { time[$0] })],
            logRankP: p)
        let validation = CohortValidation(
            cohort: cohort.name, role: cohort.role.rawValue, n: members.count,
            events: event.filter { $0 }.count, nHigh: high.count,
            eventsHigh: high.filter { event[$0] }.count, nLow: low.count,
            eventsLow: low.filter { event[$0] }.count, logRankChiSquare: chi, logRankP: p,
            concordance: cIndex, spearmanMTV: rho, spearmanMTVP: rhoP,
            medianLow: low.isEmpty ? nil : lowCurve.median,
            medianHigh: high.isEmpty ? nil : highCurve.median,
            plotFiles: ["png", "svg", "pdf"].map { "\(endpoint.name)/km_\(slug).\($0)" })
        return (validation, plot)
    }

    /// Univariate Cox of every variable (signature group and score, clinical and imaging
    /// covariates), then a multivariate model of the variables with univariate p at or below
    /// the study's threshold (the signature's score stays out of it: its group stands for it).
    func coxTables(members: [(patient: Patient, score: Double)], cutoff: Double,
                   clinical: ClinicalData) throws -> ([CoxTerm], [CoxTerm]) {
        let ids = members.map(\.patient.id)
        var variables: [[DesignColumn]] = []
        variables.append([DesignColumn(variable: "Signature", level: "high vs low",
                                       values: members.map { $0.score > cutoff ? 1 : 0 })])
        variables.append([DesignColumn(variable: "Signature score", level: "",
                                       values: members.map { $0.score })])
        for covariate in study.covariates {
            variables.append(try covariate.design(ids: ids, clinical: clinical))
        }
        for spec in study.imagingCovariates {
            let name = spec.unit.isEmpty ? spec.name : "\(spec.name) (\(spec.unit))"
            variables.append([DesignColumn(variable: name, level: "", values: members.map {
                let v = imaging(spec, $0.patient.raw)
                return v.isFinite ? v : nil
            })])
        }
        let time = members.map(\.patient.time)
        let event = members.map(\.patient.event)

        var univariate: [CoxTerm] = []
        var selected: [[DesignColumn]] = []
        var firstError: Error?
        for columns in variables where !columns.isEmpty {
            do {
                let terms = try fit(columns, time: time, event: event)
                univariate += terms
                if columns[0].variable != "Signature score",
                   terms.contains(where: { $0.p <= study.multivariatePThreshold }) {
                    selected.append(columns)
                }
            } catch {
                if error is StepUnavailable { throw error }
                firstError = firstError ?? error
                univariate.append(CoxTerm(variable: columns[0].variable, level: "", n: 0,
                                          events: 0, coefficient: .nan, hazardRatio: .nan,
                                          lower: .nan, upper: .nan, p: .nan,
                                          note: "\(error)"))
            }
        }
        var multivariate: [CoxTerm] = []
        if selected.count >= 2 {
            do {
                multivariate = try fit(selected.flatMap { $0 }, time: time, event: event)
            } catch {
                multivariate = [CoxTerm(variable: "(model)", level: "", n: 0, events: 0,
                                        coefficient: .nan, hazardRatio: .nan, lower: .nan,
                                        upper: .nan, p: .nan, note: "\(error)")]
            }
        }
        return (univariate, multivariate)
    }

    /// Complete-case Cox fit of design columns.
    func fit(_ columns: [DesignColumn], time: [Double], event: [Bool]) throws -> [CoxTerm] {
        let rows = time.indices.filter { i in columns.allSatisfy { $0.values[i] != nil } }
        let matrix = columns.map { column in rows.map { column.values[$0]! } }
        var terms = try StatsBridge.cox(columns: matrix,
                                        labels: columns.map { ($0.variable, $0.level) },
                                        time: rows.map { time[$0] },
                                        event: rows.map { event[$0] })
        for i in terms.indices {
            terms[i].n = rows.count
            terms[i].events = rows.filter { event[$0] }.count
        }
        return terms
    }

    /// The Cox tables as CSV, cohorts one after another. For the multivariate table (given
    /// `univariate`), a cohort whose model was not fitted, or was fitted without the signature,
    /// gets a row saying so and why, so that the table is not read as one adjusting for it.
    static func coxCSV(_ tables: [String: [CoxTerm]], cohorts: [Cohort],
                       univariate: [String: [CoxTerm]]? = nil, threshold: Double = 0)
        -> CSVTable {
        var table = CSVTable(header: ["Cohort", "Variable", "Level", "N", "Events",
                                      "Coefficient", "HazardRatio", "Lower95", "Upper95", "P",
                                      "Note"])
        func absent(_ cohort: String, _ variable: String, _ level: String, _ note: String) {
            table.rows.append([cohort, variable, level, "", ""] + Array(repeating: "NA", count: 5)
                              + [note])
        }
        let limit = String(format: "%g", threshold)
        for cohort in cohorts {
            if let univariate, let terms = tables[cohort.name] {
                if terms.isEmpty {
                    absent(cohort.name, "(model)", "", "not fitted: fewer than two variables "
                           + "with univariate p <= \(limit)")
                } else if !terms.contains(where: {
                    ["Signature", "(model)"].contains($0.variable)
                }) {
                    let single = univariate[cohort.name]?.first { $0.variable == "Signature" }
                    let why: String
                    if let single, single.p.isFinite {
                        why = "univariate p \(String(format: "%.3g", single.p)) above \(limit)"
                    } else {
                        let note = single?.note ?? ""
                        why = note.hasPrefix("not estimable") ? note
                            : "not estimable" + (note.isEmpty ? "" : " (\(note))")
                    }
                    absent(cohort.name, "Signature", "high vs low", "not in the model: " + why)
                }
            }
            for term in tables[cohort.name] ?? [] {
                table.rows.append([cohort.name, term.variable, term.level, "\(term.n)",
                                   "\(term.events)", formatNumber(term.coefficient),
                                   formatNumber(term.hazardRatio), formatNumber(term.lower),
                                   formatNumber(term.upper), formatNumber(term.p), term.note])
            }
        }
        return table
    }

    static func slug(_ name: String) -> String {
        var out = ""
        for c in name.lowercased() {
            if c.isLetter || c.isNumber { out.append(c) }
            else if !out.hasSuffix("-") { out.append("-") }
        }
        return out.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }

    // MARK: - Output

    func write(_ table: CSVTable, _ relative: String, _ files: inout [String]) throws {
        try table.write(to: out + "/" + relative)
        files.append(relative)
    }

    func writeJSON<T: Encodable>(_ value: T, _ relative: String, _ files: inout [String]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Inf", negativeInfinity: "-Inf", nan: "NaN")
        try AtomicFile.write(try encoder.encode(value), to: out + "/" + relative)
        files.append(relative)
    }

    struct Summary: Encodable {
        var study: String
        var studyFile: String
        var petradVersion: String
        var seconds: Double
        var cohorts: [CohortSummary]
        var extraction: [String: Int]
        var endpoints: [EndpointSummary]
        var warnings: [String]
    }

    struct CohortSummary: Encodable {
        var name: String
        var role: String
        var patients: Int
        var origin: String
    }

    struct EndpointSummary: Encodable {
        var name: String
        var title: String
        var signature: SignatureSummary?
        var cutoff: CutoffSummary?
        var validation: [CohortValidation]
        var coxUnivariate: [String: [CoxTerm]]
        var coxMultivariate: [String: [CoxTerm]]
    }

    func writeSummary(_ outcome: StudyOutcome, seconds: Double, _ files: inout [String]) throws {
        let summary = Summary(
            study: study.name, studyFile: study.path, petradVersion: petradVersion,
            seconds: (seconds * 10).rounded() / 10,
            cohorts: outcome.cohorts.map {
                CohortSummary(name: $0.name, role: $0.role.rawValue, patients: $0.cases.count,
                              origin: $0.origin)
            },
            extraction: ["computed": outcome.batch.computed.count,
                         "cached": outcome.batch.reused.count,
                         "failed": outcome.batch.failures.count],
            endpoints: outcome.endpoints.map {
                EndpointSummary(name: $0.endpoint.name, title: $0.endpoint.title,
                                signature: $0.signature, cutoff: $0.cutoff,
                                validation: $0.validations, coxUnivariate: $0.univariate,
                                coxMultivariate: $0.multivariate)
            },
            warnings: outcome.warnings)
        try writeJSON(summary, "summary.json", &files)
    }
}

/// The warning for a validation log-rank test resting on a risk group smaller than the cutoff
/// rule allows on the training cohort; the p-value printed as in the report (`formatP`).
func smallGroupWarning(endpoint: String, cohort: String, logRankP: Double, smallerGroup: Int,
                       minimumGroupSize: Int) -> String {
    "\(endpoint), \(cohort): the log-rank p-value (\(formatP(logRankP))) rests on a "
        + "risk group of \(smallerGroup) patient(s), fewer than the cutoff rule's minimum "
        + "group size (\(minimumGroupSize)); do not read it as evidence"
}

/// The extraction warnings of single cases (e.g. one grey level), in the order of `cases`,
/// from the batch's entries (computed now or read from the cache).
func caseWarnings(_ cases: [StudyCase], _ batch: BatchOutcome) -> [String] {
    cases.flatMap { batch.results[$0.id]?.warnings ?? [] }
}

extension StudyOutcome {
    /// The extraction warnings of single cases, in study order. They are also in `warnings`,
    /// and were printed on standard error as the extraction finished.
    public var extractionWarnings: [String] {
        caseWarnings(cohorts.flatMap(\.cases), batch)
    }
}
