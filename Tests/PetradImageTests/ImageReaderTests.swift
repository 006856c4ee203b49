import Foundation
import XCTest
@testable import PetradImage

/// Readers against PyRadiomics' test cases, the IBSI STS PET NIfTI files and synthetic files.
final class ImageReaderTests: XCTestCase {
    static let cases = ["brain1", "brain2", "breast1", "lung1", "lung2"]

    /// Size, spacing and intensity summary of every PyRadiomics test image agree with the
    /// `diagnostics_Image-original_*` rows of baseline_firstorder.csv (PyRadiomics baseline, read
    /// through SimpleITK); the labels lie on the same grid.
    func testPyRadiomicsTestCasesMatchBaselineImageDiagnostics() throws {
        guard let baseline = ReferenceData.path("pyradiomics-testcases/baseline/baseline_firstorder.csv")
        else { throw XCTSkip("pyradiomics-testcases absent") }
        let table = try CSVTable.read(path: baseline)
        for name in Self.cases {
            let folder = (baseline as NSString).deletingLastPathComponent + "/.."
            let image = try ImageIO.readImage(path: "\(folder)/\(name)_image.nrrd")
            let label = try ImageIO.readMaskValues(path: "\(folder)/\(name)_label.nrrd")
            let g = image.geometry
            let size = tupleValues(try XCTUnwrap(baselineValue(
                table, row: "diagnostics_Image-original_Size", testCase: name)))
            XCTAssertEqual(size, [Double(g.size.x), Double(g.size.y), Double(g.size.z)], name)
            let spacing = tupleValues(try XCTUnwrap(baselineValue(
                table, row: "diagnostics_Image-original_Spacing", testCase: name)))
            for axis in 0..<3 {
                XCTAssertEqual(g.spacing[axis], spacing[axis], accuracy: 1e-12 * spacing[axis], name)
            }
            XCTAssertEqual(label.geometry, g, "\(name): label grid")
            for (row, summary) in [("Minimum", image.voxels.min()!), ("Maximum", image.voxels.max()!),
                                   ("Mean", image.voxels.reduce(0, +) / Double(image.voxels.count))] {
                let expected = try XCTUnwrap(Double(try XCTUnwrap(baselineValue(
                    table, row: "diagnostics_Image-original_\(row)", testCase: name))))
                XCTAssertEqual(summary, expected, accuracy: 1e-9 * max(1, abs(expected)), "\(name) \(row)")
            }
        }
    }

    /// brain1: `space directions` (0.78124999999999989,0,0) (0,-0.78124999999999989,0) ... gives
    /// spacing 0.78125 and a direction with -1 on y; origin from `space origin` (NRRD header).
    func testNRRDSpaceDirectionsGiveDirectionAndSpacing() throws {
        guard let path = ReferenceData.path("pyradiomics-testcases/brain1_image.nrrd") else {
            throw XCTSkip("pyradiomics-testcases absent")
        }
        let header = try ImageIO.readHeader(path: path)
        XCTAssertEqual(header.scalarType, .int16)
        XCTAssertEqual(header.geometry.direction, [1, 0, 0, 0, -1, 0, 0, 0, 1])
        XCTAssertEqual(header.geometry.origin, SIMD3(-99.609374999999986, 99.609374999999986,
                                                     -77.999999999999957))
        XCTAssertTrue(header.compressed)
    }

