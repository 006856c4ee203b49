import Foundation

/// Every IBSI image-processing choice of one run (IBSI 1, "Image processing"), in the order
/// the steps run: initial rounding, interpolation, re-segmentation, discretisation. The
/// feature-level choices (aggregation, distances) are carried for the processing record.
public struct IBSIProcessingSettings: Sendable, Equatable {
    /// Slice-wise (2D) or volumetric (3D) processing. 2D interpolates in-plane only.
    public enum Dimensionality: String, Sendable, CaseIterable {
        case twoD = "2D"
        case threeD = "3D"
    }

    public var dimensionality: Dimensionality = .threeD
    /// Rounding of the image as read, to a multiple of this (1 for CT in HU; nil = none).
    public var initialRounding: Double? = nil
    /// New voxel spacing in mm (x, y, z); nil = no interpolation. In 2D only x and y are used.
    public var spacing: SIMD3<Double>? = nil
    public var imageInterpolation: IBSIInterpolation.Method = .linear
    /// Rounding of interpolated intensities to a multiple of this (1 for CT; nil = none).
    public var intensityRounding: Double? = nil
    public var roiInterpolation: IBSIInterpolation.Method = .linear
    /// ROI partial-volume threshold after interpolating the mask (`>=` keeps the voxel).
    public var partialVolumeThreshold: Double = 0.5
    /// Re-segmentation range bounds (nil = open).
    public var resegmentationLower: Double? = nil
    public var resegmentationUpper: Double? = nil
    /// Outlier filtering: mean +- this many standard deviations (nil = none; IBSI uses 3).
    public var outlierSigma: Double? = nil
    /// Discretisation for texture and the intensity histogram. A fixed bin size without a
    /// lower bound takes the re-segmentation lower bound when there is one.
    public var discretisation: IBSIDiscretisation.Method = .fixedBinSize(25, lowerBound: nil)
    /// Discretisation for the intensity-volume histogram (nil = intensities used as they are).
    public var ivhDiscretisation: IBSIDiscretisation.Method? = nil
    /// Texture aggregation methods asked for (reporting only; IBSI names).
    public var textureAggregation: [String] = []
    /// Chebyshev neighbourhood distance for GLCM, NGTDM, NGLDM.
    public var distance: Int = 1
    /// NGLDM coarseness parameter alpha.
    public var ngldmAlpha: Int = 0

    public init() {}

    /// The new grid spacing for `geometry`, or nil when the image is not interpolated.
    public func targetSpacing(for geometry: Geometry) -> SIMD3<Double>? {
        guard let spacing else { return nil }
        switch dimensionality {
        case .threeD: return spacing
        case .twoD: return SIMD3(spacing.x, spacing.y, geometry.spacing.z)
        }
    }

    /// The discretisation as run: a fixed bin size without its own lower bound starts at the
    /// re-segmentation lower bound (IBSI's recommendation), else at the ROI minimum.
    public var effectiveDiscretisation: IBSIDiscretisation.Method {
        Self.anchored(discretisation, lower: resegmentationLower)
    }

    public var effectiveIVHDiscretisation: IBSIDiscretisation.Method? {
        ivhDiscretisation.map { Self.anchored($0, lower: resegmentationLower) }
    }

    static func anchored(_ method: IBSIDiscretisation.Method, lower: Double?)
        -> IBSIDiscretisation.Method
    {
        if case .fixedBinSize(let w, nil) = method, let lower {
            return .fixedBinSize(w, lowerBound: lower)
        }
        return method
    }

