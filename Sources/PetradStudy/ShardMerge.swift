import Foundation
import PetradCore

/// Joins the CSV tables of array-job shards into one table.
public enum ShardMerge {
    /// - Parameters:
    ///   - key: the identifying column (default: the first column of the first part).
    ///   - order: when given, rows come out in this order of keys (then any others in part
    ///     order), and keys in `order` found in no part are returned as `missing`.
    public static func merge(_ parts: [CSVTable], key: String? = nil, order: [String]? = nil)
        throws -> (table: CSVTable, missing: [String]) {
        guard let first = parts.first else {
            throw InputError(file: "petrad merge", "no parts to merge")
        }
        let keyColumn = key ?? first.header.first ?? ""
        var header: [String] = []
        for part in parts {
            for column in part.header where !header.contains(column) { header.append(column) }
        }
        var rows: [String: [String]] = [:]
        var seen: [String] = []
        for part in parts {
            let keyIndex = try part.columnIndex(keyColumn)
            let positions = header.map { part.header.firstIndex(of: $0) }
            for row in part.rows {
                let full = positions.map { $0.map { row[$0] } ?? "" }
                let id = row[keyIndex]
                if let existing = rows[id] {
                    if existing != full {
                        throw InputError(file: part.source, field: keyColumn, value: id,
                                         "is in two parts with different values; rerun one "
                                         + "shard or remove the stale part")
                    }
                    continue
                }
                rows[id] = full
                seen.append(id)
            }
        }
        var ordered: [String] = []
        var missing: [String] = []
        if let order {
            for id in order {
                if rows[id] != nil { ordered.append(id) } else { missing.append(id) }
            }
            let inOrder = Set(order)
            ordered += seen.filter { !inOrder.contains($0) }
        } else {
            ordered = seen
        }
        return (CSVTable(header: header, rows: ordered.map { rows[$0]! }), missing)
    }
}
