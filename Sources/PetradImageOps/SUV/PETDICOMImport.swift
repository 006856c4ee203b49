import Foundation
import PetradImage

/// A PET DICOM series loaded for analysis: SUV (or activity) image on a regular grid, an
/// optional ROI mask from an RTSTRUCT in the same folder, and a record of every input.
public struct PETDICOMImport: Sendable {
    public var series: DICOMSeriesSummary
    public var image: ImageVolume
    public var sliceSpacing: SliceSpacing
    /// Nil when the image was left in its stored units (`normalisation` nil).
    public var conversion: SUVConversion?
    public var options: SUVOptions
    public var mask: Volume<UInt8>?
    public var roiName: String?
    public var roiFile: String?
    public var roiContoursOffGrid = 0

    /// Loads `folder`'s PET series (or `seriesInstanceUID`), converts it to SUV
    /// (`normalisation` nil: leaves the rescaled values), and rasterises `roi` from the
    /// folder's RTSTRUCT (or `rtstruct`) onto its grid. A gap between slices is an error unless
    /// `allowGaps`; then image and mask are put on a regular grid (linear along the normal).
    public static func load(folder: String, seriesInstanceUID: String? = nil,
                            normalisation: SUVNormalisation? = .bodyWeight,
                            options: SUVOptions = SUVOptions(), roi: String? = nil,
                            rtstruct: String? = nil, allowGaps: Bool = false) throws
        -> PETDICOMImport {
        let found = try DICOMDirectory.scan(folder)
        let summary = try DICOMSeriesReader.choose(found, uid: seriesInstanceUID, folder: folder)
        var series = try DICOMSeriesReader.read(series: summary, allowGaps: allowGaps)
        var conversion: SUVConversion?
        var options = options
        if let normalisation {
            options.normalisation = normalisation
            let converted = try SUV.convert(series, options: options)
            series.image = converted.image
            conversion = converted.conversion
        }
        let regular = series.regularImage()
        var result = PETDICOMImport(series: summary, image: regular,
                                    sliceSpacing: series.sliceSpacing, conversion: conversion,
                                    options: options)
        guard let roi else { return result }

        let positions = series.sliceSpacing.gaps.isEmpty
            ? series.slices.map(\.normalPosition) : nil
        if rtstruct == nil, let (segPath, number) = findSegment(found, label: roi) {
            // A DICOM SEG segment of that label stands in for an RTSTRUCT ROI.
            let seg = try DICOMSegmentation(path: segPath)
            let labels = seg.labelMap(onto: regular.geometry, slicePositions: positions).labels
            let mask = Volume<UInt8>(geometry: regular.geometry,
                                     voxels: labels.voxels.map { $0 == number ? 1 : 0 })
            if mask.voxels.allSatisfy({ $0 == 0 }) {
                throw InputError(file: segPath, field: "SegmentLabel", value: roi,
                                 "no voxel of the image lies in this segment")
            }
            result.mask = mask
            result.roiName = roi
            result.roiFile = segPath
            return result
        }
        let path = try rtstruct ?? findStructureSet(found, containing: roi, folder: folder,
                                                     frameOfReference: summary.frameOfReferenceUID)
        let structure = try RTStructure(path: path)
        let contours = try structure.roi(named: roi)
        let raster = ContourRasterizer.rasterize(contours, onto: regular.geometry,
                                                 slicePositions: positions)
        if raster.mask.voxels.allSatisfy({ $0 == 0 }) {
            throw InputError(file: path, field: "ROIName", value: contours.name,
                             "no voxel of the image lies inside this ROI's contours (is it "
                                 + "drawn on another series?)")
        }
        result.mask = raster.mask
        result.roiName = contours.name
        result.roiFile = path
        result.roiContoursOffGrid = raster.contoursOffGrid
        return result
    }

