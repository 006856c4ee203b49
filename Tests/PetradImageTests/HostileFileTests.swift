import Foundation
import XCTest
@testable import PetradImage

/// Damaged and hostile image files (issue 11): each must give an `InputError` naming the field,
/// never a crash, a hang or an allocation the file's bytes cannot justify. Crashes found by the
/// fuzzers (scripts/fuzz.sh) are added here as regression tests.
final class HostileFileTests: XCTestCase {
    private let int16Grid = [("type", "short"), ("dimension", "3"), ("sizes", "4 3 2"),
                             ("endian", "little")]

    private func assertRefused(_ data: Data, _ format: ImageHeader.Format, field: String,
                               messageContains: String? = nil, file: StaticString = #filePath,
                               line: UInt = #line) {
        XCTAssertThrowsError(try ImageIO.read(data: data, format: format, name: "hostile"),
                             file: file, line: line) { error in
            guard let input = error as? InputError else {
                return XCTFail("not an InputError: \(error)", file: file, line: line)
            }
            XCTAssertEqual(input.field, field, "\(input)", file: file, line: line)
            XCTAssertEqual(input.file, "hostile", file: file, line: line)
            if let messageContains {
                XCTAssertTrue(input.message.contains(messageContains), "\(input)", file: file,
                              line: line)
            }
        }
    }

    /// A small valid NIfTI-1 (2 x 3 x 4 int16, values 0 ... 23).
    private func smallNIfTI() -> Data {
        NIfTI.encode(geometry: Geometry(size: SIMD3(2, 3, 4), spacing: SIMD3(2, 3, 4)),
                     values: (0..<24).map(Double.init), type: .int16)
    }

    // MARK: Declared sizes

    /// sizes 10000^3 = 10^12 voxels, with 8 bytes of raw data, with 1 MB of zeros gzip-compressed
    /// (about 1 kB) and as ascii: refused on the header, naming `sizes`, before any voxel is read.
    func testNRRDDeclaring10To12VoxelsIsRefused() throws {
        for (encoding, payload) in [("raw", Data(count: 8)),
                                    ("gzip", try gzipCompress(Data(count: 1 << 20), file: "t")),
                                    ("ascii", Data("1 2 3 4\n".utf8))] {
            let text = "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 10000 10000 10000\n"
                + "encoding: \(encoding)\n\n"
            assertRefused(Data(text.utf8) + payload, .nrrd, field: "sizes",
                          messageContains: "voxels")
        }
    }

    /// NIfTI-1 dim = (3, 10000, 10000, 10000), raw and gzip; NIfTI-2 with 64-bit dims of
    /// 10^6 x 10^6 x 1 (10^12) and of 2^62 (the product overflows Int64): refused naming `dim`.
    func testNIfTIDeclaring10To12VoxelsIsRefused() throws {
        var patch = NIfTIPatch(bytes: smallNIfTI())
        for axis in 1...3 { patch.int16(40 + 2 * axis, 10000) }
        assertRefused(patch.bytes, .nifti1, field: "dim", messageContains: "voxels")
        assertRefused(try gzipCompress(patch.bytes, file: "t"), .nifti1, field: "dim")

        for dims in [[3, 1_000_000, 1_000_000, 1], [3, 1 << 62, 1 << 62, 4]] {
            assertRefused(nifti2(dims: dims), .nifti1, field: "dim")
        }
    }

    /// A minimal NIfTI-2 header (540 bytes, int16 voxels, vox_offset 544) with the given dim[0...].
    private func nifti2(dims: [Int]) -> Data {
        var bytes = Data(count: 544 + 16)
        bytes.withUnsafeMutableBytes { p in
            p.storeBytes(of: Int32(540).littleEndian, toByteOffset: 0, as: Int32.self)
            for (k, byte) in Array("n+2\0\r\n\u{1A}\n".utf8).enumerated() { p[4 + k] = byte }
            p.storeBytes(of: Int16(4).littleEndian, toByteOffset: 12, as: Int16.self)
            for k in 0..<8 {
                let value = k < dims.count ? dims[k] : 1
                p.storeBytes(of: Int64(value).littleEndian, toByteOffset: 16 + 8 * k,
                             as: Int64.self)
            }
            for k in 0..<8 {
                p.storeBytes(of: (1.0).bitPattern.littleEndian, toByteOffset: 104 + 8 * k,
                             as: UInt64.self)
            }
            p.storeBytes(of: Int64(544).littleEndian, toByteOffset: 168, as: Int64.self)
        }
        return bytes
    }

