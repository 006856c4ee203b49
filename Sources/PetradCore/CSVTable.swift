import Foundation

/// A table read from or written to CSV (RFC 4180: comma separated, fields with commas, quotes or
/// line breaks quoted, quotes doubled). The first row is the header.
public struct CSVTable: Equatable {
    public var header: [String]
    public var rows: [[String]]
    /// Where the table came from, for error messages; empty for a table built in memory.
    public var source: String

    public init(header: [String], rows: [[String]] = [], source: String = "") {
        self.header = header
        self.rows = rows
        self.source = source
    }

    /// Reads a CSV file. Every row must have as many fields as the header.
    public static func read(path: String) throws -> CSVTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, "cannot be read (missing or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(file: path, "is not UTF-8 text")
        }
        return try parse(text, source: path)
    }

    public static func parse(_ text: String, source: String = "") throws -> CSVTable {
        let (table, malformed) = try parseKeepingGoodRows(text, source: source)
        if let first = malformed.first { throw first.error }
        return table
    }

    /// A row left out by `parseKeepingGoodRows`: its fields and why it was left out.
    public struct MalformedRow {
        /// The row's number in the file (the header is row 1).
        public var row: Int
        public var fields: [String]
        public var error: InputError
    }

    /// Like `parse`, but a row whose field count differs from the header's is left out and
    /// returned with its error instead of refusing the whole table, so that one damaged line
    /// (in a clinical table, say) costs only its own patient. A quote never closed still
    /// refuses the table: everything after it would be read as one field.
    public static func parseKeepingGoodRows(_ text: String, source: String = "") throws
        -> (table: CSVTable, malformed: [MalformedRow]) {
        let (split, openQuoteRow) = splitRecords(text)
        if let openQuoteRow {
            throw InputError(file: source, field: "row \(openQuoteRow)", value: "\"",
                             "opens a quoted field that is never closed; add the closing quote")
        }
        var records = split
        while let last = records.last, last == [""] { records.removeLast() }
        guard var header = records.first else {
            throw InputError(file: source, "is empty: a CSV needs a header row")
        }
        if let first = header.first, first.hasPrefix("\u{FEFF}") {
            header[0] = String(first.dropFirst())
        }
        var rows: [[String]] = []
        var malformed: [MalformedRow] = []
        for (index, row) in records.dropFirst().enumerated() {
            // A blank line is skipped, as R's read.csv (blank.lines.skip) and pandas do.
            if row == [""] && header.count > 1 { continue }
            if row.count == header.count {
                rows.append(row)
            } else {
                let error = InputError(
                    file: source, field: "row \(index + 2)", value: "\(row.count) fields",
                    "has a different number of fields from the header (\(header.count))")
                malformed.append(MalformedRow(row: index + 2, fields: row, error: error))
            }
        }
        return (CSVTable(header: header, rows: rows, source: source), malformed)
    }

    /// The records, and the row (1-based) of a quote left open at the end of the text.
    private static func splitRecords(_ text: String) -> ([[String]], Int?) {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var quoteRow = 0
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.unicodeScalars.append("\"") } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                quoted = true
                quoteRow = records.count + 1
            case ",":
                record.append(field)
                field = ""
            case "\r", "\n":
                // A line ends with LF, CRLF or a lone CR (classic Mac OS, Excel's
                // "CSV (Macintosh)"), as R's read.csv and Python's csv module read them.
                if scalar == "\r" {
                    let next = iterator.next()
                    if next != "\n" { pending = next }
                }
                record.append(field)
                records.append(record)
                record = []
                field = ""
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return (records, quoted ? quoteRow : nil)
    }

    /// Index of a named column, or an error naming the file and the columns it has.
    public func columnIndex(_ name: String) throws -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw InputError(file: source, field: name,
                             "no such column; columns are: \(header.joined(separator: ", "))")
        }
        return index
    }

    public func column(_ name: String) throws -> [String] {
        let index = try columnIndex(name)
        return rows.map { $0[index] }
    }

    /// A numeric column; empty fields and `NA` become nil (missing), anything else that is not a
    /// number is an error naming the row and the value.
    public func numericColumn(_ name: String) throws -> [Double?] {
        let index = try columnIndex(name)
        return try rows.enumerated().map { rowIndex, row in
            let text = row[index].trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text == "NA" || text == "NaN" { return nil }
            if let value = Double(text) { return value }
            switch text {
            case "Inf", "inf": return .infinity
            case "-Inf", "-inf": return -.infinity
            default:
                throw InputError(file: source, field: "\(name), row \(rowIndex + 2)", value: text,
                                 "is not a number")
            }
        }
    }

    /// The table as CSV text, quoting fields where RFC 4180 requires it.
    public func csvText() -> String {
        var out = ""
        for row in [header] + rows {
            out += row.map(CSVTable.quote).joined(separator: ",")
            out += "\n"
        }
        return out
    }

    public func write(to path: String) throws {
        try AtomicFile.write(csvText(), to: path)
    }

    static func quote(_ field: String) -> String {
        if field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return field
    }
}

/// Formats a number the way petrad writes numbers into CSV and JSON: the shortest decimal that
/// reads back to the same Double, `NaN`, `Inf` or `-Inf` otherwise.
public func formatNumber(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "Inf" : "-Inf" }
    return "\(value)"
}
