import Foundation
import PetradCore

/// How the intensity-volume histogram (IBSI 1, family IVH) sees the intensities.
public enum IVHDiscretisation: Sendable, Equatable {
    /// Calibrated, discrete intensities used as they are ("discrete case"); the histogram steps
    /// by `step` (1 for integer HU or the digital phantom).
    case discrete(step: Double)
    /// Fixed bin size `width` from `lower` (the re-segmentation lower bound, IBSI "continuous
    /// case"); a voxel's intensity becomes its bin centre `lower + (bin - 0.5) * width`.
    case fixedBinSize(width: Double, lower: Double)
    /// Fixed bin number (IBSI "arbitrary intensity units"): bins 1...`count` between the ROI
    /// minimum and maximum; the histogram is over bin numbers, its range the ROI's bins.
    case fixedBinNumber(count: Int)
}

/// The IBSI texture aggregation methods (IBSI 1, "Aggregating features").
public enum IBSIAggregation: String, Sendable, CaseIterable {
    /// 2D, features per slice (and direction) then averaged: BTW3 (GLCM/GLRLM), 8QNN (others).
    case twoDAveraged = "2D_avg"
    /// 2D, direction matrices of a slice merged, features averaged over slices: SUJT.
    case twoDSliceMerged = "2D_comb"
    /// 2.5D direction-merged: one matrix per direction from all slices, features averaged: JJUI.
    case twoAndHalfDAveraged = "2_5D_avg"
    /// 2.5D merged: one matrix over all slices and directions: ZW7Z (62GR for zone matrices).
    case twoAndHalfDMerged = "2_5D_comb"
    /// 3D averaged over the 13 directions: ITBB.
    case threeDAveraged = "3D_avg"
    /// 3D merged over the 13 directions: IAZD (KOBO for zone matrices).
    case threeDMerged = "3D_comb"
}

/// The IBSI 1 feature families, in the manual's order.
public enum IBSIFamily: String, Sendable, CaseIterable {
    case morphology, localIntensity, statistics, intensityHistogram, intensityVolumeHistogram
    case glcm, glrlm, glszm, gldzm, ngtdm, ngldm
}

/// Settings of an IBSI-definition feature run (IBSI 1 reporting terms).
public struct IBSIFeatureSettings: Sendable, Equatable {
    /// Families to compute. Default: all.
    public var families: Set<IBSIFamily>
    /// Texture aggregations to compute. Default: all six (zone/neighbourhood matrices use the
    /// 2D, 2.5D and 3D ones of them: 2D_avg, 2_5D_comb, 3D_comb).
    public var aggregations: Set<IBSIAggregation>
    /// Chebyshev distance of GLCM, NGTDM and NGLDM neighbours (IBSI default 1).
    public var distance: Int
    /// NGLDM coarseness parameter alpha (IBSI default 0).
    public var ngldmAlpha: Double
    /// Intensity-volume histogram intensities.
    public var ivh: IVHDiscretisation
    /// Re-segmentation range, when one was applied: its bounds are the IVH intensity range
    /// (nil: the ROI's minimum and maximum).
    public var resegmentationRange: ClosedRange<Double>?
    /// Local intensity peak: radius of the sphere (mm) around a voxel centre (IBSI: 1 cm^3).
    public var peakRadius: Double
    /// Moran's I and Geary's C sum over all n (n - 1) / 2 pairs of intensity-mask voxels
    /// (IBSI 1, N365 and NPT7, computed exactly): above this many voxels they are NaN with the
    /// reason instead (nil: no limit). 114,596 voxels (CT phantom, configuration A) take about
    /// 80 s on 2 busy cores; the cost grows as n^2, so the default 250,000 bounds one ROI to
    /// about 6 min, where 1,000,000 voxels would take about 1.7 h.
    public var autocorrelationVoxelLimit: Int?

    public init(families: Set<IBSIFamily> = Set(IBSIFamily.allCases),
                aggregations: Set<IBSIAggregation> = Set(IBSIAggregation.allCases),
                distance: Int = 1, ngldmAlpha: Double = 0,
                ivh: IVHDiscretisation = .discrete(step: 1),
                resegmentationRange: ClosedRange<Double>? = nil,
                peakRadius: Double = 6.2035049089940,
                autocorrelationVoxelLimit: Int? = 250_000) {
        self.families = families
        self.aggregations = aggregations
        self.distance = distance
        self.ngldmAlpha = ngldmAlpha
        self.ivh = ivh
        self.resegmentationRange = resegmentationRange
        self.peakRadius = peakRadius
        self.autocorrelationVoxelLimit = autocorrelationVoxelLimit
    }
}

/// One IBSI feature value: the output column, the IBSI 1 results-sheet tag (as in the
/// reference CSVs, e.g. `cm_joint_max_3D_avg`) and the IBSI code of the feature.
public struct IBSIFeatureValue: Sendable, Equatable {
    /// Column name, `ibsi_<family>_<aggregation>_<ReadableName>_<CODE>`, e.g.
    /// `ibsi_cm_3D_avg_JointMax_GYBY`.
    public var column: String
    /// IBSI 1 results-sheet tag, e.g. `cm_joint_max_3D_avg`, `morph_volume`.
    public var tag: String
    /// IBSI permanent feature code, e.g. `GYBY`.
    public var code: String
    public var value: Double
    /// Why the value is NaN (nil otherwise).
    public var reason: String?
}