    /// The SEG file and segment number whose SegmentLabel is `label` (case-insensitive).
    static func findSegment(_ found: [DICOMSeriesSummary], label: String)
        -> (path: String, number: Int32)? {
        for summary in found where summary.modality == "SEG" {
            for path in summary.files {
                guard let file = try? DICOMFile(path: path) else { continue }
                for i in 0..<file.itemCount(DICOMTag.segmentSequence) {
                    let name = file.string(DICOMTag.segmentSequence, UInt32(i),
                                           DICOMTag.segmentLabel) ?? ""
                    if name.lowercased() == label.lowercased(),
                       let number = file.double(DICOMTag.segmentSequence, UInt32(i),
                                                DICOMTag.segmentNumber) {
                        return (path, Int32(number))
                    }
                }
            }
        }
        return nil
    }

    /// The RTSTRUCT file of the folder that holds `roi`, preferring one on `frameOfReference`.
    static func findStructureSet(_ found: [DICOMSeriesSummary], containing roi: String,
                                 folder: String, frameOfReference: String) throws -> String {
        var candidates: [(path: String, sameFrame: Bool)] = []
        var names: [String] = []
        for summary in found where summary.modality == "RTSTRUCT" {
            for path in summary.files {
                guard let structure = try? RTStructure(path: path) else { continue }
                names += structure.rois.map(\.name)
                if let match = try? structure.roi(named: roi) {
                    candidates.append((path, match.frameOfReferenceUID == frameOfReference))
                }
            }
        }
        if let best = candidates.first(where: \.sameFrame) ?? candidates.first {
            return best.path
        }
        throw InputError(file: folder, field: "ROIName", value: roi,
                         names.isEmpty ? "the folder holds no RTSTRUCT"
                             : "no RTSTRUCT in the folder has this ROI; ROIs found: "
                                 + names.joined(separator: ", "))
    }

    /// Everything that went into the image, as pretty-printed JSON with sorted keys.
    public func sidecarJSON(imagePath: String? = nil, maskPath: String? = nil) throws -> String {
        var object: [String: Any] = [
            "series": [
                "SeriesInstanceUID": series.seriesInstanceUID,
                "Modality": series.modality,
                "SeriesDescription": series.seriesDescription,
                "FrameOfReferenceUID": series.frameOfReferenceUID,
                "files": series.files.count,
            ],
            "grid": [
                "size": [image.geometry.size.x, image.geometry.size.y, image.geometry.size.z],
                "spacing": [image.geometry.spacing.x, image.geometry.spacing.y,
                            image.geometry.spacing.z],
                "origin": [image.geometry.origin.x, image.geometry.origin.y,
                           image.geometry.origin.z],
                "direction": image.geometry.direction,
                "sliceDistanceSmallest": sliceSpacing.smallest,
                "sliceDistanceLargest": sliceSpacing.largest,
                "sliceSpacingUneven": sliceSpacing.uneven,
                "gaps": sliceSpacing.gaps.map(\.description),
                "resampledOntoRegularGrid": !sliceSpacing.gaps.isEmpty,
                "spacingSource": "ImagePositionPatient (never SliceThickness)",
            ],
        ]
        if let conversion {
            object["suv"] = [
                "normalisation": options.normalisation.rawValue,
                "referenceTimeRule": options.referenceTimeRule.rawValue,
                "doseUnit": options.doseUnit.rawValue,
                "rule": conversion.rule,
                "referenceTime": conversion.referenceTime?.description ?? NSNull(),
                "inputs": conversion.inputs,
                "notes": conversion.notes,
                "factorPerSlice": conversion.factors,
            ] as [String: Any]
        } else {
            object["suv"] = ["rule": "none: rescaled stored values (RescaleSlope, Intercept)"]
        }
        if let roiName {
            object["roi"] = ["name": roiName, "rtstruct": roiFile ?? "",
                             "voxels": mask?.voxels.reduce(0) { $0 + Int($1) } ?? 0,
                             "contoursOffGrid": roiContoursOffGrid,
                             "filling": "even-odd, voxel centres"] as [String: Any]
        }
        if let imagePath { object["image"] = imagePath }
        if let maskPath { object["mask"] = maskPath }
        let data = try JSONSerialization.data(withJSONObject: object,
                                              options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
