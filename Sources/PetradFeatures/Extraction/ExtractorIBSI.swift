import Foundation

extension Extractor {
    /// The `convention: ibsi` pipeline (IBSI 1, "Image processing" then "Image features"):
    /// label selection on the image grid, IBSI processing (`IBSIProcessing.process` with
    /// `settings.ibsiProcessing`), then `IBSIFeatures` on the image and both masks cropped to
    /// the morphological mask's bounding box.
    ///
    /// Diagnostics (with `additionalInfo`): `diagnostics_IBSI_ProcessingRecord`, the processing
    /// record as a dictionary in the IBSI reporting guideline's terms, and one
    /// `diagnostics_IBSI_<tag>` column per IBSI diagnostic feature (`img_dim_x_interp_img`,
    /// `int_mask_vox_count_reseg_roi`, ...).
    func extractIBSI(image: ImageVolume, maskValues: ImageVolume, label: Int,
                     maskFile: String) throws -> FeatureRow {
        let maskSettings = MaskSettings(label: label, geometryTolerance: settings.geometryTolerance,
                                        correctMask: settings.correctMask,
                                        minimumROIDimensions: 0, minimumROISize: nil)
        let (mask, report) = try MaskLoader.select(maskValues: maskValues, image: image.geometry,
                                                   settings: maskSettings, file: maskFile)
        let processing = settings.ibsiProcessing
        let processed = try IBSIProcessing.process(image: image, mask: mask,
                                                   settings: processing)
        var row = FeatureRow()
        row.greyLevels = Extractor.greyLevelSummary(processed)
        var notes = report.warnings
        if settings.additionalInfo {
            row.append("diagnostics_Versions_petrad", text: petradVersion)
            row.append("diagnostics_Versions_Convention", text: "IBSI 1 definitions (ibsi)")
            row.append("diagnostics_IBSI_ProcessingRecord", text: processing.recordText)
            for (tag, value) in processed.diagnostics {
                row.append("diagnostics_IBSI_\(tag)", value)
            }
        }

        let values = try Extractor.ibsiFeatures(processed).map {
            FeatureValue(name: $0.column, value: $0.value, reason: $0.reason)
        }
        if values.isEmpty { notes.append("IBSI features: none computed yet") }
        if settings.additionalInfo {
            row.append("diagnostics_petrad_Notes", text: notes.joined(separator: "; "))
        }
        for value in values {
            row.append(value.name, value.value)
            if let reason = value.reason { row.note("\(value.name): \(reason)") }
        }
        for note in notes { row.note(note) }
        return row
    }

    /// Most grey levels `convention: ibsi` accepts. Its texture matrices are dense over every
    /// level from 1 to Ng (the GLCM Ng x Ng doubles for each of 13 directions and their merge,
    /// all held at once): 4,096 levels take about 1.8 GB; 10,490 levels (binWidth 0.002 on an
    /// SUV tumour) took 12 GB and 44 s. Far more than IBSI's recommended bin counts.
    static let ibsiMaximumGreyLevels = 4_096

    /// Refuses more than `ibsiMaximumGreyLevels` levels, before the matrices are allocated.
    static func checkIBSIGreyLevelBudget(_ ng: Int) throws {
        guard ng > ibsiMaximumGreyLevels else { return }
        let gib = 14 * Double(ng) * Double(ng) * 8 / Double(1 << 30)
        throw InputError(file: "", field: "binWidth/binCount", value: "\(ng) grey levels",
                         "The ROI has \(ng) grey levels after IBSI discretisation; the IBSI "
                         + "texture matrices over them need about "
                         + String(format: "%.0f GiB", gib) + " (at most "
                         + "\(ibsiMaximumGreyLevels) levels with convention: ibsi). Raise binWidth "
                         + "or lower binCount; the image may not be in the units the bin width "
                         + "was chosen for (e.g. Bq/mL instead of SUV).")
    }

    /// The grey levels of the processed ROI's intensity mask (what the texture families read)
    /// and the range of its intensities; nil for an empty intensity mask.
    static func greyLevelSummary(_ processed: IBSIProcessedROI) -> GreyLevelSummary? {
        var levels: [Int32] = []
        var values: [Double] = []
        let mask = processed.intensityMask.voxels
        for i in mask.indices where mask[i] != 0 {
            levels.append(processed.greyLevels.voxels[i])
            values.append(processed.image.voxels[i])
        }
        return GreyLevelSummary(levels: levels, edgeCount: Int(levels.max() ?? 0) + 1,
                                values: values)
    }

