import XCTest
@testable import PetradCore

/// Ids a person would read as one ("P1", "p1 ") are found as groups; exact duplicates and ids
/// that differ in more than case and surrounding spaces are not.
final class IdentifiersTests: XCTestCase {
    func testNearDuplicatesGroupIdsDifferingOnlyInCaseOrSpaces() {
        let ids = ["P1", "p1 ", "P2", "P2", "\tp3", "P3", "P 4", "P4", "Q1"]
        XCTAssertEqual(Identifiers.nearDuplicates(ids), [["\tp3", "P3"], ["P1", "p1 "]])
        XCTAssertEqual(Identifiers.looseKey("  STS_001\t"), "sts_001")
        XCTAssertEqual(Identifiers.nearDuplicates(["A", "A", "B"]), [])
    }
}
