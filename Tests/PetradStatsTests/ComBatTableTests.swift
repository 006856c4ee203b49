import PetradTestSupport
import XCTest
@testable import PetradStats

/// The table layer `petrad harmonise` uses: column selection, case names in errors, categorical
/// covariates coded as R's model.matrix does, values written back.
final class ComBatTableTests: XCTestCase {
    let text = """
        id,site,sex,age,suv_max,volume,time
        p1,A,F,50,1.0,10,12
        p2,A,M,61,2.0,12,30
        p3,A,F,58,3.5,11,7
        p4,B,M,66,5.0,20,14
        p5,B,F,49,7.25,25,40
        p6,B,M,70,6.0,21,3
        """

    func testDefaultFeaturesAreNumericColumnsNotExcluded() throws {
        let table = try CSVTable.parse(text, source: "t.csv")
        let columns = try HarmonisationTable.featureColumns(
            in: table, requested: nil, excluded: ["id", "site", "age", "time"])
        XCTAssertEqual(columns, ["suv_max", "volume"])
        XCTAssertEqual(try HarmonisationTable.expand(["s*", "volume"], in: table),
                       ["site", "sex", "suv_max", "volume"])
    }

    /// R: model.matrix(~ sex) codes F as the baseline and sex=M as a 0/1 column.
    func testTextCovariateBecomesIndicatorsWithoutFirstLevel() throws {
        let table = try CSVTable.parse(text, source: "t.csv")
        let cases = HarmonisationTable.caseLabels(table, idColumn: "id")
        let design = try HarmonisationTable.covariateDesign(table, columns: ["sex", "age"],
                                                            caseLabels: cases)
        XCTAssertEqual(design.names, ["sex=M", "age"])
        XCTAssertEqual(design.values.map { $0[0] }, [0, 1, 0, 1, 0, 1])
        let again = try HarmonisationTable.covariateValues(table, names: design.names,
                                                           caseLabels: cases)
        XCTAssertEqual(again, design.values)
    }

    func testMissingFeatureNamesColumnCaseAndValue() throws {
        let table = try CSVTable.parse(text.replacingOccurrences(of: "7.25", with: "NA"),
                                       source: "t.csv")
        let cases = HarmonisationTable.caseLabels(table, idColumn: "id")
        XCTAssertThrowsError(try HarmonisationTable.matrix(table, columns: ["suv_max"],
                                                           caseLabels: cases)) { error in
            let error = error as! InputError
            XCTAssertEqual(error.field, "suv_max, case p5 (row 6)")
            XCTAssertEqual(error.value, "NA")
        }
    }

    /// Unchanged values keep their original text; changed ones are written in full.
    func testReplacingKeepsTextOfUnchangedValues() throws {
        let table = try CSVTable.parse(text, source: "t.csv")
        let values: [[Double]] = [[1.0], [2.5], [3.5], [5], [7.25], [6]]
        let out = try HarmonisationTable.replacing(table, columns: ["suv_max"], with: values)
        XCTAssertEqual(out.rows.map { $0[4] }, ["1.0", "2.5", "3.5", "5.0", "7.25", "6.0"])
    }

    /// The whole path on the sva reference table: table -> ComBat -> table reproduces
    /// combat_param_cov.csv (sva 3.46.0) to 1e-9 relative.
    func testTableRoundTripReproducesSva() throws {
        let table = try ReferenceData.table("harmonisation/input.csv")
        let expected = try ReferenceData.table("harmonisation/combat_param_cov.csv")
        let cases = HarmonisationTable.caseLabels(table, idColumn: "id")
        let columns = try HarmonisationTable.featureColumns(
            in: table, requested: nil, excluded: ["id", "batch", "age"])
        XCTAssertEqual(columns.count, 20)
        let design = try HarmonisationTable.covariateDesign(table, columns: ["age"],
                                                            caseLabels: cases)
        let (_, harmonised) = try ComBat.harmonise(
            features: HarmonisationTable.matrix(table, columns: columns, caseLabels: cases),
            batch: HarmonisationTable.labels(table, column: "batch", caseLabels: cases),
            covariates: design.values, featureNames: columns, covariateNames: design.names)
        let out = try HarmonisationTable.replacing(table, columns: columns, with: harmonised)
        XCTAssertEqual(out.header, expected.header)
        for (row, reference) in zip(out.rows, expected.rows) {
            for c in row.indices {
                let a = Double(row[c])!, b = Double(reference[c])!
                XCTAssertEqual(a, b, accuracy: 1e-9 * max(1, abs(b)))
            }
        }
    }
}
