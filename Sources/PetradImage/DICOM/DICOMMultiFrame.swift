import Foundation

extension DICOMTag {
    public static let pixelValueTransformationSequence: UInt32 = 0x0028_9145
    public static let frameContentSequence: UInt32 = 0x0020_9111
    public static let frameAcquisitionDateTime: UInt32 = 0x0018_9074
    public static let frameAcquisitionDuration: UInt32 = 0x0018_9220
    public static let unassignedSharedConvertedAttributesSequence: UInt32 = 0x0020_9170
    public static let unassignedPerFrameConvertedAttributesSequence: UInt32 = 0x0020_9171
    public static let rescaleType: UInt32 = 0x0028_1054
    public static let decayCorrected: UInt32 = 0x0018_9758
    public static let decayCorrectionDateTime: UInt32 = 0x0018_9701
}

/// One slice ready for series assembly: where it lies, its plane geometry and stored values.
struct DecodedSlice {
    var slice: DICOMSlice
    var rowDirection: SIMD3<Double>
    var columnDirection: SIMD3<Double>
    var pixelSpacing: SIMD2<Double>
    var size: SIMD2<Int>
    var stored: [Double]
    var thickness: Double?
}

/// The frames of an enhanced (multi-frame) image file as slices: Enhanced PET and Legacy
/// Converted Enhanced PET (PS3.3 C.7.6.16 Multi-frame Functional Groups). Each frame takes
/// its position, orientation, pixel spacing and rescale from its own functional group item
/// (PerFrameFunctionalGroupsSequence) or, when absent there, from the shared one.
///
/// The SUV attributes of a frame are looked for, most specific first, in its item of
/// UnassignedPerFrameConvertedAttributesSequence, then its FrameContentSequence
/// (FrameAcquisitionDateTime as AcquisitionDate/AcquisitionTime, FrameAcquisitionDuration
/// as ActualFrameDuration, both in ms), then the shared
/// UnassignedSharedConvertedAttributesSequence, then the top level. Enhanced PET has no
/// Units or DecayCorrection; for it the frame also gets RescaleType (from its Pixel Value
/// Transformation), DecayCorrected and DecayCorrectionDateTime, which SUV conversion reads in
/// their place.
enum DICOMMultiFrame {
    /// Enhanced PET attributes read besides `DICOMSeriesReader.suvAttributes`.
    static let enhancedPETAttributes: [(keyword: String, path: [UInt32])] = [
        ("DecayCorrected", [DICOMTag.decayCorrected]),
        ("DecayCorrectionDateTime", [DICOMTag.decayCorrectionDateTime]),
    ]

