import Dispatch
import Foundation

/// PyRadiomics' feature extraction pipeline (`featureextractor.RadiomicsFeatureExtractor`):
/// load, select the label, normalise, resample (or pre-crop), check the mask, resegment,
/// compute shape on the mask, then every other enabled class on the image cropped to the ROI.
///
/// Where petrad differs from PyRadiomics on purpose: a ROI of one voxel is not refused
/// (PyRadiomics: "mask only contains 1 segmented voxel"); values that cannot exist for it are
/// NaN, and `diagnostics_petrad_Notes` says why.
public struct Extractor: Sendable {
    public var settings: ExtractionSettings

    public init(settings: ExtractionSettings = ExtractionSettings()) {
        self.settings = settings
    }

    /// One case from files. `label` overrides `settings.label`.
    ///
    /// With B-spline resampling (PyRadiomics convention, no `normalize`) the image is never
    /// widened to Doubles as a whole: see `extractResampled`; the numbers are the same.
    public func extract(imagePath: String, maskPath: String, label: Int? = nil) throws
        -> FeatureRow
    {
        if readsStoredImage {
            return try extractResampled(imagePath: imagePath, maskPath: maskPath, label: label)
        }
        let (image, header) = try ImageIO.read(path: imagePath)
        let mask = try ImageIO.readMaskValues(path: maskPath)
        do {
            return try extract(image: image, maskValues: mask, label: label,
                               imageScalar: header.scalarType, maskFile: maskPath)
        } catch var error as InputError {
            if error.file.isEmpty { error.file = maskPath }
            throw error
        }
    }

    /// One case in memory.
    ///
    /// - Parameters:
    ///   - maskValues: the mask's stored values (label map or float mask), never cast to 8 bits.
    ///   - label: the ROI's value; default `settings.label`.
    ///   - imageScalar: the image's type on disk; a resampled image is cast back to it, as
    ///     SimpleITK does for PyRadiomics. Default float64 (no cast).
    /// - Throws: `InputError` naming the setting and value when the label is absent (listing the
    ///   values present), the grids differ, or the ROI fails a PyRadiomics check.
    public func extract(image: ImageVolume, maskValues: ImageVolume, label: Int? = nil,
                        imageScalar: ScalarType = .float64, maskFile: String = "")
        throws -> FeatureRow
    {
        try settings.validate()
        let label = label ?? settings.label
        if settings.convention == .ibsi {
            return try extractIBSI(image: image, maskValues: maskValues, label: label,
                                   maskFile: maskFile)
        }
        var row = FeatureRow()
        var notes: [String] = []

        // Label selection (PyRadiomics getMask) and, without resampling, the mask placed on the
        // image grid (checkMask with geometryTolerance / correctMask), by PetradImage's
        // MaskLoader. ROI size checks come later, on the final grid.
        let resampling = settings.resampledPixelSpacing != nil
        let maskSettings = MaskSettings(label: label, geometryTolerance: settings.geometryTolerance,
                                        correctMask: settings.correctMask,
                                        minimumROIDimensions: 0, minimumROISize: nil)
        var (mask, report) = try MaskLoader.select(
            maskValues: maskValues, image: resampling ? maskValues.geometry : image.geometry,
            settings: maskSettings, file: maskFile)
        notes += report.warnings
        let info = settings.additionalInfo
        if info {
            addConfigurationDiagnostics(&row, label: label)
            addImageDiagnostics(&row, image, "original")
            addMaskDiagnostics(&row, report.original, maskValues.geometry, nil, "original")
            if let corrected = report.corrected {
                addMaskDiagnostics(&row, corrected, image.geometry, roiValues(image, mask),
                                   "corrected")
            }
        }

        // Normalisation, then resampling or pre-cropping (PyRadiomics loadImage).
        var image = image
        var scalar = imageScalar
        if settings.normalize {
            image = Normalisation.normalize(image, scale: settings.normalizeScale,
                                            removeOutliers: settings.removeOutliers)
            scalar = .float64
        }
        if let spacing = settings.resampledPixelSpacing {
            (image, mask) = try Resampling.resample(
                image: image, mask: mask, spacing: SIMD3(spacing[0], spacing[1], spacing[2]),
                interpolator: settings.interpolator, padDistance: settings.padDistance,
                outputType: scalar)
            if info {
                addImageDiagnostics(&row, image, "interpolated")
                if let statistics = ROIStatistics.of(mask) {
                    addMaskDiagnostics(&row, statistics, mask.geometry, roiValues(image, mask),
                                       "interpolated")
                }
            }
        } else if settings.preCrop {
            (image, mask) = try Cropping.crop(image: image, mask: mask,
                                              padDistance: settings.padDistance)
        }

        return try extractFeatures(image: image, mask: mask, row: row, notes: notes)
    }

