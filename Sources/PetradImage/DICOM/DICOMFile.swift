import CDICOM
import Foundation

/// DICOM tags as `(group << 16) | element`, named by their DICOM keyword.
public enum DICOMTag {
    public static let sopClassUID: UInt32 = 0x0008_0016
    public static let sopInstanceUID: UInt32 = 0x0008_0018
    public static let studyDate: UInt32 = 0x0008_0020
    public static let seriesDate: UInt32 = 0x0008_0021
    public static let acquisitionDate: UInt32 = 0x0008_0022
    public static let studyTime: UInt32 = 0x0008_0030
    public static let seriesTime: UInt32 = 0x0008_0031
    public static let acquisitionTime: UInt32 = 0x0008_0032
    public static let modality: UInt32 = 0x0008_0060
    public static let manufacturer: UInt32 = 0x0008_0070
    public static let seriesDescription: UInt32 = 0x0008_103E
    public static let referencedSOPInstanceUID: UInt32 = 0x0008_1155
    public static let patientID: UInt32 = 0x0010_0020
    public static let patientSex: UInt32 = 0x0010_0040
    public static let patientSize: UInt32 = 0x0010_1020
    public static let patientWeight: UInt32 = 0x0010_1030
    public static let sliceThickness: UInt32 = 0x0018_0050
    public static let radiopharmaceuticalStartTime: UInt32 = 0x0018_1072
    public static let radionuclideTotalDose: UInt32 = 0x0018_1074
    public static let radionuclideHalfLife: UInt32 = 0x0018_1075
    public static let radiopharmaceuticalStartDateTime: UInt32 = 0x0018_1078
    public static let actualFrameDuration: UInt32 = 0x0018_1242
    public static let seriesInstanceUID: UInt32 = 0x0020_000E
    public static let seriesNumber: UInt32 = 0x0020_0011
    public static let instanceNumber: UInt32 = 0x0020_0013
    public static let imagePositionPatient: UInt32 = 0x0020_0032
    public static let imageOrientationPatient: UInt32 = 0x0020_0037
    public static let frameOfReferenceUID: UInt32 = 0x0020_0052
    public static let samplesPerPixel: UInt32 = 0x0028_0002
    public static let rows: UInt32 = 0x0028_0010
    public static let columns: UInt32 = 0x0028_0011
    public static let pixelSpacing: UInt32 = 0x0028_0030
    public static let bitsAllocated: UInt32 = 0x0028_0100
    public static let bitsStored: UInt32 = 0x0028_0101
    public static let highBit: UInt32 = 0x0028_0102
    public static let pixelRepresentation: UInt32 = 0x0028_0103
    public static let rescaleIntercept: UInt32 = 0x0028_1052
    public static let rescaleSlope: UInt32 = 0x0028_1053
    public static let codeValue: UInt32 = 0x0008_0100
    public static let radiopharmaceuticalInformationSequence: UInt32 = 0x0054_0016
    public static let radionuclideCodeSequence: UInt32 = 0x0054_0300
    public static let units: UInt32 = 0x0054_1001
    public static let correctedImage: UInt32 = 0x0028_0051
    public static let decayCorrection: UInt32 = 0x0054_1102
    public static let frameReferenceTime: UInt32 = 0x0054_1300
    public static let decayFactor: UInt32 = 0x0054_1321
    public static let suvType: UInt32 = 0x0054_1006
    /// Philips private (7053,1000) SUV scale factor and (7053,1009) activity concentration
    /// scale factor ("Philips PET Private Group").
    public static let philipsSUVScaleFactor: UInt32 = 0x7053_1000
    public static let philipsActivityConcentrationScaleFactor: UInt32 = 0x7053_1009
    /// GE private (0009,100D) "PET scan date-time" (GEMS_PETD_01).
    public static let gePostInjectionDateTime: UInt32 = 0x0009_100D
    // RTSTRUCT
    public static let structureSetROISequence: UInt32 = 0x3006_0020
    public static let roiNumber: UInt32 = 0x3006_0022
    public static let roiName: UInt32 = 0x3006_0026
    public static let referencedFrameOfReferenceUID: UInt32 = 0x3006_0024
    public static let roiContourSequence: UInt32 = 0x3006_0039
    public static let contourSequence: UInt32 = 0x3006_0040
    public static let contourGeometricType: UInt32 = 0x3006_0042
    public static let numberOfContourPoints: UInt32 = 0x3006_0046
    public static let contourData: UInt32 = 0x3006_0050
    public static let referencedROINumber: UInt32 = 0x3006_0084
    // SEG
    public static let segmentSequence: UInt32 = 0x0062_0002
    public static let segmentNumber: UInt32 = 0x0062_0004
    public static let segmentLabel: UInt32 = 0x0062_0005
    public static let referencedSegmentNumber: UInt32 = 0x0062_000B
    public static let segmentIdentificationSequence: UInt32 = 0x0062_000A
    public static let sharedFunctionalGroupsSequence: UInt32 = 0x5200_9229
    public static let perFrameFunctionalGroupsSequence: UInt32 = 0x5200_9230
    public static let planePositionSequence: UInt32 = 0x0020_9113
    public static let planeOrientationSequence: UInt32 = 0x0020_9116
    public static let pixelMeasuresSequence: UInt32 = 0x0028_9110
    public static let numberOfFrames: UInt32 = 0x0028_0008
}

