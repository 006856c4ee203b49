import PetradTestSupport
import XCTest
@testable import PetradStats

/// The simulated 150 x 100 LASSO-Cox cohort of ../shared/data/survival/sim_lasso_150x100
/// (R 4.2.2, glmnet 4.1-6), loaded once for all Lasso tests.
enum LassoTestData {
    static let folder = "survival/sim_lasso_150x100"

    struct Cohort {
        let x: FeatureMatrix
        let y: TimeToEvent
        let ids: [String]
    }

    static func path(_ file: String) throws -> String {
        try ReferenceData.requiredPath("\(folder)/\(file)")
    }

    static func table(_ file: String) throws -> CSVTable {
        try ReferenceData.table("\(folder)/\(file)")
    }

    nonisolated(unsafe) private static var cached: Cohort?

    static func cohort() throws -> Cohort {
        if let cached { return cached }
        let data = try table("data.csv")
        let names = data.header.filter { $0.hasPrefix("f") }
        let cohort = Cohort(x: try FeatureMatrix.read(data, columns: names),
                            y: try TimeToEvent.read(data, time: "time", event: "event"),
                            ids: try data.column("id"))
        cached = cohort
        return cohort
    }

    /// Fold ids of every repeat in foldid.csv, repeat by repeat, in patient order.
    static func foldIDs() throws -> [[Int]] {
        let table = try table("foldid.csv")
        let repeats = try table.numericColumn("repeat").map { Int($0!) }
        let folds = try table.numericColumn("fold").map { Int($0!) }
        var out: [[Int]] = Array(repeating: [], count: repeats.max() ?? 0)
        for (r, fold) in zip(repeats, folds) { out[r - 1].append(fold) }
        return out
    }

    static func doubles(_ table: CSVTable, _ column: String) throws -> [Double] {
        try table.numericColumn(column).map { $0 ?? .nan }
    }
}
