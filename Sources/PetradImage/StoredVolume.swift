import Foundation

/// An image's voxels as its file stores them (scalar type, byte order), with the intensity
/// scaling its reader applies, not yet widened to Double.
///
/// A 512 x 512 x 61 int16 CT is 32 MB stored and 128 MB as Doubles. Steps that read only part
/// of an image (a B-spline resampling reads the ROI's neighbourhood) or pass over it once
/// (minimum, maximum, mean, a label's bounding box) decode from here, row by row, with the same
/// conversion `values()` applies to the whole volume, so their numbers are the same.
public struct StoredVolume: Sendable {
    /// How a reader turns a stored value into the image value (NIfTI `scl_slope`/`scl_inter`).
    public enum Scaling: Sendable, Equatable {
        case none
        /// ITK's NiftiImageIO for integer and float32 data: promoted to float32,
        /// `Float(Double(Float(raw)) * slope + intercept)`.
        case float32(slope: Double, intercept: Double)
        /// Rescaled in double precision (float64 data, or a mask read with exact scaling).
        case double(slope: Double, intercept: Double)

        @inline(__always)
        func apply(_ v: Double) -> Double {
            switch self {
            case .none: return v
            case let .float32(slope, intercept): return Double(Float(Double(Float(v)) * slope
                                                                    + intercept))
            case let .double(slope, intercept): return v * slope + intercept
            }
        }
    }

    public let geometry: Geometry
    /// Type of the stored voxels (for NRRD ascii data, float64: the parsed numbers).
    public let type: ScalarType
    public let scaling: Scaling
    /// The voxels start `offset` bytes into `bytes`, `geometry.count * type.byteCount` of them.
    let bytes: Data
    let offset: Int
    let swap: Bool

    init(geometry: Geometry, type: ScalarType, bytes: Data, offset: Int, bigEndian: Bool,
         scaling: Scaling = .none) {
        precondition(offset >= 0 && bytes.count - offset >= geometry.count * type.byteCount,
                     "StoredVolume: \(bytes.count - offset) bytes for \(geometry.count) voxels")
        self.geometry = geometry
        self.type = type
        self.bytes = bytes
        self.offset = offset
        self.swap = bigEndian != (1.bigEndian == 1)
        self.scaling = scaling
    }

    /// Decodes the `count` voxels from linear index `index` on (x fastest) into `out`.
    public func decode(from index: Int, count: Int, into out: UnsafeMutablePointer<Double>) {
        precondition(index >= 0 && count >= 0 && index + count <= geometry.count,
                     "StoredVolume.decode: voxels \(index)..<\(index + count) of \(geometry.count)")
        let width = type.byteCount
        bytes.withUnsafeBytes { raw in
            let start = offset + index * width
            decodeVoxels(UnsafeRawBufferPointer(rebasing: raw[start..<(start + count * width)]),
                         type: type, count: count, swap: swap, into: out)
        }
        if scaling != .none {
            for i in 0..<count { out[i] = scaling.apply(out[i]) }
        }
    }

    /// Every voxel as a Double.
    public func values() -> [Double] {
        [Double](unsafeUninitializedCapacity: geometry.count) { out, initialised in
            decode(from: 0, count: geometry.count, into: out.baseAddress!)
            initialised = geometry.count
        }
    }

    /// The whole volume as Doubles.
    public func volume() -> ImageVolume {
        ImageVolume(geometry: geometry, voxels: values())
    }

    /// Calls `body(y, z, row)` for every row of the box `lower...upper` (inclusive), x fastest,
    /// with the row's `upper.x - lower.x + 1` decoded values.
    public func forEachRow(lower: SIMD3<Int>, upper: SIMD3<Int>,
                           _ body: (Int, Int, UnsafeBufferPointer<Double>) throws -> Void)
        rethrows
    {
        let width = upper.x - lower.x + 1
        guard width > 0, upper.y >= lower.y, upper.z >= lower.z else { return }
        let row = UnsafeMutablePointer<Double>.allocate(capacity: width)
        defer { row.deallocate() }
        for z in lower.z...upper.z {
            for y in lower.y...upper.y {
                decode(from: geometry.linearIndex(lower.x, y, z), count: width, into: row)
                try body(y, z, UnsafeBufferPointer(start: row, count: width))
            }
        }
    }

    /// True when the stored values are the image values exactly as integers: an integer type of
    /// at most 32 bits without scaling.
    var isPlainInteger: Bool {
        scaling == .none && type.isInteger && type.byteCount <= 4
    }

