import Foundation
import XCTest
@testable import PetradImage

/// Small DICOM byte streams written by hand (PS3.5 7.1 element layout), for damaged files.
enum DICOMBytes {
    static func u16(_ value: UInt16, bigEndian: Bool = false) -> [UInt8] {
        let v = bigEndian ? value.bigEndian : value.littleEndian
        return withUnsafeBytes(of: v) { Array($0) }
    }

    static func u32(_ value: UInt32, bigEndian: Bool = false) -> [UInt8] {
        let v = bigEndian ? value.bigEndian : value.littleEndian
        return withUnsafeBytes(of: v) { Array($0) }
    }

    static func tag(_ tag: UInt32, bigEndian: Bool = false) -> [UInt8] {
        u16(UInt16(tag >> 16), bigEndian: bigEndian) + u16(UInt16(tag & 0xFFFF),
                                                           bigEndian: bigEndian)
    }

    /// An explicit-VR element with a 2-byte length (text VRs), value padded to even length.
    static func text(_ tag: UInt32, _ vr: String, _ value: String,
                     bigEndian: Bool = false) -> [UInt8] {
        var bytes = Array(value.utf8)
        if bytes.count % 2 == 1 { bytes.append(vr == "UI" ? 0 : 0x20) }
        return self.tag(tag, bigEndian: bigEndian) + Array(vr.utf8)
            + u16(UInt16(bytes.count), bigEndian: bigEndian) + bytes
    }

    /// An implicit-VR element.
    static func implicit(_ tag: UInt32, _ value: String) -> [UInt8] {
        var bytes = Array(value.utf8)
        if bytes.count % 2 == 1 { bytes.append(0x20) }
        return self.tag(tag) + u32(UInt32(bytes.count)) + bytes
    }

    /// Preamble, "DICM" and a file meta group declaring `transferSyntax`, then `dataSet`.
    static func part10(transferSyntax: String, dataSet: [UInt8]) -> Data {
        var meta = text(0x0002_0002, "UI", "1.2.840.10008.5.1.4.1.1.128")
        meta += text(0x0002_0003, "UI", "1.2.826.0.1.3680043.8.498.55")
        meta += text(0x0002_0010, "UI", transferSyntax)
        let groupLength = tag(0x0002_0000) + Array("UL".utf8) + u16(4)
            + u32(UInt32(meta.count))
        return Data([UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + groupLength
                    + meta + dataSet)
    }

    /// Offset of the first occurrence of `pattern` in `data` at or after `from`.
    static func find(_ pattern: [UInt8], in data: Data, from: Int = 132) -> Int? {
        let bytes = [UInt8](data)
        guard bytes.count >= pattern.count else { return nil }
        for i in from...(bytes.count - pattern.count) where bytes[i] == pattern[0] {
            if Array(bytes[i..<(i + pattern.count)]) == pattern { return i }
        }
        return nil
    }
}

final class DICOMPrecheckTests: XCTestCase {
    static let explicitLE = "1.2.840.10008.1.2.1"
    static let implicitLE = "1.2.840.10008.1.2"

    /// STS_001 slice 1 (mirp-sts-raw README: Implicit VR Little Endian, 128 x 128 int16).
    func stsSlice() throws -> String {
        guard let path = ReferenceData.path(
            "pet/mirp-sts-raw/STS_001/FDG_PET/image/1-001.dcm") else {
            throw XCTSkip("pet/mirp-sts-raw absent")
        }
        return path
    }

    func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/DICOM/\(name)").path
    }

    func inputError(_ body: () throws -> Void, file: StaticString = #filePath,
                    line: UInt = #line) -> InputError? {
        do {
            try body()
            XCTFail("no error thrown", file: file, line: line)
        } catch let error as InputError {
            return error
        } catch {
            XCTFail("not an InputError: \(error)", file: file, line: line)
        }
        return nil
    }

