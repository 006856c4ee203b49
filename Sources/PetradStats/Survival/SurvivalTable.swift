import Foundation

/// What to do with rows or columns that fail the input checks.
public enum InvalidDataPolicy: String, CaseIterable, Sendable {
    /// Throw an error naming every problem (column, rows, values found). The default.
    case stop
    /// Leave out the offending rows (or constant / collinear columns) and list them.
    case drop
}

/// A covariate column and how it enters a model.
public struct CovariateSpec: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case numeric
        /// Expanded into one 0/1 column per non-reference level (R's treatment contrasts).
        /// `levels`: level order (default: numeric order if all values are numbers, else
        /// sorted text, as R's `factor`); `reference`: the baseline (default: first level).
        case categorical(reference: String?, levels: [String]?)
    }
    public var column: String
    public var kind: Kind

    public static func numeric(_ column: String) -> CovariateSpec {
        CovariateSpec(column: column, kind: .numeric)
    }

    public static func categorical(_ column: String, reference: String? = nil,
                                   levels: [String]? = nil) -> CovariateSpec {
        CovariateSpec(column: column, kind: .categorical(reference: reference, levels: levels))
    }
}

/// One design column of the prepared data: a numeric covariate, or one level of a categorical
/// one against its reference level (named variable + level, as R names it: `sex2`).
public struct DesignTerm: Equatable, Sendable {
    public var name: String
    public var variable: String
    /// The level this 0/1 column indicates; nil for a numeric covariate.
    public var level: String?
    public var referenceLevel: String?
}

/// A row left out, and why.
public struct DroppedRow: Equatable, Sendable {
    /// 1-based data row (the header is not counted).
    public var row: Int
    public var column: String
    public var value: String
    public var reason: String
}

/// A design column left out, and why.
public struct DroppedColumn: Equatable, Sendable {
    public var name: String
    public var reason: String
}

/// Survival data after the input checks, ready for `KaplanMeier`, `LogRank`, `CoxModel`.
public struct SurvivalData: Equatable, Sendable {
    public var time: [Double]
    public var event: [Bool]
    /// 1-based data rows kept.
    public var rows: [Int]
    /// Design columns (one array per column) and their terms.
    public var covariates: [[Double]]
    public var terms: [DesignTerm]
    public var group: [String]?
    public var strata: [String]?
    public var droppedRows: [DroppedRow]
    public var droppedColumns: [DroppedColumn]

    public var names: [String] { terms.map(\.name) }
    /// Rows dropped, each listed once.
    public var droppedRowNumbers: [Int] { Array(Set(droppedRows.map(\.row))).sorted() }
}

/// A CSV table with a time and an event column, checked before any fit.
///
/// Checks, in order: event values other than 0/1, negative or non-numeric times, missing values
/// (empty field or NA) in any column used, non-numeric values in numeric covariates; then,
/// among the rows kept, constant covariates and exactly collinear design columns. Every
/// problem names the column, the rows and the value found. With `.stop` the first kind of
/// problem found is thrown as an `InputError`; with `.drop` the rows (or columns) are left out
/// and listed in `droppedRows` / `droppedColumns`.
public struct SurvivalTable {
    public let table: CSVTable
    public let timeColumn: String
    public let eventColumn: String

    public init(_ table: CSVTable, time: String, event: String) throws {
        _ = try table.columnIndex(time)
        _ = try table.columnIndex(event)
        self.table = table
        timeColumn = time
        eventColumn = event
    }

    public static func read(path: String, time: String, event: String) throws -> SurvivalTable {
        try SurvivalTable(CSVTable.read(path: path), time: time, event: event)
    }

    private static func isMissing(_ text: String) -> Bool {
        let t = text.trimmingCharacters(in: .whitespaces)
        return t.isEmpty || t == "NA" || t == "NaN"
    }

