import PetradTestSupport
import XCTest
@testable import PetradStats

/// SMOTE against the properties of ../shared/data/smote (README, check_smote.py; reference run
/// imbalanced-learn 0.14.2, scikit-learn 1.9.1, numpy 2.4.6): 240 cases, 36 minority, x1..x5.
final class SMOTETests: XCTestCase {
    static let featureNames = ["x1", "x2", "x3", "x4", "x5"]

    static func table(_ name: String) throws -> CSVTable {
        try ReferenceData.table("smote/\(name)")
    }

    /// Features x1..x5 and labels y of a table in the input layout.
    static func rows(_ table: CSVTable) throws -> (features: [[Double]], labels: [Int]) {
        let columns = try featureNames.map { try table.numericColumn($0).map { $0! } }
        let features = (0..<table.rows.count).map { j in columns.map { $0[j] } }
        let labels = try table.column("y").map { Int($0)! }
        return (features, labels)
    }

    func check(_ output: (features: [[Double]], labels: [Int])) throws -> SMOTEPropertyChecker {
        let input = try Self.rows(Self.table("input.csv"))
        return SMOTEPropertyChecker(input: input.features, labels: input.labels,
                                    output: output.features, outputLabels: output.labels, k: 5)
    }

    func testPetradOutputPassesEveryProperty() throws {
        let input = try Self.rows(Self.table("input.csv"))
        let result = try SMOTE.oversample(features: input.features, labels: input.labels, k: 5,
                                          seed: 20_261_206)
        let checker = try check((result.features, result.labels))
        XCTAssertEqual(checker.failures, [])
        XCTAssertEqual(checker.syntheticCount, 168)
        XCTAssertEqual(result.synthetic.count, 168)
        // Originals first, in input order, bit for bit.
        XCTAssertEqual(Array(result.features.prefix(240)), input.features)
        XCTAssertEqual(Array(result.labels.prefix(240)), input.labels)
        XCTAssertEqual(result.isSynthetic.filter { $0 }.count, 168)
    }

    /// class_counts.csv (imbalanced-learn): 204 / 36 before, 204 / 204 after.
    func testClassCountsMatchImbalancedLearn() throws {
        let input = try Self.rows(Self.table("input.csv"))
        let result = try SMOTE.oversample(features: input.features, labels: input.labels,
                                          seed: 1)
        let counts = try Self.table("class_counts.csv")
        for row in counts.rows where row[0] == "after" {
            XCTAssertEqual(result.labels.filter { String($0) == row[1] }.count, Int(row[2]))
        }
        XCTAssertEqual(result.minorityLabel, 1)
    }

    /// The checker itself accepts imbalanced-learn's output (smote_output.csv) ...
    func testCheckerAcceptsImbalancedLearnOutput() throws {
        let checker = try check(Self.rows(Self.table("smote_output.csv")))
        XCTAssertEqual(checker.failures, [])
        XCTAssertEqual(checker.syntheticCount, 168)
    }

    /// ... and rejects SMOTE run on raw features: README, 113 of 168 rows off-segment.
    func testCheckerRejectsRawSpaceSMOTE() throws {
        let checker = try check(Self.rows(Self.table("smote_negative_rawspace.csv")))
        XCTAssertEqual(checker.offSegment, 113)
        XCTAssertEqual(checker.missingOriginals, 0)
    }

    /// standardisation.csv: StandardScaler mean and population SD over all 240 rows.
    func testStandardisationMatchesStandardScaler() throws {
        let input = try Self.rows(Self.table("input.csv"))
        let (mean, sd) = SMOTE.standardisation(input.features)
        let reference = try Self.table("standardisation.csv")
        let expectedMean = try reference.numericColumn("mean").map { $0! }
        let expectedSD = try reference.numericColumn("sd_ddof0").map { $0! }
        for c in 0..<5 {
            XCTAssertEqual(mean[c], expectedMean[c], accuracy: 1e-12 * abs(expectedMean[c]))
            XCTAssertEqual(sd[c], expectedSD[c], accuracy: 1e-12 * expectedSD[c])
        }
    }

    /// minority_knn.csv (scikit-learn NearestNeighbors): same 5 neighbours in the same order,
    /// distances to 1e-12.
    func testMinorityNeighboursMatchScikitLearn() throws {
        let input = try Self.rows(Self.table("input.csv"))
        let ids = try Self.table("input.csv").column("id")
        let minority = input.labels.indices.filter { input.labels[$0] == 1 }
        let (mean, sd) = SMOTE.standardisation(input.features)
        let neighbours = SMOTE.nearestMinorityNeighbours(
            features: input.features, minority: minority, k: 5, mean: mean,
            standardDeviation: sd)
        let reference = try Self.table("minority_knn.csv")
        let distances = try reference.numericColumn("distance")
        XCTAssertEqual(reference.rows.count, 36 * 5)
        for (r, row) in reference.rows.enumerated() {
            let a = minority.firstIndex { ids[$0] == row[0] }!
            let rank = Int(row[1])! - 1
            XCTAssertEqual(ids[minority[neighbours[a][rank].index]], row[2], "case \(row[0])")
            XCTAssertEqual(neighbours[a][rank].distance, distances[r]!, accuracy: 1e-12)
        }
    }

