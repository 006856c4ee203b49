import Foundation
import XCTest
@testable import PetradImage

/// Builders for small synthetic NRRD and NIfTI files written into a fresh temporary folder.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "petrad-io-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `bytes` to `name` and returns the path.
    @discardableResult
    func write(_ name: String, _ bytes: Data) throws -> String {
        let target = file(name)
        try bytes.write(to: URL(fileURLWithPath: target))
        return target
    }
}

/// A NRRD file: header text (fields given in order) + voxel bytes, optionally gzip-compressed.
func nrrdFile(fields: [(String, String)], payload: Data, gzip: Bool) throws -> Data {
    var text = "NRRD0004\n# written by a petrad test\n"
    for (key, value) in fields { text += "\(key): \(value)\n" }
    text += "encoding: \(gzip ? "gzip" : "raw")\n\n"
    let body = gzip ? try gzipCompress(payload, file: "test") : payload
    return Data(text.utf8) + body
}

/// Raw bytes of `values` as `type`, in the given byte order.
func voxelBytes(_ values: [Double], type: ScalarType, bigEndian: Bool) -> Data {
    let little = encodeVoxels(values, type: type)
    guard bigEndian, type.byteCount > 1 else { return little }
    var swapped = Data(count: little.count)
    let n = type.byteCount
    for i in stride(from: 0, to: little.count, by: n) {
        for k in 0..<n { swapped[i + k] = little[i + n - 1 - k] }
    }
    return swapped
}

/// Header patching for synthetic NIfTI-1 files (little-endian field offsets of nifti1.h).
struct NIfTIPatch {
    var bytes: Data

    mutating func int16(_ offset: Int, _ value: Int) {
        bytes.withUnsafeMutableBytes {
            $0.storeBytes(of: Int16(value).littleEndian, toByteOffset: offset, as: Int16.self)
        }
    }

    mutating func float(_ offset: Int, _ value: Double) {
        bytes.withUnsafeMutableBytes {
            $0.storeBytes(of: Float(value).bitPattern.littleEndian, toByteOffset: offset,
                          as: UInt32.self)
        }
    }

    mutating func qform(code: Int, quatern: SIMD3<Double>, offset: SIMD3<Double>, qfac: Double) {
        int16(252, code)
        float(256, quatern.x); float(260, quatern.y); float(264, quatern.z)
        float(268, offset.x); float(272, offset.y); float(276, offset.z)
        float(76, qfac)
    }

    /// `rows` is the 3x4 index-to-RAS matrix, row-major.
    mutating func sform(code: Int, rows: [Double]) {
        int16(254, code)
        for (k, v) in rows.enumerated() { float(280 + 4 * k, v) }
    }
}

/// Reference table rows from PyRadiomics' baseline CSV: value of `row` in the first column whose
/// test case is `testCase` and where the value is non-empty.
func baselineValue(_ table: CSVTable, row: String, testCase: String) -> String? {
    guard let caseRow = table.rows.first(where: { $0.first == "diagnostics_Configuration_TestCase" }),
          let valueRow = table.rows.first(where: { $0.first == row }) else { return nil }
    for column in 1..<caseRow.count where caseRow[column] == testCase {
        if column < valueRow.count, !valueRow[column].isEmpty { return valueRow[column] }
    }
    return nil
}

/// "(1.5, 2, 3)" -> [1.5, 2, 3].
func tupleValues(_ text: String) -> [Double] {
    text.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
        .split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
}