    /// STS_001 PET: LPS origin (-21.09375, -86.71875, -881.2999877929688), spacing (4.6875,
    /// 4.6875, 3.2699999809265137), identity direction: SimpleITK 2.5.7 ReadImage on the same
    /// file (qform_code 1, sform_code 0, quaternion (0, 0, 1)).
    func testSTS001NIfTIGeometryMatchesSimpleITK() throws {
        guard let path = ReferenceData.path("pet/ibsi-sts-validation/STS_001/pet_image.nii.gz") else {
            throw XCTSkip("ibsi-sts-validation absent")
        }
        let (image, header) = try ImageIO.read(path: path)
        XCTAssertEqual(header.format, .nifti1)
        XCTAssertEqual(header.transformSource, "qform")
        XCTAssertEqual(image.geometry.size, SIMD3(41, 43, 59))
        XCTAssertEqual(image.geometry.origin, SIMD3(-21.09375, -86.71875, -881.2999877929688))
        XCTAssertEqual(image.geometry.spacing, SIMD3(4.6875, 4.6875, 3.2699999809265137))
        XCTAssertEqual(image.geometry.direction, [1, 0, 0, 0, 1, 0, 0, 0, 1])
        // image_summary.csv (nibabel): SUVmax in the cropped image 25.4123 (4 decimals).
        XCTAssertEqual(image.voxels.max()!, 25.4123, accuracy: 5e-5)
    }

    /// Every STS patient: grid size, spacing, mask voxel count, SUVmax and SUVmean in the mask
    /// and SUVmax in the image agree with image_summary.csv (nibabel, rounded to 4 decimals).
    func testSTSCohortMatchesImageSummary() throws {
        guard let summary = ReferenceData.path("pet/ibsi-sts-validation/image_summary.csv") else {
            throw XCTSkip("ibsi-sts-validation absent")
        }
        let folder = (summary as NSString).deletingLastPathComponent
        let table = try CSVTable.read(path: summary)
        XCTAssertEqual(table.rows.count, 51)
        let column = { (name: String) in try table.columnIndex(name) }
        for row in table.rows {
            let id = row[try column("PatientID")]
            let number = { (name: String) in Double(row[try column(name)])! }
            let image = try ImageIO.readImage(path: "\(folder)/\(id)/pet_image.nii.gz")
            let mask = try ImageIO.readMaskValues(path: "\(folder)/\(id)/pet_mask.nii.gz")
            let g = image.geometry
            XCTAssertEqual(g.size, SIMD3(Int(try number("nx")), Int(try number("ny")),
                                         Int(try number("nz"))), id)
            XCTAssertEqual(g.spacing.x, try number("spacing_x_mm"), accuracy: 5e-5, id)
            XCTAssertEqual(g.spacing.z, try number("spacing_z_mm"), accuracy: 5e-5, id)
            XCTAssertEqual(mask.geometry, g, "\(id): mask on the image grid")
            var inMask: [Double] = []
            for (v, m) in zip(image.voxels, mask.voxels) where m == 1 { inMask.append(v) }
            XCTAssertEqual(inMask.count, Int(try number("mask_voxels")), id)
            XCTAssertEqual(inMask.max()!, try number("suv_max_in_mask"), accuracy: 5e-5, id)
            XCTAssertEqual(inMask.reduce(0, +) / Double(inMask.count),
                           try number("suv_mean_in_mask"), accuracy: 5e-5, id)
            XCTAssertEqual(image.voxels.max()!, try number("suv_max_in_image"), accuracy: 5e-5, id)
        }
    }

    /// Every NRRD scalar type, raw and gzip, little and big endian, reads back exactly.
    func testNRRDEveryScalarTypeRawAndGzipBothEndians() throws {
        let folder = try TemporaryFolder()
        let values: [Double] = [0, 1, 2, 3, 100, 127, 5, 6, 7, 8, 9, 10]
        for type in ScalarType.allCases {
            let typeName: String = [
                .int8: "int8", .uint8: "uchar", .int16: "short", .uint16: "unsigned short",
                .int32: "int", .uint32: "uint", .int64: "int64", .uint64: "uint64_t",
                .float32: "float", .float64: "double",
            ][type]!
            for gzip in [false, true] {
                for bigEndian in [false, true] {
                    let bytes = try nrrdFile(
                        fields: [("type", typeName), ("dimension", "3"), ("sizes", "3 2 2"),
                                 ("endian", bigEndian ? "big" : "little")],
                        payload: voxelBytes(values, type: type, bigEndian: bigEndian), gzip: gzip)
                    let path = try folder.write("t.nrrd", bytes)
                    let (volume, header) = try ImageIO.read(path: path)
                    XCTAssertEqual(header.scalarType, type)
                    XCTAssertEqual(volume.voxels, values, "\(type) gzip \(gzip) big \(bigEndian)")
                }
            }
        }
    }

