import Foundation
import PetradCore
import XCTest

/// Where `AtomicFile.write` puts the bytes when the target is not a plain file: through a
/// symbolic link to the file it names (the link stays a link), into a FIFO directly (renaming
/// over it would replace it with a file), never over a folder.
final class AtomicFileTests: XCTestCase {
    private func folder() throws -> String {
        let path = NSTemporaryDirectory() + "petrad-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testPlainFileIsReplacedWholeAndNoTemporaryIsLeft() throws {
        let dir = try folder()
        try "old".write(toFile: dir + "/a.csv", atomically: false, encoding: .utf8)
        try AtomicFile.write("new\n", to: dir + "/a.csv")
        XCTAssertEqual(try String(contentsOfFile: dir + "/a.csv", encoding: .utf8), "new\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["a.csv"])
    }

    func testSymbolicLinkIsFollowedAndKept() throws {
        let dir = try folder()
        try "old".write(toFile: dir + "/target.csv", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.csv",
                                                   withDestinationPath: "target.csv")
        try AtomicFile.write("new\n", to: dir + "/link.csv")
        XCTAssertEqual(try String(contentsOfFile: dir + "/target.csv", encoding: .utf8), "new\n")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.csv"),
                       "target.csv")
    }

    func testFIFOIsWrittenIntoNotReplaced() throws {
        let dir = try folder()
        let fifo = dir + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // A reader on the other end, so that opening the FIFO for writing does not block.
        let reader = Thread {
            if let handle = FileHandle(forReadingAtPath: fifo) {
                _ = handle.readDataToEndOfFile()
            }
        }
        reader.start()
        try AtomicFile.write("through the pipe\n", to: fifo)
        var status = stat()
        XCTAssertEqual(stat(fifo, &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFIFO)
    }

    func testDeviceIsWrittenIntoAndFullDeviceGivesAnError() throws {
        try AtomicFile.write("discarded\n", to: "/dev/null")
        var status = stat()
        XCTAssertEqual(stat("/dev/null", &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFCHR)
        if FileManager.default.isWritableFile(atPath: "/dev/full") {
            XCTAssertThrowsError(try AtomicFile.write("x\n", to: "/dev/full")) { error in
                XCTAssertEqual((error as? InputError)?.file, "/dev/full")
            }
            XCTAssertEqual(stat("/dev/full", &status), 0)
            XCTAssertEqual(status.st_mode & S_IFMT, S_IFCHR)
        }
    }

    func testFolderIsRefused() throws {
        let dir = try folder()
        XCTAssertThrowsError(try AtomicFile.write("x", to: dir)) { error in
            XCTAssertTrue("\(error)".contains("is a folder"), "\(error)")
        }
    }
}
