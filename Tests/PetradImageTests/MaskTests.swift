import Foundation
import PetradTestSupport
import XCTest
@testable import PetradImage

/// Mask selection and checks (issue 2's mask edge cases), against PyRadiomics' baseline
/// diagnostics and synthetic NIfTI/NRRD files.
final class MaskTests: XCTestCase {
    /// BoundingBox, VoxelNum, VolumeNum, CenterOfMassIndex and CenterOfMass of label 1 in every
    /// PyRadiomics test case agree with `diagnostics_Mask-original_*` in baseline_firstorder.csv
    /// (PyRadiomics baseline; CenterOfMass rows recorded by PyRadiomics 2.x with SimpleITK).
    func testPyRadiomicsLabelsMatchBaselineMaskDiagnostics() throws {
        let baseline = try ReferenceData.requiredPath(
            "pyradiomics-testcases/baseline/baseline_firstorder.csv")
        let table = try CSVTable.read(path: baseline)
        let folder = (baseline as NSString).deletingLastPathComponent + "/.."
        for name in ImageReaderTests.cases {
            let image = try ImageIO.readHeader(path: "\(folder)/\(name)_image.nrrd").geometry
            let (mask, report) = try MaskLoader.load(maskPath: "\(folder)/\(name)_label.nrrd",
                                                     image: image, settings: MaskSettings())
            XCTAssertEqual(mask.geometry, image)
            XCTAssertFalse(report.wasResampled)
            let roi = report.final
            func expected(_ row: String) throws -> String {
                try XCTUnwrap(baselineValue(table, row: "diagnostics_Mask-original_\(row)",
                                            testCase: name), "\(name) \(row)")
            }
            XCTAssertEqual(roi.boundingBox.map(Double.init), tupleValues(try expected("BoundingBox")), name)
            XCTAssertEqual(roi.voxelCount, Int(try expected("VoxelNum")), name)
            XCTAssertEqual(roi.componentCount, Int(try expected("VolumeNum")), name)
            XCTAssertEqual(mask.voxels.reduce(0) { $0 + Int($1) }, roi.voxelCount, name)
            let comIndex = tupleValues(try expected("CenterOfMassIndex"))
            let com = tupleValues(try expected("CenterOfMass"))
            for axis in 0..<3 {
                XCTAssertEqual(roi.centerOfMassIndex[axis], comIndex[axis], accuracy: 1e-9, name)
                XCTAssertEqual(roi.centerOfMass[axis], com[axis], accuracy: 1e-9, name)
            }
        }
    }

    /// The single-slice labels `<case>_label_2D.nrrd` (grid 1 slice thick, origin at that slice)
    /// with correctMask, as PyRadiomics' shape2D baseline ran them: diagnostics of the label as
    /// loaded equal baseline_shape2D.csv (`diagnostics_Mask-original_*`, Hash included), and
    /// resampling by physical position puts the ROI exactly on the slice of the 3D label it was
    /// cut from (brain1 z=16, brain2 z=8, breast1 z=9, lung1 z=33, lung2 z=22; data README).
    func testSingleSliceLabelsAreResampledOntoTheirSlice() throws {
        let baseline = try ReferenceData.requiredPath(
            "pyradiomics-testcases/baseline/baseline_shape2D.csv")
        let table = try CSVTable.read(path: baseline)
        let folder = (baseline as NSString).deletingLastPathComponent + "/.."
        let slices = ["brain1": 16, "brain2": 8, "breast1": 9, "lung1": 33, "lung2": 22]
        for name in ImageReaderTests.cases {
            let image = try ImageIO.readHeader(path: "\(folder)/\(name)_image.nrrd").geometry
            let values = try ImageIO.readMaskValues(path: "\(folder)/\(name)_label_2D.nrrd")
            let (mask, report) = try MaskLoader.select(
                maskValues: values, image: image, settings: MaskSettings(correctMask: true),
                file: name)
            func expected(_ row: String) throws -> String {
                try XCTUnwrap(baselineValue(table, row: "diagnostics_Mask-original_\(row)",
                                            testCase: "\(name)_2D"), "\(name) \(row)")
            }
            let original = report.original
            XCTAssertEqual(original.boundingBox.map(Double.init),
                           tupleValues(try expected("BoundingBox")), name)
            XCTAssertEqual(original.voxelCount, Int(try expected("VoxelNum")), name)
            XCTAssertEqual(ImageHash.mask(values), try expected("Hash"), name)
            let com = tupleValues(try expected("CenterOfMass"))
            for axis in 0..<3 {
                XCTAssertEqual(original.centerOfMass[axis], com[axis], accuracy: 1e-9, name)
            }

            XCTAssertTrue(report.wasResampled, name)
            XCTAssertEqual(report.roiVoxelsOutsideImage, 0, name)
            let slice = try XCTUnwrap(slices[name])
            let label3D = try ImageIO.readMaskValues(path: "\(folder)/\(name)_label.nrrd")
            let expectedMask = label3D.voxels.enumerated().map { i, v -> UInt8 in
                i / (image.size.x * image.size.y) == slice && v == 1 ? 1 : 0
            }
            XCTAssertEqual(mask.voxels, expectedMask, name)
            XCTAssertEqual(report.final.boundingBoxLower.z, slice, name)
        }
    }

