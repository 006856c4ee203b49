import Foundation

/// NIfTI-1 and NIfTI-2 single-file images (`.nii`, `.nii.gz`), read the way ITK's NiftiImageIO
/// (ITK 5.4, SimpleITK 2.5) reads them, and NIfTI-1 writing.
///
/// Geometry: spacing from `pixdim` (scaled by `xyzt_units`), origin and direction from the
/// qform or the sform, chosen as ITK chooses, then turned from NIfTI's RAS into LPS by
/// negating x and y. Scaling: `scl_slope` / `scl_inter` as ITK applies them.
enum NIfTI {
    /// The header fields petrad uses, widened to Int/Double (NIfTI-1 stores float32/int16).
    struct Fields {
        var version = 1
        var bigEndian = false
        var dim = [Int](repeating: 0, count: 8)
        var datatype = 0
        var pixdim = [Double](repeating: 0, count: 8)
        var voxOffset = 0.0
        var slope = 0.0
        var intercept = 0.0
        var units = 0
        var qformCode = 0
        var sformCode = 0
        var quatern = SIMD3<Double>(0, 0, 0)
        var qoffset = SIMD3<Double>(0, 0, 0)
        var srow = [Double](repeating: 0, count: 12)
        var magic = ""
        var headerSize: Int { version == 1 ? 348 : 540 }
    }

    // MARK: Reading

    static func readHeader(_ data: Data, file: String) throws
        -> (header: ImageHeader, fields: Fields)
    {
        let compressed = isGzip(data)
        let headerBytes: [UInt8]
        if compressed {
            let reader = try GzipReader(compressed: data, file: file)
            headerBytes = try readHeaderBytes(reader, file: file)
        } else {
            headerBytes = [UInt8](data.prefix(540))
        }
        let fields = try parseFields(headerBytes, file: file)
        return (try makeHeader(fields, compressed: compressed, file: file), fields)
    }

    static func read(_ data: Data, file: String, exactScaling: Bool) throws
        -> (stored: StoredVolume, header: ImageHeader)
    {
        let compressed = isGzip(data)
        let fields: Fields
        let reader: GzipReader?
        if compressed {
            let gz = try GzipReader(compressed: data, file: file)
            fields = try parseFields(try readHeaderBytes(gz, file: file), file: file)
            reader = gz
        } else {
            fields = try parseFields([UInt8](data.prefix(540)), file: file)
            reader = nil
        }
        let header = try makeHeader(fields, compressed: compressed, file: file)
        let type = header.scalarType
        let size = [header.geometry.size.x, header.geometry.size.y, header.geometry.size.z]
        let declared = fields.dim[1...max(1, min(fields.dim[0], 7))].map(String.init)
            .joined(separator: " ")
        let (count, _) = try checkedCounts(size: size, type: type, file: file, field: "dim")
        guard fields.voxOffset.isFinite, fields.voxOffset >= Double(fields.headerSize),
              fields.voxOffset < 1e15 else {
            throw InputError(file: file, field: "vox_offset", value: "\(fields.voxOffset)",
                             "must be at least \(fields.headerSize) for a single-file NIfTI; "
                             + "the header is damaged.")
        }
        let offset = Int(fields.voxOffset)
        let bytes: Data
        let start: Int
        if let reader {
            let gap = offset - fields.headerSize
            guard try reader.skip(gap) == gap else {
                throw InputError(file: file, field: "vox_offset", value: "\(offset)",
                                 "points past the end of the decompressed file; it is truncated.")
            }
            let voxels = try decodeCompressed(data, reader: reader, streamOffset: offset,
                                              count: count, type: type, file: file, field: "dim",
                                              declared: declared)
            bytes = voxels.bytes
            start = voxels.offset
        } else {
            try checkRaw(data, offset: offset, count: count, type: type, file: file, field: "dim",
                         declared: declared)
            bytes = data
            start = offset
        }
        let stored = StoredVolume(geometry: header.geometry, type: type, bytes: bytes,
                                  offset: start, bigEndian: fields.bigEndian,
                                  scaling: scaling(header: header, exact: exactScaling))
        return (stored, header)
    }