    /// A 16-bit label 256 and a float 1/255 survive reading exactly (never cast to 8 bits).
    func testMaskValuesKeepLabel256AndFloatOneOver255() throws {
        let folder = try TemporaryFolder()
        let fields = [("dimension", "3"), ("sizes", "2 2 1"), ("endian", "little")]
        let labels = try folder.write("l.nrrd", try nrrdFile(
            fields: [("type", "unsigned short")] + fields,
            payload: voxelBytes([0, 1, 256, 256], type: .uint16, bigEndian: false), gzip: true))
        XCTAssertEqual(try ImageIO.readMaskValues(path: labels).voxels, [0, 1, 256, 256])
        let floats = try folder.write("f.nrrd", try nrrdFile(
            fields: [("type", "double")] + fields,
            payload: voxelBytes([0, 1.0 / 255, 0, 1.0 / 255], type: .float64, bigEndian: false),
            gzip: false))
        XCTAssertEqual(try ImageIO.readMaskValues(path: floats).voxels, [0, 1.0 / 255, 0, 1.0 / 255])
    }

    /// `space: right-anterior-superior` is converted to LPS: x and y of the origin and of every
    /// direction vector change sign (ITK NrrdImageIO).
    func testNRRDRightAnteriorSuperiorBecomesLPS() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("ras.nrrd", try nrrdFile(
            fields: [("type", "short"), ("dimension", "3"), ("space", "right-anterior-superior"),
                     ("sizes", "2 1 1"), ("space directions", "(0.5,0,0) (0,2,0) (0,0,3)"),
                     ("endian", "little"), ("space origin", "(10,20,30)")],
            payload: voxelBytes([1, 2], type: .int16, bigEndian: false), gzip: false))
        let g = try ImageIO.readImage(path: path).geometry
        XCTAssertEqual(g.origin, SIMD3(-10, -20, 30))
        XCTAssertEqual(g.spacing, SIMD3(0.5, 2, 3))
        XCTAssertEqual(g.direction, [-1, 0, 0, 0, -1, 0, 0, 0, 1])
    }

    // MARK: NIfTI geometry (expected values: SimpleITK 2.5.7 / ITK 5.4 ReadImage on the same
    // headers, written with nibabel 5 for the cross-check)

    /// A 2x3x4 int16 NIfTI with affine diag(-2,-3,4), offset (10,20,-30) in the qform and/or an
    /// sform with offset (11,22,-33).
    private func niftiFile(_ folder: TemporaryFolder, qcode: Int, scode: Int,
                           quatern: SIMD3<Double> = SIMD3(0, 0, 1), qfac: Double = 1,
                           qoffset: SIMD3<Double> = SIMD3(10, 20, -30),
                           srow: [Double] = [-2, 0, 0, 11, 0, -3, 0, 22, 0, 0, 4, -33],
                           name: String = "t.nii") throws -> String {
        let g = Geometry(size: SIMD3(2, 3, 4), spacing: SIMD3(2, 3, 4))
        var patch = NIfTIPatch(bytes: NIfTI.encode(geometry: g, values: (0..<24).map(Double.init),
                                                   type: .int16))
        patch.qform(code: qcode, quatern: quatern, offset: qoffset, qfac: qfac)
        patch.sform(code: scode, rows: srow)
        return try folder.write(name, patch.bytes)
    }

    func testNIfTIQformOnlyUsesQform() throws {
        let folder = try TemporaryFolder()
        let g = try ImageIO.readImage(path: try niftiFile(folder, qcode: 1, scode: 0)).geometry
        XCTAssertEqual(g.origin, SIMD3(-10, -20, -30))
        XCTAssertEqual(g.spacing, SIMD3(2, 3, 4))
        XCTAssertEqual(g.direction, [1, 0, 0, 0, 1, 0, 0, 0, 1])
    }

    func testNIfTISformOnlyUsesSform() throws {
        let folder = try TemporaryFolder()
        let g = try ImageIO.readImage(path: try niftiFile(folder, qcode: 0, scode: 1)).geometry
        XCTAssertEqual(g.origin, SIMD3(-11, -22, -33))
    }

    func testNIfTIBothSetScannerAnatSformWins() throws {
        let folder = try TemporaryFolder()
        let g = try ImageIO.readImage(path: try niftiFile(folder, qcode: 1, scode: 1)).geometry
        XCTAssertEqual(g.origin, SIMD3(-11, -22, -33))
    }

    func testNIfTIBothSetAlignedSformDifferentGridQformWins() throws {
        let folder = try TemporaryFolder()
        let g = try ImageIO.readImage(path: try niftiFile(folder, qcode: 1, scode: 2)).geometry
        XCTAssertEqual(g.origin, SIMD3(-10, -20, -30))
    }

    func testNIfTINeitherFormGivesZeroOriginIdentity() throws {
        let folder = try TemporaryFolder()
        let g = try ImageIO.readImage(path: try niftiFile(folder, qcode: 0, scode: 0)).geometry
        XCTAssertEqual(g.origin, SIMD3(0, 0, 0))
        XCTAssertEqual(g.spacing, SIMD3(2, 3, 4))
        XCTAssertEqual(g.direction, [1, 0, 0, 0, 1, 0, 0, 0, 1])
    }

    /// Quaternion of a 30 degree rotation about z (b = c = 0, d = sin 15 deg) with offset
    /// (5, 6, 7): SimpleITK gives origin (-5, -6, 7) and direction (-0.8660254, 0.5, 0, -0.5,
    /// -0.8660254, 0, 0, 0, 1) (within float32 rounding of the quaternion).
    func testNIfTIRotatedQuaternion() throws {
        let folder = try TemporaryFolder()
        let d = sin(15.0 * Double.pi / 180)
        let g = try ImageIO.readImage(path: try niftiFile(
            folder, qcode: 1, scode: 0, quatern: SIMD3(0, 0, d), qoffset: SIMD3(5, 6, 7))).geometry
        XCTAssertEqual(g.origin, SIMD3(-5, -6, 7))
        let expected = [-0.8660253998985324, 0.5000000153337767, 0, -0.5000000067305869,
                        -0.8660253949314785, 0, 0, 0, 1]
        for k in 0..<9 { XCTAssertEqual(g.direction[k], expected[k], accuracy: 2e-8, "entry \(k)") }
    }

    /// qfac = pixdim[0] = -1 flips the third axis; with quaternion (0, 1, 0) SimpleITK gives
    /// origin (-1, -2, 3) and direction diag(1, -1, 1).
    func testNIfTINegativeQfacFlipsThirdAxis() throws {
        let folder = try TemporaryFolder()
        let g = try ImageIO.readImage(path: try niftiFile(
            folder, qcode: 1, scode: 0, quatern: SIMD3(0, 1, 0), qfac: -1,
            qoffset: SIMD3(1, 2, 3))).geometry
        XCTAssertEqual(g.origin, SIMD3(-1, -2, 3))
        XCTAssertEqual(g.direction, [1, 0, 0, 0, -1, 0, 0, 0, 1])
    }

    /// int16 data with scl_slope 0.1, scl_inter -5: SimpleITK returns float32 voxels
    /// -5.0, -4.199999809265137 (raw 8), -3.799999952316284 (raw 12).
    func testNIfTIScalingAppliedAsITKInFloat32() throws {
        let folder = try TemporaryFolder()
        var patch = NIfTIPatch(bytes: try Data(contentsOf: URL(fileURLWithPath:
            try niftiFile(folder, qcode: 1, scode: 0))))
        patch.float(112, 0.1)
        patch.float(116, -5)
        let path = try folder.write("s.nii", patch.bytes)
        let image = try ImageIO.readImage(path: path)
        XCTAssertEqual(image.voxels[0], -5.0)
        XCTAssertEqual(image.voxels[8], -4.199999809265137)
        XCTAssertEqual(image.voxels[12], -3.799999952316284)
        let exact = try ImageIO.readMaskValues(path: path)
        XCTAssertEqual(exact.voxels[12], 12 * Double(Float(0.1)) - 5, accuracy: 1e-15)
    }

    // MARK: Damaged and hostile files

    private func assertInputError(_ path: String, field: String, file: StaticString = #filePath,
                                  line: UInt = #line) {
        XCTAssertThrowsError(try ImageIO.readImage(path: path), file: file, line: line) { error in
            guard let input = error as? InputError else {
                return XCTFail("not an InputError: \(error)", file: file, line: line)
            }
            XCTAssertEqual(input.field, field, "\(input)", file: file, line: line)
            XCTAssertEqual(input.file, path, file: file, line: line)
        }
    }

    /// A raw NRRD declaring 100000^3 voxels with 8 bytes of data: refused naming `sizes`.
    func testNRRDHugeSizesRawAreRefusedBeforeAllocating() throws {
        let folder = try TemporaryFolder()
        assertInputError(try folder.write("huge.nrrd", try nrrdFile(
            fields: [("type", "short"), ("dimension", "3"), ("sizes", "100000 100000 100000"),
                     ("endian", "little")], payload: Data(count: 8), gzip: false)),
            field: "sizes")
    }

    /// The same with gzip: the declared size exceeds what the compressed bytes can expand to.
    func testNRRDHugeSizesGzipAreRefusedBeforeAllocating() throws {
        let folder = try TemporaryFolder()
        assertInputError(try folder.write("huge.nrrd", try nrrdFile(
            fields: [("type", "double"), ("dimension", "3"), ("sizes", "4000 4000 4000"),
                     ("endian", "little")], payload: Data(count: 64), gzip: true)),
            field: "sizes")
    }

    /// A gzip NRRD cut in the middle of its compressed data.
    func testNRRDTruncatedGzipIsRefused() throws {
        let folder = try TemporaryFolder()
        let values = (0..<4000).map { Double($0 % 97) }
        let whole = try nrrdFile(fields: [("type", "float"), ("dimension", "3"),
                                          ("sizes", "20 20 10"), ("endian", "little")],
                                 payload: voxelBytes(values, type: .float32, bigEndian: false),
                                 gzip: true)
        assertInputError(try folder.write("cut.nrrd", whole.prefix(whole.count - 200)),
                         field: "sizes")
    }

    func testNRRDMissingTypeAndBadSizesAreNamed() throws {
        let folder = try TemporaryFolder()
        assertInputError(try folder.write("a.nrrd", try nrrdFile(
            fields: [("dimension", "3"), ("sizes", "2 2 2")], payload: Data(count: 8), gzip: false)),
            field: "type")
        assertInputError(try folder.write("b.nrrd", try nrrdFile(
            fields: [("type", "uchar"), ("dimension", "3"), ("sizes", "2 -2 2")],
            payload: Data(count: 8), gzip: false)), field: "sizes")
        assertInputError(try folder.write("c.nrrd", Data("NRRD0004\ntype: uchar\n".utf8)),
                         field: "header")
    }

    func testNIfTITruncatedHeaderAndBadSizeofHdrAreRefused() throws {
        let folder = try TemporaryFolder()
        let good = try Data(contentsOf: URL(fileURLWithPath: try niftiFile(folder, qcode: 1, scode: 0)))
        assertInputError(try folder.write("short.nii", good.prefix(100)), field: "header")
        var bad = NIfTIPatch(bytes: good)
        bad.bytes.withUnsafeMutableBytes { $0.storeBytes(of: Int32(1234), as: Int32.self) }
        assertInputError(try folder.write("bad.nii", bad.bytes), field: "sizeof_hdr")
        let gz = try gzipCompress(good.prefix(200), file: "x")
        assertInputError(try folder.write("short.nii.gz", gz), field: "header")
    }

    /// dim = (3, 30000, 30000, 30000) with 48 bytes of data (raw and gzip): refused naming `dim`.
    func testNIfTIHugeDimIsRefusedBeforeAllocating() throws {
        let folder = try TemporaryFolder()
        var patch = NIfTIPatch(bytes: try Data(contentsOf: URL(fileURLWithPath:
            try niftiFile(folder, qcode: 1, scode: 0))))
        for axis in 1...3 { patch.int16(40 + 2 * axis, 30000) }
        assertInputError(try folder.write("huge.nii", patch.bytes), field: "dim")
        assertInputError(try folder.write("huge.nii.gz", try gzipCompress(patch.bytes, file: "x")),
                         field: "dim")
        var negative = patch
        negative.int16(42, -5)
        assertInputError(try folder.write("neg.nii", negative.bytes), field: "dim[1]")
    }

    func testNIfTIFourDimensionalAndComplexAreRefused() throws {
        let folder = try TemporaryFolder()
        let good = try Data(contentsOf: URL(fileURLWithPath: try niftiFile(folder, qcode: 1, scode: 0)))
        var fourD = NIfTIPatch(bytes: good)
        fourD.int16(40, 4)
        fourD.int16(48, 2)
        assertInputError(try folder.write("4d.nii", fourD.bytes), field: "dim[4]")
        var complex = NIfTIPatch(bytes: good)
        complex.int16(70, 32)
        assertInputError(try folder.write("c.nii", complex.bytes), field: "datatype")
    }

    /// Gzip data of 100000 bytes (compressible about 2:1) under a header declaring 40 MB: within
    /// deflate's expansion limit, but the gzip trailer disagrees, so the data is decompressed in
    /// steps and the shortfall reported without allocating the declared 40 MB.
    func testNRRDGzipShorterThanDeclaredIsReportedWithTheBytesFound() throws {
        let folder = try TemporaryFolder()
        var generator = SystemRandomNumberGenerator()
        let payload = Data((0..<100_000).map { _ in UInt8.random(in: 0...15, using: &generator) })
        let path = try folder.write("short.nrrd", try nrrdFile(
            fields: [("type", "double"), ("dimension", "3"), ("sizes", "100 100 500"),
                     ("endian", "little")], payload: payload, gzip: true))
        XCTAssertThrowsError(try ImageIO.readImage(path: path)) { error in
            let input = error as? InputError
            XCTAssertEqual(input?.field, "sizes")
            XCTAssertTrue(input?.message.contains("holds only 100000 bytes") ?? false, "\(error)")
        }
    }

    /// Ascii encoding, a 2D image (size z = 1, third direction the cross product of the first
    /// two), comments and key:=value lines in the header.
    func testNRRDAsciiTwoDimensionalWithKeyValuePairs() throws {
        let text = """
            NRRD0004
            # a comment
            type: float
            dimension: 2
            space: left-posterior-superior
            sizes: 3 2
            space directions: (0,2,0) (-1.5,0,0)
            space origin: (1,2,3)
            DICOM_note:=a: b
            encoding: ascii

            1 2 3
            4.5 5 -6

            """
        let folder = try TemporaryFolder()
        let path = try folder.write("a.nrrd", Data(text.utf8))
        let image = try ImageIO.readImage(path: path)
        XCTAssertEqual(image.geometry.size, SIMD3(3, 2, 1))
        XCTAssertEqual(image.geometry.spacing, SIMD3(2, 1.5, 1))
        XCTAssertEqual(image.geometry.direction, [0, -1, 0, 1, 0, 0, 0, 0, 1])
        XCTAssertEqual(image.geometry.origin, SIMD3(1, 2, 3))
        XCTAssertEqual(image.voxels, [1, 2, 3, 4.5, 5, -6])
    }

    func testNRRDDetachedDataIsRefusedByName() throws {
        let folder = try TemporaryFolder()
        let text = "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\n"
            + "encoding: raw\ndata file: image.raw\n\n"
        assertInputError(try folder.write("d.nhdr", Data(text.utf8)), field: "data file")
    }
}
