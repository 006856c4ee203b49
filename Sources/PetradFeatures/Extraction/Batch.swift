import Dispatch
import Foundation

/// One case of a batch: an image, a mask, an optional label and the case's identifier.
public struct ExtractionCase: Sendable, Equatable {
    public var id: String
    public var imagePath: String
    public var maskPath: String
    public var label: Int?
    /// The case's row in the batch CSV (every column), written before the features.
    public var inputColumns: [(String, String)]

    public init(id: String, imagePath: String, maskPath: String, label: Int? = nil,
                inputColumns: [(String, String)] = []) {
        self.id = id
        self.imagePath = imagePath
        self.maskPath = maskPath
        self.label = label
        self.inputColumns = inputColumns
    }

    public static func == (a: ExtractionCase, b: ExtractionCase) -> Bool {
        a.id == b.id && a.imagePath == b.imagePath && a.maskPath == b.maskPath
            && a.label == b.label && a.inputColumns.map(\.0) == b.inputColumns.map(\.0)
            && a.inputColumns.map(\.1) == b.inputColumns.map(\.1)
    }

    /// Cases from a batch CSV with columns `Image`, `Mask`, optional `Label` and optional
    /// `PatientID` or `ID` (PyRadiomics' batch format). Relative paths are resolved against the
    /// CSV's folder, however the CSV itself is named (`cases.csv`, `./sub/cases.csv`,
    /// `../cases.csv`). A table without rows, or a row with an empty Image or Mask, is refused.
    public static func read(csvPath: String) throws -> [ExtractionCase] {
        let table = try CSVTable.read(path: csvPath)
        let imageColumn = try table.columnIndex("Image")
        let maskColumn = try table.columnIndex("Mask")
        let labelColumn = table.header.firstIndex(of: "Label")
        let idColumn = table.header.firstIndex(of: "PatientID") ?? table.header.firstIndex(of: "ID")
        guard !table.rows.isEmpty else {
            throw InputError(file: csvPath, field: "rows", value: "none",
                             "has a header but no cases; add one row per case")
        }
        let absoluteCSV = csvPath.hasPrefix("/")
            ? csvPath : FileManager.default.currentDirectoryPath + "/" + csvPath
        let folder = (absoluteCSV as NSString).deletingLastPathComponent
        func resolve(_ path: String) -> String {
            if path.hasPrefix("/") { return path }
            return ((folder as NSString).appendingPathComponent(path) as NSString)
                .standardizingPath
        }
        return try table.rows.enumerated().map { index, row in
            for (column, name) in [(imageColumn, "Image"), (maskColumn, "Mask")]
            where row[column].trimmingCharacters(in: .whitespaces).isEmpty {
                throw InputError(file: csvPath, field: "\(name), row \(index + 2)", value: "",
                                 "is empty; give the \(name.lowercased()) file of this case")
            }
            var label: Int? = nil
            if let labelColumn, !row[labelColumn].trimmingCharacters(in: .whitespaces).isEmpty {
                let text = row[labelColumn].trimmingCharacters(in: .whitespaces)
                let whole = Double(text).flatMap {
                    $0 == $0.rounded() && abs($0) < 1e9 ? Int($0) : nil
                }
                guard let value = Int(text) ?? whole, value >= 1 else {
                    throw InputError(file: csvPath, field: "Label, row \(index + 2)", value: text,
                                     "should be a whole number of 1 or more (0 would be the "
                                         + "background)")
                }
                label = value
            }
            let id = idColumn.map { row[$0] } ?? "case \(index + 1)"
            return ExtractionCase(id: id, imagePath: resolve(row[imageColumn]),
                                  maskPath: resolve(row[maskColumn]), label: label,
                                  inputColumns: Array(zip(table.header, row)))
        }
    }
}

extension Extractor {
    /// Extracts every case, cases spread over the cores. Each case is computed alone, so the
    /// rows do not depend on the number of threads. A failed case gives its error and does not
    /// stop the others.
    ///
    /// - Parameter progress: called once per finished case with (case, result, seconds), from
    ///   any thread.
    public func extract(cases: [ExtractionCase],
                        progress: (@Sendable (ExtractionCase, Result<FeatureRow, Error>, Double)
                            -> Void)? = nil) -> [Result<FeatureRow, Error>] {
        let results = UnsafeMutableBufferPointer<Result<FeatureRow, Error>?>.allocate(
            capacity: cases.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let base = results.baseAddress!
        let slots = UnsafeSendable(base)
        DispatchQueue.concurrentPerform(iterations: cases.count) { index in
            let c = cases[index]
            let start = Date()
            let result = Result {
                try self.extract(imagePath: c.imagePath, maskPath: c.maskPath, label: c.label)
            }
            (slots.pointer + index).pointee = result
            progress?(c, result, Date().timeIntervalSince(start))
        }
        return results.map { $0! }
    }
}

/// A pointer handed to worker threads that each write their own slot.
struct UnsafeSendable<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}

/// Feature rows written as one table: CSV (one row per case, the case's input columns first,
/// then every column of the first row in its order) or JSON (an array of objects).
public enum FeatureTable {
    public static func csv(_ rows: [(ExtractionCase?, FeatureRow)]) -> CSVTable {
        var header: [String] = []
        var inputNames: [String] = []
        for (c, _) in rows {
            for (name, _) in c?.inputColumns ?? [] where !inputNames.contains(name) {
                inputNames.append(name)
            }
        }
        header = inputNames
        var seen = Set(header)
        for (_, row) in rows {
            for name in row.names where !seen.contains(name) {
                header.append(name)
                seen.insert(name)
            }
        }
        let table = rows.map { c, row -> [String] in
            var cells: [String: String] = [:]
            for (name, value) in c?.inputColumns ?? [] { cells[name] = value }
            for (name, value) in row.entries { cells[name] = value.csvText }
            return header.map { cells[$0] ?? "" }
        }
        return CSVTable(header: header, rows: table)
    }

    public static func json(_ rows: [(ExtractionCase?, FeatureRow)]) -> String {
        let objects = rows.map { c, row in row.jsonObject(extra: c?.inputColumns ?? []) }
        if objects.count == 1 && rows[0].0 == nil { return objects[0] + "\n" }
        return "[\n" + objects.map { "  " + $0 }.joined(separator: ",\n") + "\n]\n"
    }
}