    /// Every file of the real series passes: the 267 STS_001 PET slices and the RTSTRUCT
    /// (implicit VR), a DRO series and its RTSTRUCT (explicit VR), the RLE fixture
    /// (encapsulated pixel data) and the SEG fixture (nested functional group sequences).
    func testRealFilesPass() throws {
        guard let sts = ReferenceData.path("pet/mirp-sts-raw/STS_001/FDG_PET") else {
            throw XCTSkip("pet/mirp-sts-raw absent")
        }
        var paths = DICOMDirectory.regularFiles(under: sts).filter { $0.hasSuffix(".dcm") }
        XCTAssertEqual(paths.count, 268)
        let dro = try SUVDRO.unpack(["0_0"])
        defer { try? FileManager.default.removeItem(atPath: dro) }
        paths += DICOMDirectory.regularFiles(under: dro)
        paths += [fixture("pet_rle.dcm"), fixture("seg_small.dcm")]
        XCTAssertEqual(paths.count, 268 + 21 + 2)
        for path in paths {
            XCTAssertNoThrow(try DICOMPrecheck.check(path: path), path)
        }
    }

    /// The STS slice cut at every length: every cut inside the pixel data is refused naming
    /// (7FE0,0010), its length 32768 (128 x 128 x 2 bytes, the README) and the bytes left
    /// (GDCM itself returns a half image for such cuts); every other cut is refused too unless
    /// it falls between two elements. Cuts that used to abort GDCM (132: "DICM" alone, 140 and
    /// 200: inside the meta group, 350: the meta group alone, 400 and later: inside data
    /// elements) go through DICOMFile, GDCM included: an InputError, or at an element boundary
    /// no decodable image.
    func testTruncatedImplicitSliceIsRefusedAtEveryCut() throws {
        let path = try stsSlice()
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(data.count, 36276)
        let pixelValueStart = data.count - 32768
        var passed: [Int] = []
        for cut in 0..<data.count {
            do {
                try DICOMPrecheck.check(data: data.prefix(cut), file: "cut")
                passed.append(cut)
            } catch let error as InputError {
                XCTAssertEqual(error.file, "cut")
                if cut > pixelValueStart {
                    XCTAssertEqual(error.field, "(7FE0,0010)")
                    XCTAssertEqual(error.value, "length 32768")
                    XCTAssertTrue(error.message.contains(
                        "declares 32768 bytes, but only \(cut - pixelValueStart) are left"),
                                  error.message)
                }
            }
        }
        // Element boundaries only: the header holds about a hundred elements.
        XCTAssertTrue(passed.allSatisfy { $0 > 350 && $0 <= pixelValueStart - 8 }, "\(passed)")
        XCTAssertLessThan(passed.count, 200)
        let folder = try TemporaryFolder()
        let cuts = [0, 100, 131, 132, 140, 150, 200, 300, 350, 400, 500, 700, 1000, 1500, 2000,
                    18138, data.count - 2] + passed
        for cut in cuts {
            let file = try folder.write("cut\(cut).dcm", data.prefix(cut))
            do {
                let dicom = try DICOMFile(path: file, pixels: true)
                XCTAssertTrue(passed.contains(cut), "cut \(cut) opened")
                XCTAssertThrowsError(try dicom.pixelValues(), "cut \(cut)")
            } catch let error as InputError {
                XCTAssertEqual(error.file, file)
            }
        }
    }

