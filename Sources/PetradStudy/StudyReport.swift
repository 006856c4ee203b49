import Foundation
import PetradCore
import PetradReport
import PetradStats

/// Builds `report.html` and the Kaplan–Meier figures (PNG, SVG, PDF) from a finished study.
public struct StudyReportBuilder {
    public var study: StudyFile
    public var outcome: StudyOutcome
    public var outFolder: String
    /// Extra lines for the software table (e.g. libraries' versions), name -> version.
    public var software: [(String, String)] = []
    /// A note printed at the top (e.g. that the external cohort is a same-centre proxy).
    public var notes: [String] = []

    public init(study: StudyFile, outcome: StudyOutcome, outFolder: String) {
        self.study = study
        self.outcome = outcome
        self.outFolder = outFolder
    }

    /// Writes the figures and `report.html`; returns the report's path.
    @discardableResult
    public func write() throws -> String {
        let clinical = try ClinicalData(study: study)
        var sections: [ReportSection] = []
        var warnings = outcome.warnings

        sections.append(overview())
        sections.append(try cohortSection(clinical))
        for result in outcome.endpoints {
            sections.append(try endpointSection(result, warnings: &warnings))
        }
        sections.append(settingsSection())
        let report = HTMLReport(
            title: "petrad study: \(study.name)",
            subtitle: "Radiomic signature, cutoff and validation per endpoint; petrad "
                + "\(petradVersion). Every number here is also in the CSV/JSON files beside "
                + "this report.",
            warnings: warnings, sections: sections)
        let path = outFolder + "/report.html"
        try AtomicFile.write(report.html(), to: path)
        return path
    }

    // MARK: - Sections

