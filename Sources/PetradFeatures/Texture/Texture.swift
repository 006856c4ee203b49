import Foundation
import PetradCore

/// A region of interest after discretisation, as PyRadiomics' texture classes receive it.
///
/// `levels` holds one entry per voxel of a box of `size` voxels, x fastest (the same order as
/// `Volume`): 0 for a voxel outside the ROI, 1...`ng` for the binned grey level of a voxel
/// inside it (PyRadiomics' `imageArray` after `binImage`, restricted to the mask). Grey levels
/// absent from the ROI are allowed; each class handles them the way PyRadiomics does.
public struct DiscretisedROI: Sendable, Equatable {
    public let size: SIMD3<Int>
    /// x fastest; 0 = outside the ROI, 1...ng inside (PyRadiomics' binned grey level).
    public let levels: [Int32]
    /// Largest grey level (PyRadiomics' `Ng` before empty levels are removed).
    public let ng: Int

    public init(size: SIMD3<Int>, levels: [Int32], ng: Int) {
        precondition(levels.count == size.x * size.y * size.z,
                     "levels has \(levels.count) entries, size \(size) needs "
                     + "\(size.x * size.y * size.z)")
        self.size = size
        self.levels = levels
        self.ng = ng
    }

    /// Builds the ROI from levels alone; `ng` is the largest level present.
    public init(size: SIMD3<Int>, levels: [Int32]) {
        self.init(size: size, levels: levels, ng: Int(levels.max() ?? 0))
    }
}

/// The PyRadiomics settings that change texture values.
public struct TextureSettings: Sendable, Equatable {
    /// `distances`: neighbour distances (infinity norm) for GLCM, GLDM and NGTDM. Default [1].
    public var distances: [Int]
    /// `symmetricalGLCM`: count each pair in both directions. Default true.
    public var symmetricalGLCM: Bool
    /// `weightingNorm`: nil (average over directions), "manhattan", "euclidean", "infinity" or
    /// "no_weighting" (GLCM and GLRLM matrices summed with weights before features are computed).
    public var weightingNorm: String?
    /// `gldm_a`: the dependence threshold alpha of GLDM. Default 0.
    public var gldmA: Double
    /// `force2D`: use only in-plane directions (4 instead of 13) in the plane normal to
    /// `force2Ddimension` (0 = z, the axial plane; 1 = y; 2 = x, PyRadiomics' numbering of the
    /// (z, y, x) array).
    public var force2D: Bool
    public var force2Ddimension: Int
    /// Voxel spacing in mm (x, y, z); used only by `weightingNorm`.
    public var spacing: SIMD3<Double>

    public init(distances: [Int] = [1], symmetricalGLCM: Bool = true,
                weightingNorm: String? = nil, gldmA: Double = 0, force2D: Bool = false,
                force2Ddimension: Int = 0, spacing: SIMD3<Double> = .one) {
        self.distances = distances
        self.symmetricalGLCM = symmetricalGLCM
        self.weightingNorm = weightingNorm
        self.gldmA = gldmA
        self.force2D = force2D
        self.force2Ddimension = force2Ddimension
        self.spacing = spacing
    }
}

/// The five PyRadiomics texture classes, named as in a parameter file's `featureClass`.
public enum TextureClass: String, CaseIterable, Sendable {
    case glcm, glrlm, glszm, gldm, ngtdm
}

/// Texture values of one class, with the reason for every value that is NaN.
public struct TextureFeatureSet: Sendable {
    /// Feature names without prefix (e.g. "Autocorrelation"), in PyRadiomics' order.
    public var features: [(name: String, value: Double)]
    /// Why a feature is NaN, keyed by feature name (only NaN features appear).
    public var nanReasons: [String: String]
}

/// Texture features of one class, exactly as PyRadiomics 3.x computes them.
///
/// Names are PyRadiomics' feature names without prefix, in PyRadiomics' order. A value that
/// cannot exist for this ROI is NaN; `textureFeatureSet` gives the reason.
public func textureFeatures(_ featureClass: TextureClass, roi: DiscretisedROI,
                            settings: TextureSettings) throws -> [(name: String, value: Double)] {
    try textureFeatureSet(featureClass, roi: roi, settings: settings).features
}