    public func prepare(covariates: [CovariateSpec] = [], group: String? = nil,
                        strata: String? = nil, policy: InvalidDataPolicy = .stop) throws
        -> SurvivalData {
        let file = table.source.isEmpty ? "survival table" : table.source
        let timeText = try table.column(timeColumn)
        let eventText = try table.column(eventColumn)
        let covariateText = try covariates.map { try table.column($0.column) }
        let groupText = try group.map { try table.column($0) }
        let strataText = try strata.map { try table.column($0) }
        let rowCount = table.rows.count

        // Row checks: each problem as (column, value, reason) per row.
        var problems: [DroppedRow] = []
        var time = [Double](repeating: 0, count: rowCount)
        var event = [Bool](repeating: false, count: rowCount)
        var numeric = [[Double]](repeating: [Double](repeating: 0, count: rowCount),
                                 count: covariates.count)
        for r in 0..<rowCount {
            let row = r + 1
            let t = timeText[r].trimmingCharacters(in: .whitespaces)
            if Self.isMissing(t) {
                problems.append(DroppedRow(row: row, column: timeColumn, value: t, reason: "missing"))
            } else if let value = Double(t), value.isFinite {
                if value < 0 {
                    problems.append(DroppedRow(row: row, column: timeColumn, value: t,
                                               reason: "negative time"))
                }
                time[r] = value
            } else {
                problems.append(DroppedRow(row: row, column: timeColumn, value: t,
                                           reason: "not a finite number"))
            }
            let e = eventText[r].trimmingCharacters(in: .whitespaces)
            if Self.isMissing(e) {
                problems.append(DroppedRow(row: row, column: eventColumn, value: e, reason: "missing"))
            } else if let value = Double(e), value == 0 || value == 1 {
                event[r] = value == 1
            } else {
                problems.append(DroppedRow(row: row, column: eventColumn, value: e,
                                           reason: "event must be 0 (censored) or 1 (event)"))
            }
            for (c, spec) in covariates.enumerated() {
                let text = covariateText[c][r].trimmingCharacters(in: .whitespaces)
                if Self.isMissing(text) {
                    problems.append(DroppedRow(row: row, column: spec.column, value: text,
                                               reason: "missing"))
                } else if spec.kind == .numeric {
                    if let value = Double(text), value.isFinite {
                        numeric[c][r] = value
                    } else {
                        problems.append(DroppedRow(row: row, column: spec.column, value: text,
                                                   reason: "not a finite number"))
                    }
                }
            }
            for (name, values) in [(group, groupText), (strata, strataText)] {
                if let name, let values, Self.isMissing(values[r]) {
                    problems.append(DroppedRow(row: row, column: name, value: values[r],
                                               reason: "missing"))
                }
            }
        }
        if !problems.isEmpty && policy == .stop {
            throw Self.describe(problems, file: file)
        }

        // An event column holding exactly the values 1 and 2 is R's Surv() coding (1 = censored,
        // 2 = event). Dropping the 2s would silently turn every censored patient into an event.
        let eventValues = Set(eventText.map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !Self.isMissing($0) }.compactMap { Double($0) })
        if eventValues == [1, 2] {
            throw InputError(file: file, field: eventColumn, value: "1 and 2",
                             "looks like R's 1 = censored / 2 = event coding; recode it to "
                             + "0/1 (event = value - 1) instead of dropping rows")
        }
        let bad = Set(problems.map(\.row))
        let kept = (0..<rowCount).filter { !bad.contains($0 + 1) }
        guard !kept.isEmpty else {
            throw InputError(file: file, field: timeColumn, value: "\(rowCount) rows",
                             "no row is left after dropping rows with invalid or missing values")
        }

        // Design columns.
        var design: [[Double]] = []
        var terms: [DesignTerm] = []
        var droppedColumns: [DroppedColumn] = []
        for (c, spec) in covariates.enumerated() {
            switch spec.kind {
            case .numeric:
                let column = kept.map { numeric[c][$0] }
                if let first = column.first, column.allSatisfy({ $0 == first }) {
                    let reason = "constant: every one of the \(kept.count) rows used has the "
                        + "value \(formatNumber(first))"
                    if policy == .stop {
                        throw InputError(file: file, field: spec.column, value: formatNumber(first),
                                         "is \(reason); remove it or use the drop policy")
                    }
                    droppedColumns.append(DroppedColumn(name: spec.column, reason: reason))
                    continue
                }
                design.append(column)
                terms.append(DesignTerm(name: spec.column, variable: spec.column))
            case let .categorical(reference, levels):
                let values = kept.map { covariateText[c][$0].trimmingCharacters(in: .whitespaces) }
                var order = levels ?? GroupLevels.sorted(values)
                if let unknown = values.first(where: { !order.contains($0) }) {
                    throw InputError(file: file, field: spec.column, value: unknown,
                                     "is not one of the levels given: "
                                     + order.joined(separator: ", "))
                }
                if let reference {
                    guard let at = order.firstIndex(of: reference) else {
                        throw InputError(file: file, field: spec.column, value: reference,
                                         "reference level not found; levels are: "
                                         + order.joined(separator: ", "))
                    }
                    order.remove(at: at)
                    order.insert(reference, at: 0)
                }
                let present = Set(values)
                if present.count < 2 {
                    let reason = "constant: every one of the \(kept.count) rows used is level "
                        + "\(values.first ?? "")"
                    if policy == .stop {
                        throw InputError(file: file, field: spec.column, value: values.first ?? "",
                                         "is \(reason); remove it or use the drop policy")
                    }
                    droppedColumns.append(DroppedColumn(name: spec.column, reason: reason))
                    continue
                }
                for level in order.dropFirst() {
                    let name = spec.column + level
                    guard present.contains(level) else {
                        let reason = "level \(level) of \(spec.column) has no rows among those used"
                        if policy == .stop {
                            throw InputError(file: file, field: spec.column, value: level,
                                             reason + "; remove the level or use the drop policy")
                        }
                        droppedColumns.append(DroppedColumn(name: name, reason: reason))
                        continue
                    }
                    design.append(values.map { $0 == level ? 1 : 0 })
                    terms.append(DesignTerm(name: name, variable: spec.column, level: level,
                                            referenceLevel: order[0]))
                }
            }
        }