    // MARK: Synthetic masks on a 10 x 10 x 10 grid, spacing 4 x 4 x 3 mm

    static let grid = Geometry(size: SIMD3(10, 10, 10), spacing: SIMD3(4, 4, 3),
                               origin: SIMD3(-21.09375, -86.71875, -881.3))

    /// A cube ROI [2, 5]^3 on `geometry`, with `value` inside.
    func cube(_ geometry: Geometry, value: Double, range: ClosedRange<Int> = 2...5) -> ImageVolume {
        var v = ImageVolume(geometry: geometry, repeating: 0)
        for z in 0..<geometry.size.z where range.contains(z) {
            for y in range { for x in range { v[x, y, z] = value } }
        }
        return v
    }

    func assertError(_ body: () throws -> Any, field: String, contains words: [String],
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let input = error as? InputError else {
                return XCTFail("not an InputError: \(error)", file: file, line: line)
            }
            XCTAssertEqual(input.field, field, "\(input)", file: file, line: line)
            for word in words {
                XCTAssertTrue("\(input)".contains(word), "'\(word)' missing from: \(input)",
                              file: file, line: line)
            }
        }
    }

    /// ROI stored as 255 and label 1 asked for: the error lists 255 and its voxel count.
    func testMaskWithROIValue255ListsValuesPresent() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("m255.nii.gz")
        try ImageIO.writeNIfTI(cube(Self.grid, value: 255).voxels.map { Int32($0) }
            .withVolume(Self.grid), path: path, type: .uint8)
        assertError({ try MaskLoader.load(maskPath: path, image: Self.grid, settings: MaskSettings()) },
                    field: "label", contains: ["label 1 is not in the mask", "255 (64 voxels)"])
    }

    /// Float mask whose ROI is 1/255: the error lists 0.00392156862745098 and says the values
    /// are not whole numbers.
    func testFloatMaskOneOver255ListsValuesPresent() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("f.nrrd", try nrrdFile(
            fields: [("type", "double"), ("dimension", "3"), ("sizes", "10 10 10"),
                     ("endian", "little"), ("space", "left-posterior-superior"),
                     ("space directions", "(4,0,0) (0,4,0) (0,0,3)"),
                     ("space origin", "(-21.09375,-86.71875,-881.3)")],
            payload: voxelBytes(cube(Self.grid, value: 1.0 / 255).voxels, type: .float64,
                                bigEndian: false), gzip: true))
        assertError({ try MaskLoader.load(maskPath: path, image: Self.grid, settings: MaskSettings()) },
                    field: "label", contains: ["0.00392156862745098 (64 voxels)", "non-integer"])
    }

    /// 16-bit mask with labels 1 and 256: label 256 selects exactly its 64 voxels, label 1 the
    /// other 8 (never truncated to 8 bits, where 256 would become 0).
    func testSixteenBitLabel256SelectsExactlyItsVoxels() throws {
        let folder = try TemporaryFolder()
        var labels = cube(Self.grid, value: 256)
        for z in 7...8 { for y in 7...8 { for x in 7...8 { labels[x, y, z] = 1 } } }
        let path = folder.file("l.nii")
        try ImageIO.writeNIfTI(labels.voxels.map { Int32($0) }.withVolume(Self.grid), path: path,
                               type: .uint16)
        let (mask256, report256) = try MaskLoader.load(
            maskPath: path, image: Self.grid, settings: MaskSettings(label: 256))
        XCTAssertEqual(report256.final.voxelCount, 64)
        XCTAssertEqual(report256.final.boundingBox, [2, 2, 2, 4, 4, 4])
        XCTAssertEqual(mask256.voxels, labels.voxels.map { $0 == 256 ? 1 : 0 })
        let (_, report1) = try MaskLoader.load(maskPath: path, image: Self.grid,
                                               settings: MaskSettings(label: 1))
        XCTAssertEqual(report1.final.voxelCount, 8)
    }

    func testEmptyMaskIsReportedAsEmpty() {
        assertError({ try MaskLoader.select(maskValues: ImageVolume(geometry: Self.grid, repeating: 0),
                                            image: Self.grid, settings: MaskSettings(), file: "m") },
                    field: "label", contains: ["empty"])
    }

    /// Image in NIfTI (origin stored as float32: z = -881.2999877929688) and mask in NRRD with
    /// the scan's double origin z = -881.3: the 1.2e-5 mm difference is accepted by default,
    /// and so is a 2 micrometre shift (tolerance 1e-3 x 4 mm = 4 micrometres). With
    /// geometryTolerance 1e-6 (SimpleITK's default, which PyRadiomics uses) the float32 rounding
    /// is refused, as PyRadiomics refuses it.
    func testNIfTIImageAndNRRDMaskOriginsDifferingByMicrometresAreAccepted() throws {
        let folder = try TemporaryFolder()
        let imagePath = folder.file("image.nii.gz")
        try ImageIO.writeNIfTI(cube(Self.grid, value: 3.5), path: imagePath)
        let image = try ImageIO.readImage(path: imagePath)
        XCTAssertEqual(image.geometry.origin.z, -881.2999877929688)
        for shift in [0.0, 0.002] {
            let maskPath = try folder.write("mask.nrrd", try nrrdFile(
                fields: [("type", "uchar"), ("dimension", "3"), ("sizes", "10 10 10"),
                         ("space", "left-posterior-superior"),
                         ("space directions", "(4,0,0) (0,4,0) (0,0,3)"),
                         ("space origin", "(\(-21.09375 + shift),-86.71875,-881.3)")],
                payload: voxelBytes(cube(Self.grid, value: 1).voxels, type: .uint8, bigEndian: false),
                gzip: true))
            let (mask, report) = try MaskLoader.load(maskPath: maskPath, image: image.geometry,
                                                     settings: MaskSettings())
            XCTAssertFalse(report.wasResampled)
            XCTAssertEqual(report.final.voxelCount, 64)
            XCTAssertEqual(mask.geometry, image.geometry)
            XCTAssertEqual(report.geometry.origin.z, -881.3 + 881.2999877929688, accuracy: 1e-12)
        }
        let maskPath = folder.file("mask.nrrd")
        try FileManager.default.removeItem(atPath: maskPath)
        try folder.write("mask.nrrd", try nrrdFile(
            fields: [("type", "uchar"), ("dimension", "3"), ("sizes", "10 10 10"),
                     ("space directions", "(4,0,0) (0,4,0) (0,0,3)"),
                     ("space origin", "(-21.09375,-86.71875,-881.3)")],
            payload: voxelBytes(cube(Self.grid, value: 1).voxels, type: .uint8, bigEndian: false),
            gzip: false))
        assertError({ try MaskLoader.load(maskPath: maskPath, image: image.geometry,
                                          settings: MaskSettings(geometryTolerance: 1e-6)) },
                    field: "geometry", contains: ["origin differs by (0, 0, -1.22"])
    }

    /// A mask shifted by 0.45 mm in x: refused with correctMask off, the difference per axis in
    /// the message.
    func testMaskShiftedByPoint45mmIsRefusedWithPerAxisDifference() throws {
        var shifted = Self.grid
        shifted.origin.x += 0.45
        assertError({ try MaskLoader.select(maskValues: self.cube(shifted, value: 1), image: Self.grid,
                                            settings: MaskSettings(), file: "mask.nrrd") },
                    field: "geometry", contains: ["origin differs by (0.45, 0, 0) mm", "correctMask"])
    }

    /// With correctMask a 0.45 mm shift (less than half a 4 mm voxel) puts every ROI voxel on the
    /// image voxel with the same index.
    func testMaskShiftedByPoint45mmWithCorrectMaskKeepsTheROI() throws {
        var shifted = Self.grid
        shifted.origin.x += 0.45
        let (mask, report) = try MaskLoader.select(
            maskValues: cube(shifted, value: 1), image: Self.grid,
            settings: MaskSettings(correctMask: true), file: "mask.nrrd")
        XCTAssertTrue(report.wasResampled)
        XCTAssertEqual(report.roiVoxelsOutsideImage, 0)
        XCTAssertEqual(mask.voxels, cube(Self.grid, value: 1).voxels.map { UInt8($0) })
    }

    /// A mask one slice shorter whose first slice is the image's slice 1: the ROI lands by
    /// physical position (mask slice k -> image slice k + 1), never by array index. Without
    /// correctMask the size difference is refused.
    func testMaskOneSliceShorterIsPlacedByPhysicalPosition() throws {
        var short = Self.grid
        short.size.z = 9
        short.origin.z += 3  // one 3 mm slice further
        var values = ImageVolume(geometry: short, repeating: 0)
        for y in 2...5 { for x in 2...5 { values[x, y, 0] = 1; values[x, y, 8] = 1 } }
        assertError({ try MaskLoader.select(maskValues: values, image: Self.grid,
                                            settings: MaskSettings(), file: "m") },
                    field: "geometry", contains: ["size differs by (0, 0, -1)", "origin differs by (0, 0, 3) mm"])
        let (mask, report) = try MaskLoader.select(maskValues: values, image: Self.grid,
                                                   settings: MaskSettings(correctMask: true),
                                                   file: "m")
        XCTAssertEqual(report.original.boundingBox, [2, 2, 0, 4, 4, 9])
        XCTAssertEqual(report.final.boundingBox, [2, 2, 1, 4, 4, 9])
        XCTAssertEqual(report.final.voxelCount, 32)
        XCTAssertEqual(mask[2, 2, 1], 1)
        XCTAssertEqual(mask[2, 2, 9], 1)
        XCTAssertEqual(mask[2, 2, 0], 0)
        XCTAssertEqual(report.roiVoxelsOutsideImage, 0)
        // Physical centre of mass is unchanged by the move to the image grid.
        for axis in 0..<3 {
            XCTAssertEqual(report.final.centerOfMass[axis], report.original.centerOfMass[axis],
                           accuracy: 1e-9)
        }
    }

    /// A mask grid starting 3 voxels before the image in x, with an ROI over mask x = 1...6
    /// (image x = -2...3): the 2 x 4 x 4 = 32 ROI voxels at image x = -2, -1 fall outside, are
    /// counted and reported; the 64 inside stay.
    func testMaskPartlyOutsideImageCountsVoxelsOutside() throws {
        var wide = Self.grid
        wide.origin.x -= 12
        var values = ImageVolume(geometry: wide, repeating: 0)
        for z in 2...5 { for y in 2...5 { for x in 1...6 { values[x, y, z] = 1 } } }
        let (mask, report) = try MaskLoader.select(maskValues: values, image: Self.grid,
                                                   settings: MaskSettings(correctMask: true),
                                                   file: "m")
        XCTAssertEqual(report.original.voxelCount, 96)
        XCTAssertEqual(report.roiVoxelsOutsideImage, 32)
        XCTAssertEqual(report.final.voxelCount, 64)
        XCTAssertEqual(report.final.boundingBox, [0, 2, 2, 4, 4, 4])
        XCTAssertTrue(report.warnings.contains { $0.contains("32 of 96 ROI voxels fall outside") })
        XCTAssertEqual(mask[0, 2, 2], 1)
    }

    func testMaskEntirelyOutsideImageIsRefused() {
        var far = Self.grid
        far.origin.x += 1000
        assertError({ try MaskLoader.select(maskValues: self.cube(far, value: 1), image: Self.grid,
                                            settings: MaskSettings(correctMask: true), file: "m") },
                    field: "geometry", contains: ["64 of 64 ROI voxels fall outside"])
    }

    /// minimumROIDimensions: a one-slice ROI (2D) fails 3 and passes 2; a single voxel fails the
    /// default (PyRadiomics: "mask only contains 1 segmented voxel") and passes 0.
    func testMinimumROIDimensions() throws {
        var slice = ImageVolume(geometry: Self.grid, repeating: 0)
        for y in 2...5 { for x in 2...5 { slice[x, y, 4] = 1 } }
        assertError({ try MaskLoader.select(maskValues: slice, image: Self.grid,
                                            settings: MaskSettings(minimumROIDimensions: 3), file: "m") },
                    field: "minimumROIDimensions", contains: ["2 dimension(s)"])
        XCTAssertEqual(try MaskLoader.select(maskValues: slice, image: Self.grid,
                                             settings: MaskSettings(), file: "m").report.final.dimensionality, 2)
        var single = ImageVolume(geometry: Self.grid, repeating: 0)
        single[3, 3, 3] = 1
        assertError({ try MaskLoader.select(maskValues: single, image: Self.grid,
                                            settings: MaskSettings(), file: "m") },
                    field: "minimumROIDimensions", contains: ["single voxel"])
        let one = try MaskLoader.select(maskValues: single, image: Self.grid,
                                        settings: MaskSettings(minimumROIDimensions: 0), file: "m")
        XCTAssertEqual(one.report.final.voxelCount, 1)
        XCTAssertEqual(one.report.final.centerOfMassIndex, SIMD3(3, 3, 3))
    }

    /// minimumROISize: PyRadiomics refuses voxelCount <= minimumROISize, so 64 voxels fail 64
    /// and pass 63.
    func testMinimumROISize() throws {
        let roi = cube(Self.grid, value: 1)
        assertError({ try MaskLoader.select(maskValues: roi, image: Self.grid,
                                            settings: MaskSettings(minimumROISize: 64), file: "m") },
                    field: "minimumROISize", contains: ["64 voxels"])
        XCTAssertNoThrow(try MaskLoader.select(maskValues: roi, image: Self.grid,
                                               settings: MaskSettings(minimumROISize: 63), file: "m"))
    }

    /// Two cubes touching only at a corner are one 26-connected component (VolumeNum 1); apart
    /// they are two.
    func testComponentCountUses26Connectivity() throws {
        var v = ImageVolume(geometry: Self.grid, repeating: 0)
        v[2, 2, 2] = 1; v[3, 3, 3] = 1; v[3, 2, 2] = 1
        let roi = try XCTUnwrap(ROIStatistics.of(Volume(geometry: Self.grid,
                                                        voxels: v.voxels.map { UInt8($0) })))
        XCTAssertEqual(roi.componentCount, 1)
        v[8, 8, 8] = 1
        XCTAssertEqual(ROIStatistics.of(Volume(geometry: Self.grid,
                                               voxels: v.voxels.map { UInt8($0) }))?.componentCount, 2)
    }
}