    /// IBSI features of a processed ROI, with their IBSI tags and codes. Every family reads
    /// the grid cropped to the morphological mask's bounding box (it contains the intensity
    /// mask, a subset of it), except the local intensity peaks: their 1 cm^3 spheres read the
    /// image around the ROI too, so that family gets the box widened by the sphere's radius.
    public static func ibsiFeatures(_ processed: IBSIProcessedROI) throws -> [IBSIFeatureValue] {
        let settings = ibsiFeatureSettings(processed.settings, processed)
        var rest = settings
        rest.families.remove(.localIntensity)
        var out = try ibsiFeatures(processed, settings: rest, padding: 0)
        if settings.families.contains(.localIntensity) {
            var peaks = settings
            peaks.families = [.localIntensity]
            let s = processed.image.geometry.spacing
            let padding = Int((settings.peakRadius / s.min()).rounded(.up)) + 1
            out += try ibsiFeatures(processed, settings: peaks, padding: padding)
        }
        return out
    }

    static func ibsiFeatures(_ processed: IBSIProcessedROI, settings: IBSIFeatureSettings,
                             padding: Int) throws -> [IBSIFeatureValue] {
        guard let box = Cropping.boundingBox(of: processed.morphologicalMask) else {
            throw InputError(file: "", field: "mask", value: "0 voxels",
                             "The ROI is empty after IBSI processing.")
        }
        func crop(_ image: ImageVolume, _ mask: Volume<UInt8>) throws
            -> (image: ImageVolume, mask: Volume<UInt8>) {
            try Cropping.crop(image: image, mask: mask, lower: box.lower, upper: box.upper,
                              padDistance: padding)
        }
        let image = try crop(processed.image, processed.morphologicalMask)
        let intensity = try crop(processed.image, processed.intensityMask)
        let levels = try crop(ImageVolume(geometry: processed.greyLevels.geometry,
                                          voxels: processed.greyLevels.voxels.map(Double.init)),
                              processed.intensityMask)
        let ng: Int
        switch processed.settings.effectiveDiscretisation {
        case .fixedBinNumber(let n): ng = n
        case .fixedBinSize: ng = Int(levels.image.voxels.max() ?? 0)
        }
        try checkIBSIGreyLevelBudget(ng)
        let discretised = DiscretisedROI(size: levels.image.size,
                                         levels: levels.image.voxels.map { Int32($0) }, ng: ng)
        return try IBSIFeatures.computeTagged(
            image: image.image, intensityMask: intensity.mask, morphologicalMask: image.mask,
            discretised: discretised, settings: settings)
    }

    /// The feature settings matching an IBSI processing run: aggregations of its
    /// dimensionality (2D: 2D and 2.5D; 3D: 3D), its distance and alpha, and the
    /// intensity-volume histogram's intensities (IBSI 1 CT configurations: discrete HU with
    /// step = the rounding, FBS from the range's lower bound, or FBN).
    public static func ibsiFeatureSettings(_ processing: IBSIProcessingSettings,
                             _ processed: IBSIProcessedROI) -> IBSIFeatureSettings {
        let aggregations: Set<IBSIAggregation> = processing.dimensionality == .twoD
            ? [.twoDAveraged, .twoDSliceMerged, .twoAndHalfDAveraged, .twoAndHalfDMerged]
            : [.threeDAveraged, .threeDMerged]
        let ivh: IVHDiscretisation
        switch processing.effectiveIVHDiscretisation {
        case nil:
            ivh = .discrete(step: processing.intensityRounding ?? processing.initialRounding ?? 1)
        case .fixedBinNumber(let n)?:
            ivh = .fixedBinNumber(count: n)
        case .fixedBinSize(let w, let lower)?:
            let roiMinimum = processed.diagnostic("int_mask_min_int_reseg_roi") ?? 0
            ivh = .fixedBinSize(width: w, lower: lower ?? roiMinimum)
        }
        var range: ClosedRange<Double>? = nil
        if let lower = processing.resegmentationLower, let upper = processing.resegmentationUpper,
           lower <= upper {
            range = lower...upper
        }
        return IBSIFeatureSettings(aggregations: aggregations, distance: processing.distance,
                                   ngldmAlpha: Double(processing.ngldmAlpha), ivh: ivh,
                                   resegmentationRange: range)
    }
}