    static func slices(of file: DICOMFile, path: String,
                       pixels: (columns: Int, rows: Int, frames: Int, values: [Double]))
        throws -> [DecodedSlice] {
        let perFrame = DICOMTag.perFrameFunctionalGroupsSequence
        let shared = DICOMTag.sharedFunctionalGroupsSequence
        let count = file.itemCount(perFrame)
        guard count == pixels.frames else {
            throw InputError(file: path, field: "PerFrameFunctionalGroupsSequence (5200,9230)",
                             value: "\(count) items",
                             "should hold one item per frame (NumberOfFrames "
                                 + "\(pixels.frames))")
        }
        let plane = pixels.columns * pixels.rows
        let sopClass = file.string(DICOMTag.sopClassUID) ?? ""
        let sopInstance = file.string(DICOMTag.sopInstanceUID) ?? ""
        var out: [DecodedSlice] = []
        out.reserveCapacity(count)
        for frame in 0..<count {
            let item = UInt32(frame)
            /// The first value found in the frame's functional group `group`, else the shared.
            func numbers(_ group: UInt32, _ tag: UInt32) -> [Double]? {
                file.doubles(path: [perFrame, item, group, 0, tag])
                    ?? file.doubles(path: [shared, 0, group, 0, tag])
            }
            func text(_ group: UInt32, _ tag: UInt32) -> String {
                file.string(path: [perFrame, item, group, 0, tag])
                    ?? file.string(path: [shared, 0, group, 0, tag]) ?? "absent"
            }
            let frameName = "frame \(frame + 1)"
            guard let position = numbers(DICOMTag.planePositionSequence,
                                         DICOMTag.imagePositionPatient),
                  position.count == 3 else {
                throw InputError(file: path,
                                 field: "PlanePositionSequence ImagePositionPatient, \(frameName)",
                                 value: text(DICOMTag.planePositionSequence,
                                             DICOMTag.imagePositionPatient),
                                 "should hold three numbers")
            }
            guard let orientation = numbers(DICOMTag.planeOrientationSequence,
                                            DICOMTag.imageOrientationPatient),
                  orientation.count == 6 else {
                throw InputError(file: path, field: "PlaneOrientationSequence "
                                     + "ImageOrientationPatient, \(frameName)",
                                 value: text(DICOMTag.planeOrientationSequence,
                                             DICOMTag.imageOrientationPatient),
                                 "should hold six numbers")
            }
            guard let spacing = numbers(DICOMTag.pixelMeasuresSequence, DICOMTag.pixelSpacing),
                  spacing.count == 2, spacing[0] > 0, spacing[1] > 0 else {
                throw InputError(file: path,
                                 field: "PixelMeasuresSequence PixelSpacing, \(frameName)",
                                 value: text(DICOMTag.pixelMeasuresSequence,
                                             DICOMTag.pixelSpacing),
                                 "should hold two positive numbers")
            }
            let transform = DICOMTag.pixelValueTransformationSequence
            let slope = numbers(transform, DICOMTag.rescaleSlope)?.first
                ?? file.double(DICOMTag.rescaleSlope) ?? 1
            let intercept = numbers(transform, DICOMTag.rescaleIntercept)?.first
                ?? file.double(DICOMTag.rescaleIntercept) ?? 0
            let row = SIMD3(orientation[0], orientation[1], orientation[2])
            let column = SIMD3(orientation[3], orientation[4], orientation[5])
            let point = SIMD3(position[0], position[1], position[2])
            var attributes = suvAttributes(of: file, frame: item)
            attributes["SOPClassUID"] = sopClass
            if let type = file.string(path: [perFrame, item, transform, 0, DICOMTag.rescaleType])
                ?? file.string(path: [shared, 0, transform, 0, DICOMTag.rescaleType]) {
                attributes["RescaleType"] = type
            }
            out.append(DecodedSlice(
                slice: DICOMSlice(path: path, sopInstanceUID: sopInstance, position: point,
                                  normalPosition: dot(point, cross(row, column)),
                                  rescaleSlope: slope, rescaleIntercept: intercept,
                                  attributes: attributes),
                rowDirection: row, columnDirection: column,
                pixelSpacing: SIMD2(spacing[0], spacing[1]),
                size: SIMD2(pixels.columns, pixels.rows),
                stored: Array(pixels.values[frame * plane..<(frame + 1) * plane]),
                thickness: numbers(DICOMTag.pixelMeasuresSequence,
                                   DICOMTag.sliceThickness)?.first))
        }
        return out
    }

    /// The SUV attributes of one frame (see the type's comment for where each is looked for).
    static func suvAttributes(of file: DICOMFile, frame: UInt32) -> [String: String] {
        let perFrame: [UInt32] = [DICOMTag.perFrameFunctionalGroupsSequence, frame,
                                  DICOMTag.unassignedPerFrameConvertedAttributesSequence, 0]
        let shared: [UInt32] = [DICOMTag.sharedFunctionalGroupsSequence, 0,
                                DICOMTag.unassignedSharedConvertedAttributesSequence, 0]
        let content: [UInt32] = [DICOMTag.perFrameFunctionalGroupsSequence, frame,
                                 DICOMTag.frameContentSequence, 0]
        var fromContent: [String: String] = [:]
        if let dateTime = file.string(path: content + [DICOMTag.frameAcquisitionDateTime]),
           dateTime.count >= 8 {
            fromContent["AcquisitionDate"] = String(dateTime.prefix(8))
            fromContent["AcquisitionTime"] = String(dateTime.dropFirst(8))
        }
        if let duration = file.string(path: content + [DICOMTag.frameAcquisitionDuration]) {
            fromContent["ActualFrameDuration"] = duration
        }
        var out: [String: String] = [:]
        for (keyword, path) in DICOMSeriesReader.suvAttributes + enhancedPETAttributes {
            if let value = file.string(path: perFrame + path) ?? fromContent[keyword]
                ?? file.string(path: shared + path) ?? file.string(path: path) {
                out[keyword] = value
            }
        }
        // Private elements: as for a classic file, at the top level only.
        for (keyword, value) in DICOMSeriesReader.privateAttributeValues(of: file) {
            out[keyword] = value
        }
        return out
    }
}