extension Array where Element == Int32 {
    func withVolume(_ geometry: Geometry) -> LabelVolume { Volume(geometry: geometry, voxels: self) }
}

/// `diagnostics_Image-original_Hash` / `diagnostics_Mask-original_Hash`.
final class ImageHashTests: XCTestCase {
    /// FIPS 180 test vectors ("abc", and the empty message).
    func testSHA1KnownVectors() {
        XCTAssertEqual(sha1Hex(Data("abc".utf8)), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(sha1Hex(Data()), "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        XCTAssertEqual(sha1Hex(Data(String(repeating: "a", count: 1_000).utf8)),
                       "291e9a6c66994949b57ba5e650361e98fc36b1ba")
    }

    /// Every PyRadiomics test case: image and mask hashes equal the baseline's (PyRadiomics
    /// baseline, SimpleITK Hash; the README confirms they match these files).
    func testPyRadiomicsHashesMatchBaseline() throws {
        let baseline = try ReferenceData.requiredPath(
            "pyradiomics-testcases/baseline/baseline_firstorder.csv")
        let table = try CSVTable.read(path: baseline)
        let folder = (baseline as NSString).deletingLastPathComponent + "/.."
        for name in ImageReaderTests.cases {
            let (image, header) = try ImageIO.read(path: "\(folder)/\(name)_image.nrrd")
            let mask = try ImageIO.readMaskValues(path: "\(folder)/\(name)_label.nrrd")
            XCTAssertEqual(ImageHash.image(image, header: header),
                           baselineValue(table, row: "diagnostics_Image-original_Hash", testCase: name))
            XCTAssertEqual(ImageHash.mask(mask),
                           baselineValue(table, row: "diagnostics_Mask-original_Hash", testCase: name))
        }
    }

    /// STS_001: SimpleITK 2.5.7 sitk.Hash gives 65db43db2f0008ce983c36d7eed18c6247826568 for the
    /// float32 PET and aafe9dbbb20f79e59c08a51482479a1ca8a573c2 for the mask cast to UInt32.
    func testSTS001HashesMatchSimpleITK() throws {
        guard let folder = ReferenceData.path("pet/ibsi-sts-validation/STS_001") else {
            throw XCTSkip("ibsi-sts-validation absent")
        }
        let (image, header) = try ImageIO.read(path: folder + "/pet_image.nii.gz")
        XCTAssertEqual(ImageHash.image(image, header: header),
                       "65db43db2f0008ce983c36d7eed18c6247826568")
        XCTAssertEqual(ImageHash.mask(try ImageIO.readMaskValues(path: folder + "/pet_mask.nii.gz")),
                       "aafe9dbbb20f79e59c08a51482479a1ca8a573c2")
    }
}
