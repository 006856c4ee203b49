import Foundation

/// One slice of an image series as read: file, position, its own rescale, and the attributes
/// that SUV conversion needs (DICOM keywords to text; see `DICOMSeriesReader.suvAttributes`).
public struct DICOMSlice: Sendable {
    public var path: String
    public var sopInstanceUID: String
    /// ImagePositionPatient (LPS, mm).
    public var position: SIMD3<Double>
    /// Position along the slice normal (row direction x column direction), mm.
    public var normalPosition: Double
    public var rescaleSlope: Double
    public var rescaleIntercept: Double
    public var attributes: [String: String]
}

/// How the slices of a series are spaced along their normal.
public struct SliceSpacing: Sendable, Equatable {
    /// A missing stretch: between the slices at `from` and `to` mm (along the normal), with
    /// about `missingSlices` slices absent.
    public struct Gap: Sendable, Equatable, CustomStringConvertible {
        public var afterSlice: Int
        public var from: Double
        public var to: Double
        public var missingSlices: Int
        public var description: String {
            "gap of \(formatNumber(to - from)) mm between slices \(afterSlice) and "
                + "\(afterSlice + 1) (normal position \(formatNumber(from)) to "
                + "\(formatNumber(to)) mm), about \(missingSlices) slice(s) missing"
        }
    }

    /// The grid spacing: (last - first) / (n - 1) of the slice positions, never SliceThickness
    /// (with one slice, SliceThickness or 1 mm).
    public var spacing: Double
    /// Smallest and largest distance between neighbouring slices.
    public var smallest: Double
    public var largest: Double
    /// Distances larger than 1.5 times the median distance.
    public var gaps: [Gap]
    /// True when the distances differ from `spacing` by more than 1e-3 mm (reported, not an
    /// error: the grid then uses the mean spacing).
    public var uneven: Bool { largest - smallest > 1e-3 }
}

/// An image series assembled from its slices: one z plane per slice, sorted along the slice
/// normal, values rescaled per slice (`stored * RescaleSlope + RescaleIntercept` of that slice,
/// rounded to Float as stored by ITK-based tools).
public struct DICOMImageSeries: Sendable {
    public var summary: DICOMSeriesSummary
    /// Rescaled values; geometry from the first slice's position, the orientation, the pixel
    /// spacing and the slice spacing measured from positions.
    public var image: ImageVolume
    /// The slices in grid order (z index k is `slices[k]`).
    public var slices: [DICOMSlice]
    public var sliceSpacing: SliceSpacing

    /// The image on a regular grid: itself when there is no gap, else linearly interpolated
    /// along the normal at the median slice distance between the first and the last slice.
    public func regularImage() -> ImageVolume {
        guard !sliceSpacing.gaps.isEmpty, slices.count > 1 else { return image }
        let positions = slices.map(\.normalPosition)
        let sorted = zip(positions.dropFirst(), positions).map { $0 - $1 }.sorted()
        let step = sorted[sorted.count / 2]
        let first = positions[0], last = positions[positions.count - 1]
        let nz = Int(((last - first) / step).rounded()) + 1
        var geometry = image.geometry
        geometry.size.z = nz
        geometry.spacing.z = (last - first) / Double(nz - 1)
        let plane = geometry.size.x * geometry.size.y
        var out = [Double](repeating: 0, count: plane * nz)
        var lower = 0
        for k in 0..<nz {
            let z = first + Double(k) * geometry.spacing.z
            while lower < positions.count - 2 && positions[lower + 1] <= z { lower += 1 }
            let t = min(1, max(0, (z - positions[lower])
                / (positions[lower + 1] - positions[lower])))
            for i in 0..<plane {
                out[k * plane + i] = (1 - t) * image.voxels[lower * plane + i]
                    + t * image.voxels[(lower + 1) * plane + i]
            }
        }
        return ImageVolume(geometry: geometry, voxels: out)
    }
}

