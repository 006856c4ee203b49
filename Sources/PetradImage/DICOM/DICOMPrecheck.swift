import Foundation

/// Walks every data element of a DICOM file before GDCM reads it, and refuses the file, naming
/// the element, when a length runs past the end of the file or of the item that holds it, when
/// a sequence or an item of undefined length is never closed, or when sequences nest deeper
/// than `maximumDepth`.
///
/// Why: Debian's GDCM 3.0 is built with its assertions on and aborts the whole process on such
/// files (`Assertion is.good()` in its element readers); an abort cannot be caught, so one
/// damaged slice would end a batch of hundreds of patients. Every file that `DICOMFile` opens
/// goes through this walk first.
///
/// The layout followed is DICOM PS3.10 7.1 (128-byte preamble, "DICM", the file meta group
/// 0002 in Explicit VR Little Endian) and PS3.5 7.1-7.5 (data elements, sequences and items
/// of defined and undefined length) and A.4 (encapsulated pixel data: fragments of defined
/// length closed by a sequence delimitation item). The data set is walked in the transfer
/// syntax the meta group declares: Implicit VR Little Endian (1.2.840.10008.1.2), Explicit VR
/// Big Endian (1.2.840.10008.1.2.2), Deflated Explicit VR Little Endian (1.2.840.10008.1.2.1.99,
/// inflated first) and Explicit VR Little Endian for every other UID (the compressed ones
/// included, whose pixel data is encapsulated). Only lengths and tags are read, never values
/// (the transfer syntax UID apart), and nothing is allocated from a length found in the file.
///
/// Not checked here: the values themselves (text in a number, a VR that disagrees with the
/// data dictionary) and which elements are present; GDCM and the readers above it judge
/// those. Files without the "DICM" marker are walked only when they start with an element of
/// group 0002 or 0008 in little endian (old ACR-NEMA style files); big-endian files without a
/// file meta group, and files starting with the command group 0000, are refused.
public enum DICOMPrecheck {
    /// Deepest nesting of sequences walked. Real objects nest far less (an RTSTRUCT's contour
    /// image references sit 3 sequences deep, enhanced multi-frame functional groups 3 to 4); a
    /// file nesting thousands of sequences would exhaust a reader's stack.
    public static let maximumDepth = 16

    /// What the walk learnt about the top-level pixel data (7FE0,0010), for the checks made
    /// before its pixels are decoded.
    public struct PixelData: Sendable, Equatable {
        /// Bytes of the value (native), or of all fragments together (encapsulated).
        public var bytes: Int
        public var encapsulated: Bool
    }

