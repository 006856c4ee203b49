import XCTest
@testable import PetradCore

final class CSVTableTests: XCTestCase {
    func testQuotedFieldsWithCommasQuotesAndNewlinesRoundTrip() throws {
        let table = CSVTable(header: ["a", "b"], rows: [["1,2", "say \"hi\"\nthere"], ["", "x"]])
        let parsed = try CSVTable.parse(table.csvText())
        XCTAssertEqual(parsed.header, table.header)
        XCTAssertEqual(parsed.rows, table.rows)
    }

    /// LF, CRLF and lone-CR line ends (Excel's "CSV (Macintosh)") give the same table; a CR
    /// inside quotes is part of the field.
    func testEveryLineEndingReadsTheSameTable() throws {
        let lf = try CSVTable.parse("id,t,e\nP1,1,1\nP2,2,0\n")
        XCTAssertEqual(lf.header, ["id", "t", "e"])
        XCTAssertEqual(lf.rows, [["P1", "1", "1"], ["P2", "2", "0"]])
        for text in ["id,t,e\r\nP1,1,1\r\nP2,2,0\r\n", "id,t,e\rP1,1,1\rP2,2,0\r",
                     "id,t,e\rP1,1,1\rP2,2,0", "id,t,e\r\nP1,1,1\rP2,2,0\n"] {
            let table = try CSVTable.parse(text)
            XCTAssertEqual(table.header, lf.header, text.debugDescription)
            XCTAssertEqual(table.rows, lf.rows, text.debugDescription)
        }
        let quoted = try CSVTable.parse("a,b\r\"x\ry\",2\r")
        XCTAssertEqual(quoted.rows, [["x\ry", "2"]])
    }

    /// Blank lines between rows are skipped (R's read.csv, pandas); a row after them keeps its
    /// record number in errors.
    func testBlankLinesAreSkipped() throws {
        let table = try CSVTable.parse("id,t\nP1,1\n\n\r\nP2,2\n\n")
        XCTAssertEqual(table.rows, [["P1", "1"], ["P2", "2"]])
        XCTAssertThrowsError(try CSVTable.parse("id,t\n\nP1\n", source: "t.csv")) { error in
            XCTAssertEqual((error as? InputError)?.field, "row 3", "\(error)")
        }
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
