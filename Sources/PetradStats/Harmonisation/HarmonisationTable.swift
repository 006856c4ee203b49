import Foundation

/// Reading features and covariates out of a case table (one row per case, named columns) for
/// ComBat and SMOTE, and writing results back in the same layout. Every missing or non-numeric
/// value is an error naming the column, the case and the value.
public enum HarmonisationTable {
    /// Patterns naming columns: exact names, or a prefix ending in `*` (`h*`, `original_*`).
    public static func expand(_ patterns: [String], in table: CSVTable) throws -> [String] {
        var out: [String] = []
        for pattern in patterns {
            let matches: [String]
            if pattern.hasSuffix("*") {
                let prefix = String(pattern.dropLast())
                matches = table.header.filter { $0.hasPrefix(prefix) }
            } else {
                matches = table.header.contains(pattern) ? [pattern] : []
            }
            guard !matches.isEmpty else {
                throw InputError(file: table.source, field: pattern,
                                 "matches no column; columns are: "
                                 + table.header.joined(separator: ", "))
            }
            out += matches.filter { !out.contains($0) }
        }
        return out
    }

    /// The feature columns: the requested ones (patterns), or else every column that is numeric
    /// in every row where it is not empty or NA, other than the excluded columns.
    public static func featureColumns(in table: CSVTable, requested: [String]?,
                                      excluded: Set<String>) throws -> [String] {
        if let requested {
            let columns = try expand(requested, in: table)
            if let clash = columns.first(where: excluded.contains) {
                throw InputError(file: table.source, field: clash,
                                 "cannot be both a feature and the batch, id, label or a "
                                 + "covariate")
            }
            return columns
        }
        return table.header.enumerated().filter { c, name in
            !excluded.contains(name) && table.rows.allSatisfy { row in
                let text = row[c].trimmingCharacters(in: .whitespaces)
                return text.isEmpty || text == "NA" || text == "NaN" || Double(text) != nil
            }
        }.map(\.element)
    }

    /// Distinct labels in R's factor order: numeric order when every label reads as a number,
    /// otherwise sorted as text (batch levels, endpoint classes, covariate levels).
    public static func factorLevels(_ labels: [String]) -> [String] {
        ComBatValidation.factorLevels(labels)
    }

    /// Case names for messages: the id column's value when there is one ("case 17 (row 18)"),
    /// else the CSV row number (header = row 1).
    public static func caseLabels(_ table: CSVTable, idColumn: String?) -> [String] {
        let ids = idColumn.flatMap { try? table.column($0) }
        return table.rows.indices.map { r in
            if let ids { return "case \(ids[r]) (row \(r + 2))" }
            return "row \(r + 2)"
        }
    }

    /// Rows = cases, columns = the named numeric columns; a missing or non-numeric value is an
    /// error naming column, case and value.
    public static func matrix(_ table: CSVTable, columns: [String],
                              caseLabels: [String]) throws -> [[Double]] {
        let indices = try columns.map { try table.columnIndex($0) }
        return try table.rows.enumerated().map { r, row in
            try zip(columns, indices).map { name, c in
                let text = row[c].trimmingCharacters(in: .whitespaces)
                if let value = Double(text), value.isFinite { return value }
                let missing = text.isEmpty || text == "NA" || text == "NaN"
                throw InputError(file: table.source, field: "\(name), \(caseLabels[r])",
                                 value: row[c],
                                 missing ? "is missing; impute it or drop the case first"
                                     : "is not a finite number")
            }
        }
    }

    /// A text column with no empty value (the batch, or a label).
    public static func labels(_ table: CSVTable, column: String,
                              caseLabels: [String]) throws -> [String] {
        let values = try table.column(column).map { $0.trimmingCharacters(in: .whitespaces) }
        if let r = values.firstIndex(where: { $0.isEmpty || $0 == "NA" }) {
            throw InputError(file: table.source, field: "\(column), \(caseLabels[r])",
                             value: values[r], "is missing; every case needs a value")
        }
        return values
    }

    /// Covariate columns as a design without intercept, as R's `model.matrix` codes them: a
    /// numeric column as is; a text column as one indicator per level except the first
    /// (levels in factor order), named `column=level`.
    public static func covariateDesign(_ table: CSVTable, columns: [String],
                                       caseLabels: [String])
        throws -> (names: [String], values: [[Double]]) {
        var names: [String] = []
        var valueColumns: [[Double]] = []
        for column in columns {
            let texts = try labels(table, column: column, caseLabels: caseLabels)
            if texts.allSatisfy({ Double($0)?.isFinite == true }) {
                names.append(column)
                valueColumns.append(texts.map { Double($0)! })
            } else {
                for level in ComBatValidation.factorLevels(texts).dropFirst() {
                    names.append("\(column)=\(level)")
                    valueColumns.append(texts.map { $0 == level ? 1 : 0 })
                }
            }
        }
        let values = table.rows.indices.map { r in valueColumns.map { $0[r] } }
        return (names, values)
    }

    /// The covariates a fitted model names (`age`, or an indicator `sex=M`), from a table.
    public static func covariateValues(_ table: CSVTable, names: [String],
                                       caseLabels: [String]) throws -> [[Double]] {
        var valueColumns: [[Double]] = []
        for name in names {
            if table.header.contains(name) {
                valueColumns.append(try matrix(table, columns: [name], caseLabels: caseLabels)
                    .map { $0[0] })
            } else if let equals = name.firstIndex(of: "="),
                      table.header.contains(String(name[..<equals])) {
                let column = String(name[..<equals])
                let level = String(name[name.index(after: equals)...])
                let texts = try labels(table, column: column, caseLabels: caseLabels)
                valueColumns.append(texts.map { $0 == level ? 1 : 0 })
            } else {
                throw InputError(file: table.source, field: name,
                                 "is a covariate of the model but not a column of the table")
            }
        }
        return table.rows.indices.map { r in valueColumns.map { $0[r] } }
    }

    /// The table with the named columns replaced by new values (shortest round-trip decimal);
    /// a value equal to the number already there keeps its original text.
    public static func replacing(_ table: CSVTable, columns: [String],
                                 with values: [[Double]]) throws -> CSVTable {
        var out = table
        let indices = try columns.map { try table.columnIndex($0) }
        for r in out.rows.indices {
            for (k, c) in indices.enumerated() {
                let old = Double(out.rows[r][c].trimmingCharacters(in: .whitespaces))
                if old != values[r][k] { out.rows[r][c] = formatNumber(values[r][k]) }
            }
        }
        return out
    }
}
