import XCTest
@testable import PetradCore

final class CSVTableTests: XCTestCase {
    func testQuotedFieldsWithCommasQuotesAndNewlinesRoundTrip() throws {
        let table = CSVTable(header: ["a", "b"], rows: [["1,2", "say \"hi\"\nthere"], ["", "x"]])
        let parsed = try CSVTable.parse(table.csvText())
        XCTAssertEqual(parsed.header, table.header)
        XCTAssertEqual(parsed.rows, table.rows)
    }

    func testRaggedRowIsAnErrorNamingTheRow() {
        XCTAssertThrowsError(try CSVTable.parse("a,b\n1,2\n3\n", source: "t.csv")) { error in
            XCTAssertTrue("\(error)".contains("row 3"), "\(error)")
        }
    }

    func testNumericColumnNamesTheBadValue() throws {
        let table = try CSVTable.parse("time\n1\nNA\nabc\n", source: "t.csv")
        XCTAssertThrowsError(try table.numericColumn("time")) { error in
            XCTAssertTrue("\(error)".contains("abc") && "\(error)".contains("row 4"), "\(error)")
        }
    }
}

final class YAMLNodeTests: XCTestCase {
    func testNestedMappingAndSequence() throws {
        let node = try YAMLNode.parse("setting:\n  binWidth: 25\n  spacing: [4, 4, 5]\n")
        let top = try node.mapping(file: "x", key: "")
        XCTAssertEqual(top.first?.key, "setting")
        let setting = try top[0].value.mapping(file: "x", key: "setting")
        XCTAssertEqual(try setting[0].value.double(file: "x", key: "binWidth"), 25)
        XCTAssertEqual(try setting[1].value.sequence(file: "x", key: "spacing").count, 3)
    }

    func testWrongTypeNamesKeyAndValue() throws {
        let node = try YAMLNode.parse("binWidth: abc\n")
        let value = try node.mapping(file: "p.yaml", key: "")[0].value
        XCTAssertThrowsError(try value.double(file: "p.yaml", key: "binWidth")) { error in
            XCTAssertTrue("\(error)".contains("binWidth") && "\(error)".contains("abc"))
        }
    }
}
