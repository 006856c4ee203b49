import XCTest
@testable import PetradCore

/// Control characters in the file, field and value of an error are printed as escapes, so a
/// path ending in a carriage return cannot hide the rest of the message on a terminal.
final class InputErrorTextTests: XCTestCase {
    func testControlCharactersArePrintedAsEscapes() {
        let error = InputError(file: "/data/a.nii.gz\r", field: "Image, row 2",
                               value: "x\ty\u{1B}", "does not exist")
        XCTAssertEqual("\(error)", "/data/a.nii.gz\\r, field 'Image, row 2', value 'x\\ty\\u{1B}': "
                       + "does not exist")
        let plain = InputError(file: "a.csv", field: "t", value: "é 1", "is bad")
        XCTAssertEqual("\(plain)", "a.csv, field 't', value 'é 1': is bad")
    }
}