/// Reads image series: finds the files of a series, sorts them, checks their geometry and
/// decodes them through GDCM.
public enum DICOMSeriesReader {
    /// Keywords and paths read from every slice for SUV conversion. Philips and GE private
    /// elements are named as calculate-suv names them.
    public static let suvAttributes: [(keyword: String, path: [UInt32])] = [
        ("Units", [DICOMTag.units]),
        ("DecayCorrection", [DICOMTag.decayCorrection]),
        ("CorrectedImage", [DICOMTag.correctedImage]),
        ("Manufacturer", [DICOMTag.manufacturer]),
        ("PatientWeight", [DICOMTag.patientWeight]),
        ("PatientSize", [DICOMTag.patientSize]),
        ("PatientSex", [DICOMTag.patientSex]),
        ("SUVType", [DICOMTag.suvType]),
        ("SeriesDate", [DICOMTag.seriesDate]),
        ("SeriesTime", [DICOMTag.seriesTime]),
        ("AcquisitionDate", [DICOMTag.acquisitionDate]),
        ("AcquisitionTime", [DICOMTag.acquisitionTime]),
        ("FrameReferenceTime", [DICOMTag.frameReferenceTime]),
        ("ActualFrameDuration", [DICOMTag.actualFrameDuration]),
        ("DecayFactor", [DICOMTag.decayFactor]),
        ("RadionuclideTotalDose", [DICOMTag.radiopharmaceuticalInformationSequence, 0,
                                   DICOMTag.radionuclideTotalDose]),
        ("RadionuclideHalfLife", [DICOMTag.radiopharmaceuticalInformationSequence, 0,
                                  DICOMTag.radionuclideHalfLife]),
        ("RadiopharmaceuticalStartTime", [DICOMTag.radiopharmaceuticalInformationSequence, 0,
                                          DICOMTag.radiopharmaceuticalStartTime]),
        ("RadiopharmaceuticalStartDateTime", [DICOMTag.radiopharmaceuticalInformationSequence,
                                              0, DICOMTag.radiopharmaceuticalStartDateTime]),
        ("RadionuclideCodeValue", [DICOMTag.radiopharmaceuticalInformationSequence, 0,
                                   DICOMTag.radionuclideCodeSequence, 0, DICOMTag.codeValue]),
    ]

    /// Private elements read only when their private creator matches (or is absent).
    static let privateAttributes: [(keyword: String, tag: UInt32, creator: String)] = [
        ("PhilipsPETPrivateGroup.SUVScaleFactor", DICOMTag.philipsSUVScaleFactor,
         "Philips PET Private Group"),
        ("PhilipsPETPrivateGroup.ActivityConcentrationScaleFactor",
         DICOMTag.philipsActivityConcentrationScaleFactor, "Philips PET Private Group"),
        ("GEPrivatePostInjectionDateTime", DICOMTag.gePostInjectionDateTime, "GEMS_PETD_01"),
    ]

    /// The SUV attributes of one file (absent elements are left out).
    public static func attributes(of file: DICOMFile) -> [String: String] {
        var out: [String: String] = [:]
        for (keyword, path) in suvAttributes {
            if let value = file.string(path: path) { out[keyword] = value }
        }
        for (keyword, value) in privateAttributeValues(of: file) { out[keyword] = value }
        return out
    }

    /// The private SUV elements present with their expected private creator (or none).
    static func privateAttributeValues(of file: DICOMFile) -> [String: String] {
        var out: [String: String] = [:]
        for (keyword, tag, creator) in privateAttributes {
            guard let value = file.string(tag) else { continue }
            let creatorTag = (tag & 0xFFFF_0000) | ((tag & 0xFF00) >> 8)
            if let found = file.string(creatorTag), !found.isEmpty,
               found.uppercased() != creator.uppercased() { continue }
            out[keyword] = value
        }
        return out
    }

    /// Reads the image series `seriesInstanceUID` of `folder`, or its only image series when nil
    /// (a PET series is preferred when the folder holds several modalities).
    ///
    /// Throws when the series has a gap (unless `allowGaps`; then `regularImage()` gives a
    /// regular grid), slices with different orientation, size or pixel spacing, or two slices
    /// at one position.
    public static func read(folder: String, seriesInstanceUID: String? = nil,
                            allowGaps: Bool = false) throws -> DICOMImageSeries {
        let series = try DICOMDirectory.scan(folder)
        return try read(series: try choose(series, uid: seriesInstanceUID, folder: folder),
                        allowGaps: allowGaps)
    }