    /// Minimum, maximum and sum of all voxels computed on the stored integers, when that gives
    /// exactly what any order of Double additions gives: a plain integer volume (see
    /// `isPlainInteger`) whose count times largest magnitude is at most 2^53, so that every
    /// partial sum is an integer a Double holds exactly. Nil otherwise.
    public func exactIntegerSummary() -> (minimum: Double, maximum: Double, sum: Double)? {
        guard isPlainInteger, geometry.count > 0 else { return nil }
        func run<T: FixedWidthInteger>(_: T.Type) -> (Int64, Int64, Int64) {
            if T.bitWidth <= 16, let typed = withAlignedVoxels(T.self, { p in
                narrowSummary(p, count: geometry.count)
            }) {
                return typed
            }
            return bytes.withUnsafeBytes { raw in
                let base = raw.baseAddress! + offset
                var low = Int64.max, high = Int64.min, sum: Int64 = 0
                for i in 0..<geometry.count {
                    var v = base.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size,
                                               as: T.self)
                    if swap { v = v.byteSwapped }
                    let w = Int64(v)
                    low = Swift.min(low, w)
                    high = Swift.max(high, w)
                    sum &+= w
                }
                return (low, high, sum)
            }
        }
        let (low, high, sum): (Int64, Int64, Int64)
        switch type {
        case .int8: (low, high, sum) = run(Int8.self)
        case .uint8: (low, high, sum) = run(UInt8.self)
        case .int16: (low, high, sum) = run(Int16.self)
        case .uint16: (low, high, sum) = run(UInt16.self)
        case .int32: (low, high, sum) = run(Int32.self)
        case .uint32: (low, high, sum) = run(UInt32.self)
        default: return nil
        }
        let magnitude = Swift.max(low.magnitude, high.magnitude)
        let (bound, overflow) = magnitude.multipliedReportingOverflow(by: UInt64(geometry.count))
        guard !overflow, bound <= 1 << 53 else { return nil }
        return (Double(low), Double(high), Double(sum))
    }

    /// Minimum, maximum and sum of `count` integers of at most 16 bits, in simple loops the
    /// compiler turns into vector code; the sum goes through 32-bit parts of 65,536 values,
    /// which cannot overflow. The three loops run part by part, so that each part (128 kB of
    /// int16) is read from memory once and then from the cache. A large volume is read in
    /// slices on all cores: integer sums are exact, so the result is the same on any number.
    @_specialize(where T == Int16)
    @_specialize(where T == UInt16)
    @_specialize(where T == Int8)
    @_specialize(where T == UInt8)
    private func narrowSummary<T: FixedWidthInteger>(_ p: UnsafePointer<T>, count: Int)
        -> (Int64, Int64, Int64)
    {
        let part = 65536
        let parts = (count + part - 1) / part
        let slices = Swift.min(ProcessInfo.processInfo.activeProcessorCount, parts / 64 + 1)
        var results = [(low: T, high: T, sum: Int64)](repeating: (T.max, T.min, 0),
                                                      count: slices)
        results.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            DispatchQueue.concurrentPerform(iterations: slices) { slice in
                var low = T.max, high = T.min
                var sum: Int64 = 0
                var start = parts * slice / slices * part
                let stop = Swift.min(parts * (slice + 1) / slices * part, count)
                while start < stop {
                    let end = Swift.min(start + part, stop)
                    for i in start..<end { low = Swift.min(low, p[i]) }
                    for i in start..<end { high = Swift.max(high, p[i]) }
                    var partial: Int32 = 0
                    for i in start..<end { partial &+= Int32(truncatingIfNeeded: p[i]) }
                    sum &+= Int64(partial)
                    start = end
                }
                out[slice] = (low, high, sum)
            }
        }
        return (Int64(results.map(\.low).min()!), Int64(results.map(\.high).max()!),
                results.reduce(0) { $0 &+ $1.sum })
    }

    /// `body` on the voxels as a typed pointer when they are stored in the machine's byte order
    /// at an address aligned for `T`; nil otherwise (the caller then reads unaligned).
    private func withAlignedVoxels<T, R>(_: T.Type, _ body: (UnsafePointer<T>) -> R) -> R? {
        guard !swap else { return nil }
        return bytes.withUnsafeBytes { raw -> R? in
            let base = raw.baseAddress! + offset
            guard Int(bitPattern: base) % MemoryLayout<T>.alignment == 0 else { return nil }
            return body(base.assumingMemoryBound(to: T.self))
        }
    }

    /// The inclusive bounding box of the voxels whose value equals `value`, and their number;
    /// nil when there is none.
    public func boundingBox(ofValue value: Double)
        -> (lower: SIMD3<Int>, upper: SIMD3<Int>, count: Int)?
    {
        let n = geometry.size
        var lower = n
        var upper = SIMD3<Int>(-1, -1, -1)
        var count = 0
        scanRows(matching: value) { y, z, first, last, matches in
            lower = pointwiseMin(lower, SIMD3(first, y, z))
            upper = pointwiseMax(upper, SIMD3(last, y, z))
            count += matches
        }
        return upper.x < 0 ? nil : (lower, upper, count)
    }

    /// 1 where the value equals `value`, 0 elsewhere, on the box `lower...upper` (x fastest).
    public func selection(ofValue value: Double, lower: SIMD3<Int>, upper: SIMD3<Int>)
        -> [UInt8]
    {
        let size = upper &- lower &+ 1
        var out = [UInt8](repeating: 0, count: size.x * size.y * size.z)
        forEachRow(lower: lower, upper: upper) { y, z, row in
            let start = size.x * ((y - lower.y) + size.y * (z - lower.z))
            for i in 0..<size.x where row[i] == value { out[start + i] = 1 }
        }
        return out
    }

    /// True when one of the `count` values at `row` equals `target`: a branch-free OR over
    /// the row, which the compiler turns into vector code.
    @inline(__always)
    private func rowHolds<T: FixedWidthInteger>(_ row: UnsafePointer<T>, count: Int,
                                                _ target: T) -> Bool {
        var found: UInt8 = 0
        for x in 0..<count { found |= row[x] == target ? 1 : 0 }
        return found != 0
    }

    /// `scanRows` on the stored integers of a plain integer volume.
    @_specialize(where T == Int16)
    @_specialize(where T == UInt16)
    @_specialize(where T == Int8)
    @_specialize(where T == UInt8)
    @_specialize(where T == Int32)
    @_specialize(where T == UInt32)
    private func scanIntegerRows<T: FixedWidthInteger>(_: T.Type, matching value: Double,
                                                       _ body: (Int, Int, Int, Int, Int) -> Void) {
        let n = geometry.size
        guard value.rounded() == value, let target = T(exactly: value) else { return }
        func rowScan(_ y: Int, _ z: Int, _ matching: (Int) -> Bool) {
            var first = -1, last = -1, matches = 0
            for x in 0..<n.x where matching(x) {
                if first < 0 { first = x }
                last = x
                matches += 1
            }
            if matches > 0 { body(y, z, first, last, matches) }
        }
        let done: Bool? = withAlignedVoxels(T.self) { p in
            for z in 0..<n.z {
                for y in 0..<n.y {
                    let row = p + n.x * (y + n.y * z)
                    // Most rows miss the ROI: a vector test first.
                    if rowHolds(row, count: n.x, target) {
                        rowScan(y, z) { row[$0] == target }
                    }
                }
            }
            return true
        }
        if done != nil { return }
        let stored = swap ? target.byteSwapped : target
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + offset
            for z in 0..<n.z {
                for y in 0..<n.y {
                    let row = base + MemoryLayout<T>.size * n.x * (y + n.y * z)
                    rowScan(y, z) { x in
                        row.loadUnaligned(fromByteOffset: x * MemoryLayout<T>.size,
                                          as: T.self) == stored
                    }
                }
            }
        }
    }

    /// Calls `body(y, z, first x, last x, count)` for each row holding voxels equal to `value`.
    /// Plain integer volumes compare the stored integers (equal to comparing the Doubles, since
    /// every such integer converts exactly); others compare decoded rows.
    private func scanRows(matching value: Double,
                          _ body: (Int, Int, Int, Int, Int) -> Void) {
        let n = geometry.size
        if isPlainInteger {
            switch type {
            case .int8: scanIntegerRows(Int8.self, matching: value, body)
            case .uint8: scanIntegerRows(UInt8.self, matching: value, body)
            case .int16: scanIntegerRows(Int16.self, matching: value, body)
            case .uint16: scanIntegerRows(UInt16.self, matching: value, body)
            case .int32: scanIntegerRows(Int32.self, matching: value, body)
            case .uint32: scanIntegerRows(UInt32.self, matching: value, body)
            default: break
            }
            return
        }
        forEachRow(lower: .zero, upper: n &- 1) { y, z, row in
            var first = -1, last = -1, matches = 0
            for x in 0..<row.count where row[x] == value {
                if first < 0 { first = x }
                last = x
                matches += 1
            }
            if matches > 0 { body(y, z, first, last, matches) }
        }
    }
}