    /// A DRO slice (Explicit VR Little Endian, OW pixel data of 256 x 256 x 2 = 131072 bytes,
    /// suv-dro README) cut inside its header and its pixel data.
    func testTruncatedExplicitSliceIsRefused() throws {
        let dro = try SUVDRO.unpack(["0_0"])
        defer { try? FileManager.default.removeItem(atPath: dro) }
        let path = "\(dro)/DRO_0_0/PT/pet_dro_0_0_slice_000.dcm"
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let pixelValueStart = data.count - 131072
        let folder = try TemporaryFolder()
        for cut in [133, 140, 150, 200, 300, 400, 500, 700, 1000, pixelValueStart - 2,
                    pixelValueStart + 1, data.count / 2, data.count - 1] {
            let file = try folder.write("cut\(cut).dcm", data.prefix(cut))
            guard let error = inputError({ _ = try DICOMFile(path: file, pixels: true) })
            else { continue }
            XCTAssertEqual(error.file, file)
            XCTAssertTrue(error.field.hasPrefix("("), "cut \(cut): \(error)")
            if cut > pixelValueStart {
                XCTAssertEqual(error.field, "(7FE0,0010)")
                XCTAssertTrue(error.message.contains(
                    "declares 131072 bytes, but only \(cut - pixelValueStart) are left"),
                              error.message)
            }
        }
    }