/// One DICOM file read by GDCM: element values as text (through sequences) and, when asked
/// for, its decoded pixel data (any transfer syntax GDCM decodes, compressed ones included).
///
/// A path to an element is `tag, item, tag, item, ..., tag` with 0-based item indices, e.g.
/// `file.string(DICOMTag.radiopharmaceuticalInformationSequence, 0,
/// DICOMTag.radionuclideTotalDose)`.
public final class DICOMFile {
    public let path: String
    private let handle: OpaquePointer
    /// The top-level pixel data's size as `DICOMPrecheck` found it (nil: none, or not checked).
    let pixelData: DICOMPrecheck.PixelData?

    /// Reads `path`; with `pixels` false the pixel data element is skipped (header scan).
    /// The file's structure is checked first (`DICOMPrecheck`), since GDCM aborts the process
    /// on some damaged files instead of reporting them.
    public convenience init(path: String, pixels: Bool = false) throws {
        let pixelData = try DICOMPrecheck.check(path: path)
        try self.init(checkedPath: path, pixels: pixels, pixelData: pixelData)
    }

    /// Reads a file that has already passed `DICOMPrecheck.check`.
    init(checkedPath path: String, pixels: Bool,
         pixelData: DICOMPrecheck.PixelData? = nil) throws {
        try Self.loadGDCM(for: path)
        try Self.probe(path: path, pixels: pixels)
        var message = [CChar](repeating: 0, count: 512)
        guard let handle = petrad_dicom_open(path, pixels ? 1 : 0, &message, 512) else {
            throw InputError(file: path, String(cString: message))
        }
        self.path = path
        self.handle = handle
        self.pixelData = pixelData
    }

    deinit { petrad_dicom_close(handle) }

    /// GDCM is loaded (libPetradGDCM.so) the first time a DICOM file is read; a petrad without
    /// it beside the executable reads every other format and refuses DICOM saying so.
    static func loadGDCM(for path: String) throws {
        var message = [CChar](repeating: 0, count: 1536)
        guard petrad_dicom_load(&message, 1536) == 1 else {
            throw InputError(file: path, field: "DICOM support", value: "libPetradGDCM.so",
                             String(cString: message))
        }
    }

    /// Longest a child process may take to read one file before it is stopped.
    static let probeSeconds: Int32 = 120