    /// Each synthetic row is exactly base + gap * (neighbour - base) for its recorded
    /// provenance, with gap in [0, 1) and the neighbour among the base's 5.
    func testProvenanceDescribesEachSyntheticRow() throws {
        let input = try Self.rows(Self.table("input.csv"))
        let result = try SMOTE.oversample(features: input.features, labels: input.labels,
                                          seed: 99)
        for (s, origin) in result.synthetic.enumerated() {
            XCTAssertTrue(origin.gap >= 0 && origin.gap < 1)
            XCTAssertTrue((1...5).contains(origin.neighbourRank))
            XCTAssertEqual(input.labels[origin.base], 1)
            XCTAssertEqual(input.labels[origin.neighbour], 1)
            let row = result.features[240 + s]
            for c in 0..<5 {
                let b = input.features[origin.base][c], e = input.features[origin.neighbour][c]
                XCTAssertEqual(row[c], b + origin.gap * (e - b), accuracy: 0)
            }
        }
    }

    func testSameSeedSameOutputOtherSeedOtherOutput() throws {
        let input = try Self.rows(Self.table("input.csv"))
        let a = try SMOTE.oversample(features: input.features, labels: input.labels, seed: 5)
        let b = try SMOTE.oversample(features: input.features, labels: input.labels, seed: 5)
        let c = try SMOTE.oversample(features: input.features, labels: input.labels, seed: 6)
        XCTAssertEqual(a.features, b.features)
        XCTAssertEqual(a.synthetic, b.synthetic)
        XCTAssertNotEqual(a.features, c.features)
    }

    /// The draws are uniform (README: statistical, over many runs): over 20 seeds (3360 rows)
    /// the mean gap is 0.5 +- 0.025 (5 sigma: sd 1/sqrt(12)/sqrt(3360) = 0.005), every
    /// neighbour rank is used 672 +- 120 times and every minority case is a base.
    func testDrawsLookUniformOverManySeeds() throws {
        let input = try Self.rows(Self.table("input.csv"))
        var gaps: [Double] = [], ranks = [Int](repeating: 0, count: 5)
        var bases = Set<Int>()
        for seed in 0..<20 {
            let result = try SMOTE.oversample(features: input.features, labels: input.labels,
                                              seed: UInt64(seed))
            for origin in result.synthetic {
                gaps.append(origin.gap)
                ranks[origin.neighbourRank - 1] += 1
                bases.insert(origin.base)
            }
        }
        XCTAssertEqual(gaps.reduce(0, +) / Double(gaps.count), 0.5, accuracy: 0.025)
        for count in ranks { XCTAssertEqual(Double(count), 672, accuracy: 120) }
        XCTAssertEqual(bases.count, 36)
    }

    // MARK: - Edge cases

    func testBalancedClassesGetNoSyntheticRows() throws {
        let features: [[Double]] = [[1, 2], [2, 3], [3, 1], [4, 4], [5, 0], [6, 2]]
        let result = try SMOTE.oversample(features: features, labels: [0, 1, 0, 1, 0, 1],
                                          k: 2, seed: 1)
        XCTAssertEqual(result.features, features)
        XCTAssertTrue(result.synthetic.isEmpty)
    }

    func testMinorityLabelZeroIsBalancedToo() throws {
        let features: [[Double]] = (0..<10).map { [Double($0), Double($0 * $0 % 7)] }
        let labels = [0, 0, 0, 1, 1, 1, 1, 1, 1, 1]
        let result = try SMOTE.oversample(features: features, labels: labels, k: 2, seed: 3)
        XCTAssertEqual(result.minorityLabel, 0)
        XCTAssertEqual(result.labels.filter { $0 == 0 }.count, 7)
        let checker = SMOTEPropertyChecker(input: features, labels: labels,
                                           output: result.features,
                                           outputLabels: result.labels, k: 2)
        XCTAssertEqual(checker.failures, [])
    }

    func testConstantFeatureIsIgnoredInDistances() throws {
        let features: [[Double]] = (0..<12).map { [Double($0), 7, Double(($0 * 5) % 11)] }
        let labels = [1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0]
        let result = try SMOTE.oversample(features: features, labels: labels, k: 2, seed: 3)
        XCTAssertTrue(result.features.allSatisfy { $0[1] == 7 })
        XCTAssertEqual(result.standardDeviation[1], 1)
    }

    func assertInputError(_ body: () throws -> Void, field: String, value: String,
                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let error = error as? InputError else {
                return XCTFail("not an InputError: \(error)", file: file, line: line)
            }
            XCTAssertEqual(error.field, field, "\(error)", file: file, line: line)
            XCTAssertEqual(error.value, value, "\(error)", file: file, line: line)
        }
    }

    func testKAtLeastMinoritySizeIsAnError() {
        let features: [[Double]] = (0..<8).map { [Double($0)] }
        assertInputError({
            _ = try SMOTE.oversample(features: features, labels: [1, 1, 1, 0, 0, 0, 0, 0],
                                     k: 3, seed: 1)
        }, field: "k", value: "3")
    }

    func testMoreThanTwoClassesIsAnError() {
        let features: [[Double]] = (0..<6).map { [Double($0)] }
        assertInputError({
            _ = try SMOTE.oversample(features: features, labels: [0, 1, 2, 0, 1, 2], k: 1,
                                     seed: 1)
        }, field: "endpoint", value: "0,1,2")
    }

    func testMissingValueIsAnErrorNamingColumnAndCase() {
        var features: [[Double]] = (0..<6).map { [Double($0), 1 + Double($0)] }
        features[2][1] = .nan
        assertInputError({
            _ = try SMOTE.oversample(features: features, labels: [0, 1, 0, 1, 0, 0], k: 1,
                                     seed: 1, featureNames: ["suv", "volume"])
        }, field: "volume, row 3", value: "NaN")
    }
}
