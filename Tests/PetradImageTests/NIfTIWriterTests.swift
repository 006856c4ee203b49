import Foundation
import XCTest
@testable import PetradImage

/// NIfTI-1 writing: round trips through petrad's reader. The same files read with SimpleITK
/// 2.5.7 gave the same geometry (checked by hand when the writer was made: origin, spacing and
/// direction within float32 rounding, sform chosen, voxels equal).
final class NIfTIWriterTests: XCTestCase {
    /// 30 degrees about z, then the y axis reversed (a reflection, so qfac = -1 is needed).
    static let rotated: Geometry = {
        let c = cos(Double.pi / 6), s = sin(Double.pi / 6)
        return Geometry(size: SIMD3(5, 4, 3), spacing: SIMD3(0.78125, 1.5, 6.5),
                        origin: SIMD3(-99.609375, 99.609375, -78.25),
                        direction: [c, s, 0, s, -c, 0, 0, 0, 1])
    }()

    static let plain = Geometry(size: SIMD3(5, 4, 3), spacing: SIMD3(4.6875, 4.6875, 3.27),
                                origin: SIMD3(-21.09375, -86.71875, -881.3))

    func assertSameGrid(_ read: Geometry, _ written: Geometry, file: StaticString = #filePath,
                        line: UInt = #line) {
        XCTAssertEqual(read.size, written.size, file: file, line: line)
        for axis in 0..<3 {
            // Header fields are float32: relative rounding at most 2^-24.
            XCTAssertEqual(read.spacing[axis], written.spacing[axis],
                           accuracy: 1e-7 * written.spacing[axis], file: file, line: line)
            XCTAssertEqual(read.origin[axis], written.origin[axis],
                           accuracy: 1e-7 * max(1, abs(written.origin[axis])), file: file, line: line)
        }
        for k in 0..<9 {
            XCTAssertEqual(read.direction[k], written.direction[k], accuracy: 1e-7,
                           "direction[\(k)]", file: file, line: line)
        }
    }

    func testFloat32RoundTripWithRotationAndReflection() throws {
        let folder = try TemporaryFolder()
        let values = (0..<60).map { Double(Float(Double($0) * 0.37 - 4)) }
        let path = folder.file("f.nii")
        try ImageIO.writeNIfTI(ImageVolume(geometry: Self.rotated, voxels: values), path: path)
        let (image, header) = try ImageIO.read(path: path)
        XCTAssertEqual(header.scalarType, .float32)
        XCTAssertEqual(header.qformCode, 1)
        XCTAssertEqual(header.sformCode, 1)
        XCTAssertEqual(header.transformSource, "sform")
        assertSameGrid(image.geometry, Self.rotated)
        XCTAssertEqual(image.voxels, values)
    }

    /// float64 voxels survive exactly, gzip-compressed.
    func testFloat64GzipRoundTripIsExact() throws {
        let folder = try TemporaryFolder()
        let values = (0..<60).map { 1.0 / Double($0 + 3) }
        let path = folder.file("d.nii.gz")
        try ImageIO.writeNIfTI(ImageVolume(geometry: Self.plain, voxels: values), path: path,
                               type: .float64)
        let (image, header) = try ImageIO.read(path: path)
        XCTAssertTrue(header.compressed)
        XCTAssertEqual(header.scalarType, .float64)
        XCTAssertEqual(image.voxels, values)
        assertSameGrid(image.geometry, Self.plain)
    }