    /// GDCM 3.0 as Debian builds it also aborts on some files whose structure is sound but
    /// whose values it does not expect (SamplesPerPixel 5 stops it in PixelFormat, say), and
    /// an abort cannot be caught. So the read is made first in a worker process
    /// (`petrad_dicom_probe`, forked once and again after each file that stopped it): if GDCM
    /// stops there, the file is refused naming GDCM's check; if not, the same read here is
    /// safe. It costs a second parse per file, one thread at a time.
    static func probe(path: String, pixels: Bool) throws {
        var message = [CChar](repeating: 0, count: 512)
        let status = petrad_dicom_probe(path, pixels ? 1 : 0, probeSeconds, &message, 512)
        guard status != 1 else { return }
        let detail = String(cString: message)
        if status < 0 {
            throw InputError(file: path, field: "GDCM", value: detail,
                             "the separate process that checks a file before GDCM reads it "
                                 + "could not be started.")
        }
        throw InputError(file: path, field: "GDCM", value: detail,
                         "GDCM stops on this file (one of its internal checks fails), so petrad "
                             + "does not read it; the file is damaged or uses a structure GDCM "
                             + "3.0 cannot read.")
    }

    /// The element's value as text with surrounding spaces removed, or nil when absent.
    public func string(_ path: UInt32...) -> String? { string(path: path) }

    public func string(path: [UInt32]) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let length = petrad_dicom_string(handle, path, Int32(path.count), &buffer, 256)
        if length < 0 { return nil }
        if length >= 256 {
            buffer = [CChar](repeating: 0, count: length + 1)
            _ = petrad_dicom_string(handle, path, Int32(path.count), &buffer, length + 1)
        }
        return String(cString: buffer).trimmingCharacters(in: .whitespaces)
    }

    /// The element's first value as a number, or nil when absent, empty or not a number.
    public func double(_ path: UInt32...) -> Double? {
        doubles(path: path)?.first
    }

    /// All of the element's backslash-separated values as numbers (nil if any is not one).
    public func doubles(_ path: UInt32...) -> [Double]? { doubles(path: path) }

    public func doubles(path: [UInt32]) -> [Double]? {
        guard let text = string(path: path), !text.isEmpty else { return nil }
        var values: [Double] = []
        for part in text.split(separator: "\\", omittingEmptySubsequences: false) {
            guard let value = Double(part.trimmingCharacters(in: .whitespaces)) else {
                return nil
            }
            values.append(value)
        }
        return values
    }

    /// Number of items of a sequence, 0 when absent.
    public func itemCount(_ path: UInt32...) -> Int {
        max(0, petrad_dicom_item_count(handle, path, Int32(path.count)))
    }

    /// The raw bytes of an element, nil when absent.
    public func bytes(_ path: UInt32...) -> [UInt8]? {
        let length = petrad_dicom_bytes(handle, path, Int32(path.count), nil, 0)
        if length < 0 { return nil }
        var out = [UInt8](repeating: 0, count: length)
        _ = petrad_dicom_bytes(handle, path, Int32(path.count), &out, length)
        return out
    }

    /// The decoded stored pixel values (no rescale), x fastest then y then frame; needs the
    /// file opened with `pixels: true`.
    public func pixelValues() throws
        -> (columns: Int, rows: Int, frames: Int, values: [Double]) {
        var columns: UInt32 = 0, rows: UInt32 = 0, frames: UInt32 = 0, samples: UInt32 = 0
        guard petrad_dicom_image_size(handle, &columns, &rows, &frames, &samples) == 1 else {
            throw InputError(file: path, field: "PixelData", "has no image GDCM can decode")
        }
        guard samples == 1 else {
            throw InputError(file: path, field: "SamplesPerPixel", value: "\(samples)",
                             "should be 1 (grey-level images only)")
        }
        let count = Int(columns) * Int(rows) * Int(frames)
        guard count <= ImageIO.maximumVoxelCount else {
            throw InputError(file: path, field: "Rows, Columns, NumberOfFrames",
                             value: "\(rows) x \(columns) x \(frames)",
                             "declares more than \(ImageIO.maximumVoxelCount) pixels, more than "
                             + "any scan holds; the file is damaged.")
        }
        try checkPixelDataHolds(count: count, samples: Int(samples))
        var values = [Double](repeating: 0, count: count)
        var message = [CChar](repeating: 0, count: 512)
        let written = petrad_dicom_pixels(handle, &values, count, &message, 512)
        guard written == count else {
            throw InputError(file: path, field: "PixelData", String(cString: message))
        }
        return (Int(columns), Int(rows), Int(frames), values)
    }
}

