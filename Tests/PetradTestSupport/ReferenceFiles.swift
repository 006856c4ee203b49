import PetradCore
import XCTest

/// The shared reference data as the tests read it: a file that is absent skips the test that
/// needs it (XCTSkip naming the file) instead of failing it, since `../shared/data` is not
/// part of the repository. One place for what every test target used to repeat.
extension ReferenceData {
    /// The path of `relative` under the shared data folder, or a skip naming it.
    public static func requiredPath(_ relative: String) throws -> String {
        guard let path = path(relative) else { throw XCTSkip("\(relative) absent") }
        return path
    }

    /// The reference CSV `relative` under the shared data folder, read as a table.
    public static func table(_ relative: String) throws -> CSVTable {
        try CSVTable.read(path: requiredPath(relative))
    }

    /// The same, nil when absent: for tests that go through several reference sets and pass
    /// over a set whose file is missing.
    public static func tableIfPresent(_ relative: String) throws -> CSVTable? {
        try path(relative).map { try CSVTable.read(path: $0) }
    }
}