    /// PatientID (0010,0020) of the STS slice given length 0x7FFF0000: refused naming the tag,
    /// the length and the bytes left after it.
    func testImplicitElementLengthPastTheFileEnd() throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: try stsSlice()))
        let at = try XCTUnwrap(DICOMBytes.find(DICOMBytes.tag(0x0010_0020), in: data))
        data.replaceSubrange((at + 4)..<(at + 8), with: DICOMBytes.u32(0x7FFF_0000))
        let folder = try TemporaryFolder()
        let file = try folder.write("long.dcm", data)
        let error = inputError { _ = try DICOMFile(path: file) }
        XCTAssertEqual(error?.field, "(0010,0020)")
        XCTAssertEqual(error?.value, "length 2147418112")
        XCTAssertTrue(error?.message.contains("only \(data.count - at - 8) are left") == true,
                      "\(String(describing: error))")
    }

    /// The RLE fixture (explicit VR, encapsulated): Modality (0008,0060) given a 2-byte length
    /// of 4096 in an 858-byte file, then the first pixel fragment given 0x000FFFF0 bytes.
    func testExplicitElementAndFragmentLengthsPastTheFileEnd() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: fixture("pet_rle.dcm")))
        XCTAssertEqual(original.count, 858)
        let folder = try TemporaryFolder()

        var data = original
        let modality = try XCTUnwrap(DICOMBytes.find(DICOMBytes.tag(0x0008_0060) + [0x43, 0x53],
                                                     in: data))
        data.replaceSubrange((modality + 6)..<(modality + 8), with: DICOMBytes.u16(4096))
        let file = try folder.write("modality.dcm", data)
        let error = inputError { _ = try DICOMFile(path: file, pixels: true) }
        XCTAssertEqual(error?.field, "(0008,0060)")
        XCTAssertEqual(error?.value, "length 4096")
        XCTAssertTrue(error?.message.contains("only \(858 - modality - 8) are left") == true,
                      "\(String(describing: error))")

        data = original
        let pixels = try XCTUnwrap(DICOMBytes.find(DICOMBytes.tag(0x7FE0_0010), in: data))
        // Value: basic offset table item (8 + 4 bytes), then the first fragment's item.
        let fragment = pixels + 12 + 12
        XCTAssertEqual(Array(data[fragment..<(fragment + 4)]), DICOMBytes.tag(0xFFFE_E000))
        data.replaceSubrange((fragment + 4)..<(fragment + 8), with: DICOMBytes.u32(0xF_FFF0))
        let fragmentFile = try folder.write("fragment.dcm", data)
        let fragmentError = inputError { _ = try DICOMFile(path: fragmentFile, pixels: true) }
        XCTAssertEqual(fragmentError?.field, "(FFFE,E000)")
        XCTAssertEqual(fragmentError?.value, "length 1048560")
        XCTAssertTrue(fragmentError?.message.contains(
            "only \(858 - fragment - 8) are left") == true, "\(String(describing: fragmentError))")

        // The fixture cut inside its fragments, and with its sequence delimitation item cut.
        for cut in [fragment + 20, original.count - 4] {
            let cutFile = try folder.write("rle\(cut).dcm", original.prefix(cut))
            XCTAssertNotNil(inputError { _ = try DICOMFile(path: cutFile, pixels: true) })
        }
    }

    /// `depth` nested sequences (0008,1115) of undefined length, each with one item of
    /// undefined length, closed properly, then PatientID.
    func nested(depth: Int, explicit: Bool) -> Data {
        var body: [UInt8] = []
        for _ in 0..<depth {
            body += DICOMBytes.tag(0x0008_1115)
            body += explicit ? Array("SQ".utf8) + [0, 0] : []
            body += DICOMBytes.u32(0xFFFF_FFFF)
            body += DICOMBytes.tag(0xFFFE_E000) + DICOMBytes.u32(0xFFFF_FFFF)
        }
        for _ in 0..<depth {
            body += DICOMBytes.tag(0xFFFE_E00D) + DICOMBytes.u32(0)
            body += DICOMBytes.tag(0xFFFE_E0DD) + DICOMBytes.u32(0)
        }
        body += explicit ? DICOMBytes.text(0x0010_0020, "LO", "DEEP")
            : DICOMBytes.implicit(0x0010_0020, "DEEP")
        return DICOMBytes.part10(transferSyntax: explicit ? Self.explicitLE : Self.implicitLE,
                                 dataSet: body)
    }

    /// 100,000 nested sequences of undefined length (2 MB), explicit and implicit VR: refused
    /// at depth 17 (`DICOMPrecheck.maximumDepth` is 16) without GDCM seeing the file; 16 levels
    /// pass and GDCM reads the element after them.
    func testHugeUndefinedLengthNestingIsRefused() throws {
        let folder = try TemporaryFolder()
        for explicit in [true, false] {
            let file = try folder.write("deep\(explicit).dcm",
                                        nested(depth: 100_000, explicit: explicit))
            let error = inputError { _ = try DICOMFile(path: file) }
            XCTAssertEqual(error?.field, "(0008,1115)")
            XCTAssertEqual(error?.value, "depth 17")

            let limit = try folder.write("limit\(explicit).dcm",
                                         nested(depth: DICOMPrecheck.maximumDepth,
                                                explicit: explicit))
            XCTAssertEqual(try DICOMFile(path: limit).string(DICOMTag.patientID), "DEEP")
            let over = nested(depth: DICOMPrecheck.maximumDepth + 1, explicit: explicit)
            XCTAssertThrowsError(try DICOMPrecheck.check(data: over, file: "over"))
        }
        // An item of undefined length never closed before the end of the file.
        let whole = nested(depth: 3, explicit: true)
        // Without the 3 x 16 bytes of delimitation items and the 12 of PatientID.
        let open = whole.prefix(whole.count - 3 * 16 - 12)
        let error = inputError { try DICOMPrecheck.check(data: open, file: "open") }
        XCTAssertTrue(error?.message.contains("not closed") == true, "\(String(describing: error))")
    }

    /// A data set in Deflated Explicit VR Little Endian (raw deflate after the meta group):
    /// inflated and walked; GDCM reads it. Its deflate stream cut in half is refused.
    func testDeflatedDataSetIsInflatedAndWalked() throws {
        let plain = DICOMBytes.text(0x0008_0060, "CS", "PT")
            + DICOMBytes.text(0x0010_0020, "LO", "DEFLATED")
        // gzipCompress writes a 10-byte gzip header and an 8-byte trailer around raw deflate.
        let gzip = try gzipCompress(Data(plain), file: "test")
        let raw = Array(gzip[10..<(gzip.count - 8)])
        let data = DICOMBytes.part10(transferSyntax: "1.2.840.10008.1.2.1.99", dataSet: raw)
        let folder = try TemporaryFolder()
        let file = try folder.write("deflated.dcm", data)
        XCTAssertEqual(try DICOMFile(path: file).string(DICOMTag.patientID), "DEFLATED")
        let cut = try folder.write("deflated-cut.dcm", data.prefix(data.count - raw.count / 2))
        XCTAssertNotNil(inputError { _ = try DICOMFile(path: cut) })
    }

    /// Explicit VR Big Endian with a sequence of defined length: walked in big endian and read
    /// by GDCM; the same file with the item length past the sequence end is refused.
    func testBigEndianDataSetIsWalked() throws {
        let item = DICOMBytes.text(0x0008_1150, "UI", "1.2.3", bigEndian: true)
        let sequenceValue = DICOMBytes.tag(0xFFFE_E000, bigEndian: true)
            + DICOMBytes.u32(UInt32(item.count), bigEndian: true) + item
        var dataSet = DICOMBytes.text(0x0008_0060, "CS", "PT", bigEndian: true)
        dataSet += DICOMBytes.tag(0x0008_1115, bigEndian: true) + Array("SQ".utf8) + [0, 0]
            + DICOMBytes.u32(UInt32(sequenceValue.count), bigEndian: true) + sequenceValue
        dataSet += DICOMBytes.text(0x0010_0020, "LO", "BIG", bigEndian: true)
        let data = DICOMBytes.part10(transferSyntax: "1.2.840.10008.1.2.2", dataSet: dataSet)
        let folder = try TemporaryFolder()
        let file = try folder.write("big.dcm", data)
        XCTAssertEqual(try DICOMFile(path: file).string(DICOMTag.patientID), "BIG")

        var damaged = data
        let at = try XCTUnwrap(DICOMBytes.find(DICOMBytes.tag(0xFFFE_E000, bigEndian: true),
                                               in: damaged))
        damaged.replaceSubrange((at + 4)..<(at + 8), with: DICOMBytes.u32(200, bigEndian: true))
        let error = inputError { try DICOMPrecheck.check(data: damaged, file: "big") }
        XCTAssertEqual(error?.field, "(FFFE,E000)")
        XCTAssertTrue(error?.message.contains("sequence or item that holds it") == true,
                      "\(String(describing: error))")
    }

    /// Not DICOM at all: refused by the precheck with a plain sentence, and skipped by a folder
    /// scan; a damaged slice (with the "DICM" marker) stops the scan, naming the slice.
    func testFolderScanNamesTheDamagedSliceAndSkipsOtherFiles() throws {
        let folder = try SyntheticDICOM.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for k in 0..<3 {
            try SyntheticDICOM.writeSlice(folder: folder, name: "s\(k).dcm", z: Double(k),
                                          stored: [Int16](repeating: 1, count: 16),
                                          rows: 4, columns: 4)
        }
        try Data("a note, not an image\n".utf8).write(to: URL(fileURLWithPath: folder + "/a.txt"))
        let text = inputError { try DICOMPrecheck.check(path: folder + "/a.txt") }
        XCTAssertTrue(text?.message.hasPrefix("is not a DICOM file") == true)
        XCTAssertEqual(try DICOMDirectory.scan(folder).first?.files.count, 3)

        let slice = folder + "/s1.dcm"
        let whole = try Data(contentsOf: URL(fileURLWithPath: slice))
        try whole.prefix(whole.count - 5).write(to: URL(fileURLWithPath: slice))
        let error = inputError { _ = try DICOMDirectory.scan(folder) }
        XCTAssertEqual(error?.file, slice)
        XCTAssertEqual(error?.field, "(7FE0,0010)")
    }

    /// Structures on which GDCM 3.0 aborts though every length fits, each made from the RLE
    /// fixture (encapsulated pixel data (7FE0,0010) OB of undefined length: the basic offset
    /// table, one fragment, the sequence delimitation item): refused naming the element.
    /// The first was found by FuzzDICOM (GDCM: `Assertion VRField == VR::UN` in
    /// gdcmExplicitDataElement.txx).
    func testStructuresThatAbortGDCMAreRefused() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: fixture("pet_rle.dcm")))
        let pixels = try XCTUnwrap(DICOMBytes.find(DICOMBytes.tag(0x7FE0_0010), in: original))
        let delimiter = original.count - 8
        XCTAssertEqual(Array(original[delimiter..<(delimiter + 4)]),
                       DICOMBytes.tag(0xFFFE_E0DD))
        let folder = try TemporaryFolder()
        var cases: [(String, Data, String, String)] = []

        // An OB element of undefined length that is not the pixel data: (7FE0,0014).
        var data = original
        data.replaceSubrange(pixels..<(pixels + 4), with: DICOMBytes.tag(0x7FE0_0014))
        cases.append(("ob", data, "(7FE0,0014)", "undefined length"))
        // Pixel data with VR SQ.
        data = original
        data.replaceSubrange((pixels + 4)..<(pixels + 6), with: Array("SQ".utf8))
        cases.append(("sq", data, "(7FE0,0010)", "VR SQ"))
        // Pixel data with VR UT (4-byte length, so the lengths still fit).
        data = original
        data.replaceSubrange((pixels + 4)..<(pixels + 6), with: Array("UT".utf8))
        cases.append(("ut", data, "(7FE0,0010)", "VR UT"))
        // The sequence delimitation item with length 4.
        data = original
        data.replaceSubrange((delimiter + 4)..<(delimiter + 8), with: DICOMBytes.u32(4))
        cases.append(("delimiter", data, "(FFFE,E0DD)", "length 4"))
        // No basic offset table: the fragments' delimitation item right after the header.
        data = original.prefix(pixels + 12) + DICOMBytes.tag(0xFFFE_E0DD) + DICOMBytes.u32(0)
        cases.append(("table", data, "(7FE0,0010)", "(FFFE,E0DD) at byte \(pixels + 12)"))

        for (name, bytes, field, value) in cases {
            let file = try folder.write("\(name).dcm", bytes)
            let error = inputError { _ = try DICOMFile(path: file, pixels: true) }
            XCTAssertEqual(error?.field, field, name)
            XCTAssertEqual(error?.value, value, name)
        }
    }

    /// A structurally sound slice with SamplesPerPixel 5 (found by FuzzDICOM): GDCM 3.0 aborts
    /// in PixelFormat::SetSamplesPerPixel (`Assertion spp <= 4`). The read is tried first in a
    /// child process, so petrad refuses the file naming GDCM's check, and a series holding it
    /// fails with that error instead of ending the process.
    func testValueThatStopsGDCMIsAnErrorNotAnAbort() throws {
        let folder = try SyntheticDICOM.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for k in 0..<3 {
            try SyntheticDICOM.writeSlice(
                folder: folder, name: "s\(k).dcm", z: Double(k),
                stored: [Int16](repeating: 1, count: 16), rows: 4, columns: 4,
                extra: k == 1 ? [.init(DICOMTag.samplesPerPixel, "US", "5")] : [])
        }
        let slice = folder + "/s1.dcm"
        XCTAssertNoThrow(try DICOMPrecheck.check(path: slice))
        let error = inputError { _ = try DICOMFile(path: slice, pixels: true) }
        XCTAssertEqual(error?.file, slice)
        XCTAssertEqual(error?.field, "GDCM")
        XCTAssertTrue(error?.value.contains("spp <= 4") == true, "\(String(describing: error))")
        let seriesError = inputError { _ = try DICOMSeriesReader.read(folder: folder) }
        XCTAssertEqual(seriesError?.file, slice)
        // The other slices still read, through the same child-process check.
        XCTAssertEqual(try DICOMFile(path: folder + "/s0.dcm", pixels: true).pixelValues()
            .values, [Double](repeating: 1, count: 16))
    }

    /// An empty file (FuzzDICOM's first input; reading it through Foundation leaked 4 KiB):
    /// refused before it is read.
    func testEmptyFileIsRefused() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("empty.dcm", Data())
        let error = inputError { _ = try DICOMFile(path: file) }
        XCTAssertEqual(error?.file, file)
        XCTAssertTrue(error?.message.hasPrefix("is empty") == true, "\(String(describing: error))")
    }
}