        // Exact collinearity: a column that least squares reproduces from the earlier ones.
        var keptColumns: [Int] = []
        for k in design.indices {
            if let combination = Self.combination(of: k, among: keptColumns, design: design) {
                let names = combination.map { terms[$0].name }.joined(separator: ", ")
                let reason = "exactly collinear with \(names) among the \(kept.count) rows used"
                if policy == .stop {
                    throw InputError(file: file, field: terms[k].name, value: names,
                                     "is \(reason); remove one of them or use the drop policy")
                }
                droppedColumns.append(DroppedColumn(name: terms[k].name, reason: reason))
            } else {
                keptColumns.append(k)
            }
        }

        let keptSet = Set(kept.map { $0 + 1 })
        return SurvivalData(
            time: kept.map { time[$0] }, event: kept.map { event[$0] },
            rows: kept.map { $0 + 1 }, covariates: keptColumns.map { design[$0] },
            terms: keptColumns.map { terms[$0] },
            group: groupText.map { values in kept.map { values[$0] } },
            strata: strataText.map { values in kept.map { values[$0] } },
            droppedRows: problems.filter { !keptSet.contains($0.row) },
            droppedColumns: droppedColumns)
    }

    /// The earlier columns that reproduce column k exactly (with an intercept), or nil.
    private static func combination(of k: Int, among earlier: [Int], design: [[Double]])
        -> [Int]? {
        let n = design[k].count
        func centred(_ c: Int) -> [Double] {
            let mean = design[c].reduce(0, +) / Double(n)
            return design[c].map { $0 - mean }
        }
        let y = centred(k)
        let total = y.reduce(0) { $0 + $1 * $1 }
        guard !earlier.isEmpty, total > 0 else { return nil }
        let xs = earlier.map(centred)
        let m = xs.count
        var gram = [Double](repeating: 0, count: m * m)
        var right = [Double](repeating: 0, count: m)
        for a in 0..<m {
            for b in 0...a {
                let s = zip(xs[a], xs[b]).reduce(0) { $0 + $1.0 * $1.1 }
                gram[a * m + b] = s
                gram[b * m + a] = s
            }
            right[a] = zip(xs[a], y).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let coefficients = SymmetricFactor(gram, size: m, tolerance: 1e-12).solve(right)
        var residual = 0.0
        for i in 0..<n {
            var fit = 0.0
            for a in 0..<m { fit += coefficients[a] * xs[a][i] }
            residual += (y[i] - fit) * (y[i] - fit)
        }
        guard residual <= 1e-10 * total else { return nil }
        return (0..<m).filter { abs(coefficients[$0]) > 1e-8 }.map { earlier[$0] }
    }

    /// One error listing every problem: per column and reason, the values found and their rows.
    private static func describe(_ problems: [DroppedRow], file: String) -> InputError {
        var groups: [(key: String, column: String, reason: String, items: [DroppedRow])] = []
        for p in problems {
            let key = p.column + "\u{1}" + p.reason
            if let i = groups.firstIndex(where: { $0.key == key }) {
                groups[i].items.append(p)
            } else {
                groups.append((key, p.column, p.reason, [p]))
            }
        }
        var parts: [String] = []
        for g in groups {
            var byValue: [(value: String, rows: [Int])] = []
            for item in g.items {
                if let i = byValue.firstIndex(where: { $0.value == item.value }) {
                    byValue[i].rows.append(item.row)
                } else {
                    byValue.append((item.value, [item.row]))
                }
            }
            let listed = byValue.map { entry -> String in
                let rows = entry.rows.prefix(10).map(String.init).joined(separator: ", ")
                    + (entry.rows.count > 10 ? ", … (\(entry.rows.count) rows)" : "")
                let value = entry.value.isEmpty ? "(empty)" : entry.value
                return "\(value) (\(entry.rows.count == 1 ? "row" : "rows") \(rows))"
            }
            parts.append("column '\(g.column)': \(g.reason): " + listed.joined(separator: "; "))
        }
        let first = groups[0]
        let values = Array(Set(first.items.map(\.value))).sorted().joined(separator: ",")
        return InputError(file: file, field: first.column, value: values,
                          parts.joined(separator: " | ")
                          + " (data rows, header not counted); fix the data or use the drop "
                          + "policy to leave these rows out")
    }
}