    /// The image series chosen by `uid`, or the only (PET) image series.
    public static func choose(_ series: [DICOMSeriesSummary], uid: String?,
                              folder: String) throws -> DICOMSeriesSummary {
        if let uid {
            guard let found = series.first(where: { $0.seriesInstanceUID == uid }) else {
                throw InputError(file: folder, field: "SeriesInstanceUID", value: uid,
                                 "no series with this UID in the folder")
            }
            return found
        }
        let images = series.filter(\.isImage)
        let pet = images.filter { $0.modality == "PT" }
        if pet.count == 1 { return pet[0] }
        if images.count == 1 { return images[0] }
        let list = images.map {
            "\($0.seriesInstanceUID) (\($0.modality), \($0.files.count) files)"
        }
        throw InputError(file: folder, field: "SeriesInstanceUID",
                         value: images.isEmpty ? "none" : list.joined(separator: "; "),
                         images.isEmpty ? "the folder holds no image series"
                             : "the folder holds several image series; choose one by its UID")
    }

    /// Reads and assembles the files of one series.
    public static func read(series: DICOMSeriesSummary, allowGaps: Bool = false) throws
        -> DICOMImageSeries {
        var decoded: [DecodedSlice] = []
        for path in series.files {
            let file = try DICOMFile(path: path, pixels: true)
            if file.itemCount(DICOMTag.perFrameFunctionalGroupsSequence) > 0 {
                decoded += try DICOMMultiFrame.slices(of: file, path: path,
                                                      pixels: try file.pixelValues())
                continue
            }
            guard let position = file.doubles(DICOMTag.imagePositionPatient),
                  position.count == 3 else {
                throw InputError(file: path, field: "ImagePositionPatient",
                                 value: file.string(DICOMTag.imagePositionPatient) ?? "absent",
                                 "should hold three numbers")
            }
            guard let orientation = file.doubles(DICOMTag.imageOrientationPatient),
                  orientation.count == 6 else {
                throw InputError(file: path, field: "ImageOrientationPatient",
                                 value: file.string(DICOMTag.imageOrientationPatient)
                                     ?? "absent", "should hold six numbers")
            }
            guard let spacing = file.doubles(DICOMTag.pixelSpacing), spacing.count == 2,
                  spacing[0] > 0, spacing[1] > 0 else {
                throw InputError(file: path, field: "PixelSpacing",
                                 value: file.string(DICOMTag.pixelSpacing) ?? "absent",
                                 "should hold two positive numbers")
            }
            let pixels = try file.pixelValues()
            guard pixels.frames == 1 else {
                // Multi-frame without functional groups (e.g. NM): no position per frame.
                throw InputError(file: path, field: "NumberOfFrames", value: "\(pixels.frames)",
                                 "a multi-frame file without PerFrameFunctionalGroupsSequence "
                                     + "(SOP class \(file.string(DICOMTag.sopClassUID) ?? "?")) "
                                     + "gives no position per frame; export one file per slice")
            }
            let slope = file.double(DICOMTag.rescaleSlope) ?? 1
            let intercept = file.double(DICOMTag.rescaleIntercept) ?? 0
            let row = SIMD3(orientation[0], orientation[1], orientation[2])
            let column = SIMD3(orientation[3], orientation[4], orientation[5])
            let normal = cross(row, column)
            let point = SIMD3(position[0], position[1], position[2])
            decoded.append(DecodedSlice(
                slice: DICOMSlice(path: path,
                                  sopInstanceUID: file.string(DICOMTag.sopInstanceUID) ?? "",
                                  position: point, normalPosition: dot(point, normal),
                                  rescaleSlope: slope, rescaleIntercept: intercept,
                                  attributes: attributes(of: file)),
                rowDirection: row, columnDirection: column,
                pixelSpacing: SIMD2(spacing[0], spacing[1]),
                size: SIMD2(pixels.columns, pixels.rows), stored: pixels.values,
                thickness: file.double(DICOMTag.sliceThickness)))
        }
        decoded.sort { $0.slice.normalPosition < $1.slice.normalPosition }

        // Every slice must share the first one's plane geometry.
        let first = decoded[0]
        for other in decoded.dropFirst() {
            let sameOrientation = max(
                maxAbs(other.rowDirection - first.rowDirection),
                maxAbs(other.columnDirection - first.columnDirection)) < 1e-4
            if !sameOrientation {
                throw InputError(file: other.slice.path, field: "ImageOrientationPatient",
                                 "differs from \(first.slice.path); the series is not one volume")
            }
            if other.size != first.size {
                throw InputError(file: other.slice.path, field: "Rows/Columns",
                                 value: "\(other.size.y)x\(other.size.x)",
                                 "differs from \(first.size.y)x\(first.size.x) of the first slice")
            }
            if maxAbs(other.pixelSpacing - first.pixelSpacing) > 1e-4 {
                throw InputError(file: other.slice.path, field: "PixelSpacing",
                                 "differs from the first slice's; the series is not one volume")
            }
        }
        for (a, b) in zip(decoded, decoded.dropFirst())
        where b.slice.normalPosition - a.slice.normalPosition < 1e-4 {
            throw InputError(file: b.slice.path, field: "ImagePositionPatient",
                             value: formatNumber(b.slice.normalPosition),
                             "same slice position as \(a.slice.path); remove the duplicate")
        }

        let positions = decoded.map(\.slice.normalPosition)
        let spacing = measureSpacing(positions, thickness: first.thickness)
        if !spacing.gaps.isEmpty && !allowGaps {
            throw InputError(file: series.files.first.map {
                                 URL(fileURLWithPath: $0).deletingLastPathComponent().path
                             } ?? "", field: "ImagePositionPatient",
                             value: spacing.gaps.map(\.description).joined(separator: "; "),
                             "slices are missing; allow resampling onto a regular grid "
                                 + "(--allow-gaps) or supply the missing files")
        }

        let normal = cross(first.rowDirection, first.columnDirection)
        let geometry = Geometry(
            size: SIMD3(first.size.x, first.size.y, decoded.count),
            spacing: SIMD3(first.pixelSpacing.y, first.pixelSpacing.x, spacing.spacing),
            origin: first.slice.position,
            direction: [first.rowDirection.x, first.columnDirection.x, normal.x,
                        first.rowDirection.y, first.columnDirection.y, normal.y,
                        first.rowDirection.z, first.columnDirection.z, normal.z])
        let plane = first.size.x * first.size.y
        var voxels = [Double](repeating: 0, count: plane * decoded.count)
        for (k, item) in decoded.enumerated() {
            let slope = item.slice.rescaleSlope, intercept = item.slice.rescaleIntercept
            for i in 0..<plane {
                voxels[k * plane + i] = Double(Float(item.stored[i] * slope + intercept))
            }
        }
        return DICOMImageSeries(summary: series,
                                image: ImageVolume(geometry: geometry, voxels: voxels),
                                slices: decoded.map(\.slice), sliceSpacing: spacing)
    }

