import Foundation

/// SimpleITK's `sitk.Hash(image)` (itk::HashImageFilter, SHA1): the SHA1 of the voxel buffer in
/// the pixel type SimpleITK holds, little-endian, x fastest; geometry is not included.
/// PyRadiomics reports it as `diagnostics_Image-original_Hash` (image as read) and
/// `diagnostics_Mask-original_Hash` (mask cast to UInt32).
public enum ImageHash {
    /// Hex SHA1 of `voxels` stored as `type` (values converted as `encodeVoxels` does).
    public static func sha1(_ voxels: [Double], as type: ScalarType) -> String {
        sha1Hex(encodeVoxels(voxels, type: type))
    }

    /// `diagnostics_Image-original_Hash`: the image in the pixel type SimpleITK reads it as.
    public static func image(_ image: ImageVolume, header: ImageHeader) -> String {
        sha1(image.voxels, as: header.pixelType)
    }

    /// `diagnostics_Mask-original_Hash`: the mask values cast to UInt32 (PyRadiomics getMask).
    /// Fractional values are truncated toward zero and negative ones wrapped modulo 2^32 (C++
    /// leaves such casts undefined, so SimpleITK's hash of them may differ).
    public static func mask(_ values: ImageVolume) -> String {
        let count = values.voxels.count
        let bytes = [UInt8](unsafeUninitializedCapacity: 4 * count) { buffer, written in
            let out = UnsafeMutableRawPointer(buffer.baseAddress!)
                .bindMemory(to: UInt32.self, capacity: count)
            values.voxels.withUnsafeBufferPointer { v in
                for i in 0..<count {
                    let x = v[i]
                    let truncated = x.isFinite ? min(max(x, -9e18), 9e18) : 0
                    out[i] = UInt32(truncatingIfNeeded: Int64(truncated)).littleEndian
                }
            }
            written = 4 * count
        }
        let data = Data(bytes)
        return sha1Hex(data)
    }
}

extension ImageHeader {
    /// The pixel type SimpleITK holds this image in: the type on disk, except that NIfTI data
    /// rescaled by scl_slope/scl_inter become float32 (float64 stays float64), as ITK does.
    public var pixelType: ScalarType {
        let epsilon = Double.ulpOfOne
        let rescaled = abs(slope) > epsilon
            && (abs(slope - 1) > epsilon || abs(intercept) > epsilon)
        if rescaled && scalarType != .float64 { return .float32 }
        return scalarType
    }
}

/// SHA-1 (FIPS 180-4) of `data`, as 40 lowercase hex digits.
func sha1Hex(_ data: Data) -> String {
    var state = SHA1State()
    let fullBlocks = data.count / 64
    data.withUnsafeBytes { raw in
        guard let base = raw.baseAddress else { return }
        for i in 0..<fullBlocks { state.process(base + 64 * i) }
    }
    // Padding: 0x80, zeros, then the message length in bits (64-bit big-endian).
    var tail = [UInt8](data[(data.startIndex + 64 * fullBlocks)...])
    tail.append(0x80)
    while tail.count % 64 != 56 { tail.append(0) }
    let bits = UInt64(data.count) * 8
    for shift in stride(from: 56, through: 0, by: -8) {
        tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
    }
    tail.withUnsafeBytes { raw in
        for i in 0..<(tail.count / 64) { state.process(raw.baseAddress! + 64 * i) }
    }
    return (0..<5).map { String(format: "%08x", state.h[$0]) }.joined()
}

struct SHA1State {
    var h: SIMD8<UInt32> = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0,
                            0, 0, 0]
    var w = [UInt32](repeating: 0, count: 80)

    mutating func process(_ block: UnsafeRawPointer) {
        w.withUnsafeMutableBufferPointer { w in
            for t in 0..<16 {
                let word = block.loadUnaligned(fromByteOffset: 4 * t, as: UInt32.self)
                w[t] = UInt32(bigEndian: word)
            }
            for t in 16..<80 {
                let x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]
                w[t] = (x << 1) | (x >> 31)
            }
            var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4]
            @inline(__always) func step(_ f: UInt32, _ k: UInt32, _ t: Int) {
                let temp = ((a << 5) | (a >> 27)) &+ f &+ e &+ k &+ w[t]
                e = d; d = c; c = (b << 30) | (b >> 2); b = a; a = temp
            }
            for t in 0..<20 { step((b & c) | (~b & d), 0x5A82_7999, t) }
            for t in 20..<40 { step(b ^ c ^ d, 0x6ED9_EBA1, t) }
            for t in 40..<60 { step((b & c) | (b & d) | (c & d), 0x8F1B_BCDC, t) }
            for t in 60..<80 { step(b ^ c ^ d, 0xCA62_C1D6, t) }
            h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e
        }
    }
}