    /// Checks the file at `path`; throws an `InputError` naming the file, the element's tag
    /// (gggg,eeee), the length found and the bytes left. Returns the top-level pixel data's
    /// size, nil when the file has none.
    @discardableResult
    public static func check(path: String) throws -> PixelData? {
        let data: Data
        do {
            // An empty file is refused before Foundation reads it (reading 0 bytes through
            // Data(contentsOf:) leaks a 4 KiB buffer in Swift 6.3's Foundation).
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
            guard size != 0 else {
                throw InputError(file: path, "is empty (0 bytes), not a DICOM file.")
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(file: path, "could not be read (\(error.localizedDescription))")
        }
        return try check(data: data, file: path)
    }

    /// Checks the bytes of a whole DICOM file; `file` names it in errors.
    @discardableResult
    public static func check(data: Data, file: String) throws -> PixelData? {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> PixelData? in
            var walker = DICOMElementWalker(bytes: bytes, file: file, encoding: .explicitLittle)
            let start = hasPart10Marker(bytes) ? 132 : 0
            if start == 0 {
                try walker.checkLooksLikeDICOM()
            }
            let (dataSetStart, transferSyntax) = try walker.walkFileMeta(from: start)
            // GDCM 3.0 asserts when nothing follows the file meta group.
            guard dataSetStart < bytes.count else {
                throw InputError(file: file, field: "data set", value: "empty",
                                 "Nothing follows the file meta group; the file is cut short "
                                     + "or damaged.")
            }
            if start == 132 && transferSyntax == nil {
                throw InputError(file: file, field: "(0002,0010)", value: "absent",
                                 "The file has the \"DICM\" marker but no file meta group "
                                     + "with a TransferSyntaxUID after it; it is cut short or "
                                     + "damaged.")
            }
            switch transferSyntax {
            case "1.2.840.10008.1.2":
                walker.encoding = .implicitLittle
            case "1.2.840.10008.1.2.2":
                walker.encoding = .explicitBig
            case "1.2.840.10008.1.2.1.99":
                let inflated = try inflateDataSet(data, from: dataSetStart, file: file)
                return try inflated.withUnsafeBytes { (plain: UnsafeRawBufferPointer) in
                    guard plain.count > 0 else {
                        throw InputError(file: file, field: "deflated data set",
                                         value: "empty", "Inflates to nothing; the file is "
                                             + "cut short or damaged.")
                    }
                    let inner = DICOMElementWalker(bytes: plain, file: file,
                                                   encoding: .explicitLittle,
                                                   place: "the inflated data set")
                    _ = try inner.walkDataSet(from: 0, to: plain.count, depth: 0,
                                              delimited: false)
                    return inner.found.pixelData
                }
            case nil:
                // No meta group (or no transfer syntax in it): explicit when the first
                // element carries a VR, implicit otherwise, as GDCM guesses.
                walker.encoding = walker.startsWithVR(at: dataSetStart)
                    ? .explicitLittle : .implicitLittle
            default:
                walker.encoding = .explicitLittle
            }
            _ = try walker.walkDataSet(from: dataSetStart, to: bytes.count, depth: 0,
                                       delimited: false)
            return walker.found.pixelData
        }
    }

    /// True when the file has the Part 10 marker "DICM" at bytes 128-131.
    static func hasPart10Marker(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 132 && bytes[128] == 0x44 && bytes[129] == 0x49 && bytes[130] == 0x43
            && bytes[131] == 0x4D
    }

    /// True when the file at `path` has the Part 10 marker (it says it is DICOM).
    public static func hasPart10Marker(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 132) else { return false }
        return head.withUnsafeBytes { hasPart10Marker($0) }
    }

    /// The deflated data set (raw deflate, PS3.5 A.5) inflated in 4 MiB steps. It can hold no
    /// more than deflate's largest expansion of the bytes present, and at most 2 GiB.
    static func inflateDataSet(_ data: Data, from start: Int, file: String) throws -> Data {
        let compressed = data.subdata(in: start..<data.count)
        let limit = min(compressed.count * GzipReader.maximumExpansion + (1 << 16), 1 << 31)
        let reader = try GzipReader(compressed: compressed, file: file, windowBits: -15)
        var inflated = Data()
        let step = 1 << 22
        while true {
            let before = inflated.count
            guard before < limit else {
                throw InputError(file: file, field: "deflated data set",
                                 value: "more than \(limit) bytes",
                                 "inflates past what its compressed size allows; the file is "
                                     + "damaged.")
            }
            let chunk = min(step, limit - before)
            inflated.count = before + chunk
            let got = try inflated.withUnsafeMutableBytes {
                try reader.read(into: UnsafeMutableRawBufferPointer(
                    rebasing: $0[before..<(before + chunk)]))
            }
            if got < chunk {
                inflated.count = before + got
                return inflated
            }
        }
    }
}

/// How the elements of a data set are encoded (PS3.5 7.1, 7.3).
enum DICOMEncoding {
    case implicitLittle, explicitLittle, explicitBig

    var isExplicit: Bool { self != .implicitLittle }
    var isBigEndian: Bool { self == .explicitBig }
}