    /// Spacing from sorted positions along the normal; a distance over 1.5 x the median is a gap.
    public static func measureSpacing(_ positions: [Double], thickness: Double? = nil)
        -> SliceSpacing {
        guard positions.count > 1 else {
            let single = thickness ?? 1
            return SliceSpacing(spacing: single, smallest: single, largest: single, gaps: [])
        }
        let distances = zip(positions.dropFirst(), positions).map { $0 - $1 }
        let median = distances.sorted()[distances.count / 2]
        var gaps: [SliceSpacing.Gap] = []
        for (i, distance) in distances.enumerated() where distance > 1.5 * median {
            gaps.append(SliceSpacing.Gap(afterSlice: i, from: positions[i], to: positions[i + 1],
                                         missingSlices: Int((distance / median).rounded()) - 1))
        }
        let spacing = gaps.isEmpty
            ? (positions[positions.count - 1] - positions[0]) / Double(positions.count - 1)
            : median
        return SliceSpacing(spacing: spacing, smallest: distances.min()!,
                            largest: distances.max()!, gaps: gaps)
    }
}

@inline(__always) func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

@inline(__always) func dot(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
    (a * b).sum()
}

@inline(__always) func maxAbs<V: SIMD>(_ v: V) -> V.Scalar where V.Scalar: FloatingPoint {
    var m = V.Scalar.zero
    for i in v.indices { m = max(m, abs(v[i])) }
    return m
}
