import Foundation
import XCTest
@testable import PetradImage
@testable import PetradImageOps

/// `StoredVolume`'s one-pass scans on voxels as stored (every scalar type, both byte orders,
/// NIfTI scaling) against the same quantities computed on the Doubles `ImageIO.read` returns:
/// the label's bounding box and selection (as `Cropping.boundingBox` finds them), and the
/// minimum, maximum and sum (exact: tolerance 0). And the B-spline resampling of a stored image
/// against resampling the whole volume (bit-identical).
final class StoredVolumeTests: XCTestCase {
    let size = SIMD3(37, 23, 9)

    /// Values in every type's range, a few of them equal to `label` in a known box.
    func values(label: Double, type: ScalarType) -> [Double] {
        var generator = SystemRandomNumberGenerator()
        let high: Double = type.byteCount == 1 ? 100 : 3000
        let low: Double = type.isInteger && !["int8", "int16", "int32", "int64"]
            .contains(type.rawValue) ? 0 : -high
        var v = (0..<(size.x * size.y * size.z)).map { _ in
            (Double.random(in: low...high, using: &generator)).rounded()
        }
        for i in v.indices where v[i] == label { v[i] = label + 1 }
        for (x, y, z) in [(5, 7, 2), (30, 9, 6), (12, 20, 4)] {
            v[x + size.x * (y + size.y * z)] = label
        }
        return v
    }

    func nrrd(_ v: [Double], type: ScalarType, bigEndian: Bool, gzip: Bool) throws -> Data {
        let names: [ScalarType: String] = [.int8: "int8", .uint8: "uint8", .int16: "int16",
                                           .uint16: "uint16", .int32: "int32", .uint32: "uint32",
                                           .int64: "int64", .uint64: "uint64",
                                           .float32: "float", .float64: "double"]
        return try nrrdFile(fields: [("type", names[type]!), ("dimension", "3"),
                                     ("sizes", "\(size.x) \(size.y) \(size.z)"),
                                     ("endian", bigEndian ? "big" : "little")],
                            payload: voxelBytes(v, type: type, bigEndian: bigEndian), gzip: gzip)
    }

    func testScansAgreeWithTheDoubles() throws {
        let label = 3.0
        for type in ScalarType.allCases {
            for bigEndian in [false, true] {
                for gzip in [false, true] {
                    let data = try nrrd(values(label: label, type: type), type: type,
                                        bigEndian: bigEndian, gzip: gzip)
                    let what = "\(type) big-endian \(bigEndian) gzip \(gzip)"
                    let stored = try ImageIO.readStored(data: data, format: .nrrd).stored
                    let doubles = try ImageIO.read(data: data, format: .nrrd).volume
                    XCTAssertEqual(stored.values(), doubles.voxels, what)

                    let selected = Volume<UInt8>(geometry: doubles.geometry,
                                                 voxels: doubles.voxels.map { $0 == label ? 1 : 0 })
                    let box = try XCTUnwrap(stored.boundingBox(ofValue: label), what)
                    let expected = try XCTUnwrap(Cropping.boundingBox(of: selected), what)
                    XCTAssertEqual(box.lower, expected.lower, what)
                    XCTAssertEqual(box.upper, expected.upper, what)
                    XCTAssertEqual(box.count, 3, what)
                    let window = stored.selection(ofValue: label, lower: box.lower,
                                                  upper: box.upper)
                    XCTAssertEqual(window.reduce(0) { $0 + Int($1) }, 3, what)
                    XCTAssertNil(stored.boundingBox(ofValue: 0.5), what)

                    if let summary = stored.exactIntegerSummary() {
                        XCTAssertEqual(summary.minimum, doubles.voxels.min(), what)
                        XCTAssertEqual(summary.maximum, doubles.voxels.max(), what)
                        XCTAssertEqual(summary.sum, doubles.voxels.reduce(0, +), what)
                    } else {
                        XCTAssertFalse(type.isInteger && type.byteCount <= 4, what)
                    }
                }
            }
        }
    }

    /// A scaled NIfTI: the stored values go through ITK's float32 rescaling, and no integer
    /// shortcut applies.
    func testScaledNIfTIDecodesAsTheReader() throws {
        let folder = try TemporaryFolder()
        let v = values(label: 3, type: .int16)
        var patch = NIfTIPatch(bytes: NIfTI.encode(geometry: Geometry(size: size), values: v,
                                                   type: .int16))
        patch.float(112, 0.37)  // scl_slope
        patch.float(116, -12.5)  // scl_inter
        let path = try folder.write("scaled.nii", patch.bytes)
        let stored = try ImageIO.readStored(path: path).stored
        XCTAssertEqual(stored.values(), try ImageIO.read(path: path).volume.voxels)
        XCTAssertNil(stored.exactIntegerSummary())
        let scaledLabel = stored.values()[5 + size.x * (7 + size.y * 2)]
        XCTAssertEqual(stored.boundingBox(ofValue: scaledLabel)?.count, 3)
    }