    /// The extraction after loading and resampling (or pre-cropping): PyRadiomics' mask checks,
    /// resegmentation, shape on the mask, every other class on the image cropped to the ROI.
    /// `row` holds the diagnostics so far, `notes` the notes so far.
    func extractFeatures(image: ImageVolume, mask: Volume<UInt8>, row: FeatureRow,
                         notes: [String]) throws -> FeatureRow {
        var row = row
        var notes = notes
        let info = settings.additionalInfo

        // Mask checks (PyRadiomics checkMask).
        var box = try checkROI(mask, notes: &notes)

        // Resegmentation.
        var resegmented: Volume<UInt8>? = nil
        if let range = settings.resegmentRange {
            let r = try Resegmentation.resegment(image: image, mask: mask, range: range,
                                                 mode: settings.resegmentMode)
            box = try checkROI(r, notes: &notes)
            if info, let statistics = ROIStatistics.of(r) {
                addMaskDiagnostics(&row, statistics, r.geometry, roiValues(image, r), "resegmented")
            }
            resegmented = r
        }

        // Shape on the original mask (or the resegmented one with resegmentShape), cropped to
        // the box of the mask the other classes use.
        var features = FeatureRow()
        let shapeMask = settings.resegmentShape ? (resegmented ?? mask) : mask
        let shapeCrop = try Cropping.crop(image: image, mask: shapeMask, lower: box.lower,
                                          upper: box.upper, padDistance: 0)
        for (featureClass, names) in settings.featureClasses {
            switch featureClass {
            case .shape:
                let selection = try names.map {
                    try ShapeFeature.selection(names: $0, className: "shape")
                } ?? ShapeFeature.defaultSelection
                features.append(ShapeFeatures(mask: shapeCrop.mask).values(selection),
                                featureClass: .shape)
            case .shape2D:
                guard settings.force2D else {
                    notes.append("shape2D: not computed, force2D must be true")
                    continue
                }
                let selection = try names.map {
                    try Shape2DFeature.selection(names: $0, className: "shape2D")
                } ?? Shape2DFeature.defaultSelection
                do {
                    let shape = try Shape2DFeatures(mask: shapeCrop.mask,
                                                    force2Ddimension: settings.force2Ddimension)
                    features.append(shape.values(selection), featureClass: .shape2D)
                } catch {
                    notes.append("shape2D: not computed, \(error)")
                }
            default: continue
            }
        }

        // Every other class on the image and (resegmented) mask cropped to the ROI box.
        let roiMask = resegmented ?? mask
        let cropped = try Cropping.crop(image: image, mask: roiMask, lower: box.lower,
                                        upper: box.upper, padDistance: 0)
        let values = roiValues(cropped.image, cropped.mask)
        let edges = try settings.discretisation.edges(values: values)
        let levels = Discretisation.discretise(values: values, edges: edges)
        row.greyLevels = GreyLevelSummary(levels: levels, edgeCount: edges.count, values: values)
        // The grey-level box the texture classes read: 0 outside the ROI.
        func discretisedROI() -> DiscretisedROI {
            var box = [Int32](repeating: 0, count: cropped.mask.voxels.count)
            var next = 0
            for i in box.indices where cropped.mask.voxels[i] != 0 {
                box[i] = levels[next]
                next += 1
            }
            return DiscretisedROI(size: cropped.mask.size, levels: box)
        }
        let textureROI = settings.featureClasses.contains { $0.featureClass.isTexture }
            ? discretisedROI() : nil
        let textureSettings = TextureSettings(
            distances: settings.distances, symmetricalGLCM: settings.symmetricalGLCM,
            weightingNorm: settings.weightingNorm, gldmA: Double(settings.gldmAlpha),
            force2D: settings.force2D, force2Ddimension: settings.force2Ddimension,
            spacing: cropped.image.geometry.spacing)
        for (featureClass, names) in settings.featureClasses {
            switch featureClass {
            case .firstorder:
                let selection = try names.map {
                    try FirstOrderFeature.selection(names: $0, className: "firstorder")
                } ?? FirstOrderFeature.defaultSelection
                let s = cropped.image.geometry.spacing
                let firstOrder = FirstOrderFeatures(values: values, greyLevels: levels,
                                                    voxelVolume: s.x * s.y * s.z,
                                                    voxelArrayShift: settings.voxelArrayShift)
                features.append(firstOrder.values(selection), featureClass: .firstorder)
            case .glcm, .glrlm, .glszm, .gldm, .ngtdm:
                let textureClass = TextureClass(rawValue: featureClass.rawValue)!
                let set = try textureFeatureSet(textureClass, roi: textureROI!,
                                                settings: textureSettings)
                var values = set.features.map {
                    FeatureValue(name: $0.name, value: $0.value, reason: set.nanReasons[$0.name])
                }
                if let names {
                    values = try names.map { name in
                        guard let v = values.first(where: { $0.name == name }) else {
                            throw InputError(file: "", field: "featureClass.\(featureClass.rawValue)",
                                             value: name, "is not a \(featureClass.rawValue) feature "
                                             + "petrad computes; known: "
                                             + textureFeatureNames(textureClass).joined(separator: ", "))
                        }
                        return v
                    }
                }
                features.append(values, featureClass: featureClass)
            case .shape, .shape2D: continue
            }
        }

        if info {
            row.append("diagnostics_petrad_Notes",
                       text: (notes + features.notes).joined(separator: "; "))
        }
        for (name, value) in features.entries { row.append(name, value) }
        for note in features.notes { row.note(note) }
        for note in notes { row.note(note) }
        return row
    }