    /// ITK's rescaling (NiftiImageIO::MustRescale and RescaleFunction): none when the slope is
    /// zero or (slope, intercept) is (1, 0); integer and float32 data are promoted to float32, so
    /// each value becomes `Float(Double(Float(raw)) * slope + intercept)`; float64 data are
    /// rescaled in double. `exact` rescales in double always.
    static func scaling(header: ImageHeader, exact: Bool) -> StoredVolume.Scaling {
        let slope = header.slope, intercept = header.intercept
        let epsilon = Double.ulpOfOne
        guard abs(slope) > epsilon, abs(slope - 1) > epsilon || abs(intercept) > epsilon else {
            return .none
        }
        if exact || header.scalarType == .float64 {
            return .double(slope: slope, intercept: intercept)
        }
        return .float32(slope: slope, intercept: intercept)
    }

    static func readHeaderBytes(_ reader: GzipReader, file: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 348)
        var got = try bytes.withUnsafeMutableBytes { try reader.read(into: $0) }
        guard got == 348 else {
            throw InputError(file: file, field: "header", value: "\(got) bytes",
                             "is shorter than a NIfTI header (348 bytes); the file is truncated.")
        }
        let le = bytes.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
        if le == 540 || le.byteSwapped == 540 {
            var rest = [UInt8](repeating: 0, count: 540 - 348)
            got = try rest.withUnsafeMutableBytes { try reader.read(into: $0) }
            guard got == rest.count else {
                throw InputError(file: file, field: "header", value: "\(348 + got) bytes",
                                 "is shorter than a NIfTI-2 header (540 bytes); the file is "
                                 + "truncated.")
            }
            bytes += rest
        }
        return bytes
    }

    static func parseFields(_ bytes: [UInt8], file: String) throws -> Fields {
        guard bytes.count >= 348 else {
            throw InputError(file: file, field: "header", value: "\(bytes.count) bytes",
                             "is shorter than a NIfTI header (348 bytes); the file is truncated.")
        }
        var f = Fields()
        let first = bytes.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
        switch first {
        case 348: f.version = 1; f.bigEndian = false
        case Int32(348).byteSwapped: f.version = 1; f.bigEndian = true
        case 540: f.version = 2; f.bigEndian = false
        case Int32(540).byteSwapped: f.version = 2; f.bigEndian = true
        default:
            throw InputError(file: file, field: "sizeof_hdr", value: "\(first)",
                             "must be 348 (NIfTI-1) or 540 (NIfTI-2); this is not a NIfTI file.")
        }
        if f.version == 2 && bytes.count < 540 {
            throw InputError(file: file, field: "header", value: "\(bytes.count) bytes",
                             "is shorter than a NIfTI-2 header (540 bytes); the file is truncated.")
        }
        let swap = f.bigEndian != (1.bigEndian == 1)
        func int<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> Int {
            let raw = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
            return Int(truncatingIfNeeded: swap ? raw.byteSwapped : raw)
        }
        func float(_ offset: Int) -> Double {
            let raw = bytes.withUnsafeBytes {
                $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            }
            return Double(Float(bitPattern: swap ? raw.byteSwapped : raw))
        }
        func double(_ offset: Int) -> Double {
            let raw = bytes.withUnsafeBytes {
                $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            }
            return Double(bitPattern: swap ? raw.byteSwapped : raw)
        }
        func text(_ offset: Int, _ length: Int) -> String {
            let field = bytes[offset..<(offset + length)].prefix(while: { $0 != 0 })
            return String(decoding: field, as: UTF8.self)
        }
        if f.version == 1 {
            f.dim = (0..<8).map { int(40 + 2 * $0, Int16.self) }
            f.datatype = int(70, Int16.self)
            f.pixdim = (0..<8).map { float(76 + 4 * $0) }
            f.voxOffset = float(108)
            f.slope = float(112)
            f.intercept = float(116)
            f.units = Int(bytes[123])
            f.qformCode = int(252, Int16.self)
            f.sformCode = int(254, Int16.self)
            f.quatern = SIMD3(float(256), float(260), float(264))
            f.qoffset = SIMD3(float(268), float(272), float(276))
            f.srow = (0..<12).map { float(280 + 4 * $0) }
            f.magic = text(344, 4)
        } else {
            f.magic = text(4, 3)
            f.datatype = int(12, Int16.self)
            f.dim = (0..<8).map { int(16 + 8 * $0, Int64.self) }
            f.pixdim = (0..<8).map { double(104 + 8 * $0) }
            f.voxOffset = Double(int(168, Int64.self))
            f.slope = double(176)
            f.intercept = double(184)
            f.qformCode = int(344, Int32.self)
            f.sformCode = int(348, Int32.self)
            f.quatern = SIMD3(double(352), double(360), double(368))
            f.qoffset = SIMD3(double(376), double(384), double(392))
            f.srow = (0..<12).map { double(400 + 8 * $0) }
            f.units = int(500, Int32.self)
        }
        return f
    }

    static func scalarType(_ code: Int, file: String) throws -> ScalarType {
        switch code {
        case 2: return .uint8
        case 4: return .int16
        case 8: return .int32
        case 16: return .float32
        case 64: return .float64
        case 256: return .int8
        case 512: return .uint16
        case 768: return .uint32
        case 1024: return .int64
        case 1280: return .uint64
        default:
            throw InputError(file: file, field: "datatype", value: "\(code)",
                             "is not a scalar type petrad reads (complex and RGB images are not "
                             + "supported); convert the image to a scalar type.")
        }
    }

    static func makeHeader(_ f: Fields, compressed: Bool, file: String) throws -> ImageHeader {
        if f.version == 1 && f.magic != "n+1" {
            let what = f.magic == "ni1" ? "a two-file NIfTI (.hdr/.img)" : "an Analyze 7.5 file"
            throw InputError(file: file, field: "magic", value: f.magic,
                             "this is \(what), which petrad does not read; save it as a single "
                             + ".nii file.")
        }
        if f.version == 2 && f.magic != "n+2" {
            throw InputError(file: file, field: "magic", value: f.magic,
                             "must be n+2 for a single-file NIfTI-2; this file is damaged.")
        }
        let type = try scalarType(f.datatype, file: file)
        let ndim = f.dim[0]
        guard (1...7).contains(ndim) else {
            throw InputError(file: file, field: "dim[0]", value: "\(ndim)",
                             "must be 1 ... 7; the header is damaged.")
        }
        for axis in 1...ndim where f.dim[axis] < 1 {
            throw InputError(file: file, field: "dim[\(axis)]", value: "\(f.dim[axis])",
                             "must be at least 1; the header is damaged.")
        }
        if ndim > 3, let axis = (4...ndim).first(where: { f.dim[$0] > 1 }) {
            throw InputError(file: file, field: "dim[\(axis)]", value: "\(f.dim[axis])",
                             "this is a \(ndim)D image (time series or vector); petrad reads 3D "
                             + "scalar images only. Extract one volume first.")
        }
        var size = SIMD3<Int>(1, 1, 1)
        for axis in 0..<min(ndim, 3) { size[axis] = f.dim[axis + 1] }
        _ = try checkedCounts(size: [size.x, size.y, size.z], type: type, file: file, field: "dim")

        // Spacing: pixdim, with nifti_io's repair of zero or non-finite values (taken as 1).
        let unitScale: Double
        switch f.units & 7 {
        case 1: unitScale = 1000
        case 3: unitScale = 0.001
        default: unitScale = 1
        }
        var pixdim = SIMD3<Double>(1, 1, 1)
        for axis in 0..<min(ndim, 3) {
            let p = f.pixdim[axis + 1]
            pixdim[axis] = (p.isFinite && p != 0) ? abs(p) : 1
        }
        let spacing = pixdim * unitScale

        let (matrix, source) = try chooseTransform(f, pixdim: pixdim, file: file)
        var origin = SIMD3<Double>(0, 0, 0)
        var direction: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
        if let matrix {
            origin = SIMD3(-matrix[3], -matrix[7], matrix[11])
            for column in 0..<3 {
                var v = SIMD3(-matrix[column], -matrix[4 + column], matrix[8 + column])
                let norm = (v * v).sum().squareRoot()
                if norm > 0 { v /= norm }
                for row in 0..<3 { direction[row * 3 + column] = v[row] }
            }
        }
        guard (0..<3).allSatisfy({ origin[$0].isFinite && spacing[$0].isFinite }),
              direction.allSatisfy({ $0.isFinite }) else {
            throw InputError(file: file, field: source, value: "\(origin)",
                             "gives a non-finite origin or direction; the header is damaged.")
        }

        var slope = f.slope.isFinite ? f.slope : 0
        if abs(slope) < Double.ulpOfOne { slope = 1 }
        let intercept = f.intercept.isFinite ? f.intercept : 0
        return ImageHeader(format: f.version == 1 ? .nifti1 : .nifti2, scalarType: type,
                           geometry: Geometry(size: size, spacing: spacing, origin: origin,
                                              direction: direction),
                           compressed: compressed, slope: slope, intercept: intercept,
                           qformCode: f.qformCode, sformCode: f.sformCode,
                           transformSource: source)
    }

    /// The 3x4 index-to-RAS matrix (row-major, translation in entries 3, 7, 11) that ITK uses,
    /// following NiftiImageIO::SetImageIOOrientationFromNIfTI:
    /// - qform_code and sform_code both 0: no matrix (origin 0, identity direction).
    /// - sform preferred when the two are equal to float precision, or when the sform is an
    ///   orthonormal rotation times scales and either the qform is unset, the sform is
    ///   SCANNER_ANAT (1), or both are set and describe the same grid (within 1e-4);
    /// - otherwise the qform when it is set; otherwise the file has no usable geometry.
    /// Not yet: ITK compares rotations through an SVD of each matrix; petrad compares
    /// normalised columns, which agrees for every orthonormal sform (the case ITK accepts).
    static func chooseTransform(_ f: Fields, pixdim: SIMD3<Double>, file: String) throws
        -> (matrix: [Double]?, source: String)
    {
        if f.qformCode <= 0 && f.sformCode <= 0 { return (nil, "pixdim only") }
        let qform = f.qformCode > 0
            ? quaternionMatrix(f.quatern, offset: f.qoffset, pixdim: pixdim, qfac: f.pixdim[0])
            : [pixdim.x, 0, 0, 0, 0, pixdim.y, 0, 0, 0, 0, pixdim.z, 0]
        let sform = f.sformCode > 0 ? f.srow : [Double](repeating: 0, count: 12)
        // Bottom rows: (0,0,0,1) for the qform; for an unset sform nifti_io leaves zeros.
        let sformBottom: [Double] = f.sformCode > 0 ? [0, 0, 0, 1] : [0, 0, 0, 0]

        let qf = qform.map { Double(Float($0)) }, sf = sform.map { Double(Float($0)) }
        var similar = [0, 1, 2, 4, 5, 6, 8, 9, 10].allSatisfy { abs(sf[$0] - qf[$0]) <= 1e-5 }
        similar = similar && [3, 7, 11].map({ abs(sf[$0] - qf[$0]) }).reduce(0, +)
            + abs(sformBottom[3] - 1) <= 1e-7
        similar = similar && sformBottom[0..<3].map(abs).reduce(0, +)
            + abs(sformBottom[3] - 1) <= 1e-7
        var preferSform = similar

        if !preferSform || f.sformCode > 0 {
            if f.sformCode > 0 && sformIsRotationTimesScale(sform) {
                if f.qformCode <= 0 {
                    preferSform = true
                } else if f.sformCode == 1 {
                    preferSform = true
                } else {
                    preferSform = sameGrid(sform, qform)
                }
            }
        }
        if preferSform { return (sform, "sform") }
        if f.qformCode > 0 { return (qform, "qform") }
        throw InputError(file: file, field: "sform", value: "\(sform)",
                         "is not a rotation with scaling and the qform is unset (qform_code 0), "
                         + "so the image has no orthonormal orientation (ITK refuses it too).")
    }

    /// nifti_quatern_to_mat44: rotation from the unit quaternion (a, b, c, d), a >= 0, columns
    /// scaled by the voxel sizes; the third column flipped when qfac = pixdim[0] < 0.
    static func quaternionMatrix(_ q: SIMD3<Double>, offset: SIMD3<Double>, pixdim: SIMD3<Double>,
                                 qfac: Double) -> [Double] {
        var (b, c, d) = (q.x, q.y, q.z)
        var a = 1 - (b * b + c * c + d * d)
        if a < 1e-7 {
            a = 1 / (b * b + c * c + d * d).squareRoot()
            b *= a; c *= a; d *= a
            a = 0
        } else {
            a = a.squareRoot()
        }
        let xd = pixdim.x > 0 ? pixdim.x : 1
        let yd = pixdim.y > 0 ? pixdim.y : 1
        var zd = pixdim.z > 0 ? pixdim.z : 1
        if qfac < 0 { zd = -zd }
        return [
            (a * a + b * b - c * c - d * d) * xd, 2 * (b * c - a * d) * yd,
            2 * (b * d + a * c) * zd, offset.x,
            2 * (b * c + a * d) * xd, (a * a + c * c - b * b - d * d) * yd,
            2 * (c * d - a * b) * zd, offset.y,
            2 * (b * d - a * c) * xd, 2 * (c * d + a * b) * yd,
            (a * a + d * d - c * c - b * b) * zd, offset.z,
        ]
    }

    /// True when the 3x3 part of `m` is invertible and its normalised columns are orthonormal
    /// within 1e-4 (ITK: IsAffine and `rotation * rotation^T` is the identity within 1e-4).
    static func sformIsRotationTimesScale(_ m: [Double]) -> Bool {
        let columns = (0..<3).map { SIMD3(m[$0], m[4 + $0], m[8 + $0]) }
        let norms = columns.map { ($0 * $0).sum().squareRoot() }
        guard norms.allSatisfy({ $0 > 0 && $0.isFinite }) else { return false }
        let unit = zip(columns, norms).map { $0 / $1 }
        for i in 0..<3 {
            for j in 0..<3 {
                // (R R^T)_ij = sum over columns k of R[i][k] R[j][k].
                let value = (0..<3).map { unit[$0][i] * unit[$0][j] }.reduce(0, +)
                if abs(value - (i == j ? 1 : 0)) > 1e-4 { return false }
            }
        }
        return true
    }

    /// Same voxel sizes, rotations and offsets within 1e-4.
    static func sameGrid(_ s: [Double], _ q: [Double]) -> Bool {
        for column in 0..<3 {
            let sc = SIMD3(s[column], s[4 + column], s[8 + column])
            let qc = SIMD3(q[column], q[4 + column], q[8 + column])
            let sn = (sc * sc).sum().squareRoot(), qn = (qc * qc).sum().squareRoot()
            if abs(sn - qn) > 1e-4 { return false }
            let diff = sc / sn - qc / qn
            if (0..<3).contains(where: { abs(diff[$0]) > 1e-4 }) { return false }
        }
        return [3, 7, 11].allSatisfy { abs(s[$0] - q[$0]) <= 1e-4 }
    }

    // MARK: Writing

    /// NIfTI-1 bytes (header, empty extension, little-endian voxels) for a grid and its values.
    /// Both qform and sform are written (codes 1, SCANNER_ANAT), as ITK writes them: the sform
    /// holds the full direction and spacing in float32, the qform the same as a quaternion.
    static func encode(geometry g: Geometry, values: [Double], type: ScalarType) -> Data {
        var header = Data(count: 352)
        header.withUnsafeMutableBytes { (p: UnsafeMutableRawBufferPointer) in
            func i16(_ offset: Int, _ v: Int) {
                p.storeBytes(of: Int16(v).littleEndian, toByteOffset: offset, as: Int16.self)
            }
            func f32(_ offset: Int, _ v: Double) {
                p.storeBytes(of: Float(v).bitPattern.littleEndian, toByteOffset: offset,
                             as: UInt32.self)
            }
            p.storeBytes(of: Int32(348).littleEndian, toByteOffset: 0, as: Int32.self)
            p[38] = UInt8(ascii: "r")  // regular
            let dims = [3, g.size.x, g.size.y, g.size.z, 1, 1, 1, 1]
            for (k, v) in dims.enumerated() { i16(40 + 2 * k, v) }
            let code: Int
            switch type {
            case .uint8: code = 2
            case .int16: code = 4
            case .int32: code = 8
            case .float32: code = 16
            case .float64: code = 64
            case .int8: code = 256
            case .uint16: code = 512
            case .uint32: code = 768
            case .int64: code = 1024
            case .uint64: code = 1280
            }
            i16(70, code)
            i16(72, type.byteCount * 8)

            // RAS rotation R = diag(-1,-1,1) * D; a reflection is carried by qfac = -1.
            let d = g.direction
            var r = [-d[0], -d[1], -d[2], -d[3], -d[4], -d[5], d[6], d[7], d[8]]
            let det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6])
                + r[2] * (r[3] * r[7] - r[4] * r[6])
            let qfac: Double = det < 0 ? -1 : 1
            let pixdims = [qfac, g.spacing.x, g.spacing.y, g.spacing.z, 1, 1, 1, 1]
            for (k, v) in pixdims.enumerated() { f32(76 + 4 * k, v) }
            f32(108, 352)  // vox_offset
            f32(112, 1)  // scl_slope
            f32(116, 0)  // scl_inter
            p[123] = 2 | 8  // mm, seconds
            let description = Array("petrad".utf8)
            for (k, byte) in description.enumerated() { p[148 + k] = byte }
            i16(252, 1)  // qform_code SCANNER_ANAT
            i16(254, 1)  // sform_code SCANNER_ANAT
            if qfac < 0 { r[2] = -r[2]; r[5] = -r[5]; r[8] = -r[8] }
            let q = quaternion(ofRotation: r)
            f32(256, q.x); f32(260, q.y); f32(264, q.z)
            let originRAS = SIMD3(-g.origin.x, -g.origin.y, g.origin.z)
            f32(268, originRAS.x); f32(272, originRAS.y); f32(276, originRAS.z)
            for row in 0..<3 {
                let sign: Double = row < 2 ? -1 : 1
                for column in 0..<3 {
                    f32(280 + 16 * row + 4 * column, sign * d[row * 3 + column] * g.spacing[column])
                }
                f32(280 + 16 * row + 12, originRAS[row])
            }
            for (k, byte) in Array("n+1".utf8).enumerated() { p[344 + k] = byte }
        }
        return header + encodeVoxels(values, type: type)
    }

    /// Quaternion (b, c, d) with a >= 0 of a proper rotation matrix (row-major 3x3), as
    /// nifti_mat44_to_quatern computes it for an orthonormal matrix.
    static func quaternion(ofRotation r: [Double]) -> SIMD3<Double> {
        var a = r[0] + r[4] + r[8] + 1
        var b: Double, c: Double, d: Double
        if a > 0.5 {
            a = 0.5 * a.squareRoot()
            b = 0.25 * (r[7] - r[5]) / a
            c = 0.25 * (r[2] - r[6]) / a
            d = 0.25 * (r[3] - r[1]) / a
        } else {
            let xd = 1 + r[0] - (r[4] + r[8])
            let yd = 1 + r[4] - (r[0] + r[8])
            let zd = 1 + r[8] - (r[0] + r[4])
            if xd > 1 {
                b = 0.5 * xd.squareRoot()
                c = 0.25 * (r[1] + r[3]) / b
                d = 0.25 * (r[2] + r[6]) / b
                a = 0.25 * (r[7] - r[5]) / b
            } else if yd > 1 {
                c = 0.5 * yd.squareRoot()
                b = 0.25 * (r[1] + r[3]) / c
                d = 0.25 * (r[5] + r[7]) / c
                a = 0.25 * (r[2] - r[6]) / c
            } else {
                d = 0.5 * zd.squareRoot()
                b = 0.25 * (r[2] + r[6]) / d
                c = 0.25 * (r[5] + r[7]) / d
                a = 0.25 * (r[3] - r[1]) / d
            }
            if a < 0 { b = -b; c = -c; d = -d }
        }
        return SIMD3(b, c, d)
    }
}