extension DICOMFile {
    /// The pixel data must be able to hold the image its header declares before anything is
    /// allocated for it: native data needs Rows x Columns x frames x BitsAllocated / 8 bytes
    /// (PS3.5 8.1.1), and encapsulated data may expand at most 1032 times (deflate's largest
    /// ratio, the bound used for gzip NIfTI too; RLE's largest is 64). GDCM itself decodes a
    /// native value that is too short as a partly blank image, and sizes its buffer from the
    /// header alone.
    ///
    /// Not yet: a lossless JPEG-LS or JPEG 2000 frame that is almost constant can compress
    /// beyond 1032:1 and would be refused here.
    func checkPixelDataHolds(count: Int, samples: Int) throws {
        guard let pixelData else {
            throw InputError(file: path, field: "PixelData (7FE0,0010)", value: "absent",
                             "the image has no pixel data element petrad can check")
        }
        let bits = Int(double(DICOMTag.bitsAllocated) ?? 0)
        guard [1, 8, 16, 32, 64].contains(bits) else {
            throw InputError(file: path, field: "BitsAllocated", value: "\(bits)",
                             "should be 1, 8, 16, 32 or 64")
        }
        let needed = (count * samples * bits + 7) / 8
        if pixelData.encapsulated {
            guard needed <= pixelData.bytes * GzipReader.maximumExpansion else {
                throw InputError(file: path, field: "PixelData (7FE0,0010)",
                                 value: "\(pixelData.bytes) compressed bytes",
                                 "cannot hold the \(needed) bytes the header declares "
                                     + "(more than 1032:1); the file is damaged.")
            }
        } else {
            guard needed <= pixelData.bytes else {
                throw InputError(file: path, field: "PixelData (7FE0,0010)",
                                 value: "length \(pixelData.bytes)",
                                 "holds fewer bytes than Rows x Columns x frames x "
                                     + "BitsAllocated / 8 = \(needed); the file is cut short "
                                     + "or damaged.")
            }
        }
    }
}

/// Writes small uncompressed DICOM files (Explicit VR Little Endian), for tests and fixtures.
public enum DICOMWriter {
    /// One top-level element: tag, two-letter VR, value as DICOM text (numbers of binary VRs
    /// in decimal, multiple values separated by backslash).
    public struct Element: Sendable {
        public var tag: UInt32
        public var vr: String
        public var value: String
        public init(_ tag: UInt32, _ vr: String, _ value: String) {
            self.tag = tag
            self.vr = vr
            self.value = value
        }
    }

    /// Writes `elements` and, when given, 16-bit signed pixels of `rows` x `columns`.
    public static func write(path: String, elements: [Element], pixels: [Int16]? = nil,
                             rows: Int = 0, columns: Int = 0) throws {
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(),
            withIntermediateDirectories: true)
        var message = [CChar](repeating: 0, count: 512)
        let tags = elements.map(\.tag)
        let vrs = elements.map { strdup($0.vr) }
        let values = elements.map { strdup($0.value) }
        defer {
            vrs.forEach { free($0) }
            values.forEach { free($0) }
        }
        let vrPointers = vrs.map { UnsafePointer($0) }
        let valuePointers = values.map { UnsafePointer($0) }
        let status: Int32
        if let pixels {
            precondition(pixels.count == rows * columns,
                         "pixel count \(pixels.count) does not match \(rows) x \(columns)")
            status = petrad_dicom_write(path, Int32(elements.count), tags, vrPointers,
                                        valuePointers, pixels, Int32(rows), Int32(columns),
                                        &message, 512)
        } else {
            status = petrad_dicom_write(path, Int32(elements.count), tags, vrPointers,
                                        valuePointers, nil, 0, 0, &message, 512)
        }
        if status != 0 { throw InputError(file: path, String(cString: message)) }
    }
}
