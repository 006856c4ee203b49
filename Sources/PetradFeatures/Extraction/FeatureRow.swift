import Foundation
import PetradCore

/// One case's output, in PyRadiomics' column order: `diagnostics_*` first, then
/// `original_<class>_<Feature>`. Numeric values are Doubles (NaN where a value cannot exist),
/// diagnostics may be text.
public struct FeatureRow: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case number(Double)
        /// A count (voxels, components), written without a decimal point as PyRadiomics does.
        case integer(Int)
        case text(String)

        /// The value as petrad writes it into CSV (`formatNumber` for numbers).
        public var csvText: String {
            switch self {
            case .number(let x): return formatNumber(x)
            case .integer(let i): return String(i)
            case .text(let s): return s
            }
        }

        public static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case let (.number(x), .number(y)): return x == y || (x.isNaN && y.isNaN)
            case let (.integer(x), .integer(y)): return x == y
            case let (.text(x), .text(y)): return x == y
            default: return false
            }
        }
    }

    public private(set) var entries: [(name: String, value: Value)] = []
    /// Why each NaN feature is NaN, and other remarks, as "name: reason" lines.
    public private(set) var notes: [String] = []
    /// The ROI's grey levels after discretisation, for the one-grey-level warning. Not yet
    /// filled by `convention: ibsi` runs (nil there), whose discretisation is IBSI's own.
    public var greyLevels: GreyLevelSummary?

    public init() {}

    public static func == (a: FeatureRow, b: FeatureRow) -> Bool {
        a.entries.count == b.entries.count && a.notes == b.notes && a.greyLevels == b.greyLevels
            && zip(a.entries, b.entries).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public var names: [String] { entries.map(\.name) }

    public subscript(name: String) -> Value? {
        entries.first { $0.name == name }?.value
    }

    /// The numeric value of a column, nil when absent or text.
    public func number(_ name: String) -> Double? {
        switch self[name] {
        case .number(let x)?: return x
        case .integer(let i)?: return Double(i)
        default: return nil
        }
    }

    public mutating func append(_ name: String, _ value: Value) {
        entries.append((name, value))
    }

    public mutating func append(_ name: String, _ value: Double) {
        entries.append((name, .number(value)))
    }

    public mutating func append(_ name: String, text: String) {
        entries.append((name, .text(text)))
    }

    /// Appends a class's features as `original_<class>_<Feature>`, recording NaN reasons.
    public mutating func append(_ values: [FeatureValue], featureClass: FeatureClass) {
        for v in values {
            let name = "original_\(featureClass.rawValue)_\(v.name)"
            entries.append((name, .number(v.value)))
            if let reason = v.reason { notes.append("\(name): \(reason)") }
        }
    }

    public mutating func note(_ text: String) {
        notes.append(text)
    }

    /// The row as a JSON object (keys in column order; NaN and infinities as null, their reasons
    /// under `diagnostics_petrad_Notes`).
    public func jsonObject(extra: [(String, String)] = []) -> String {
        let quoted = jsonQuoted
        var parts: [String] = extra.map { "\(quoted($0.0)): \(quoted($0.1))" }
        for (name, value) in entries {
            switch value {
            case .number(let x):
                parts.append("\(quoted(name)): " + (x.isFinite ? "\(x)" : "null"))
            case .integer(let i):
                parts.append("\(quoted(name)): \(i)")
            case .text(let s):
                parts.append("\(quoted(name)): \(quoted(s))")
            }
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}
