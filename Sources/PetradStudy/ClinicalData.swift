import Foundation
import PetradCore

/// The clinical table joined to the study's patients by id.
public struct ClinicalData {
    public var table: CSVTable
    public var rowOf: [String: Int]
    /// Rows that could not be read (a field count other than the header's), by the patient id
    /// they hold when the id field can still be found ("" otherwise): these patients are left
    /// out of the survival analyses and listed as failures; the others go on.
    public var unreadableRows: [(id: String, error: InputError)] = []

    public init(study: StudyFile) throws {
        let path = study.resolve(study.clinicalTable)
        guard StudyFile.isReadableFile(path), let data = FileManager.default.contents(atPath: path)
        else {
            throw study.unreadableTable("clinical.table", named: study.clinicalTable)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(file: path, "is not UTF-8 text")
        }
        let parsed = try CSVTable.parseKeepingGoodRows(text, source: path)
        table = parsed.table
        let idIndex = try table.columnIndex(study.clinicalIdColumn)
        unreadableRows = parsed.malformed.map { row in
            let id = idIndex < row.fields.count
                ? row.fields[idIndex].trimmingCharacters(in: .whitespaces) : ""
            return (id, row.error)
        }
        let ids = try table.column(study.clinicalIdColumn)
        rowOf = [:]
        for (row, id) in ids.enumerated() {
            if rowOf[id] != nil {
                throw InputError(file: path, field: study.clinicalIdColumn, value: id,
                                 "appears twice; the clinical table needs one row per patient")
            }
            rowOf[id] = row
        }
        for endpoint in study.endpoints {
            _ = try table.columnIndex(endpoint.timeColumn)
            _ = try table.columnIndex(endpoint.eventColumn)
        }
        // One unreadable time or event costs its patient only; none readable is a wrong column.
        for endpoint in study.endpoints {
            var firstError: Error?
            var readable = false
            for id in ids where !readable {
                do { readable = try outcome(id, endpoint) != nil } catch {
                    firstError = firstError ?? error
                }
            }
            if !readable, let firstError {
                throw InputError(
                    file: study.path, field: "endpoints: \(endpoint.name)",
                    value: "time \(endpoint.timeColumn), event \(endpoint.eventColumn)",
                    "no patient of \(path) has a readable time and 0/1 event in these columns; "
                        + "the first: \(firstError)")
            }
        }
        for covariate in study.covariates {
            let values = try table.column(covariate.column)
            // A reference level the column never holds would code every level against nothing
            // (R's relevel() refuses it too).
            let raw = Set(values.map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && $0 != "NA" })
            // A merge key the column never holds is a typo that would leave its level unmerged.
            if covariate.kind == .categorical {
                for key in covariate.merge.keys.sorted() where !raw.contains(key) {
                    throw InputError(
                        file: study.path, field: "covariates: \(covariate.name).merge",
                        value: key,
                        "is not a value of column \(covariate.column) in \(path); its values "
                            + "are: " + raw.sorted().joined(separator: ", "))
                }
            }
            if covariate.kind == .categorical, let reference = covariate.reference {
                let levels = Set(raw.map { covariate.merge[$0] ?? $0 })
                guard levels.contains(reference) else {
                    throw InputError(
                        file: study.path, field: "covariates: \(covariate.name).reference",
                        value: reference,
                        "is not a value of column \(covariate.column) in \(path) (after "
                            + "merge); its values are: "
                            + levels.sorted().joined(separator: ", "))
                }
            }
        }
    }

    /// The clinical table's ids that equal `id` once spaces around them are dropped and case
    /// is ignored, for a patient whose id has no row: ids are matched exactly (as R's
    /// `merge` does), so such a near match is named in the warning instead of guessed at.
    public func nearMatches(for id: String) -> [String] {
        let key = Identifiers.looseKey(id)
        return rowOf.keys.filter { $0 != id && Identifiers.looseKey($0) == key }.sorted()
    }

    public func text(_ id: String, _ column: String) -> String? {
        guard let row = rowOf[id], let index = table.header.firstIndex(of: column) else {
            return nil
        }
        let value = table.rows[row][index].trimmingCharacters(in: .whitespaces)
        return value.isEmpty || value == "NA" ? nil : value
    }

    /// Time and event of one patient for an endpoint; nil when missing. An event value other
    /// than 0/1 or a negative time is an error naming the patient and the value.
    public func outcome(_ id: String, _ endpoint: EndpointSpec) throws -> (Double, Bool)? {
        guard let timeText = text(id, endpoint.timeColumn),
              let eventText = text(id, endpoint.eventColumn) else { return nil }
        guard let time = Double(timeText), time >= 0, time.isFinite else {
            throw InputError(file: table.source, field: "\(endpoint.timeColumn), patient \(id)",
                             value: timeText, "should be a finite time of zero or more")
        }
        switch eventText {
        case "0", "0.0", "FALSE", "false": return (time, false)
        case "1", "1.0", "TRUE", "true": return (time, true)
        default:
            throw InputError(file: table.source, field: "\(endpoint.eventColumn), patient \(id)",
                             value: eventText, "should be 0 (censored) or 1 (event)")
        }
    }
}

/// One column of a Cox design: a continuous variable, or one level of a categorical variable
/// coded 1 against its reference level.
public struct DesignColumn: Sendable {
    public var variable: String
    /// "" for a continuous variable, else "level vs reference".
    public var level: String
    public var values: [Double?]

    public var label: String { level.isEmpty ? variable : "\(variable): \(level)" }
}

extension CovariateSpec {
    /// The design columns of this covariate for the given patients (dummy coding against the
    /// reference level, after merging levels). Missing values stay nil.
    public func design(ids: [String], clinical: ClinicalData) throws -> [DesignColumn] {
        let raw = ids.map { clinical.text($0, column) }
        switch kind {
        case .continuous:
            let values = try zip(ids, raw).map { id, text -> Double? in
                guard let text else { return nil }
                guard let value = Double(text) else {
                    throw InputError(file: clinical.table.source, field: "\(column), patient \(id)",
                                     value: text, "should be a number (\(name) is continuous)")
                }
                return value
            }
            return [DesignColumn(variable: name, level: "", values: values)]
        case .categorical:
            let merged = raw.map { $0.map { merge[$0] ?? $0 } }
            var counts: [String: Int] = [:]
            for value in merged.compactMap({ $0 }) { counts[value, default: 0] += 1 }
            let levels = counts.keys.sorted()
            let ref = reference ?? levels.max { counts[$0]! != counts[$1]!
                ? counts[$0]! < counts[$1]! : $0 > $1 } ?? ""
            return levels.filter { $0 != ref }.map { level in
                DesignColumn(variable: name, level: "\(level) vs \(ref)",
                             values: merged.map { $0.map { $0 == level ? 1 : 0 } })
            }
        }
    }
}
