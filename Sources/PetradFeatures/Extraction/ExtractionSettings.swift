import Foundation

/// PyRadiomics' feature classes, in the order PyRadiomics enables them by default.
public enum FeatureClass: String, CaseIterable, Sendable {
    case firstorder, glcm, gldm, glrlm, glszm, ngtdm, shape, shape2D

    /// True for the classes computed on the grey levels (the others use the mask alone or the
    /// raw intensities).
    public var isTexture: Bool {
        switch self {
        case .glcm, .gldm, .glrlm, .glszm, .ngtdm: return true
        default: return false
        }
    }

    /// Feature names of this class that petrad knows (for validating `featureClass` lists).
    public var knownFeatureNames: [String]? {
        switch self {
        case .shape: return ShapeFeature.allCases.map(\.rawValue)
        case .shape2D: return Shape2DFeature.allCases.map(\.rawValue)
        case .firstorder: return FirstOrderFeature.allCases.map(\.rawValue)
        default: return nil
        }
    }
}

/// Which definitions petrad follows where PyRadiomics and IBSI differ.
public enum FeatureConvention: String, Sendable, CaseIterable {
    /// PyRadiomics 3.1 (grey levels counted from the ROI's first bin, ...).
    case pyradiomics
    /// Not yet: the IBSI definitions (see docs/ANCHORS-ECOSYSTEM.md) are not implemented.
    case ibsi
}

/// Everything that decides what `Extractor` computes: PyRadiomics' `setting` block with its
/// defaults, the enabled feature classes (`featureClass`) and image types (`imageType`).
///
/// Construct it in code (`ExtractionSettings()` is PyRadiomics' default extractor, with shape2D
/// off) or read a PyRadiomics parameter file with `ExtractionSettings(parameterFile:)`.
public struct ExtractionSettings: Sendable, Equatable {
    // Mask and ROI checks.
    /// `label`: the mask value of the ROI (default 1).
    public var label: Int = 1
    /// `minimumROIDimensions`: how many axes the ROI must span more than one voxel on (default 2).
    public var minimumROIDimensions: Int = 2
    /// `minimumROISize`: the ROI must have more voxels than this (default: no check).
    public var minimumROISize: Int? = nil
    /// `geometryTolerance`: how far image and mask grids may differ (default: SimpleITK's 1e-6).
    public var geometryTolerance: Double? = nil
    /// `correctMask`: resample a mask on another grid onto the image's (default false).
    public var correctMask: Bool = false
    /// `additionalInfo`: write the `diagnostics_*` columns (default true).
    public var additionalInfo: Bool = true

    // Preprocessing.
    public var normalize: Bool = false
    public var normalizeScale: Double = 1
    public var removeOutliers: Double? = nil
    /// `resampledPixelSpacing` in mm (x, y, z); nil = no resampling.
    public var resampledPixelSpacing: [Double]? = nil
    public var interpolator: Interpolator = .bSpline
    public var padDistance: Int = 5
    public var preCrop: Bool = false
    public var resegmentRange: [Double]? = nil
    public var resegmentMode: Resegmentation.Mode = .absolute
    public var resegmentShape: Bool = false

    // Discretisation and feature settings.
    public var binWidth: Double = 25
    public var binCount: Int? = nil
    public var voxelArrayShift: Double = 0
    public var distances: [Int] = [1]
    public var force2D: Bool = false
    public var force2Ddimension: Int = 0
    public var symmetricalGLCM: Bool = true
    /// `weightingNorm`: nil, "manhattan", "euclidean", "infinity" or "no_weighting".
    public var weightingNorm: String? = nil
    /// `gldm_a`: the GLDM dependence cut-off alpha (default 0).
    public var gldmAlpha: Int = 0

    /// Enabled classes in order, each with the features asked for by name (nil = every
    /// non-deprecated feature). Default: every class except shape2D, as PyRadiomics' extractor.
    public var featureClasses: [(featureClass: FeatureClass, features: [String]?)] =
        FeatureClass.allCases.filter { $0 != .shape2D }.map { ($0, nil) }
    /// Enabled image types; only "Original" is supported.
    public var imageTypes: [String] = ["Original"]
    public var convention: FeatureConvention = .pyradiomics

    public init() {}

