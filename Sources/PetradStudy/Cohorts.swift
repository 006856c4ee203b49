import Foundation
import PetradCore

/// One patient's image and mask, with absolute paths.
public struct StudyCase: Sendable, Equatable, Hashable {
    public var id: String
    public var imagePath: String
    public var maskPath: String
    public var label: Int?

    public init(id: String, imagePath: String, maskPath: String, label: Int? = nil) {
        self.id = id
        self.imagePath = imagePath
        self.maskPath = maskPath
        self.label = label
    }
}

/// A cohort with its cases read and its role settled (a split cohort becomes two of these).
public struct Cohort: Sendable, Equatable {
    public var name: String
    public var role: CohortRole
    public var cases: [StudyCase]
    /// How the cohort was formed, for the report (e.g. "random 2/3 of sts, seed 2015").
    public var origin: String
    /// The study file's note on the cohort (e.g. that it is a same-centre proxy).
    public var note: String = ""

    /// "name (role)", or the name alone when it already says the role.
    public var label: String {
        name.lowercased().contains(role.title) ? name : "\(name) (\(role.title))"
    }
}

extension StudyFile {
    /// Reads every cohort's cases table, applies selections and exclusions and performs the
    /// seeded splits. `generator(seed)` makes the seeded random number generator of a split.
    public func resolveCohorts<G: RandomNumberGenerator>(generator: (UInt64) -> G) throws
        -> [Cohort] {
        var result: [Cohort] = []
        for (index, spec) in cohorts.enumerated() {
            let tablePath = resolve(spec.casesTable)
            guard Self.isReadableFile(tablePath) else {
                throw unreadableTable("cohorts[\(index + 1)].cases", named: spec.casesTable)
            }
            let table = try CSVTable.read(path: tablePath)
            let tableFolder = (tablePath as NSString).deletingLastPathComponent
            let ids = try table.column(spec.idColumn)
            let images = try table.column(spec.imageColumn)
            let masks = try table.column(spec.maskColumn)
            let labels = try spec.labelColumn.map { try table.column($0) }
            var cases: [StudyCase] = []
            for row in 0..<table.rows.count {
                var label: Int? = nil
                if let labels, !labels[row].isEmpty {
                    guard let value = Int(labels[row]) else {
                        throw InputError(file: tablePath, field: "\(spec.labelColumn!), row "
                                         + "\(row + 2)", value: labels[row],
                                         "should be a whole number (the mask label)")
                    }
                    label = value
                }
                for (column, values) in [(spec.idColumn, ids), (spec.imageColumn, images),
                                         (spec.maskColumn, masks)]
                where values[row].trimmingCharacters(in: .whitespaces).isEmpty {
                    throw InputError(file: tablePath, field: "\(column), row \(row + 2)",
                                     value: "", "is empty; every case needs an id, an image and "
                                         + "a mask")
                }
                cases.append(StudyCase(id: ids[row],
                                       imagePath: Self.absolute(images[row], in: tableFolder),
                                       maskPath: Self.absolute(masks[row], in: tableFolder),
                                       label: label))
            }
            var seen = Set<String>()
            for c in cases where !seen.insert(c.id).inserted {
                throw InputError(file: tablePath, field: spec.idColumn, value: c.id,
                                 "appears twice; each patient needs one row")
            }
            var origin = "cases from \(spec.casesTable)"
            if let selection = spec.include {
                let keep = try selectedIDs(selection, field: "cohorts[\(index + 1)].include.table")
                cases = cases.filter { keep.contains($0.id) }
                origin += ", \(selection.column) in {\(selection.values.joined(separator: ", "))}"
            }
            if !spec.excludeCohorts.isEmpty {
                let excluded = Set(result.filter { c in
                    spec.excludeCohorts.contains(c.name)
                        || spec.excludeCohorts.contains(where: { c.origin.hasSuffix("[\($0)]") })
                }.flatMap { $0.cases.map(\.id) })
                cases = cases.filter { !excluded.contains($0.id) }
                origin += ", without cohort \(spec.excludeCohorts.joined(separator: ", "))"
            }
            if cases.isEmpty {
                throw InputError(file: path, field: "cohorts.\(spec.name)",
                                 "selects no patient; check its cases table and selection")
            }
            if let split = spec.split {
                var rng = generator(split.seed)
                let (training, validation) = Self.split(cases, fraction: split.trainingFraction,
                                                        using: &rng)
                let how = "seeded random numbering (seed \(split.seed), training fraction "
                    + "\(formatNumber(split.trainingFraction)))"
                result.append(Cohort(name: split.trainingName, role: .training, cases: training,
                                     origin: origin + "; \(how) [\(spec.name)]",
                                     note: spec.note))
                result.append(Cohort(name: split.validationName, role: .internalValidation,
                                     cases: validation, origin: origin + "; \(how) [\(spec.name)]",
                                     note: spec.note))
            } else {
                result.append(Cohort(name: spec.name, role: spec.role!, cases: cases,
                                     origin: origin, note: spec.note))
            }
        }
        var owner: [String: String] = [:]
        for cohort in result {
            for c in cohort.cases {
                if let other = owner[c.id] {
                    throw InputError(file: path, field: "cohorts", value: c.id,
                                     "is in cohorts \(other) and \(cohort.name); use "
                                     + "exclude_cohorts so that each patient is in one cohort")
                }
                owner[c.id] = cohort.name
            }
        }
        return result
    }

    /// Seeded random numbering: each case, in table order, draws one 64-bit number; the cases
    /// with the smallest `round(fraction * n)` numbers (ties by table order) form the training
    /// part. The rest keep their table order in the validation part.
    public static func split<G: RandomNumberGenerator>(_ cases: [StudyCase], fraction: Double,
                                                       using rng: inout G)
        -> (training: [StudyCase], validation: [StudyCase]) {
        let numbers = cases.map { _ in rng.next() }
        let order = cases.indices.sorted { numbers[$0] != numbers[$1]
            ? numbers[$0] < numbers[$1] : $0 < $1 }
        let count = min(max(Int((fraction * Double(cases.count)).rounded()), 1), cases.count - 1)
        let chosen = Set(order.prefix(count))
        return (cases.indices.filter { chosen.contains($0) }.map { cases[$0] },
                cases.indices.filter { !chosen.contains($0) }.map { cases[$0] })
    }

    private func selectedIDs(_ selection: CaseSelection, field: String) throws -> Set<String> {
        let tablePath = resolve(selection.table)
        guard Self.isReadableFile(tablePath) else {
            throw unreadableTable(field, named: selection.table)
        }
        let table = try CSVTable.read(path: tablePath)
        let ids = try table.column(selection.idColumn)
        let values = try table.column(selection.column)
        var keep = Set<String>()
        for (id, value) in zip(ids, values) where selection.values.contains(where: {
            Self.sameValue($0, value)
        }) {
            keep.insert(id)
        }
        return keep
    }

    static func sameValue(_ a: String, _ b: String) -> Bool {
        let x = a.trimmingCharacters(in: .whitespaces)
        let y = b.trimmingCharacters(in: .whitespaces)
        if let p = Double(x), let q = Double(y) { return p == q }
        return x == y
    }

    static func absolute(_ path: String, in folder: String) -> String {
        if path.hasPrefix("/") { return path }
        return ((folder as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }
}