    /// The processing record in the terms of the IBSI reporting guideline (IBSI 1, chapter
    /// "Radiomics reporting guidelines and nomenclature", image processing items), as ordered
    /// (key, value) pairs.
    public var record: [(key: String, value: String)] {
        func bound(_ x: Double?) -> String { x.map(formatted) ?? "none" }
        var items: [(String, String)] = []
        items.append(("convention", "IBSI 1"))
        items.append(("dimensionality", dimensionality.rawValue))
        items.append(("initial intensity rounding",
                      initialRounding.map { "nearest multiple of \(formatted($0))" } ?? "none"))
        if let spacing {
            let shown = dimensionality == .twoD
                ? "\(formatted(spacing.x)) x \(formatted(spacing.y)) (in-plane)"
                : "\(formatted(spacing.x)) x \(formatted(spacing.y)) x \(formatted(spacing.z))"
            items.append(("interpolation", dimensionality == .twoD ? "2D (in-plane)" : "3D"))
            items.append(("interpolation grid", "align grid centres; size ceil(n s_a / s_b); "
                          + "nearest boundary voxel outside the original grid"))
            items.append(("interpolated voxel spacing (mm)", shown))
            items.append(("image interpolation method", dimensionality == .twoD
                          ? imageInterpolation.rawValue.replacingOccurrences(of: "tri", with: "bi")
                          : (imageInterpolation == .linear ? "trilinear"
                             : imageInterpolation.rawValue)))
            items.append(("intensity rounding after interpolation",
                          intensityRounding.map { "nearest multiple of \(formatted($0))" }
                            ?? "none"))
            items.append(("ROI interpolation method", dimensionality == .twoD
                          ? (roiInterpolation == .linear ? "bilinear" : roiInterpolation.rawValue)
                          : (roiInterpolation == .linear ? "trilinear"
                             : roiInterpolation.rawValue)))
            items.append(("ROI partial volume threshold", formatted(partialVolumeThreshold)))
        } else {
            items.append(("interpolation", "none"))
        }
        items.append(("re-segmentation range", resegmentationLower == nil
                      && resegmentationUpper == nil ? "none"
                      : "[\(bound(resegmentationLower)), \(bound(resegmentationUpper))]"))
        items.append(("outlier filtering",
                      outlierSigma.map { "mean +- \(formatted($0)) standard deviations" }
                        ?? "none"))
        items.append(("morphological mask", "ROI after interpolation, not re-segmented"))
        items.append(("intensity mask", "ROI after interpolation and re-segmentation"))
        items.append(("discretisation (texture, intensity histogram)",
                      effectiveDiscretisation.description))
        items.append(("discretisation (intensity-volume histogram)",
                      effectiveIVHDiscretisation?.description ?? "none (intensities as they are)"))
        items.append(("texture aggregation", textureAggregation.isEmpty ? "not reported"
                      : textureAggregation.joined(separator: ", ")))
        items.append(("GLCM symmetry", "symmetric"))
        items.append(("GLCM, NGTDM, NGLDM distance", "Chebyshev \(distance)"))
        items.append(("GLSZM, GLDZM linkage", dimensionality == .twoD
                      ? "8-connected (in-plane)" : "26-connected"))
        items.append(("NGLDM coarseness alpha", "\(ngldmAlpha)"))
        return items
    }

    /// `record` as one text: a dictionary literal `{'key': 'value', ...}`.
    public var recordText: String {
        "{" + record.map { "'\($0.key)': '\($0.value)'" }.joined(separator: ", ") + "}"
    }