extension ImageIO {
    /// Writes a float image as NIfTI-1 (`.nii`, or gzip-compressed when `path` ends in
    /// `.nii.gz`), as float32 (default) or float64. The file is written atomically.
    public static func writeNIfTI(_ image: ImageVolume, path: String,
                                  type: ScalarType = .float32) throws {
        guard type == .float32 || type == .float64 else {
            throw InputError(file: path, field: "type", value: type.rawValue,
                             "float images are written as float32 or float64.")
        }
        try writeNIfTI(geometry: image.geometry, values: image.voxels, type: type, path: path)
    }

    /// Writes a label map as NIfTI-1 with integer voxels of `type` (int16 by default; uint8,
    /// int16, uint16 or int32). A label that does not fit the type is an error, never wrapped.
    public static func writeNIfTI(_ labels: LabelVolume, path: String,
                                  type: ScalarType = .int16) throws {
        try writeLabels(geometry: labels.geometry, values: labels.voxels.map(Double.init),
                        type: type, path: path)
    }

    /// Writes a binary mask (0/1) as NIfTI-1 uint8 voxels.
    public static func writeNIfTI(_ mask: Volume<UInt8>, path: String,
                                  type: ScalarType = .uint8) throws {
        try writeLabels(geometry: mask.geometry, values: mask.voxels.map(Double.init),
                        type: type, path: path)
    }