    /// The NIfTI-2 builder itself reads as a 2 x 2 x 2 image, so the refusals above are about
    /// the dims alone.
    func testNIfTI2BuilderReadsWhenDimsAreSmall() throws {
        let image = try ImageIO.read(data: nifti2(dims: [3, 2, 2, 2]), format: .nifti1).volume
        XCTAssertEqual(image.geometry.size, SIMD3(2, 2, 2))
        XCTAssertEqual(image.voxels, [Double](repeating: 0, count: 8))
    }

    /// NRRD sizes with a zero, a negative, a non-number, too few or too many values; a
    /// dimension of 0, -3 or 4: each refused naming the field.
    func testNRRDZeroAndNegativeSizesAndDimensionAreRefused() throws {
        for (sizes, dimension, field) in [("0 3 2", "3", "sizes"), ("4 -1 2", "3", "sizes"),
                                          ("4 3 -9223372036854775808", "3", "sizes"),
                                          ("4 x 2", "3", "sizes"), ("4 3", "3", "sizes"),
                                          ("4 3 2 1", "3", "sizes"), ("4 3 2", "0", "dimension"),
                                          ("4 3 2", "-3", "dimension"),
                                          ("4 3 2 1", "4", "dimension")] {
            let text = "NRRD0004\ntype: short\ndimension: \(dimension)\nsizes: \(sizes)\n"
                + "endian: little\nencoding: raw\n\n"
            assertRefused(Data(text.utf8) + Data(count: 48), .nrrd, field: field)
        }
    }

    /// NIfTI dim[1] = 0, dim[3] = -1, dim[2] = -32768; dim[0] = 0, -1 and 8: refused naming the
    /// dim entry.
    func testNIfTIZeroAndNegativeDimsAreRefused() throws {
        for (offset, value, field) in [(42, 0, "dim[1]"), (46, -1, "dim[3]"),
                                       (44, -32768, "dim[2]"), (40, 0, "dim[0]"),
                                       (40, -1, "dim[0]"), (40, 8, "dim[0]")] {
            var patch = NIfTIPatch(bytes: smallNIfTI())
            patch.int16(offset, value)
            assertRefused(patch.bytes, .nifti1, field: field)
            assertRefused(try gzipCompress(patch.bytes, file: "t"), .nifti1, field: field)
        }
    }

    // MARK: Gzip bombs

    /// 1024 concatenated gzip members of 16 MiB of zeros each (16 GiB once expanded; 16 MB on
    /// disk) after a header declaring 64^3 uint8 voxels: the reader inflates the 256 KiB it
    /// needs and stops. Expected: 262144 zero voxels, in well under the seconds that inflating
    /// 16 GiB takes (about 10 s with zlib 1.3 on one core; the bound below is 4 s).
    func testNRRDGzipBombStopsAtTheDeclaredSize() throws {
        let member = try gzipCompress(Data(count: 16 << 20), file: "t")
        var bomb = Data(capacity: member.count * 1024)
        for _ in 0..<1024 { bomb.append(member) }
        let text = "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 64 64 64\nencoding: gzip\n\n"
        let start = Date()
        let image = try ImageIO.read(data: Data(text.utf8) + bomb, format: .nrrd).volume
        XCTAssertLessThan(Date().timeIntervalSince(start), 4)
        XCTAssertEqual(image.voxels.count, 64 * 64 * 64)
        XCTAssertEqual(image.voxels.max(), 0)
    }

    /// The same for a .nii.gz: a valid image in the first member, then 1024 members of 16 MiB
    /// of zeros. Expected: the 24 voxels 0 ... 23, read in under 4 s.
    func testNIfTIGzipBombStopsAtTheDeclaredSize() throws {
        var data = try gzipCompress(smallNIfTI(), file: "t")
        let member = try gzipCompress(Data(count: 16 << 20), file: "t")
        for _ in 0..<1024 { data.append(member) }
        let start = Date()
        let image = try ImageIO.read(data: data, format: .nifti1).volume
        XCTAssertLessThan(Date().timeIntervalSince(start), 4)
        XCTAssertEqual(image.voxels, (0..<24).map(Double.init))
    }

    /// A header declaring 2^31 + 1 uint8 voxels (past `ImageIO.maximumVoxelCount`) over a 4 MB
    /// gzip bomb that could expand that far: refused on the header.
    func testGzipBombUnderAHugeHeaderIsRefusedOnTheHeader() throws {
        let text = "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 2147483649 1 1\nencoding: gzip\n\n"
        let member = try gzipCompress(Data(count: 4 << 20), file: "t")
        var data = Data(text.utf8)
        for _ in 0..<1000 { data.append(member) }
        assertRefused(data, .nrrd, field: "sizes", messageContains: "voxels")
    }

    // MARK: Truncated files