    /// The settings of IBSI 1 CT phantom configuration `A` ... `E` (IBSI reference manual,
    /// chapter "Reference data sets", section "Configurations").
    public static func ctPhantom(_ configuration: String) -> IBSIProcessingSettings? {
        var s = IBSIProcessingSettings()
        s.initialRounding = 1
        switch configuration.uppercased() {
        case "A":
            s.dimensionality = .twoD
            (s.resegmentationLower, s.resegmentationUpper) = (-500, 400)
            s.discretisation = .fixedBinSize(25, lowerBound: nil)
            s.textureAggregation = ["2D", "2.5D"]
        case "B":
            s.dimensionality = .twoD
            s.spacing = SIMD3(2, 2, 2)
            s.intensityRounding = 1
            (s.resegmentationLower, s.resegmentationUpper) = (-500, 400)
            s.discretisation = .fixedBinNumber(32)
            s.textureAggregation = ["2D", "2.5D"]
        case "C":
            s.spacing = SIMD3(2, 2, 2)
            s.intensityRounding = 1
            (s.resegmentationLower, s.resegmentationUpper) = (-1000, 400)
            s.discretisation = .fixedBinSize(25, lowerBound: nil)
            s.ivhDiscretisation = .fixedBinSize(2.5, lowerBound: nil)
            s.textureAggregation = ["3D"]
        case "D":
            s.spacing = SIMD3(2, 2, 2)
            s.intensityRounding = 1
            s.outlierSigma = 3
            s.discretisation = .fixedBinNumber(32)
            s.textureAggregation = ["3D"]
        case "E":
            s.spacing = SIMD3(2, 2, 2)
            s.imageInterpolation = .cubicSpline
            s.intensityRounding = 1
            (s.resegmentationLower, s.resegmentationUpper) = (-1000, 400)
            s.outlierSigma = 3
            s.discretisation = .fixedBinNumber(32)
            s.ivhDiscretisation = .fixedBinNumber(1000)
            s.textureAggregation = ["3D"]
        default:
            return nil
        }
        return s
    }
}

/// The result of IBSI image processing on one ROI.
public struct IBSIProcessedROI: Sendable {
    /// The (interpolated, rounded) image on the processing grid.
    public var image: ImageVolume
    /// The ROI after interpolation, before re-segmentation (morphology reads it).
    public var morphologicalMask: Volume<UInt8>
    /// The ROI after re-segmentation (every intensity-based family reads it).
    public var intensityMask: Volume<UInt8>
    /// Grey levels (from 1) inside the intensity mask with the texture discretisation; 0
    /// outside.
    public var greyLevels: Volume<Int32>
    /// Grey levels for the intensity-volume histogram (nil = use the intensities).
    public var ivhLevels: Volume<Int32>?
    /// IBSI diagnostic values, keyed by their IBSI 1 results-sheet tag (`img_dim_x_init_img`,
    /// `int_mask_vox_count_reseg_roi`, ...), in the order computed.
    public var diagnostics: [(tag: String, value: Double)]
    public var settings: IBSIProcessingSettings

    public func diagnostic(_ tag: String) -> Double? {
        diagnostics.first { $0.tag == tag }?.value
    }
}

/// The IBSI image-processing pipeline (IBSI 1 figure "image processing scheme"): initial
/// rounding, interpolation of image and ROI, re-segmentation into intensity and morphological
/// masks, discretisation.
public enum IBSIProcessing {
    /// Runs every step on `image` and its binary ROI `mask` (same grid).
    ///
    /// - Throws: `InputError` when the grids differ, or when the ROI is empty after
    ///   interpolation or re-segmentation.
    public static func process(image: ImageVolume, mask: Volume<UInt8>,
                               settings: IBSIProcessingSettings) throws -> IBSIProcessedROI {
        guard image.size == mask.size else {
            throw InputError(file: "", field: "mask size", value: "\(mask.size)",
                             "The mask grid differs from the image grid \(image.size).")
        }
        var diagnostics: [(tag: String, value: Double)] = []
        var image = image
        if let step = settings.initialRounding {
            for i in image.voxels.indices {
                image.voxels[i] = (image.voxels[i] / step).rounded(.toNearestOrEven) * step
            }
        }
        addImage(&diagnostics, image, "init_img")
        addROI(&diagnostics, image, intensity: mask, morphological: mask, "init_roi")

        var roi = mask
        if let spacing = settings.targetSpacing(for: image.geometry) {
            try IBSIInterpolation.checkGridSize(of: image.geometry, spacing: spacing)
            image = IBSIInterpolation.interpolate(image, spacing: spacing,
                                                  method: settings.imageInterpolation,
                                                  roundTo: settings.intensityRounding)
            roi = IBSIInterpolation.interpolateMask(roi, spacing: spacing,
                                                    method: settings.roiInterpolation,
                                                    threshold: settings.partialVolumeThreshold)
        }
        addImage(&diagnostics, image, "interp_img")
        addROI(&diagnostics, image, intensity: roi, morphological: roi, "interp_roi")
        guard roi.voxels.contains(where: { $0 != 0 }) else {
            throw InputError(file: "", field: "mask", value: "0 voxels",
                             "The ROI is empty after interpolation; check the mask and spacing.")
        }

        let intensity = IBSIResegmentation.intensityMask(
            image: image, mask: roi, lower: settings.resegmentationLower,
            upper: settings.resegmentationUpper, outlierSigma: settings.outlierSigma)
        addROI(&diagnostics, image, intensity: intensity, morphological: roi, "reseg_roi")
        guard intensity.voxels.contains(where: { $0 != 0 }) else {
            throw InputError(file: "", field: "re-segmentation range",
                             value: settings.record.first { $0.key == "re-segmentation range" }?
                                .value ?? "", "No ROI voxel is left after re-segmentation.")
        }

        let levels = try IBSIDiscretisation.discretise(image: image, mask: intensity,
                                                       method: settings.effectiveDiscretisation)
        let ivh = try settings.effectiveIVHDiscretisation.map {
            try IBSIDiscretisation.discretise(image: image, mask: intensity, method: $0)
        }
        return IBSIProcessedROI(image: image, morphologicalMask: roi, intensityMask: intensity,
                                greyLevels: levels, ivhLevels: ivh, diagnostics: diagnostics,
                                settings: settings)
    }

