import Foundation

/// NRRD reading (teem's format, as ITK's NrrdImageIO reads it): attached data only, encodings
/// raw, gzip and ascii, every scalar type, `space directions` / `space origin` (or `spacings`),
/// `space` left-posterior-superior, right-anterior-superior or left-anterior-superior, turned
/// into LPS as ITK does (RAS and LAS negate the axes that differ from LPS).
enum NRRD {
    struct ParsedHeader {
        var header: ImageHeader
        var size: [Int]
        var encoding: String
        var bigEndian: Bool
        var dataOffset: Int
        var lineSkip: Int
        var byteSkip: Int
    }

    static func read(_ data: Data, file: String) throws
        -> (stored: StoredVolume, header: ImageHeader)
    {
        let parsed = try parseHeader(data, file: file)
        let header = parsed.header
        let type = header.scalarType
        let declared = parsed.size.map(String.init).joined(separator: " ")
        let (count, _) = try checkedCounts(size: parsed.size, type: type, file: file,
                                           field: "sizes")

        var offset = parsed.dataOffset
        for _ in 0..<parsed.lineSkip {
            guard let newline = data[(data.startIndex + offset)...].firstIndex(of: 0x0a) else {
                throw InputError(file: file, field: "line skip", value: "\(parsed.lineSkip)",
                                 "the file ends before the lines to skip; the header is wrong.")
            }
            offset = newline - data.startIndex + 1
        }

        let geometry = header.geometry
        switch parsed.encoding {
        case "raw":
            if parsed.byteSkip == -1 {
                offset = data.count - count * type.byteCount
            } else {
                offset += parsed.byteSkip
            }
            try checkRaw(data, offset: offset, count: count, type: type, file: file,
                         field: "sizes", declared: declared)
            return (StoredVolume(geometry: geometry, type: type, bytes: data, offset: offset,
                                 bigEndian: parsed.bigEndian), header)
        case "gzip", "gz":
            // A slice shares the file's bytes (no copy of the compressed data).
            let payload = data[(data.startIndex + offset)..<data.endIndex]
            let reader = try GzipReader(compressed: payload, file: file)
            if parsed.byteSkip > 0 {
                guard try reader.skip(parsed.byteSkip) == parsed.byteSkip else {
                    throw InputError(file: file, field: "byte skip", value: "\(parsed.byteSkip)",
                                     "the data ends before the bytes to skip; the header is wrong.")
                }
            }
            let voxels = try decodeCompressed(payload, reader: reader,
                                              streamOffset: max(parsed.byteSkip, 0),
                                              count: count, type: type, file: file,
                                              field: "sizes", declared: declared)
            return (StoredVolume(geometry: geometry, type: type, bytes: voxels.bytes,
                                 offset: voxels.offset, bigEndian: parsed.bigEndian), header)
        case "ascii", "text", "txt":
            let values = try decodeASCII(data, offset: offset, count: count, file: file,
                                         declared: declared)
            let bytes = values.withUnsafeBytes { Data($0) }
            return (StoredVolume(geometry: geometry, type: .float64, bytes: bytes, offset: 0,
                                 bigEndian: 1.bigEndian == 1), header)
        default:
            throw InputError(file: file, field: "encoding", value: parsed.encoding,
                             "is not supported (petrad reads raw, gzip and ascii NRRD); re-save "
                             + "the image with gzip encoding.")
        }
    }

