import Foundation

/// A voxel type as stored on disk (NRRD `type`, NIfTI `datatype`).
public enum ScalarType: String, Sendable, CaseIterable {
    case int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64

    /// Bytes per voxel.
    public var byteCount: Int {
        switch self {
        case .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        }
    }

    /// True for int8 ... uint64.
    public var isInteger: Bool { self != .float32 && self != .float64 }
}

/// Converts `count` voxels of `type` starting at `bytes` into Doubles, swapping bytes when
/// the file's byte order differs from the machine's. Every type up to 32 bits converts exactly;
/// 64-bit integers beyond 2^53 are rounded to the nearest Double.
func decodeVoxels(_ bytes: UnsafeRawBufferPointer, type: ScalarType, count: Int,
                  bigEndian: Bool) -> [Double] {
    precondition(bytes.count >= count * type.byteCount,
                 "decodeVoxels: \(bytes.count) bytes for \(count) voxels of \(type)")
    let swap = bigEndian != (1.bigEndian == 1)
    return [Double](unsafeUninitializedCapacity: count) { out, initialised in
        func convert<T: FixedWidthInteger>(_: T.Type, _ make: (T) -> Double) {
            for i in 0..<count {
                let raw = bytes.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
                out[i] = make(swap ? raw.byteSwapped : raw)
            }
        }
        switch type {
        case .int8: convert(Int8.self) { Double($0) }
        case .uint8: convert(UInt8.self) { Double($0) }
        case .int16: convert(Int16.self) { Double($0) }
        case .uint16: convert(UInt16.self) { Double($0) }
        case .int32: convert(Int32.self) { Double($0) }
        case .uint32: convert(UInt32.self) { Double($0) }
        case .int64: convert(Int64.self) { Double($0) }
        case .uint64: convert(UInt64.self) { Double($0) }
        case .float32: convert(UInt32.self) { Double(Float(bitPattern: $0)) }
        case .float64: convert(UInt64.self) { Double(bitPattern: $0) }
        }
        initialised = count
    }
}

/// Encodes Doubles as little-endian voxels of `type` (values are rounded and clamped to the
/// type's range for integer types).
func encodeVoxels(_ values: [Double], type: ScalarType) -> Data {
    var data = Data(count: values.count * type.byteCount)
    data.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) in
        func store<T: FixedWidthInteger>(_: T.Type) {
            let low = Double(T.min), high = Double(T.max)
            for (i, v) in values.enumerated() {
                let clamped = v.isNaN ? 0 : min(max(v.rounded(), low), high)
                out.storeBytes(of: T(clamped).littleEndian, toByteOffset: i * T.bitWidth / 8,
                               as: T.self)
            }
        }
        switch type {
        case .int8: store(Int8.self)
        case .uint8: store(UInt8.self)
        case .int16: store(Int16.self)
        case .uint16: store(UInt16.self)
        case .int32: store(Int32.self)
        case .uint32: store(UInt32.self)
        case .int64, .uint64:
            for (i, v) in values.enumerated() {
                let clamped = v.isNaN ? 0 : min(max(v.rounded(), -9.2e18), 9.2e18)
                out.storeBytes(of: Int64(clamped).littleEndian, toByteOffset: i * 8, as: Int64.self)
            }
        case .float32:
            for (i, v) in values.enumerated() {
                out.storeBytes(of: Float(v).bitPattern.littleEndian, toByteOffset: i * 4,
                               as: UInt32.self)
            }
        case .float64:
            for (i, v) in values.enumerated() {
                out.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: i * 8, as: UInt64.self)
            }
        }
    }
    return data
}
