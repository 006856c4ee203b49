import Foundation

/// A numeric table of `rowCount` patients by `columnCount` features, stored column by column
/// (column-major, as R and glmnet store a matrix), with the feature names.
public struct FeatureMatrix: Sendable, Equatable {
    public let rowCount: Int
    public let columnCount: Int
    /// Column-major values: element (i, j) is `values[j * rowCount + i]`.
    public var values: [Double]
    public let names: [String]

    public init(rowCount: Int, columnCount: Int, values: [Double], names: [String]) {
        precondition(values.count == rowCount * columnCount,
                     "FeatureMatrix: \(values.count) values for \(rowCount) x \(columnCount)")
        precondition(names.count == columnCount,
                     "FeatureMatrix: \(names.count) names for \(columnCount) columns")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values
        self.names = names
    }

    /// Builds the matrix from columns (one array per feature, all of the same length).
    public init(columns: [[Double]], names: [String]) {
        let n = columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == n }, "FeatureMatrix: ragged columns")
        self.init(rowCount: n, columnCount: columns.count, values: columns.flatMap { $0 },
                  names: names)
    }

    public subscript(row: Int, column: Int) -> Double {
        values[column * rowCount + row]
    }

    public func column(_ j: Int) -> ArraySlice<Double> {
        values[(j * rowCount)..<((j + 1) * rowCount)]
    }

    /// The rows at `rows`, in that order.
    public func selectingRows(_ rows: [Int]) -> FeatureMatrix {
        var out = [Double]()
        out.reserveCapacity(rows.count * columnCount)
        for j in 0..<columnCount {
            let base = j * rowCount
            for i in rows { out.append(values[base + i]) }
        }
        return FeatureMatrix(rowCount: rows.count, columnCount: columnCount, values: out,
                             names: names)
    }

    /// Reads the named feature columns of a CSV table; every value must be present.
    public static func read(_ table: CSVTable, columns: [String]) throws -> FeatureMatrix {
        var all: [[Double]] = []
        for name in columns {
            let column = try table.numericColumn(name)
            var values: [Double] = []
            values.reserveCapacity(column.count)
            for (row, value) in column.enumerated() {
                guard let value, value.isFinite else {
                    throw InputError(file: table.source, field: "\(name), row \(row + 2)",
                                     value: value.map(formatNumber) ?? "NA",
                                     "is missing or not finite; LASSO-Cox needs complete "
                                     + "features (impute or drop the row first)")
                }
                values.append(value)
            }
            all.append(values)
        }
        return FeatureMatrix(columns: all, names: columns)
    }
}

/// Right-censored survival outcomes: time and event indicator (true = event, false = censored).
public struct TimeToEvent: Sendable, Equatable {
    public var time: [Double]
    public var event: [Bool]

    public init(time: [Double], event: [Bool]) {
        precondition(time.count == event.count, "TimeToEvent: time and event differ in length")
        self.time = time
        self.event = event
    }

    public var count: Int { time.count }
    public var eventCount: Int { event.reduce(0) { $0 + ($1 ? 1 : 0) } }

    public func selecting(_ rows: [Int]) -> TimeToEvent {
        TimeToEvent(time: rows.map { time[$0] }, event: rows.map { event[$0] })
    }

    /// Reads a time and an event column (event coded 0/1, or 1/2 as R's `Surv` accepts it:
    /// 1 = censored, 2 = event) from a CSV table; missing values are errors naming the row.
    public static func read(_ table: CSVTable, time timeColumn: String,
                            event eventColumn: String) throws -> TimeToEvent {
        let times = try table.numericColumn(timeColumn)
        let events = try table.numericColumn(eventColumn)
        let codes = Set(events.compactMap { $0 })
        let oneTwo = !codes.isEmpty && codes.isSubset(of: [1, 2]) && codes.contains(2)
        var time: [Double] = []
        var event: [Bool] = []
        for row in 0..<times.count {
            guard let t = times[row], t.isFinite else {
                throw InputError(file: table.source, field: "\(timeColumn), row \(row + 2)",
                                 value: times[row].map(formatNumber) ?? "NA",
                                 "is missing; every patient needs a follow-up time")
            }
            guard let e = events[row], oneTwo ? (e == 1 || e == 2) : (e == 0 || e == 1) else {
                throw InputError(file: table.source, field: "\(eventColumn), row \(row + 2)",
                                 value: events[row].map(formatNumber) ?? "NA",
                                 "should be 0 (censored) or 1 (event)")
            }
            time.append(t)
            event.append(oneTwo ? e == 2 : e == 1)
        }
        return TimeToEvent(time: time, event: event)
    }
}