    static func parseHeader(_ data: Data, file: String) throws -> ParsedHeader {
        guard data.starts(with: Array("NRRD000".utf8)) else {
            throw InputError(file: file, field: "magic",
                             value: String(decoding: data.prefix(8), as: UTF8.self),
                             "is not a NRRD file (it must start with NRRD0001 ... NRRD0005).")
        }
        // The header ends at the first empty line; cap its length so a binary file without one
        // is refused quickly.
        var fields: [String: String] = [:]
        var lineStart = data.startIndex
        var dataOffset = -1
        var first = true
        let limit = min(data.endIndex, data.startIndex + (1 << 20))
        var index = data.startIndex
        while index < limit {
            if data[index] == 0x0a {
                var line = String(decoding: data[lineStart..<index], as: UTF8.self)
                if line.hasSuffix("\r") { line.removeLast() }
                lineStart = index + 1
                if first {
                    first = false
                } else if line.isEmpty {
                    dataOffset = lineStart - data.startIndex
                    break
                } else if !line.hasPrefix("#") {
                    // "field: value", or "key:=value" (free key/value pairs, ignored).
                    let field = line.range(of: ": ")
                    let pair = line.range(of: ":=")
                    if let pair, field.map({ pair.lowerBound < $0.lowerBound }) ?? true {
                        // a key/value pair
                    } else if let field {
                        let key = line[..<field.lowerBound].trimmingCharacters(in: .whitespaces)
                            .lowercased()
                        fields[key] = line[field.upperBound...]
                            .trimmingCharacters(in: .whitespaces)
                    } else {
                        throw InputError(file: file, field: "header line", value: line,
                                         "is neither 'field: value' nor 'key:=value'; the "
                                         + "header is damaged.")
                    }
                }
            }
            index += 1
        }
        if dataOffset < 0 {
            if fields["data file"] != nil || fields["datafile"] != nil {
                dataOffset = data.count
            } else {
                throw InputError(file: file, field: "header", value: "",
                                 "has no blank line ending the header; the file is truncated "
                                 + "or damaged.")
            }
        }
        if let detached = fields["data file"] ?? fields["datafile"] {
            throw InputError(file: file, field: "data file", value: detached,
                             "detached NRRD data is not supported; save the image as a single "
                             + ".nrrd file.")
        }

        func required(_ key: String) throws -> String {
            guard let value = fields[key] else {
                throw InputError(file: file, field: key, value: "",
                                 "is missing from the NRRD header; the file is incomplete.")
            }
            return value
        }

        let type = try scalarType(try required("type"), file: file)
        guard let dimension = Int(try required("dimension")), (1...3).contains(dimension) else {
            throw InputError(file: file, field: "dimension", value: fields["dimension"] ?? "",
                             "must be 1, 2 or 3 (petrad reads scalar 3D images).")
        }
        let sizeWords = try required("sizes").split(whereSeparator: { $0 == " " || $0 == "\t" })
        let size = sizeWords.compactMap { Int($0) }
        guard size.count == dimension, sizeWords.count == dimension else {
            throw InputError(file: file, field: "sizes", value: fields["sizes"] ?? "",
                             "must give \(dimension) whole numbers (dimension is \(dimension)).")
        }
        _ = try checkedCounts(size: size, type: type, file: file, field: "sizes")

        let encoding = try required("encoding").lowercased()
        var bigEndian = false
        if let endian = fields["endian"]?.lowercased() {
            guard endian == "little" || endian == "big" else {
                throw InputError(file: file, field: "endian", value: endian,
                                 "must be little or big.")
            }
            bigEndian = endian == "big"
        } else if type.byteCount > 1 && !["ascii", "text", "txt"].contains(encoding) {
            throw InputError(file: file, field: "endian", value: "",
                             "is missing; it is required for \(type.rawValue) voxels.")
        }

        // Space: sign of each axis relative to LPS.
        var flip = SIMD3<Double>(1, 1, 1)
        if let space = fields["space"]?.lowercased() {
            switch space {
            case "left-posterior-superior", "lps": flip = SIMD3(1, 1, 1)
            case "right-anterior-superior", "ras": flip = SIMD3(-1, -1, 1)
            case "left-anterior-superior", "las": flip = SIMD3(1, -1, 1)
            default:
                throw InputError(file: file, field: "space", value: space,
                                 "is not supported; petrad reads left-posterior-superior, "
                                 + "right-anterior-superior and left-anterior-superior.")
            }
        } else if let text = fields["space dimension"] {
            guard let n = Int(text), (1...3).contains(n) else {
                throw InputError(file: file, field: "space dimension", value: text,
                                 "must be 1, 2 or 3.")
            }
        }

        var spacing = SIMD3<Double>(1, 1, 1)
        var direction: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
        var origin = SIMD3<Double>(0, 0, 0)
        var source = "default"
        if let text = fields["space directions"] {
            let vectors = try parseVectors(text, file: file, field: "space directions")
            guard vectors.count == dimension else {
                throw InputError(file: file, field: "space directions", value: text,
                                 "must give one vector per axis (\(dimension)).")
            }
            for (axis, vector) in vectors.enumerated() {
                guard let vector, (1...3).contains(vector.count) else {
                    throw InputError(file: file, field: "space directions", value: text,
                                     "has a non-spatial axis ('none') or a vector longer than 3; "
                                     + "petrad reads scalar 3D images only.")
                }
                var v = SIMD3<Double>(0, 0, 0)
                for (k, x) in vector.enumerated() { v[k] = x }
                v *= flip
                let norm = (v * v).sum().squareRoot()
                guard norm > 0, norm.isFinite else {
                    throw InputError(file: file, field: "space directions", value: text,
                                     "axis \(axis) has length \(norm); the header is damaged.")
                }
                spacing[axis] = norm
                for row in 0..<3 { direction[row * 3 + axis] = v[row] / norm }
            }
            // A 2D image in 3D space: the third axis is the cross product of the first two.
            if dimension == 2 {
                let a = SIMD3(direction[0], direction[3], direction[6])
                let b = SIMD3(direction[1], direction[4], direction[7])
                let c = SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
                for row in 0..<3 { direction[row * 3 + 2] = c[row] }
            }
            source = "space directions"
        } else if let text = fields["spacings"] {
            let values = text.split(separator: " ").map { Double($0) }
            guard values.count == dimension else {
                throw InputError(file: file, field: "spacings", value: text,
                                 "must give one spacing per axis (\(dimension)).")
            }
            for (axis, value) in values.enumerated() {
                if let value, value.isFinite, value != 0 { spacing[axis] = abs(value) }
            }
            source = "spacings"
        }
        if let text = fields["space origin"] {
            let vectors = try parseVectors(text, file: file, field: "space origin")
            guard vectors.count == 1, let vector = vectors[0], vector.count <= 3 else {
                throw InputError(file: file, field: "space origin", value: text,
                                 "must be one vector such as (0,0,0).")
            }
            for (k, x) in vector.enumerated() { origin[k] = x }
            origin *= flip
        }
        guard direction.allSatisfy({ $0.isFinite }), (0..<3).allSatisfy({ origin[$0].isFinite })
        else {
            throw InputError(file: file, field: "space origin", value: fields["space origin"] ?? "",
                             "is not finite; the header is damaged.")
        }

        var size3 = SIMD3<Int>(1, 1, 1)
        for (axis, n) in size.enumerated() { size3[axis] = n }
        let geometry = Geometry(size: size3, spacing: spacing, origin: origin, direction: direction)
        let header = ImageHeader(format: .nrrd, scalarType: type, geometry: geometry,
                                 compressed: encoding == "gzip" || encoding == "gz",
                                 transformSource: source)
        let lineSkip = Int(fields["line skip"] ?? fields["lineskip"] ?? "0") ?? -2
        let byteSkip = Int(fields["byte skip"] ?? fields["byteskip"] ?? "0") ?? -2
        guard lineSkip >= 0, byteSkip >= -1 else {
            throw InputError(file: file, field: "line skip / byte skip",
                             value: "\(fields["line skip"] ?? "") \(fields["byte skip"] ?? "")",
                             "must be whole numbers (byte skip may be -1).")
        }
        return ParsedHeader(header: header, size: size, encoding: encoding, bigEndian: bigEndian,
                            dataOffset: dataOffset, lineSkip: lineSkip, byteSkip: byteSkip)
    }