    // MARK: - Steps

    /// The ROI's bounding box, after PyRadiomics' `minimumROIDimensions` and `minimumROISize`
    /// checks. A one-voxel ROI is accepted here (PyRadiomics refuses it) with a note.
    func checkROI(_ mask: Volume<UInt8>, notes: inout [String]) throws
        -> (lower: SIMD3<Int>, upper: SIMD3<Int>)
    {
        guard let box = Cropping.boundingBox(of: mask) else {
            throw InputError(file: "", field: "mask", value: "0 voxels",
                             "The ROI is empty on the image grid; check label and geometry.")
        }
        let extent = box.upper &- box.lower &+ 1
        let dimensions = (0..<3).filter { extent[$0] > 1 }.count
        if dimensions == 0 {
            notes.append("the ROI is one voxel (PyRadiomics refuses it; petrad computes the "
                         + "values that exist)")
        } else if dimensions < settings.minimumROIDimensions {
            throw InputError(file: "", field: "minimumROIDimensions",
                             value: "\(settings.minimumROIDimensions)",
                             "The ROI spans \(dimensions) dimension(s); lower "
                             + "minimumROIDimensions to accept it.")
        }
        if let minimum = settings.minimumROISize {
            let count = mask.voxels.reduce(0) { $0 + Int($1 != 0 ? 1 : 0) }
            if count <= minimum {
                throw InputError(file: "", field: "minimumROISize", value: "\(minimum)",
                                 "The ROI has \(count) voxels, not more than minimumROISize.")
            }
        }
        return box
    }

    func roiValues(_ image: ImageVolume, _ mask: Volume<UInt8>) -> [Double] {
        var values: [Double] = []
        for i in mask.voxels.indices where mask.voxels[i] != 0 { values.append(image.voxels[i]) }
        return values
    }

    // MARK: - Diagnostics (PyRadiomics generalinfo)

    /// Mean by pairwise summation (blocks of 8 added in order, as numpy's `add.reduce`).
    func pairwiseMean(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { v in
            pairwiseMean(count: v.count) { lo, hi in
                var s = 0.0
                for i in lo..<hi { s += v[i] }
                return s
            }
        }
    }