    static func writeLabels(geometry: Geometry, values: [Double], type: ScalarType,
                            path: String) throws {
        let range: ClosedRange<Double>
        switch type {
        case .uint8: range = 0...255
        case .int16: range = -32768...32767
        case .uint16: range = 0...65535
        case .int32: range = -2147483648...2147483647
        default:
            throw InputError(file: path, field: "type", value: type.rawValue,
                             "label maps are written as uint8, int16, uint16 or int32.")
        }
        if let bad = values.first(where: { !range.contains($0) }) {
            throw InputError(file: path, field: "label", value: String(Int64(bad)),
                             "does not fit in \(type.rawValue); write the labels as int32.")
        }
        try writeNIfTI(geometry: geometry, values: values, type: type, path: path)
    }

    static func writeNIfTI(geometry: Geometry, values: [Double], type: ScalarType,
                           path: String) throws {
        let lower = path.lowercased()
        guard lower.hasSuffix(".nii") || lower.hasSuffix(".nii.gz") else {
            throw InputError(file: path, field: "file name",
                             value: (path as NSString).lastPathComponent,
                             "a NIfTI file name must end in .nii or .nii.gz.")
        }
        guard geometry.size.x <= 32767, geometry.size.y <= 32767, geometry.size.z <= 32767 else {
            throw InputError(file: path, field: "dim", value: "\(geometry.size)",
                             "NIfTI-1 sizes are 16-bit (at most 32767 per axis).")
        }
        var bytes = NIfTI.encode(geometry: geometry, values: values, type: type)
        if lower.hasSuffix(".gz") { bytes = try gzipCompress(bytes, file: path) }
        try AtomicFile.write(bytes, to: path)
    }
}