    func overview() -> ReportSection {
        var paragraphs: [String] = []
        if !study.description.isEmpty {
            paragraphs.append(study.description.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        paragraphs += notes
        let batch = outcome.batch
        paragraphs.append("Extraction: \(batch.computed.count) cases computed, "
                          + "\(batch.reused.count) read from the cache, "
                          + "\(batch.failures.count) failed (extraction_errors.csv).")
        if !outcome.clinicalFailures.isEmpty {
            paragraphs.append("Clinical data: \(outcome.clinicalFailures.count) patient row(s) "
                              + "or values could not be read; those patients are left out of "
                              + "the analyses that need them (clinical_errors.csv).")
        }
        var rows: [[String]] = []
        for result in outcome.endpoints {
            for v in result.validations {
                rows.append([result.endpoint.title, v.cohort, v.role.replacingOccurrences(
                    of: "_", with: " "), "\(v.n)", "\(v.events)", "\(v.nHigh)",
                             formatP(v.logRankP), format(v.concordance)])
            }
            if result.validations.isEmpty {
                rows.append([result.endpoint.title, "not analysed (see warnings)", "", "", "",
                             "", "", ""])
            }
        }
        let table = ReportTable(
            title: "Validation at a glance: high- vs low-risk groups by the training cutoff.",
            header: ["Endpoint", "Cohort", "Role", "N", "Events", "High risk", "Log-rank p",
                     "C-index"],
            rows: rows, source: "<endpoint>/validation.csv", numbered: false)
        return ReportSection(title: "Summary", paragraphs: paragraphs, tables: [table])
    }

    /// Table 1 of the paper: patient characteristics per cohort.
    func cohortSection(_ clinical: ClinicalData) throws -> ReportSection {
        let cohorts = outcome.cohorts
        var rows: [[String]] = []
        var headings: Set<Int> = []
        func row(_ label: String, _ cell: (Cohort) -> String) {
            rows.append([label] + cohorts.map(cell))
        }
        row("Patients") { "\($0.cases.count)" }
        row("Formed by") { $0.origin.components(separatedBy: " [").first ?? $0.origin }
        if cohorts.contains(where: { !$0.note.isEmpty }) { row("Note") { $0.note } }
        for covariate in study.covariates {
            if covariate.kind == .continuous {
                row("\(covariate.name), median (range)") { cohort in
                    medianRange(cohort.cases.compactMap {
                        clinical.text($0.id, covariate.column).flatMap(Double.init) })
                }
                continue
            }
            headings.insert(rows.count)
            rows.append([covariate.name + ", n (%)"] + cohorts.map { _ in "" })
            var levels = Set<String>()
            for cohort in cohorts {
                for c in cohort.cases { levels.insert(clinical.text(c.id, covariate.column)
                                                      ?? "missing") }
            }
            for level in levels.sorted() {
                row("  \(level)") { cohort in
                    let n = cohort.cases.filter {
                        (clinical.text($0.id, covariate.column) ?? "missing") == level }.count
                    let share = Double(n) / Double(max(cohort.cases.count, 1))
                    return "\(n) (\(percent(share)))"
                }
            }
        }
        for spec in study.imagingCovariates {
            row("\(spec.name)\(spec.unit.isEmpty ? "" : " (\(spec.unit))"), median (range)") {
                cohort in
                medianRange(cohort.cases.compactMap { item -> Double? in
                    guard let entry = outcome.batch.results[item.id],
                          let v = entry.features.value(spec.feature), v.isFinite else {
                        return nil
                    }
                    return v * spec.scale
                })
            }
        }
        headings.insert(rows.count)
        rows.append(["Endpoints: events / patients; median follow-up"] + cohorts.map { _ in "" })
        for endpoint in study.endpoints {
            row("  \(endpoint.title)") { cohort in
                let outcomes = cohort.cases.compactMap { try? clinical.outcome($0.id, endpoint) }
                let events = outcomes.filter { $0.1 }.count
                let censored = outcomes.filter { !$0.1 }.map { $0.0 }
                return "\(events) / \(outcomes.count); "
                    + "\(medianOnly(censored)) \(endpoint.timeUnit)"
            }
        }
        let table = ReportTable(
            title: "Patient characteristics per cohort (layout of the paper's Table 1).",
            header: ["Characteristic"] + cohorts.map(\.label),
            rows: rows, headingRows: headings,
            notes: ["Follow-up: median time of the patients without the event (censored).",
                    "Imaging values from the extracted features (after resampling)."],
            source: "cohorts.csv, features.csv")
        return ReportSection(title: "Cohorts", tables: [table])
    }

    func endpointSection(_ result: EndpointResult, warnings: inout [String]) throws
        -> ReportSection {
        let endpoint = result.endpoint
        var section = ReportSection(title: "Endpoint: \(endpoint.title)")
        section.paragraphs.append("Time column \(endpoint.timeColumn) (\(endpoint.timeUnit)), "
                                  + "event column \(endpoint.eventColumn).")
        guard let signature = result.signature else {
            section.paragraphs.append("No signature could be built for this endpoint; the "
                                      + "warnings say why.")
            return section
        }

        // Signature.
        var signaturePart = ReportSection(title: "Signature")
        signaturePart.paragraphs.append(
            "Built on the training cohort by \(signature.repeats) repeats of "
            + "\(study.signature.folds)-fold cross-validated LASSO-Cox; the "
            + "\(signature.features.count) most often selected features (at most "
            + "\(study.signature.maxFeatures)) with their mean coefficients, times "
            + "\(format(signature.scale)). File: \(signature.file).")
        signaturePart.code.append(signature.formula)
        let top = signature.selectionCounts.sorted {
            $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(12)
        signaturePart.tables.append(ReportTable(
            title: "Features most often selected over the repeats.",
            header: ["Feature", "Selected", "In signature", "Coefficient"],
            rows: top.map { name, count in
                let i = signature.features.firstIndex(of: name)
                return [name, "\(count) / \(signature.repeats)", i == nil ? "" : "yes",
                        i.map { format(signature.coefficients[$0], 4) } ?? ""]
            }, source: "\(endpoint.name)/selection.csv"))
        section.subsections.append(signaturePart)

        // Cutoff.
        if let cutoff = result.cutoff {
            section.subsections.append(ReportSection(
                title: "Cutoff",
                paragraphs: ["Chosen on the training scores among cutoffs leaving "
                             + "\(percent(study.cutoff.highRiskShare.lowerBound))-"
                             + "\(percent(study.cutoff.highRiskShare.upperBound)) of patients "
                             + "high risk and at least \(study.cutoff.minGroupSize) per group."],
                tables: [ReportTable(
                    title: "Cutoff of the signature score (high risk: score > cutoff).",
                    header: ["Cutoff", "High risk", "Log-rank statistic", "Raw p",
                             "Lausen-Schumacher p", "Permutation p"],
                    rows: [[format(cutoff.cutoff, 5),
                            "\(cutoff.highRiskCount) (\(percent(cutoff.highRiskShare)))",
                            format(cutoff.statistic, 4), formatP(cutoff.rawP),
                            formatP(cutoff.lausenSchumacherP), formatP(cutoff.permutationP)]],
                    notes: ["The raw p ignores that the cutoff was searched for; the corrected "
                            + "p-values do not. The permutation p repeats this search on "
                            + "permuted outcomes; the Lausen-Schumacher p (R maxstat.test, "
                            + "Lau94) is for maxstat's standardised log-rank statistic over "
                            + "the same shares"
                            + (cutoff.maxstatCutoff.map {
                                ", which is largest at cutoff \(format($0, 5))" } ?? "")
                            + "."],
                    source: "\(endpoint.name)/cutoff.json, \(cutoff.scanFile)")]))
        }

        // Validation with figures.
        var validation = ReportSection(title: "Validation: high vs low risk")
        validation.tables.append(ReportTable(
            title: "Risk groups, log-rank test, Harrell's C of the score and Spearman "
                + "correlation of the score with MTV, per cohort.",
            header: ["Cohort", "N (events)", "High risk (events)", "Low risk (events)",
                     "Log-rank chi2", "p", "C-index", "Spearman rho vs MTV (p)",
                     "Median low / high"],
            rows: result.validations.map { v in
                [v.cohort + " (\(v.role.replacingOccurrences(of: "_", with: " ")))",
                 "\(v.n) (\(v.events))", "\(v.nHigh) (\(v.eventsHigh))",
                 "\(v.nLow) (\(v.eventsLow))", format(v.logRankChiSquare, 4),
                 formatP(v.logRankP), format(v.concordance),
                 "\(format(v.spearmanMTV)) (\(formatP(v.spearmanMTVP)))",
                 "\(v.medianLow.map { format($0, 4) } ?? "NR") / "
                    + "\(v.medianHigh.map { format($0, 4) } ?? "NR")"]
            },
            notes: ["NR: median not reached. Medians in \(endpoint.timeUnit)."],
            source: "\(endpoint.name)/validation.csv"))
        for (cohortName, data) in result.plots {
            do {
                let plot = kaplanMeierPlot(data)
                let slug = StudyRunner.slug(cohortName)
                let base = "\(endpoint.name)/km_\(slug)"
                let svg = try PlotRenderer.svg(plot)
                try AtomicFile.write(svg, to: outFolder + "/\(base).svg")
                try AtomicFile.write(try PlotRenderer.png(plot), to: outFolder + "/\(base).png")
                try AtomicFile.write(try PlotRenderer.pdf(plot), to: outFolder + "/\(base).pdf")
                validation.figures.append(ReportFigure(
                    caption: "Kaplan-Meier curves of high- vs low-risk patients, "
                        + "\(endpoint.title.lowercased()), cohort \(cohortName).",
                    svg: svg, files: ["\(base).png", "\(base).svg", "\(base).pdf"]))
            } catch {
                warnings.append("\(endpoint.name), \(cohortName): figure not drawn: \(error)")
            }
        }
        section.subsections.append(validation)

        // Cox tables.
        section.subsections.append(ReportSection(
            title: "Cox regression",
            tables: [coxTable(result.univariate, title: "Univariate Cox regression (layout of "
                              + "the paper's Table 2).", source: "\(endpoint.name)/cox_univariate.csv"),
                     coxTable(result.multivariate, title: "Multivariate Cox regression of the "
                              + "variables with univariate p <= "
                              + "\(format(study.multivariatePThreshold)) (layout of the paper's "
                              + "Table 3).", source: "\(endpoint.name)/cox_multivariate.csv",
                              sayWhenAbsent: "Signature")]))
        return section
    }

    /// One Cox table, cohorts as heading rows. With `sayWhenAbsent`, a cohort whose model
    /// holds other variables but not that one gets a row saying it was left out, so that a
    /// multivariate table without the signature is not read as one that adjusts for it.
    func coxTable(_ tables: [String: [CoxTerm]], title: String, source: String,
                  sayWhenAbsent variable: String? = nil) -> ReportTable {
        var rows: [[String]] = []
        var headings: Set<Int> = []
        for cohort in outcome.cohorts {
            guard let terms = tables[cohort.name] else { continue }
            headings.insert(rows.count)
            rows.append([cohort.label, "", "", "", ""])
            if terms.isEmpty {
                rows.append(["fewer than two variables with p <= "
                             + "\(format(study.multivariatePThreshold))", "", "", "", ""])
            } else if let variable,
                      !terms.contains(where: { [variable, "(model)"].contains($0.variable) }) {
                rows.append(["\(variable): not in the model (univariate p above "
                             + "\(format(study.multivariatePThreshold)) or not estimable)",
                             "", "", "", ""])
            }
            for term in terms {
                let label = term.level.isEmpty ? term.variable : "\(term.variable): \(term.level)"
                rows.append([label, "\(term.n) (\(term.events))", formatRatio(term.hazardRatio),
                             term.lower.isNaN ? "NA"
                                : "\(formatRatio(term.lower)) - \(formatRatio(term.upper))",
                             term.note.isEmpty ? formatP(term.p) : shortNote(term.note)])
            }
        }
        if rows.isEmpty { rows.append(["not computed (see warnings)", "", "", "", ""]) }
        return ReportTable(title: title,
                           header: ["Variable", "N (events)", "Hazard ratio", "95% CI", "p"],
                           rows: rows, headingRows: headings,
                           notes: ["Cox proportional hazards, Efron ties, complete cases; "
                                   + "hazard ratios per unit of a continuous variable.",
                                   "Not estimable (separation): the variable separates the "
                                   + "events (monotone likelihood), so the hazard ratio is "
                                   + "infinite or zero. Not estimable (constant or collinear): "
                                   + "the column is constant or a combination of others among "
                                   + "the rows used. Full messages in the CSV."],
                           source: source)
    }

    func settingsSection() -> ReportSection {
        var section = ReportSection(title: "Settings, software and data")
        var softwareRows = [["petrad", petradVersion]] + software.map { [$0.0, $0.1] }
        softwareRows.append(["Operating system",
                             ProcessInfo.processInfo.operatingSystemVersionString])
        section.tables.append(ReportTable(title: "Software.", header: ["Component", "Version"],
                                          rows: softwareRows))
        section.tables.append(ReportTable(
            title: "Study settings.",
            header: ["Setting", "Value"],
            rows: [
                ["Study file", study.path],
                ["Convention", study.convention],
                ["Signature", "repeats \(study.signature.repeats), max features "
                    + "\(study.signature.maxFeatures), scale \(format(study.signature.scale)), "
                    + "folds \(study.signature.folds), seed \(study.signature.seed), alpha "
                    + "\(format(study.signature.alpha))"],
                ["Candidate features", "prefixes "
                    + study.signature.includePrefixes.joined(separator: ", ") + "; excluded "
                    + (study.signature.exclude.isEmpty ? "none"
                       : study.signature.exclude.joined(separator: ", "))],
                ["Cutoff", "high-risk share \(percent(study.cutoff.highRiskShare.lowerBound))-"
                    + "\(percent(study.cutoff.highRiskShare.upperBound)), min group size "
                    + "\(study.cutoff.minGroupSize), permutations \(study.cutoff.permutations), "
                    + "seed \(study.cutoff.seed)"],
                ["Multivariate entry", "univariate p <= \(format(study.multivariatePThreshold))"],
                ["Harmonisation", study.harmonisation.map { "\($0.method) by \($0.batchColumn)" }
                    ?? "none"],
            ]))
        if let text = try? String(contentsOfFile: study.path, encoding: .utf8) {
            section.subsections.append(ReportSection(title: "Study file", code: [text]))
        }
        if let parameterFile = study.parameterFile,
           let text = try? String(contentsOfFile: study.resolve(parameterFile), encoding: .utf8) {
            section.subsections.append(ReportSection(title: "Extraction parameters "
                                                     + "(\(parameterFile))", code: [text]))
        } else if let inline = study.inlineParameters {
            section.subsections.append(ReportSection(title: "Extraction parameters (inline)",
                                                     code: [inline]))
        }
        return section
    }

    // MARK: - Helpers

    func kaplanMeierPlot(_ data: KaplanMeierPlotData) -> KaplanMeierPlot {
        let inMonths = data.timeUnit == "days"
        let divisor = inMonths ? 30.4375 : 1
        let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]
        let allTimes = data.groups.flatMap(\.times).map { $0 / divisor }
        let xMax = allTimes.max() ?? 1
        let ticks = KaplanMeierPlot.ticks(upTo: xMax)
        var curves: [PlotCurve] = []
        var atRisk: [[Int]] = []
        for (index, group) in data.groups.enumerated() {
            let curve = group.curve
            var times = [0.0], survival = [1.0], censored: [Double] = []
            for i in curve.time.indices {
                if curve.numberOfEvents[i] > 0 {
                    times.append(curve.time[i] / divisor)
                    survival.append(curve.survival[i])
                }
                if curve.numberCensored[i] > 0 { censored.append(curve.time[i] / divisor) }
            }
            curves.append(PlotCurve(label: group.label, times: times, survival: survival,
                                    censorTimes: censored, color: colors[index % colors.count]))
            atRisk.append(KaplanMeierPlot.numbersAtRisk(times: group.times.map { $0 / divisor },
                                                        at: ticks))
        }
        return KaplanMeierPlot(title: data.shortTitle,
                               xLabel: inMonths ? "Time (months)" : "Time (\(data.timeUnit))",
                               curves: curves, atRiskTimes: ticks, atRisk: atRisk,
                               annotation: data.logRankP.isNaN ? "log-rank p: NA"
                                   : data.logRankP < 0.001 ? "log-rank p < 0.001"
                                   : "log-rank p = \(formatP(data.logRankP))", xMax: xMax)
    }
}

/// Hazard ratios: three significant digits, four decimals near 1 (per-unit ratios of
/// volumes), scientific beyond 10^4.
func formatRatio(_ value: Double) -> String {
    if value.isNaN { return "NA" }
    if abs(value - 1) < 0.01 { return String(format: "%.4f", value) }
    if value >= 1e4 || value < 1e-3 { return String(format: "%.2e", value) }
    return String(format: "%.3g", value)
}

func shortNote(_ note: String) -> String {
    if note.contains("monotone") || note.contains("separat") {
        return "not estimable (separation)"
    }
    if note.contains("linear combination") || note.contains("collinear")
        || note.contains("constant") {
        return "not estimable (constant or collinear)"
    }
    return note.count > 60 ? String(note.prefix(57)) + "..." : note
}

func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }

func medianOnly(_ values: [Double]) -> String {
    guard !values.isEmpty else { return "NA" }
    let sorted = values.sorted()
    let n = sorted.count
    let median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    return format(median, 4)
}

func medianRange(_ values: [Double]) -> String {
    guard let low = values.min(), let high = values.max() else { return "NA" }
    return "\(medianOnly(values)) (\(format(low, 4)) - \(format(high, 4)))"
}

extension StudyReportBuilder {
    /// Versions of the compiler and the system libraries petrad runs with.
    public static func librarySoftware() -> [(String, String)] {
        var compiler = "Swift"
        #if compiler(>=6.3)
        compiler += " 6.3 or later"
        #elseif compiler(>=6.0)
        compiler += " 6.x"
        #endif
        return [("Compiler", compiler), ("cairo", PlotRenderer.cairoVersion)]
    }
}