    public static func == (a: ExtractionSettings, b: ExtractionSettings) -> Bool {
        a.pyRadiomicsSettingsText == b.pyRadiomicsSettingsText
            && a.featureClasses.map(\.featureClass) == b.featureClasses.map(\.featureClass)
            && a.featureClasses.map(\.features) == b.featureClasses.map(\.features)
            && a.imageTypes == b.imageTypes && a.convention == b.convention
    }

    /// The discretisation setting: `binCount` wins over `binWidth`, as in PyRadiomics.
    public var discretisation: Discretisation.Setting {
        binCount.map { .binCount($0) } ?? .binWidth(binWidth)
    }

    public func isEnabled(_ featureClass: FeatureClass) -> Bool {
        featureClasses.contains { $0.featureClass == featureClass }
    }

    public func features(of featureClass: FeatureClass) -> [String]? {
        featureClasses.first { $0.featureClass == featureClass }?.features
    }

    /// Refuses what petrad does not compute yet, naming the setting.
    public func validate(file: String = "") throws {
        if convention == .ibsi {
            throw InputError(file: file, field: "convention", value: "ibsi",
                             "IBSI definitions are not supported yet; use pyradiomics")
        }
        for type in imageTypes where type != "Original" {
            throw InputError(file: file, field: "imageType", value: type,
                             "image type \(type) is not supported yet; only Original is")
        }
        if let spacing = resampledPixelSpacing, spacing.count != 3 {
            throw InputError(file: file, field: "resampledPixelSpacing", value: "\(spacing)",
                             "needs 3 values (x, y, z) in mm for 3D images")
        }
        if !(0...2).contains(force2Ddimension) {
            throw InputError(file: file, field: "force2Ddimension", value: "\(force2Ddimension)",
                             "should be 0, 1 or 2")
        }
    }

    /// The settings as PyRadiomics' `diagnostics_Configuration_Settings` prints them (a Python
    /// dict literal: defaults plus the file's `setting` block).
    public var pyRadiomicsSettingsText: String {
        func number(_ x: Double) -> String {
            x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
        }
        func list(_ xs: [Double]?) -> String {
            xs.map { "[" + $0.map(number).joined(separator: ", ") + "]" } ?? "None"
        }
        var items: [String] = [
            "'minimumROIDimensions': \(minimumROIDimensions)",
            "'minimumROISize': \(minimumROISize.map(String.init) ?? "None")",
            "'normalize': \(normalize ? "True" : "False")",
            "'normalizeScale': \(number(normalizeScale))",
            "'removeOutliers': \(removeOutliers.map(number) ?? "None")",
            "'resampledPixelSpacing': \(list(resampledPixelSpacing))",
            "'interpolator': '\(interpolator.sitkName)'",
            "'preCrop': \(preCrop ? "True" : "False")",
            "'padDistance': \(padDistance)",
            "'distances': [" + distances.map(String.init).joined(separator: ", ") + "]",
            "'force2D': \(force2D ? "True" : "False")",
            "'force2Ddimension': \(force2Ddimension)",
            "'resegmentRange': \(list(resegmentRange))",
            "'label': \(label)",
            "'additionalInfo': \(additionalInfo ? "True" : "False")",
        ]
        if let binCount { items.append("'binCount': \(binCount)") } else {
            items.append("'binWidth': \(number(binWidth))")
        }
        if voxelArrayShift != 0 { items.append("'voxelArrayShift': \(number(voxelArrayShift))") }
        if resegmentMode != .absolute { items.append("'resegmentMode': '\(resegmentMode.rawValue)'") }
        if resegmentShape { items.append("'resegmentShape': True") }
        if correctMask { items.append("'correctMask': True") }
        if let geometryTolerance { items.append("'geometryTolerance': \(geometryTolerance)") }
        if !symmetricalGLCM { items.append("'symmetricalGLCM': False") }
        if let weightingNorm { items.append("'weightingNorm': '\(weightingNorm)'") }
        if gldmAlpha != 0 { items.append("'gldm_a': \(gldmAlpha)") }
        return "{" + items.joined(separator: ", ") + "}"
    }
}

extension Interpolator {
    /// SimpleITK's name, as PyRadiomics parameter files write it.
    public var sitkName: String {
        switch self {
        case .nearestNeighbor: return "sitkNearestNeighbor"
        case .linear: return "sitkLinear"
        case .bSpline: return "sitkBSpline"
        }
    }
}