    /// `pairwiseMean` of `count` values given by `leaf(lo, hi)`, the sum in order of the values
    /// `lo..<hi` (at most 128 of them); the leaves are asked for in increasing order.
    func pairwiseMean(count: Int, leaf: (Int, Int) -> Double) -> Double {
        func sum(_ lo: Int, _ hi: Int) -> Double {
            if hi - lo <= 128 { return leaf(lo, hi) }
            let mid = lo + ((hi - lo) / 2) / 8 * 8
            return sum(lo, mid) + sum(mid, hi)
        }
        return count == 0 ? .nan : sum(0, count) / Double(count)
    }

    private func tuple(_ v: SIMD3<Double>) -> String {
        "(\(v.x), \(v.y), \(v.z))"
    }

    private func tuple(_ v: SIMD3<Int>) -> String {
        "(\(v.x), \(v.y), \(v.z))"
    }

    /// Versions and settings (`diagnostics_Versions_*`, `diagnostics_Configuration_*`).
    func addConfigurationDiagnostics(_ row: inout FeatureRow, label: Int) {
        row.append("diagnostics_Versions_petrad", text: petradVersion)
        row.append("diagnostics_Versions_Convention",
                   text: "PyRadiomics 3.1.4 definitions (\(settings.convention.rawValue))")
        var used = settings
        used.label = label
        row.append("diagnostics_Configuration_Settings", text: used.pyRadiomicsSettingsText)
        row.append("diagnostics_Configuration_EnabledImageTypes", text: "{'Original': {}}")
        // Not yet: diagnostics_Image-original_Hash and Mask-original_Hash (SimpleITK's SHA1
        // of the stored pixel buffer) need the raw bytes from PetradImage's readers.
    }

    func addImageDiagnostics(_ row: inout FeatureRow, _ image: ImageVolume, _ prefix: String) {
        addImageDiagnostics(&row, image.geometry, mean: pairwiseMean(image.voxels),
                            minimum: image.voxels.min() ?? .nan,
                            maximum: image.voxels.max() ?? .nan, prefix)
    }

    func addImageDiagnostics(_ row: inout FeatureRow, _ grid: Geometry, mean: Double,
                             minimum: Double, maximum: Double, _ prefix: String) {
        if prefix == "original" { row.append("diagnostics_Image-original_Dimensionality", text: "3D") }
        row.append("diagnostics_Image-\(prefix)_Spacing", text: tuple(grid.spacing))
        row.append("diagnostics_Image-\(prefix)_Size", text: tuple(grid.size))
        row.append("diagnostics_Image-\(prefix)_Mean", mean)
        row.append("diagnostics_Image-\(prefix)_Minimum", minimum)
        row.append("diagnostics_Image-\(prefix)_Maximum", maximum)
    }

    func addMaskDiagnostics(_ row: inout FeatureRow, _ roi: ROIStatistics, _ grid: Geometry,
                            _ values: [Double]?, _ prefix: String) {
        row.append("diagnostics_Mask-\(prefix)_Spacing", text: tuple(grid.spacing))
        row.append("diagnostics_Mask-\(prefix)_Size", text: tuple(grid.size))
        row.append("diagnostics_Mask-\(prefix)_BoundingBox",
                   text: "(" + roi.boundingBox.map(String.init).joined(separator: ", ") + ")")
        row.append("diagnostics_Mask-\(prefix)_VoxelNum", .integer(roi.voxelCount))
        row.append("diagnostics_Mask-\(prefix)_VolumeNum", .integer(roi.componentCount))
        row.append("diagnostics_Mask-\(prefix)_CenterOfMassIndex", text: tuple(roi.centerOfMassIndex))
        row.append("diagnostics_Mask-\(prefix)_CenterOfMass", text: tuple(roi.centerOfMass))
        if let values {
            row.append("diagnostics_Mask-\(prefix)_Mean", pairwiseMean(values))
            row.append("diagnostics_Mask-\(prefix)_Minimum", values.min() ?? .nan)
            row.append("diagnostics_Mask-\(prefix)_Maximum", values.max() ?? .nan)
        }
    }
}
