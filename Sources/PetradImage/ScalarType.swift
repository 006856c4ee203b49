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

/// Converts `count` voxels of `type` starting at `bytes` into Doubles at `out`, reversing
/// each voxel's bytes when `swap` is set (the file's byte order differs from the machine's).
/// Every type up to 32 bits converts exactly; 64-bit integers beyond 2^53 are rounded to the
/// nearest Double.
func decodeVoxels(_ bytes: UnsafeRawBufferPointer, type: ScalarType, count: Int, swap: Bool,
                  into out: UnsafeMutablePointer<Double>) {
    precondition(bytes.count >= count * type.byteCount,
                 "decodeVoxels: \(bytes.count) bytes for \(count) voxels of \(type)")
    guard count > 0 else { return }
    func convert<T: FixedWidthInteger>(_: T.Type, _ make: (T) -> Double) {
        if swap {
            for i in 0..<count {
                let raw = bytes.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
                out[i] = make(raw.byteSwapped)
            }
        } else {
            for i in 0..<count {
                out[i] = make(bytes.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size,
                                                  as: T.self))
            }
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
}

/// Encodes Doubles as little-endian voxels of `type` (values are rounded and clamped to the
/// type's range for integer types; NaN becomes 0).
func encodeVoxels(_ values: [Double], type: ScalarType) -> Data {
    let count = values.count
    let bytes = [UInt8](unsafeUninitializedCapacity: count * type.byteCount) { buffer, written in
        let raw = UnsafeMutableRawPointer(buffer.baseAddress!)
        values.withUnsafeBufferPointer { v in
            func store<T: FixedWidthInteger>(_: T.Type, low: Double, high: Double) {
                storeClamped(v, into: raw.bindMemory(to: T.self, capacity: count), low: low,
                             high: high)
            }
            switch type {
            case .int8: store(Int8.self, low: -128, high: 127)
            case .uint8: store(UInt8.self, low: 0, high: 255)
            case .int16: store(Int16.self, low: -32768, high: 32767)
            case .uint16: store(UInt16.self, low: 0, high: 65535)
            case .int32: store(Int32.self, low: -2147483648, high: 2147483647)
            case .uint32: store(UInt32.self, low: 0, high: 4294967295)
            case .int64: store(Int64.self, low: -9.2e18, high: 9.2e18)
            case .uint64: store(UInt64.self, low: 0, high: 1.8e19)
            case .float32:
                let out = raw.bindMemory(to: UInt32.self, capacity: count)
                for i in 0..<count { out[i] = Float(v[i]).bitPattern.littleEndian }
            case .float64:
                let out = raw.bindMemory(to: UInt64.self, capacity: count)
                for i in 0..<count { out[i] = v[i].bitPattern.littleEndian }
            }
        }
        written = count * type.byteCount
    }
    return Data(bytes)
}

@inline(__always)
private func storeClamped<T: FixedWidthInteger>(_ v: UnsafeBufferPointer<Double>,
                                                into out: UnsafeMutablePointer<T>,
                                                low: Double, high: Double) {
    for i in 0..<v.count {
        let x = v[i]
        let clamped = x.isNaN ? 0 : Swift.min(Swift.max(x.rounded(), low), high)
        out[i] = T(clamped).littleEndian
    }
}