    /// The prefilter block is cut inside the image on x and y (the image is much larger than
    /// the output plus the 64-voxel margin): same values as from the whole volume.
    func testBSplineOnStoredImageEqualsWholeVolume() throws {
        let big = SIMD3(260, 200, 7)
        var generator = SystemRandomNumberGenerator()
        let v = (0..<(big.x * big.y * big.z)).map { _ in
            Double(Int.random(in: -1000...1000, using: &generator))
        }
        let data = try nrrdFile(fields: [("type", "short"), ("dimension", "3"),
                                         ("sizes", "\(big.x) \(big.y) \(big.z)"),
                                         ("spacings", "0.7 0.7 3"), ("endian", "little")],
                                payload: voxelBytes(v, type: .int16, bigEndian: false),
                                gzip: true)
        let stored = try ImageIO.readStored(data: data, format: .nrrd).stored
        let whole = try ImageIO.read(data: data, format: .nrrd).volume
        let target = Geometry(size: SIMD3(9, 7, 5), spacing: SIMD3(2, 2, 3),
                              origin: SIMD3(95.3, 70.1, 1.5))
        let a = Resampling.resampleBSpline(stored, onto: target, outputType: .float64)
        let b = Resampling.resample(whole, onto: target, interpolator: .bSpline,
                                    outputType: .float64)
        XCTAssertEqual(a.voxels.map(\.bitPattern), b.voxels.map(\.bitPattern))
        XCTAssertTrue(a.voxels.contains { $0 != 0 })

        // The coefficients of a needed box cut inside the image (widened by the margin, only
        // the lines leading to it filtered) against those of the whole volume, bit for bit.
        let full = BSplineCoefficients(volume: whole)
        let needLower = SIMD3(100, 80, 2), needUpper = SIMD3(140, 95, 4)
        let part = BSplineCoefficients(volume: whole, needLower: needLower, needUpper: needUpper)
        var compared = 0
        for z in needLower.z...needUpper.z {
            for y in needLower.y...needUpper.y {
                for x in needLower.x...needUpper.x {
                    let p = SIMD3(x, y, z)
                    let i = p &- part.lower
                    let value = part.values.pointer[i.x + part.blockSize.x
                                                    * (i.y + part.blockSize.y * i.z)]
                    let reference = full.values.pointer[x + big.x * (y + big.y * z)]
                    if value.bitPattern != reference.bitPattern {
                        XCTFail("coefficient \(p): \(value) vs \(reference)")
                        return
                    }
                    compared += 1
                }
            }
        }
        XCTAssertEqual(compared, 41 * 16 * 3)
    }

    /// A volume read in several slices (more than 64 parts of 65,536 voxels): the same
    /// minimum, maximum and sum as the Doubles (exact: tolerance 0).
    func testSummaryOfALargeVolumeInSlices() throws {
        let big = SIMD3(256, 256, 80)
        var generator = SystemRandomNumberGenerator()
        var v = (0..<(big.x * big.y * big.z)).map { _ in
            Double(Int.random(in: -3000...3000, using: &generator))
        }
        v[17] = -32768
        v[v.count - 5] = 32767
        let data = try nrrdFile(fields: [("type", "short"), ("dimension", "3"),
                                         ("sizes", "\(big.x) \(big.y) \(big.z)"),
                                         ("endian", "little")],
                                payload: voxelBytes(v, type: .int16, bigEndian: false),
                                gzip: false)
        let stored = try ImageIO.readStored(data: data, format: .nrrd).stored
        let summary = try XCTUnwrap(stored.exactIntegerSummary())
        XCTAssertEqual(summary.minimum, -32768)
        XCTAssertEqual(summary.maximum, 32767)
        XCTAssertEqual(summary.sum, v.reduce(0, +))
    }

    /// The eight-line vector prefilter against the general one on the same lines: the same
    /// bits, for lines longer than the causal initialisation's horizon and shorter ones.
    func testEightLineFilterEqualsTheGeneralOne() {
        var generator = SystemRandomNumberGenerator()
        for length in [2, 3, 17, 19, 40, 295] {
            let values = (0..<(8 * length)).map { _ in
                Double.random(in: -1000...1000, using: &generator)
            }
            let a = UnsafeMutablePointer<Double>.allocate(capacity: values.count)
            let b = UnsafeMutablePointer<Double>.allocate(capacity: values.count)
            defer {
                a.deallocate()
                b.deallocate()
            }
            a.initialize(from: values, count: values.count)
            b.initialize(from: values, count: values.count)
            var sum = [Double](repeating: 0, count: 8)
            BSplineCoefficients.filter(a, length: length, stride: 8, width: 8, sum: &sum)
            BSplineCoefficients.filter8(b, length: length)
            for i in 0..<values.count where a[i].bitPattern != b[i].bitPattern {
                XCTFail("length \(length), sample \(i): \(a[i]) vs \(b[i])")
                break
            }
        }
    }

    /// The buffer kept for reuse, cut to the size of the next request: that request takes it
    /// (its pages already there), a larger one does not; cut below the mapping threshold, it
    /// is given back whole.
    func testKeptBufferCutToTheNextRequest() {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        LargeMemory.releaseKept()
        let first = LargeMemory.allocate(byteCount: 8 << 20)
        LargeMemory.deallocate(first, byteCount: 8 << 20)
        XCTAssertEqual(LargeMemory.keptByteCount, 8 << 20)
        LargeMemory.trimKept(to: (3 << 20) + 1)
        XCTAssertEqual(LargeMemory.keptByteCount, (3 << 20) + page)
        let larger = LargeMemory.allocate(byteCount: 4 << 20)
        XCTAssertNotEqual(larger, first)
        let taken = LargeMemory.allocate(byteCount: (3 << 20) + page)
        XCTAssertEqual(taken, first)
        XCTAssertEqual(LargeMemory.keptByteCount, 0)
        taken.storeBytes(of: 1, toByteOffset: (3 << 20) + page - 8, as: Int64.self)
        LargeMemory.deallocate(taken, byteCount: (3 << 20) + page)
        LargeMemory.deallocate(larger, byteCount: 4 << 20)
        XCTAssertEqual(LargeMemory.keptByteCount, 4 << 20)
        LargeMemory.trimKept(to: 1000)
        XCTAssertEqual(LargeMemory.keptByteCount, 0)
    }
}