    /// Every prefix of a valid file (every byte count from 0 to one short of the whole) is read
    /// either as an InputError, or, when only the gzip trailer is cut, as the same volume.
    private func assertEveryTruncationRefusedOrSame(_ whole: Data, _ format: ImageHeader.Format,
                                                    file: StaticString = #filePath,
                                                    line: UInt = #line) throws {
        let expected = try ImageIO.read(data: whole, format: format).volume
        for length in 0..<whole.count {
            do {
                let volume = try ImageIO.read(data: whole.prefix(length), format: format).volume
                XCTAssertEqual(volume.geometry, expected.geometry, "prefix of \(length) bytes",
                               file: file, line: line)
                XCTAssertEqual(volume.voxels, expected.voxels, "prefix of \(length) bytes",
                               file: file, line: line)
            } catch let error as InputError {
                XCTAssertFalse(error.message.isEmpty, file: file, line: line)
            } catch {
                XCTFail("prefix of \(length) bytes: not an InputError: \(error)", file: file,
                        line: line)
            }
        }
    }

    func testEveryTruncationOfARawNRRDIsRefused() throws {
        let values = (0..<24).map { Double($0 * 7 - 50) }
        try assertEveryTruncationRefusedOrSame(try nrrdFile(
            fields: int16Grid, payload: voxelBytes(values, type: .int16, bigEndian: false),
            gzip: false), .nrrd)
    }

    func testEveryTruncationOfAGzipNRRDIsRefused() throws {
        let values = (0..<1000).map { Double(($0 * 37) % 1001) / 3 }
        try assertEveryTruncationRefusedOrSame(try nrrdFile(
            fields: [("type", "double"), ("dimension", "3"), ("sizes", "10 10 10"),
                     ("endian", "big")],
            payload: voxelBytes(values, type: .float64, bigEndian: true), gzip: true), .nrrd)
    }

    func testEveryTruncationOfANIfTIIsRefused() throws {
        try assertEveryTruncationRefusedOrSame(smallNIfTI(), .nifti1)
    }

    func testEveryTruncationOfAGzipNIfTIIsRefused() throws {
        try assertEveryTruncationRefusedOrSame(try gzipCompress(smallNIfTI(), file: "t"), .nifti1)
    }

    // MARK: Damaged bytes

    /// Each header byte of a NIfTI-1 set in turn to 0x00, 0x7F, 0x80 and 0xFF: every read gives
    /// a volume or an InputError (no trap, no other error), raw and gzip.
    func testNIfTIHeaderByteDamageNeverCrashes() throws {
        let whole = smallNIfTI()
        for offset in 0..<352 {
            for value: UInt8 in [0x00, 0x7F, 0x80, 0xFF] {
                var damaged = whole
                damaged[offset] = value
                for data in [damaged, try gzipCompress(damaged, file: "t")] {
                    do { _ = try ImageIO.read(data: data, format: .nifti1) } catch is InputError {
                    } catch { XCTFail("byte \(offset) = \(value): \(error)") }
                }
            }
        }
    }

    /// Each header byte of a gzip NRRD set in turn to NUL, newline, '-', '9', '(' and 0xFF.
    func testNRRDHeaderByteDamageNeverCrashes() throws {
        let values = (0..<24).map { Double($0) }
        let whole = try nrrdFile(
            fields: int16Grid + [("space", "left-posterior-superior"),
                                 ("space directions", "(1,0,0) (0,2,0) (0,0,3)"),
                                 ("space origin", "(1,2,3)")],
            payload: voxelBytes(values, type: .int16, bigEndian: false), gzip: true)
        let headerLength = whole.firstRange(of: Data("\n\n".utf8))!.upperBound
        for offset in 0..<headerLength {
            for value in Array("\0\n-9(".utf8) + [0xFF] {
                var damaged = whole
                damaged[offset] = value
                do { _ = try ImageIO.read(data: damaged, format: .nrrd) } catch is InputError {
                } catch { XCTFail("byte \(offset) = \(value): \(error)") }
            }
        }
    }

    /// `ImageIO.read(data:format:)` (the fuzzers' entry) gives what reading the file gives.
    func testReadFromBytesMatchesReadFromFile() throws {
        let folder = try TemporaryFolder()
        let bytes = try gzipCompress(smallNIfTI(), file: "t")
        let path = try folder.write("a.nii.gz", bytes)
        let fromFile = try ImageIO.read(path: path)
        let fromBytes = try ImageIO.read(data: bytes, format: .nifti1, name: path)
        XCTAssertEqual(fromBytes.volume.geometry, fromFile.volume.geometry)
        XCTAssertEqual(fromBytes.volume.voxels, fromFile.volume.voxels)
        XCTAssertEqual(fromBytes.header, fromFile.header)
    }
}