/// The element-by-element walk behind `DICOMPrecheck`, over bytes held in memory.
struct DICOMElementWalker {
    let bytes: UnsafeRawBufferPointer
    let file: String
    var encoding: DICOMEncoding
    /// Where the walk is, for messages: "the file", or "the inflated data set".
    var place = "the file"
    /// What the walk found, filled in as it goes.
    final class Found {
        var pixelData: DICOMPrecheck.PixelData?
    }
    let found = Found()

    static let item: UInt32 = 0xFFFE_E000
    static let itemDelimitation: UInt32 = 0xFFFE_E00D
    static let sequenceDelimitation: UInt32 = 0xFFFE_E0DD
    static let pixelData: UInt32 = 0x7FE0_0010
    static let undefinedLength: UInt32 = 0xFFFF_FFFF

    /// Value representations (PS3.5 6.2) whose explicit length takes 4 bytes after 2 reserved
    /// ones (PS3.5 7.1.2); every other VR has a 2-byte length.
    static let longVRs: Set<String> = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC",
                                       "UN", "UR", "UT", "UV"]
    static let shortVRs: Set<String> = ["AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD",
                                        "IS", "LO", "LT", "PN", "SH", "SL", "SS", "ST", "TM",
                                        "UI", "UL", "US"]

    /// One element's header: tag, VR (empty when implicit), value length and where the value
    /// starts.
    struct Header {
        var tag: UInt32
        var vr: String
        var length: UInt32
        var valueStart: Int
    }

    init(bytes: UnsafeRawBufferPointer, file: String, encoding: DICOMEncoding,
         place: String = "the file") {
        self.bytes = bytes
        self.file = file
        self.encoding = encoding
        self.place = place
    }

    func u16(_ offset: Int, bigEndian: Bool) -> UInt16 {
        let a = UInt16(bytes[offset]), b = UInt16(bytes[offset + 1])
        return bigEndian ? a << 8 | b : b << 8 | a
    }

    func u32(_ offset: Int, bigEndian: Bool) -> UInt32 {
        let low = UInt32(u16(offset, bigEndian: bigEndian))
        let high = UInt32(u16(offset + 2, bigEndian: bigEndian))
        return bigEndian ? low << 16 | high : high << 16 | low
    }

    func tag(at offset: Int, bigEndian: Bool) -> UInt32 {
        UInt32(u16(offset, bigEndian: bigEndian)) << 16
            | UInt32(u16(offset + 2, bigEndian: bigEndian))
    }

    static func name(_ tag: UInt32) -> String {
        let hex = String(format: "%04X,%04X", tag >> 16, tag & 0xFFFF)
        return "(\(hex))"
    }

    /// The two bytes at `offset` as a VR if they are two capital letters.
    func letters(at offset: Int) -> String? {
        guard offset + 2 <= bytes.count else { return nil }
        let a = bytes[offset], b = bytes[offset + 1]
        guard (0x41...0x5A).contains(a), (0x41...0x5A).contains(b) else { return nil }
        return String(decoding: [a, b], as: UTF8.self)
    }

    func startsWithVR(at offset: Int) -> Bool {
        guard let vr = letters(at: offset + 4) else { return false }
        return Self.longVRs.contains(vr) || Self.shortVRs.contains(vr)
    }

    func error(_ tag: UInt32?, _ value: String, _ message: String) -> InputError {
        InputError(file: file, field: tag.map(Self.name) ?? "", value: value,
                   message + " The file is cut short or damaged; petrad checks DICOM "
                       + "structure before GDCM reads it, since GDCM aborts on such files.")
    }

    /// Without the "DICM" marker, the file must start like a DICOM data set: an element of
    /// group 0002 or 0008 in little endian.
    func checkLooksLikeDICOM() throws {
        let group = bytes.count >= 8 ? u16(0, bigEndian: false) : 0xFFFF
        guard [0x0002, 0x0008].contains(group) else {
            throw InputError(file: file, "is not a DICOM file: no \"DICM\" marker at byte 128 "
                                 + "and no little-endian DICOM element at the start.")
        }
    }

    /// Reads the header of the element at `offset` in a container ending at `end`.
    func header(at offset: Int, end: Int, explicit: Bool, bigEndian: Bool) throws -> Header {
        let left = end - offset
        guard left >= 8 else {
            throw error(left >= 4 ? tag(at: offset, bigEndian: bigEndian) : nil,
                        "\(left) bytes",
                        "\(place.capitalisedFirst) ends inside an element header at byte "
                            + "\(offset): \(left) bytes left, at least 8 needed.")
        }
        let tag = tag(at: offset, bigEndian: bigEndian)
        // Items and delimiters carry no VR in any transfer syntax (PS3.5 7.5).
        if tag >> 16 == 0xFFFE || !explicit {
            return Header(tag: tag, vr: "", length: u32(offset + 4, bigEndian: bigEndian),
                          valueStart: offset + 8)
        }
        guard let vr = letters(at: offset + 4),
              Self.longVRs.contains(vr) || Self.shortVRs.contains(vr) else {
            let found = String(format: "%02X %02X", bytes[offset + 4], bytes[offset + 5])
            throw error(tag, "VR bytes \(found)",
                        "Element at byte \(offset) has no DICOM value representation where "
                            + "the explicit-VR transfer syntax puts one.")
        }
        if Self.shortVRs.contains(vr) {
            return Header(tag: tag, vr: vr, length: UInt32(u16(offset + 6, bigEndian: bigEndian)),
                          valueStart: offset + 8)
        }
        guard left >= 12 else {
            throw error(tag, "\(left) bytes",
                        "\(place.capitalisedFirst) ends inside the header of this \(vr) "
                            + "element at byte \(offset): \(left) bytes left, 12 needed.")
        }
        return Header(tag: tag, vr: vr, length: u32(offset + 8, bigEndian: bigEndian),
                      valueStart: offset + 12)
    }

    /// Refuses a defined length that does not fit in what is left of its container (the file,
    /// or the item of defined length that holds the element).
    func checkFits(_ header: Header, end: Int) throws {
        let container = end == bytes.count ? place : "the sequence or item that holds it"
        let left = end - header.valueStart
        guard Int(header.length) <= left else {
            throw error(header.tag, "length \(header.length)",
                        "Its value (at byte \(header.valueStart)) declares \(header.length) "
                            + "bytes, but only \(left) are left in \(container).")
        }
    }

    /// The file meta group (group 0002, always Explicit VR Little Endian) from `offset`: the
    /// offset of the data set after it and its transfer syntax UID, if any.
    func walkFileMeta(from offset: Int) throws -> (Int, String?) {
        var position = offset
        var transferSyntax: String?
        while bytes.count - position >= 4, u16(position, bigEndian: false) == 0x0002 {
            let header = try header(at: position, end: bytes.count, explicit: true,
                                    bigEndian: false)
            guard header.length != Self.undefinedLength, header.vr != "SQ" else {
                throw error(header.tag, header.vr == "SQ" ? "VR SQ" : "undefined length",
                            "A file meta element (group 0002) can be neither a sequence nor "
                                + "of undefined length.")
            }
            try checkFits(header, end: bytes.count)
            if header.tag == 0x0002_0000 && header.length == 4 {
                // FileMetaInformationGroupLength: the bytes of the meta group after it.
                let groupLength = u32(header.valueStart, bigEndian: false)
                let left = bytes.count - header.valueStart - 4
                guard Int(groupLength) <= left else {
                    throw error(header.tag, "group length \(groupLength)",
                                "The file meta group declares \(groupLength) bytes, but only "
                                    + "\(left) are left in \(place).")
                }
            }
            if header.tag == 0x0002_0010 {
                let value = bytes[header.valueStart..<(header.valueStart + Int(header.length))]
                transferSyntax = String(decoding: value, as: UTF8.self)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\0 "))
            }
            position = header.valueStart + Int(header.length)
        }
        return (position, transferSyntax)
    }

    /// Walks the elements from `offset` to `end`. In an item of undefined length (`delimited`)
    /// the walk ends at the item delimitation item, which must come before `end`. Returns the
    /// offset after the last element (or after the delimitation item).
    func walkDataSet(from offset: Int, to end: Int, depth: Int, delimited: Bool) throws -> Int {
        var position = offset
        while position < end {
            let header = try header(at: position, end: end, explicit: encoding.isExplicit,
                                    bigEndian: encoding.isBigEndian)
            if header.tag == Self.itemDelimitation && delimited {
                try checkDelimiterLength(header)
                return header.valueStart
            }
            guard header.tag >> 16 != 0xFFFE else {
                throw error(header.tag, "at byte \(position)",
                            "An item or delimitation tag stands where a data element should.")
            }
            if header.length == Self.undefinedLength {
                position = try walkUndefinedLength(header, end: end, depth: depth)
            } else {
                try checkFits(header, end: end)
                try walkDefinedValue(header, depth: depth)
                position = header.valueStart + Int(header.length)
                if depth == 0 && header.tag == Self.pixelData {
                    found.pixelData = .init(bytes: Int(header.length), encapsulated: false)
                }
            }
        }
        if delimited {
            let container = end == bytes.count ? place : "the sequence or item that holds it"
            throw error(nil, "no item delimitation",
                        "An item of undefined length (sequence depth \(depth), starting at "
                            + "byte \(offset)) is not closed before the end of \(container).")
        }
        return position
    }

    /// A value of defined length that holds items: SQ, and in implicit VR (or UN) any value
    /// that starts with an item tag, as GDCM reads those as sequences too.
    func walkDefinedValue(_ header: Header, depth: Int) throws {
        let end = header.valueStart + Int(header.length)
        try checkNotSequencePixelData(header)
        if header.vr == "SQ" {
            _ = try walkItems(of: header, from: header.valueStart, to: end, depth: depth + 1,
                              delimited: false)
            return
        }
        let mayHoldItems = header.vr.isEmpty || header.vr == "UN"
        guard mayHoldItems, header.tag != Self.pixelData, header.length >= 8 else { return }
        // Implicit VR is always little endian here, and UN values are Implicit VR Little Endian.
        guard tag(at: header.valueStart, bigEndian: false) == Self.item else { return }
        var inner = self
        if header.vr == "UN" { inner.encoding = .implicitLittle }
        _ = try inner.walkItems(of: header, from: header.valueStart, to: end,
                                depth: depth + 1, delimited: false)
    }

    /// Item and sequence delimitation items have length 0 (PS3.5 7.5); GDCM 3.0 aborts on a
    /// sequence delimitation item of another length after pixel data fragments.
    func checkDelimiterLength(_ header: Header) throws {
        guard header.length != 0 else { return }
        throw error(header.tag, "length \(header.length)",
                    "A delimitation item should have length 0.")
    }

    /// Pixel data (7FE0,0010) as a sequence (VR SQ) makes GDCM 3.0 abort.
    func checkNotSequencePixelData(_ header: Header) throws {
        guard header.tag == Self.pixelData && header.vr == "SQ" else { return }
        throw error(header.tag, "VR SQ", "Pixel data cannot be a sequence.")
    }

    /// A value of undefined length: encapsulated fragments (pixel data, VR OB, OW or UN, or
    /// implicit VR) or a sequence (SQ; UN, whose items are Implicit VR Little Endian, PS3.5
    /// 6.2.2; any other element in implicit VR). GDCM 3.0 aborts on anything else (an OB
    /// element of undefined length other than the pixel data, say). Returns the offset after
    /// its sequence delimitation item.
    func walkUndefinedLength(_ header: Header, end: Int, depth: Int) throws -> Int {
        try checkNotSequencePixelData(header)
        if header.tag == Self.pixelData {
            guard ["", "OB", "OW", "UN"].contains(header.vr) else {
                throw error(header.tag, "VR \(header.vr)",
                            "Encapsulated pixel data should have VR OB, OW or UN.")
            }
            let (after, bytes) = try walkFragments(of: header, end: end)
            if depth == 0 && header.tag == Self.pixelData {
                found.pixelData = .init(bytes: bytes, encapsulated: true)
            }
            return after
        }
        guard ["", "SQ", "UN"].contains(header.vr) else {
            throw error(header.tag, "undefined length",
                        "Undefined length is allowed only for sequences (SQ, UN) and "
                            + "encapsulated pixel data, not for VR \(header.vr).")
        }
        var inner = self
        if header.vr == "UN" { inner.encoding = .implicitLittle }
        return try inner.walkItems(of: header, from: header.valueStart, to: end,
                                   depth: depth + 1, delimited: true)
    }

    /// The items of the sequence `header`, from `offset`: up to `end` for a defined length, up
    /// to the sequence delimitation item otherwise. Returns the offset after the sequence.
    func walkItems(of sequence: Header, from offset: Int, to end: Int, depth: Int,
                   delimited: Bool) throws -> Int {
        guard depth <= DICOMPrecheck.maximumDepth else {
            throw error(sequence.tag, "depth \(depth)",
                        "Sequences nest more than \(DICOMPrecheck.maximumDepth) deep here "
                            + "(byte \(sequence.valueStart)); no DICOM object nests so deep.")
        }
        var position = offset
        while true {
            if !delimited && position == end { return position }
            let header = try header(at: position, end: end, explicit: false,
                                    bigEndian: encoding.isBigEndian)
            if delimited && header.tag == Self.sequenceDelimitation {
                try checkDelimiterLength(header)
                return header.valueStart
            }
            guard header.tag == Self.item else {
                throw error(header.tag, "at byte \(position)",
                            "Sequence \(Self.name(sequence.tag)) holds this tag where an item "
                                + "\(Self.name(Self.item)) should start.")
            }
            if header.length == Self.undefinedLength {
                position = try walkDataSet(from: header.valueStart, to: end, depth: depth,
                                           delimited: true)
            } else {
                try checkFits(header, end: end)
                let itemEnd = header.valueStart + Int(header.length)
                _ = try walkDataSet(from: header.valueStart, to: itemEnd, depth: depth,
                                    delimited: false)
                position = itemEnd
            }
        }
    }

    /// Encapsulated pixel data (PS3.5 A.4): items of defined length (the basic offset table,
    /// then the fragments) closed by a sequence delimitation item. Returns the offset after it
    /// and the bytes of all items together.
    func walkFragments(of pixels: Header, end: Int) throws -> (Int, Int) {
        var position = pixels.valueStart
        var total = 0
        while true {
            let header = try header(at: position, end: end, explicit: false,
                                    bigEndian: encoding.isBigEndian)
            // The basic offset table item comes first, even when empty (PS3.5 A.4).
            if header.tag == Self.sequenceDelimitation && position > pixels.valueStart {
                try checkDelimiterLength(header)
                return (header.valueStart, total)
            }
            guard header.tag == Self.item, header.length != Self.undefinedLength else {
                throw error(pixels.tag, "\(Self.name(header.tag)) at byte \(position)",
                            "Encapsulated data should hold fragments (items of defined length) "
                                + "closed by a sequence delimitation item.")
            }
            try checkFits(header, end: end)
            position = header.valueStart + Int(header.length)
            total += Int(header.length)
        }
    }
}

extension String {
    /// "the file" -> "The file".
    fileprivate var capitalisedFirst: String { prefix(1).uppercased() + dropFirst() }
}