    static func addImage(_ d: inout [(tag: String, value: Double)], _ image: ImageVolume,
                         _ step: String) {
        for (axis, name) in ["x", "y", "z"].enumerated() {
            d.append(("img_dim_\(name)_\(step)", Double(image.size[axis])))
        }
        for (axis, name) in ["x", "y", "z"].enumerated() {
            d.append(("vox_dim_\(name)_\(step)", image.geometry.spacing[axis]))
        }
        let n = Double(image.voxels.count)
        d.append(("mean_int_\(step)", image.voxels.reduce(0, +) / n))
        d.append(("min_int_\(step)", image.voxels.min() ?? .nan))
        d.append(("max_int_\(step)", image.voxels.max() ?? .nan))
    }

    static func addROI(_ d: inout [(tag: String, value: Double)], _ image: ImageVolume,
                       intensity: Volume<UInt8>, morphological: Volume<UInt8>, _ step: String) {
        let names = ["x", "y", "z"]
        for (axis, name) in names.enumerated() {
            d.append(("int_mask_dim_\(name)_\(step)", Double(intensity.size[axis])))
        }
        let intensityStatistics = ROIStatistics.of(intensity)
        let morphologicalStatistics = ROIStatistics.of(morphological)
        for (axis, name) in names.enumerated() {
            d.append(("int_mask_bb_dim_\(name)_\(step)",
                      Double(intensityStatistics?.boundingBoxSize[axis] ?? 0)))
        }
        for (axis, name) in names.enumerated() {
            d.append(("morph_mask_bb_dim_\(name)_\(step)",
                      Double(morphologicalStatistics?.boundingBoxSize[axis] ?? 0)))
        }
        d.append(("int_mask_vox_count_\(step)", Double(intensityStatistics?.voxelCount ?? 0)))
        d.append(("morph_mask_vox_count_\(step)",
                  Double(morphologicalStatistics?.voxelCount ?? 0)))
        var sum = 0.0
        var n = 0.0
        var low = Double.infinity
        var high = -Double.infinity
        for i in intensity.voxels.indices where intensity.voxels[i] != 0 {
            let x = image.voxels[i]
            sum += x
            n += 1
            low = min(low, x)
            high = max(high, x)
        }
        d.append(("int_mask_mean_int_\(step)", n > 0 ? sum / n : .nan))
        d.append(("int_mask_min_int_\(step)", n > 0 ? low : .nan))
        d.append(("int_mask_max_int_\(step)", n > 0 ? high : .nan))
    }
}
