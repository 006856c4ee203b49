import CDeflate
import CZlib
import Foundation

/// Streaming gzip/zlib decompression with zlib's `inflate`, reading from compressed bytes held
/// in memory and writing straight into buffers the caller has already sized.
///
/// The reader never grows a buffer by itself: the caller decides how many bytes it expects
/// (from a header it has checked) and asks for exactly that many. A stream that ends early is
/// reported as a short read, so a truncated file gives an error instead of a crash.
final class GzipReader {
    // zlib keeps a pointer back to its z_stream, so the stream lives at a fixed heap address.
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private let compressed: Data
    private var inputOffset = 0
    private var finished = false
    private let file: String

    /// Largest expansion deflate can achieve (about 1032:1, zlib's technical notes); a header
    /// that declares more decompressed bytes than this allows is refused before any allocation.
    static let maximumExpansion = 1032

    /// `windowBits` as zlib's `inflateInit2`: the default 15 + 32 accepts a gzip or a zlib
    /// header, detected automatically; -15 reads raw deflate data (no header), as in DICOM's
    /// Deflated Explicit VR Little Endian transfer syntax.
    init(compressed: Data, file: String, windowBits: Int32 = 15 + 32) throws {
        self.compressed = compressed
        self.file = file
        stream.initialize(to: z_stream())
        let status = inflateInit2_(stream, windowBits, ZLIB_VERSION,
                                   Int32(MemoryLayout<z_stream>.size))
        if status != Z_OK {
            stream.deallocate()
            throw InputError(file: file, field: "gzip", value: "\(status)",
                             "zlib could not start decompressing; the file may be damaged.")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Fills `buffer` and returns how many bytes were written (fewer only when the compressed
    /// stream ends first). Concatenated gzip members are read one after another.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        var written = 0
        try compressed.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
            guard let sourceBase = source.baseAddress?.assumingMemoryBound(to: Bytef.self) else {
                finished = true
                return
            }
            while written < buffer.count && !finished {
                // avail_in / avail_out are 32-bit: hand zlib at most 1 GiB per call.
                let given = min(source.count - inputOffset, 1 << 30)
                stream.pointee.next_in = UnsafeMutablePointer(mutating: sourceBase + inputOffset)
                stream.pointee.avail_in = uInt(given)
                stream.pointee.next_out = (base + written).assumingMemoryBound(to: Bytef.self)
                let room = min(buffer.count - written, 1 << 30)
                stream.pointee.avail_out = uInt(room)
                let status = inflate(stream, Z_NO_FLUSH)
                written += room - Int(stream.pointee.avail_out)
                inputOffset += given - Int(stream.pointee.avail_in)
                switch status {
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: the input ends in the middle of the stream.
                    finished = true
                case Z_STREAM_END:
                    // Another gzip member may follow (concatenated .gz files are valid).
                    if inputOffset + 2 <= source.count, source[inputOffset] == 0x1f,
                       source[inputOffset + 1] == 0x8b {
                        inflateReset(stream)
                    } else {
                        finished = true
                    }
                default:
                    let detail = stream.pointee.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw InputError(file: file, field: "gzip data", value: detail,
                                     "the compressed data is damaged; re-export the file.")
                }
            }
        }
        return written
    }

    /// Reads and discards `count` bytes; returns how many were actually available.
    func skip(_ count: Int) throws -> Int {
        var left = count
        var scratch = [UInt8](repeating: 0, count: min(max(count, 1), 1 << 16))
        var total = 0
        while left > 0 {
            let chunk = min(left, scratch.count)
            let got = try scratch.withUnsafeMutableBytes {
                try read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<chunk]))
            }
            total += got
            left -= got
            if got < chunk { break }
        }
        return total
    }
}

/// The first `size` bytes of a single-member gzip stream, decompressed in one call by
/// libdeflate (about twice as fast as zlib's streaming inflate on CT data), into a buffer of
/// exactly `size` bytes. Nil when libdeflate cannot give exactly that: a stream that is longer
/// or shorter, several concatenated members, or damaged data; the caller then reads with
/// `GzipReader`, which handles those cases and words the errors.
func inflateWhole(_ compressed: Data, size: Int) -> Data? {
    guard size > 0, isGzip(compressed),
          let decompressor = libdeflate_alloc_decompressor() else { return nil }
    defer { libdeflate_free_decompressor(decompressor) }
    let out = LargeMemory.allocate(byteCount: size)
    let populating = LargeMemory.populateInBackground(out, byteCount: size)
    var produced = 0
    let result = compressed.withUnsafeBytes { source in
        libdeflate_gzip_decompress_ex(decompressor, source.baseAddress, source.count, out, size,
                                      nil, &produced)
    }
    populating.wait()
    guard result == LIBDEFLATE_SUCCESS, produced == size else {
        LargeMemory.deallocate(out, byteCount: size)
        return nil
    }
    return LargeMemory.data(owning: out, byteCount: size)
}

/// True when `data` starts with the gzip magic bytes 1f 8b.
func isGzip(_ data: Data) -> Bool {
    data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
}

/// Compresses `data` into one gzip member (deflate level `level`, zlib's default 6).
func gzipCompress(_ data: Data, level: Int32 = 6, file: String) throws -> Data {
    var stream = z_stream()
    // windowBits 15 + 16: write a gzip header and trailer instead of a zlib one.
    var status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                               ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    guard status == Z_OK else {
        throw InputError(file: file, field: "gzip", value: "\(status)",
                         "zlib could not start compressing.")
    }
    defer { deflateEnd(&stream) }
    var output = Data()
    var chunk = [UInt8](repeating: 0, count: 1 << 18)
    try data.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
        var offset = 0
        repeat {
            let take = min(source.count - offset, 1 << 30)
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress?
                .advanced(by: offset).assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(take)
            offset += take
            let flush = offset == source.count ? Z_FINISH : Z_NO_FLUSH
            repeat {
                let produced: Int = chunk.withUnsafeMutableBytes { out in
                    stream.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(out.count)
                    status = deflate(&stream, flush)
                    return out.count - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
            } while stream.avail_out == 0
            if status == Z_STREAM_ERROR {
                throw InputError(file: file, field: "gzip", value: "\(status)",
                                 "zlib failed while compressing.")
            }
        } while offset < source.count
    }
    return output
}
