import Foundation

/// What a reader found in an image file's header, besides the voxels.
public struct ImageHeader: Sendable, Equatable {
    public enum Format: String, Sendable { case nrrd, nifti1, nifti2 }

    public var format: Format
    /// Voxel type on disk, before any scaling.
    public var scalarType: ScalarType
    /// Grid in LPS, as ITK/SimpleITK would report it for this file.
    public var geometry: Geometry
    /// True when the voxel data (or, for `.nii.gz`, the whole file) is gzip-compressed.
    public var compressed: Bool
    /// NIfTI `scl_slope` / `scl_inter` as applied (1 and 0 when the file has no scaling).
    public var slope: Double = 1
    public var intercept: Double = 0
    /// NIfTI `qform_code` and `sform_code` (0 for NRRD).
    public var qformCode: Int = 0
    public var sformCode: Int = 0
    /// Where the geometry came from: "qform", "sform", "pixdim only" (NIfTI), "space
    /// directions", "spacings" (NRRD).
    public var transformSource: String = ""
}

/// Reading and writing NRRD and NIfTI images in the physical conventions of ITK/SimpleITK
/// (LPS space, x fastest), so that petrad sees exactly the grid PyRadiomics sees.
///
/// Readers check every declared size against the bytes actually present (for compressed data:
/// against the most that deflate can expand to) before allocating, and answer a damaged or
/// hostile header with an `InputError` naming the file, the field and the value.
public enum ImageIO {
    /// Reads an image as Doubles. NIfTI scaling is applied as ITK's NiftiImageIO applies it:
    /// when `scl_slope` is non-zero and (slope, intercept) is not (1, 0), integer and float32
    /// data become float32 values `Float(Float(raw) * slope + intercept)`; float64 data stay
    /// double.
    public static func readImage(path: String) throws -> ImageVolume {
        try read(path: path, exactScaling: false).volume
    }

    /// Reads a mask with its stored values kept exactly (a float mask of 1/255 stays 1/255, a
    /// 16-bit label 256 stays 256; nothing is cast to 8 bits). NIfTI scaling, when present, is
    /// applied in double precision without rounding to float32.
    public static func readMaskValues(path: String) throws -> ImageVolume {
        try read(path: path, exactScaling: true).volume
    }

    /// Reads only the header (the voxel data is neither decompressed nor checked).
    public static func readHeader(path: String) throws -> ImageHeader {
        let data = try fileData(path)
        switch try format(of: path, data: data) {
        case .nrrd: return try NRRD.parseHeader(data, file: path).header
        case .nifti1, .nifti2: return try NIfTI.readHeader(data, file: path).header
        }
    }

    /// Reads an image and its header. `exactScaling` as in `readMaskValues`.
    public static func read(path: String, exactScaling: Bool = false) throws
        -> (volume: ImageVolume, header: ImageHeader)
    {
        try widened { try readStored(path: path, exactScaling: exactScaling) }
    }

    /// Gives the large buffer kept for reuse (the last stored volume released, see
    /// `LargeMemory.deallocate`) back to the kernel, for a caller that knows no read of its
    /// size comes next: a mask read while its image is being decompressed.
    public static func releaseKeptBuffer() {
        LargeMemory.releaseKept()
    }

    /// Keeps `byteCount` bytes of the buffer kept for reuse and gives the rest back to the
    /// kernel (all of it when it is smaller): for a caller that knows its next large buffer,
    /// which then takes pages already faulted in instead of fresh ones.
    public static func keepBuffer(byteCount: Int) {
        LargeMemory.trimKept(to: byteCount)
    }

    /// The volume `read` stores, as Doubles; the stored buffer is then given back to the kernel
    /// rather than kept for reuse (see `LargeMemory.deallocate`): the Doubles are not
    /// `LargeMemory`, so nothing would reuse it.
    private static func widened(_ read: () throws -> (stored: StoredVolume, header: ImageHeader))
        rethrows -> (volume: ImageVolume, header: ImageHeader)
    {
        let volume: ImageVolume
        let header: ImageHeader
        do {
            let stored = try read()
            (volume, header) = (stored.stored.volume(), stored.header)
        }
        LargeMemory.releaseKept()
        return (volume, header)
    }

    /// Reads an image's header and its voxels as stored, without widening them to Doubles
    /// (see `StoredVolume`); `stored.volume()` is what `read(path:exactScaling:)` returns.
    /// The compressed file is released before this returns.
    public static func readStored(path: String, exactScaling: Bool = false) throws
        -> (stored: StoredVolume, header: ImageHeader)
    {
        let data = try fileData(path)
        return try readStored(data: data, format: try format(of: path, data: data), name: path,
                              exactScaling: exactScaling)
    }

    /// Reads an image from bytes already in memory (a network buffer, a fuzzing input, a test),
    /// with the same checks as reading a file. `name` stands for the file in error messages.
    public static func read(data: Data, format: ImageHeader.Format, name: String = "image",
                            exactScaling: Bool = false) throws
        -> (volume: ImageVolume, header: ImageHeader)
    {
        try widened {
            try readStored(data: data, format: format, name: name, exactScaling: exactScaling)
        }
    }

    /// `read(data:format:name:exactScaling:)` without widening the voxels.
    public static func readStored(data: Data, format: ImageHeader.Format, name: String = "image",
                                  exactScaling: Bool = false) throws
        -> (stored: StoredVolume, header: ImageHeader)
    {
        switch format {
        case .nrrd: return try NRRD.read(data, file: name)
        case .nifti1, .nifti2: return try NIfTI.read(data, file: name, exactScaling: exactScaling)
        }
    }