/// IBSI-definition features (IBSI 1 reference manual), beside the PyRadiomics-convention classes.
public enum IBSIFeatures {
    /// All IBSI features the settings ask for, as `FeatureValue`s named by `column`.
    ///
    /// - Parameters:
    ///   - image: intensities after processing (interpolation, rounding), any grid.
    ///   - intensityMask: ROI intensity mask (after re-segmentation), same grid as `image`.
    ///   - morphologicalMask: ROI morphological mask (before re-segmentation), same grid.
    ///   - discretised: grey levels of the intensity mask's voxels on the same grid (size =
    ///     image size; 0 outside the intensity mask), IBSI numbering (1 = first bin from the
    ///     discretisation origin); `ng` is the number of bins N_g used in normalised inverse
    ///     difference (moment).
    /// - Throws: `InputError` when a grid differs from the image's, when the intensity mask or
    ///   the discretised ROI is empty, or when a voxel with a grey level lies outside the
    ///   morphological mask.
    public static func compute(image: ImageVolume, intensityMask: Volume<UInt8>,
                               morphologicalMask: Volume<UInt8>, discretised: DiscretisedROI,
                               settings: IBSIFeatureSettings = IBSIFeatureSettings()) throws
        -> [FeatureValue]
    {
        try computeTagged(image: image, intensityMask: intensityMask,
                          morphologicalMask: morphologicalMask, discretised: discretised,
                          settings: settings)
            .map { FeatureValue(name: $0.column, value: $0.value, reason: $0.reason) }
    }

    /// As `compute`, with the IBSI tag and code of every value.
    public static func computeTagged(image: ImageVolume, intensityMask: Volume<UInt8>,
                                     morphologicalMask: Volume<UInt8>,
                                     discretised: DiscretisedROI,
                                     settings: IBSIFeatureSettings = IBSIFeatureSettings())
        throws -> [IBSIFeatureValue]
    {
        try checkInputs(image: image, intensityMask: intensityMask,
                        morphologicalMask: morphologicalMask, discretised: discretised,
                        settings: settings)
        var out = IBSIIntensity.features(image: image, intensityMask: intensityMask,
                                         discretised: discretised, settings: settings)
        if settings.families.contains(.morphology) {
            out = IBSIMorphology.features(image: image, intensityMask: intensityMask,
                                          morphologicalMask: morphologicalMask,
                                          autocorrelationLimit: settings.autocorrelationVoxelLimit)
                + out
        }
        if settings.families.contains(.glcm) || settings.families.contains(.glrlm)
            || settings.families.contains(.glszm) || settings.families.contains(.gldzm)
            || settings.families.contains(.ngtdm) || settings.families.contains(.ngldm) {
            out += IBSITexture.features(discretised, morphologicalMask: morphologicalMask.voxels,
                                        settings: settings)
        }
        return out
    }

    static func checkInputs(image: ImageVolume, intensityMask: Volume<UInt8>,
                            morphologicalMask: Volume<UInt8>, discretised: DiscretisedROI,
                            settings: IBSIFeatureSettings) throws {
        let size = image.geometry.size
        if intensityMask.geometry.size != size {
            throw InputError(file: "", field: "intensityMask", value: "\(intensityMask.geometry.size)",
                             "The intensity mask must be on the image grid (\(size)).")
        }
        if morphologicalMask.geometry.size != size {
            throw InputError(file: "", field: "morphologicalMask",
                             value: "\(morphologicalMask.geometry.size)",
                             "The morphological mask must be on the image grid (\(size)).")
        }
        if discretised.size != size {
            throw InputError(file: "", field: "discretised", value: "\(discretised.size)",
                             "The discretised ROI must be on the image grid (\(size)).")
        }
        // Every family but morphology reads the intensity mask: nothing to compute without it.
        if !discretised.levels.contains(where: { $0 > 0 })
            || !intensityMask.voxels.contains(where: { $0 != 0 }) {
            throw InputError(file: "", field: "intensityMask", value: "0 voxels",
                             "The ROI intensity mask is empty (no voxel left after "
                             + "re-segmentation?); IBSI features need at least one voxel.")
        }
        // IBSI 1: re-segmentation only removes voxels, so the intensity mask (the voxels with
        // a grey level) lies within the morphological mask; the GLDZM relies on it.
        if let k = discretised.levels.indices.first(where: {
            discretised.levels[$0] > 0 && morphologicalMask.voxels[$0] == 0
        }) {
            let x = k % size.x, y = (k / size.x) % size.y, z = k / (size.x * size.y)
            throw InputError(file: "", field: "morphologicalMask", value: "0 at (\(x), \(y), \(z))",
                             "Voxel (\(x), \(y), \(z)) has a grey level but lies outside the "
                             + "morphological mask; the intensity mask must be a subset of it.")
        }
        if settings.distance < 1 {
            throw InputError(file: "", field: "distance", value: "\(settings.distance)",
                             "The neighbour distance must be 1 voxel or more.")
        }
    }
}