    /// NRRD type names (teem's list) to scalar types.
    static func scalarType(_ name: String, file: String) throws -> ScalarType {
        switch name.lowercased() {
        case "signed char", "int8", "int8_t": return .int8
        case "uchar", "unsigned char", "uint8", "uint8_t": return .uint8
        case "short", "short int", "signed short", "signed short int", "int16", "int16_t":
            return .int16
        case "ushort", "unsigned short", "unsigned short int", "uint16", "uint16_t": return .uint16
        case "int", "signed int", "int32", "int32_t": return .int32
        case "uint", "unsigned int", "uint32", "uint32_t": return .uint32
        case "longlong", "long long", "long long int", "signed long long",
             "signed long long int", "int64", "int64_t":
            return .int64
        case "ulonglong", "unsigned long long", "unsigned long long int", "uint64", "uint64_t":
            return .uint64
        case "float": return .float32
        case "double": return .float64
        default:
            throw InputError(file: file, field: "type", value: name,
                             "is not a NRRD scalar type petrad reads (int8 ... uint64, float, "
                             + "double).")
        }
    }

    /// Parses "(a,b,c) none (d,e,f)" into vectors (nil for "none").
    static func parseVectors(_ text: String, file: String, field: String) throws -> [[Double]?] {
        var result: [[Double]?] = []
        var rest = Substring(text)
        while true {
            rest = rest.drop(while: { $0 == " " || $0 == "\t" })
            if rest.isEmpty { break }
            if rest.hasPrefix("none") {
                result.append(nil)
                rest = rest.dropFirst(4)
                continue
            }
            guard rest.first == "(", let close = rest.firstIndex(of: ")") else {
                throw InputError(file: file, field: field, value: text,
                                 "must be vectors written as (x,y,z) or 'none'.")
            }
            let inner = rest[rest.index(after: rest.startIndex)..<close]
            let numbers = inner.split(separator: ",").map {
                Double($0.trimmingCharacters(in: .whitespaces))
            }
            guard !numbers.isEmpty, numbers.allSatisfy({ $0 != nil && $0!.isFinite }) else {
                throw InputError(file: file, field: field, value: text,
                                 "holds something that is not a finite number.")
            }
            result.append(numbers.map { $0! })
            rest = rest[rest.index(after: close)...]
        }
        return result
    }

    static func decodeASCII(_ data: Data, offset: Int, count: Int, file: String,
                            declared: String) throws -> [Double] {
        let text = String(decoding: data[(data.startIndex + offset)...], as: UTF8.self)
        var values: [Double] = []
        values.reserveCapacity(min(count, text.utf8.count / 2 + 1))
        let separators: Set<Character> = [" ", "\n", "\t", "\r", "\r\n", ","]
        for word in text.split(whereSeparator: { separators.contains($0) }) {
            guard values.count < count else { break }
            guard let value = Double(word) else {
                throw InputError(file: file, field: "data", value: String(word),
                                 "is not a number in the ascii voxel data.")
            }
            values.append(value)
        }
        guard values.count == count else {
            throw InputError(file: file, field: "sizes", value: declared,
                             "declares \(count) voxels but the ascii data holds \(values.count).")
        }
        return values
    }
}