    /// The qform alone (sform code cleared) gives the same grid as the sform.
    func testQformAloneGivesTheSameGrid() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("q.nii")
        try ImageIO.writeNIfTI(ImageVolume(geometry: Self.rotated, repeating: 1), path: path)
        var patch = NIfTIPatch(bytes: try Data(contentsOf: URL(fileURLWithPath: path)))
        patch.int16(254, 0)
        let qonly = try folder.write("qonly.nii", patch.bytes)
        let (image, header) = try ImageIO.read(path: qonly)
        XCTAssertEqual(header.transformSource, "qform")
        assertSameGrid(image.geometry, Self.rotated)
    }

    /// Label maps as int16, int32, uint8 and uint16: labels (including 256 and negative ones
    /// where the type allows) read back exactly, with the type on disk.
    func testLabelMapsRoundTripInEachIntegerType() throws {
        let folder = try TemporaryFolder()
        for (type, labels) in [(ScalarType.int16, [0, 1, 256, -3, 32767]),
                               (.int32, [0, 1, 256, 70000, -2]), (.uint8, [0, 1, 2, 255, 7]),
                               (.uint16, [0, 1, 256, 65535, 9])] {
            let voxels = (0..<60).map { Int32(labels[$0 % labels.count]) }
            for name in ["l.nii", "l.nii.gz"] {
                let path = folder.file(name)
                try ImageIO.writeNIfTI(LabelVolume(geometry: Self.plain, voxels: voxels), path: path,
                                       type: type)
                let (read, header) = try ImageIO.read(path: path)
                XCTAssertEqual(header.scalarType, type)
                XCTAssertEqual(read.voxels, voxels.map(Double.init), "\(type) \(name)")
            }
        }
    }

    func testBinaryMaskRoundTrip() throws {
        let folder = try TemporaryFolder()
        let voxels = (0..<60).map { UInt8($0 % 3 == 0 ? 1 : 0) }
        let path = folder.file("m.nii.gz")
        try ImageIO.writeNIfTI(Volume(geometry: Self.plain, voxels: voxels), path: path)
        XCTAssertEqual(try ImageIO.readMaskValues(path: path).voxels, voxels.map(Double.init))
    }

    /// A label that does not fit the requested type is an error naming it, never wrapped.
    func testLabelTooLargeForTypeIsRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("l.nii")
        XCTAssertThrowsError(try ImageIO.writeNIfTI(
            LabelVolume(geometry: Self.plain, voxels: [Int32](repeating: 256, count: 60)),
            path: path, type: .uint8)) { error in
            XCTAssertEqual((error as? InputError)?.value, "256")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    /// NIfTI-2 (540-byte header, float64 fields) built by hand with nibabel 5's field offsets:
    /// qform diag(-2,-3,4) with offset (10.5, 20.25, -30.125), float32 voxels, scl_slope 2,
    /// scl_inter 1 (SimpleITK 2.5.7 cannot read NIfTI-2; expected values follow NIfTI-1 rules).
    func testNIfTI2HeaderIsRead() throws {
        var bytes = Data(count: 544)
        bytes.withUnsafeMutableBytes { (p: UnsafeMutableRawBufferPointer) in
            func i16(_ o: Int, _ v: Int16) { p.storeBytes(of: v, toByteOffset: o, as: Int16.self) }
            func i32(_ o: Int, _ v: Int32) { p.storeBytes(of: v, toByteOffset: o, as: Int32.self) }
            func i64(_ o: Int, _ v: Int64) { p.storeBytes(of: v, toByteOffset: o, as: Int64.self) }
            func f64(_ o: Int, _ v: Double) { p.storeBytes(of: v, toByteOffset: o, as: Double.self) }
            i32(0, 540)
            for (k, b) in [0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a].enumerated() {
                p[4 + k] = UInt8(b)
            }
            i16(12, 16)
            i16(14, 32)
            for (k, d) in [Int]([3, 2, 3, 4, 1, 1, 1, 1]).enumerated() { i64(16 + 8 * k, Int64(d)) }
            for (k, d) in [Double]([1, 2, 3, 4, 1, 1, 1, 1]).enumerated() { f64(104 + 8 * k, d) }
            i64(168, 544)
            f64(176, 2)
            f64(184, 1)
            i32(344, 1)
            i32(348, 0)
            f64(368, 1)  // quatern_d = 1: 180 degrees about z
            f64(376, 10.5); f64(384, 20.25); f64(392, -30.125)
            i32(500, 2)
        }
        bytes += encodeVoxels((0..<24).map(Double.init), type: .float32)
        let folder = try TemporaryFolder()
        let (image, header) = try ImageIO.read(path: try folder.write("two.nii", bytes))
        XCTAssertEqual(header.format, .nifti2)
        XCTAssertEqual(image.geometry.size, SIMD3(2, 3, 4))
        XCTAssertEqual(image.geometry.spacing, SIMD3(2, 3, 4))
        XCTAssertEqual(image.geometry.origin, SIMD3(-10.5, -20.25, -30.125))
        XCTAssertEqual(image.geometry.direction, [1, 0, 0, 0, 1, 0, 0, 0, 1])
        XCTAssertEqual(image.voxels, (0..<24).map { 2 * Double($0) + 1 })
    }
}