    /// Which reader a file needs: by extension (`.nrrd`, `.nhdr`, `.nii`, `.nii.gz`), else by
    /// its first bytes.
    static func format(of path: String, data: Data) throws -> ImageHeader.Format {
        let lower = path.lowercased()
        if lower.hasSuffix(".nrrd") || lower.hasSuffix(".nhdr") { return .nrrd }
        if lower.hasSuffix(".nii") || lower.hasSuffix(".nii.gz") { return .nifti1 }
        if data.starts(with: Array("NRRD".utf8)) { return .nrrd }
        if isGzip(data) || data.count >= 348 { return .nifti1 }
        throw InputError(file: path, field: "file name",
                         value: (path as NSString).lastPathComponent,
                         "is neither NRRD (.nrrd) nor NIfTI (.nii, .nii.gz); convert the image "
                         + "to one of these.")
    }

    static func fileData(_ path: String) throws -> Data {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputError(file: path, "does not exist; check the path.")
        }
        if let mapped = LargeMemory.map(path: path) { return mapped }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw InputError(file: path, "cannot be read (\(error.localizedDescription)).")
        }
    }
}

extension ImageIO {
    /// Most voxels an image may declare: 2^31 (about 2.1e9; 17 GB once held as Doubles). A
    /// whole-body CT of 512 x 512 x 2000 has 5.2e8, so a header beyond this is damaged or
    /// hostile and is refused before anything is read or allocated.
    public static let maximumVoxelCount = 1 << 31
}

/// Checks a declared grid before anything is allocated: sizes at least 1, a voxel count at most
/// `ImageIO.maximumVoxelCount`; returns (voxel count, byte count).
func checkedCounts(size: [Int], type: ScalarType, file: String, field: String) throws
    -> (voxels: Int, bytes: Int)
{
    let declared = size.map(String.init).joined(separator: " ")
    var voxels = 1
    for n in size {
        guard n >= 1 else {
            throw InputError(file: file, field: field, value: declared,
                             "every size must be at least 1; the header is damaged.")
        }
        let (product, overflow) = voxels.multipliedReportingOverflow(by: n)
        guard !overflow, product <= ImageIO.maximumVoxelCount else {
            throw InputError(file: file, field: field, value: declared,
                             "declares more than \(ImageIO.maximumVoxelCount) voxels, more than "
                             + "any scan holds; the header is damaged.")
        }
        voxels = product
    }
    return (voxels, voxels * type.byteCount)
}

/// Checks that an uncompressed byte range holds `count` voxels of `type` from `offset` on,
/// refusing a file that is shorter than its header declares.
func checkRaw(_ data: Data, offset: Int, count: Int, type: ScalarType, file: String,
              field: String, declared: String) throws {
    let needed = count * type.byteCount
    let available = max(data.count - offset, 0)
    guard offset >= 0, available >= needed else {
        throw InputError(file: file, field: field, value: declared,
                         "declares \(count) voxels of \(type.rawValue) (\(needed) bytes) but "
                         + "the file holds only \(available) bytes of voxel data; the file is "
                         + "truncated or the header is wrong.")
    }
}

/// The gzip trailer's ISIZE (uncompressed length of the last member, modulo 2^32).
func gzipTrailerSize(_ data: Data) -> Int? {
    guard isGzip(data), data.count >= 18 else { return nil }
    let end = data.endIndex
    return (0..<4).reduce(0) { $0 | Int(data[end - 4 + $1]) << (8 * $1) }
}

/// Decompresses the bytes of exactly `count` voxels; they start `offset` bytes into the
/// returned data.
///
/// When the gzip trailer says the stream is exactly `streamOffset` + the voxel bytes long (a
/// file written in one piece), the whole stream is decompressed in one call by libdeflate
/// (`inflateWhole`). Otherwise, or when that fails, `reader` (already positioned at the voxels)
/// decompresses with zlib: before allocating, the declared size is checked against the
/// compressed data: it may not exceed what deflate can expand `compressed` to, and, when the
/// trailer says the stream is shorter than declared, the data is decompressed in 4 MiB steps
/// instead of into one buffer of the declared size, so a hostile header costs no more memory
/// than the data really holds.
func decodeCompressed(_ compressed: Data, reader: GzipReader, streamOffset: Int, count: Int,
                      type: ScalarType, file: String, field: String, declared: String) throws
    -> (bytes: Data, offset: Int)
{
    let needed = count * type.byteCount
    guard needed <= compressed.count * GzipReader.maximumExpansion + 4096 else {
        throw InputError(file: file, field: field, value: declared,
                         "declares \(needed) bytes of voxel data but only \(compressed.count) "
                         + "compressed bytes follow, more than deflate can expand to; the header "
                         + "is wrong or the file is truncated.")
    }
    let total = streamOffset + needed
    let trailerSize = gzipTrailerSize(compressed)
    if let trailerSize, trailerSize == total & 0xffff_ffff,
       let whole = inflateWhole(compressed, size: total) {
        return (whole, streamOffset)
    }
    let trailerDisagrees = trailerSize.map { total < 1 << 32 && $0 < total } ?? false
    var bytes: Data
    var got = 0
    if trailerDisagrees {
        bytes = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 22)
        while got < needed {
            let want = min(chunk.count, needed - got)
            let n = try chunk.withUnsafeMutableBytes {
                try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<want]))
            }
            bytes.append(contentsOf: chunk[0..<n])
            got += n
            if n < want { break }
        }
    } else {
        bytes = Data(count: needed)
        got = try bytes.withUnsafeMutableBytes { try reader.read(into: $0) }
    }
    guard got == needed else {
        throw InputError(file: file, field: field, value: declared,
                         "declares \(count) voxels of \(type.rawValue) (\(needed) bytes) but the "
                         + "compressed data holds only \(got) bytes; the file is truncated or the "
                         + "header is wrong.")
    }
    return (bytes, 0)
}