/// Feature names of a class, in PyRadiomics' order (default, non-deprecated features).
///
/// PyRadiomics lists a class's features by `inspect.getmembers`, i.e. sorted by code point
/// ("MCC" before "MaximumProbability"); the lists below are in that order.
public func textureFeatureNames(_ featureClass: TextureClass) -> [String] {
    switch featureClass {
    case .glcm:
        return ["Autocorrelation", "ClusterProminence", "ClusterShade", "ClusterTendency",
                "Contrast", "Correlation", "DifferenceAverage", "DifferenceEntropy",
                "DifferenceVariance", "Id", "Idm", "Idmn", "Idn", "Imc1", "Imc2",
                "InverseVariance", "JointAverage", "JointEnergy", "JointEntropy", "MCC",
                "MaximumProbability", "SumAverage", "SumEntropy", "SumSquares"]
    case .glrlm:
        return ["GrayLevelNonUniformity", "GrayLevelNonUniformityNormalized", "GrayLevelVariance",
                "HighGrayLevelRunEmphasis", "LongRunEmphasis", "LongRunHighGrayLevelEmphasis",
                "LongRunLowGrayLevelEmphasis", "LowGrayLevelRunEmphasis", "RunEntropy",
                "RunLengthNonUniformity", "RunLengthNonUniformityNormalized", "RunPercentage",
                "RunVariance", "ShortRunEmphasis", "ShortRunHighGrayLevelEmphasis",
                "ShortRunLowGrayLevelEmphasis"]
    case .glszm:
        return ["GrayLevelNonUniformity", "GrayLevelNonUniformityNormalized", "GrayLevelVariance",
                "HighGrayLevelZoneEmphasis", "LargeAreaEmphasis", "LargeAreaHighGrayLevelEmphasis",
                "LargeAreaLowGrayLevelEmphasis", "LowGrayLevelZoneEmphasis",
                "SizeZoneNonUniformity", "SizeZoneNonUniformityNormalized", "SmallAreaEmphasis",
                "SmallAreaHighGrayLevelEmphasis", "SmallAreaLowGrayLevelEmphasis", "ZoneEntropy",
                "ZonePercentage", "ZoneVariance"]
    case .gldm:
        return ["DependenceEntropy", "DependenceNonUniformity",
                "DependenceNonUniformityNormalized", "DependenceVariance",
                "GrayLevelNonUniformity", "GrayLevelVariance", "HighGrayLevelEmphasis",
                "LargeDependenceEmphasis", "LargeDependenceHighGrayLevelEmphasis",
                "LargeDependenceLowGrayLevelEmphasis", "LowGrayLevelEmphasis",
                "SmallDependenceEmphasis", "SmallDependenceHighGrayLevelEmphasis",
                "SmallDependenceLowGrayLevelEmphasis"]
    case .ngtdm:
        return ["Busyness", "Coarseness", "Complexity", "Contrast", "Strength"]
    }
}

/// Texture features of one class with the reason for each NaN value.
///
/// Throws `InputError` for settings PyRadiomics rejects and, before any matrix is allocated,
/// for a ROI with so many grey levels that its matrices would need an absurd amount of memory.
public func textureFeatureSet(_ featureClass: TextureClass, roi: DiscretisedROI,
                              settings: TextureSettings) throws -> TextureFeatureSet {
    try validate(settings)
    try checkGreyLevelBudget(roi)
    let grid = TextureGrid(roi)
    let names = textureFeatureNames(featureClass)
    if grid.voxelCount == 0 {
        return TextureFeatureSet.allNaN(names, reason: "\(featureClass.rawValue): the ROI has "
            + "no voxel with a grey level")
    }
    switch featureClass {
    case .glcm: return GLCM.features(grid, settings: settings)
    case .glrlm: return GLRLM.features(grid, settings: settings)
    case .glszm: return GLSZM.features(grid, settings: settings)
    case .gldm: return GLDM.features(grid, settings: settings)
    case .ngtdm: return NGTDM.features(grid, settings: settings)
    }
}

/// Largest grey level accepted. PyRadiomics allocates its GLCM (and the MCC matrix) as
/// Ng x Ng doubles per direction; past this many levels that is over 2 GiB per direction,
/// which only happens when the image is not in the units the bin width was chosen for.
public let textureMaximumGreyLevels = 16_384

/// Refuses a ROI whose largest grey level exceeds `textureMaximumGreyLevels`, saying how many
/// levels it has and how much memory PyRadiomics' matrices would take.
func checkGreyLevelBudget(_ roi: DiscretisedROI) throws {
    var largest: Int32 = 0
    for level in roi.levels where level > largest { largest = level }
    let ng = Int(largest)
    guard ng > textureMaximumGreyLevels else { return }
    let bytesPerDirection = Double(ng) * Double(ng) * 8
    let gib = bytesPerDirection / Double(1 << 30)
    throw InputError(file: "", field: "binWidth/binCount", value: "\(ng) grey levels",
                     "The ROI has \(ng) grey levels after discretisation; its GLCM needs "
                     + String(format: "%.1f GiB per direction (%.0f GiB for 13 directions)", gib,
                              gib * 13)
                     + ". The image may not be in SUV (e.g. still in Bq/mL), or the bin width "
                     + "is too small for its values; convert the image or raise binWidth.")
}

/// Rejects settings PyRadiomics' parameter schema rejects, naming the setting and value.
func validate(_ settings: TextureSettings) throws {
    if settings.distances.isEmpty || settings.distances.contains(where: { $0 < 1 }) {
        throw InputError(file: "", field: "distances", value: "\(settings.distances)",
                         "Distances must be whole numbers of voxels, 1 or more.")
    }
    if let norm = settings.weightingNorm,
       !["manhattan", "euclidean", "infinity", "no_weighting"].contains(norm) {
        throw InputError(file: "", field: "weightingNorm", value: norm,
                         "Use manhattan, euclidean, infinity or no_weighting (or leave it out).")
    }
    if settings.force2D && !(0...2).contains(settings.force2Ddimension) {
        throw InputError(file: "", field: "force2Ddimension",
                         value: "\(settings.force2Ddimension)",
                         "Use 0 (axial plane), 1 (coronal) or 2 (sagittal).")
    }
    if settings.gldmA < 0 || settings.gldmA.isNaN {
        throw InputError(file: "", field: "gldm_a", value: "\(settings.gldmA)",
                         "The GLDM dependence threshold must be 0 or more.")
    }
}

extension TextureFeatureSet {
    /// Every feature NaN with the same reason.
    static func allNaN(_ names: [String], reason: String) -> TextureFeatureSet {
        TextureFeatureSet(features: names.map { ($0, Double.nan) },
                          nanReasons: Dictionary(uniqueKeysWithValues: names.map { ($0, reason) }))
    }

    /// Values in `names` order; a NaN value gets a generic reason naming the class.
    init(names: [String], values: [Double], className: String) {
        var reasons: [String: String] = [:]
        for (name, value) in zip(names, values) where value.isNaN {
            reasons[name] = "\(className) \(name) is undefined for this ROI in every direction"
        }
        self.init(features: Array(zip(names, values)).map { (name: $0.0, value: $0.1) },
                  nanReasons: reasons)
    }
}

/// Which definition petrad uses where PyRadiomics and IBSI differ, one sentence per point, for
/// the output's diagnostics (petrad always follows PyRadiomics).
public func textureDefinitionNote(_ featureClass: TextureClass) -> String {
    let common = "PyRadiomics definitions: grey levels are the bin numbers counted from the bin "
        + "holding the ROI minimum (binWidth edges at multiples of the width), not absolute "
        + "bins; grey levels absent from the ROI are removed; log2 with eps = 2.2e-16 inside"
    switch featureClass {
    case .glcm:
        return common + "; one matrix per direction (13 in 3D, 4 with force2D), features "
            + "averaged over non-empty directions (IBSI 3D-average, not merged); Ng in Idmn and "
            + "Idn is the largest grey level; MCC from the second eigenvalue of Q."
    case .glrlm:
        return common + "; one matrix per direction, averaged; a direction along which no line "
            + "holds two ROI voxels is dropped; weightingNorm weights are lengths in mm."
    case .glszm:
        return common + "; zones connected through 26 neighbours (8 in-plane with force2D)."
    case .gldm:
        return common + "; dependence counts neighbours at the given distances whose level "
            + "differs by at most gldm_a; GrayLevelNonUniformityNormalized is not reported."
    case .ngtdm:
        return common + "; every ROI voxel counts in n_i and N_vp, also one without ROI "
            + "neighbours (it adds 0 to s_i); Coarseness is 1e6 when sum p_i s_i = 0."
    }
}
