import Foundation

/// The preprocessing PyRadiomics applies when it loads an image and mask
/// (`RadiomicsFeatureExtractor.loadImage`), in its order:
/// 1. `normalize` (with `normalizeScale`, `removeOutliers`): the whole image, before anything else;
/// 2. when both `interpolator` and `resampledPixelSpacing` are set: resampling of image and mask
///    onto the ROI's grid with `padDistance` (`Resampling.resample`);
/// 3. otherwise, when `preCrop` is set: cropping to the ROI plus `padDistance`.
///
/// Resegmentation, discretisation and the final crop to the ROI (no padding) come later in the
/// extraction and are separate steps (`Resegmentation`, `Discretisation`, `Cropping`).
public enum Preprocessing {
    /// The settings `loadImage` reads, with PyRadiomics' defaults.
    public struct Settings: Equatable, Sendable {
        public var normalize = false
        public var normalizeScale = 1.0
        public var removeOutliers: Double? = nil
        /// mm per axis; 0 keeps the mask's spacing on that axis. Nil: no resampling.
        public var resampledPixelSpacing: SIMD3<Double>? = nil
        /// PyRadiomics' extractor default is sitkBSpline; resampling needs both this and
        /// `resampledPixelSpacing`.
        public var interpolator: Interpolator? = .bSpline
        public var padDistance = 5
        public var preCrop = false

        public init() {}
    }

    /// What `load` produced.
    public struct Result: Sendable {
        public var image: ImageVolume
        public var mask: Volume<UInt8>
        /// The image's pixel type now (float64 after normalisation, else the file's).
        public var scalarType: ScalarType
        /// True when the resampling step ran (PyRadiomics then reports the
        /// `diagnostics_Image-interpolated_*` and `diagnostics_Mask-interpolated_*` rows).
        public var interpolated: Bool
    }

    /// Steps 1-3 above on an image (pixel type `scalarType` as read) and its ROI mask.
    ///
    /// - Throws: `InputError` when resampling or pre-cropping finds no ROI or an ROI outside
    ///   the image, or when pre-cropping finds image and mask on different grids.
    public static func load(image: ImageVolume, mask: Volume<UInt8>, scalarType: ScalarType,
                            settings: Settings) throws -> Result {
        var image = image
        var mask = mask
        var type = scalarType
        if settings.normalize {
            image = Normalisation.normalize(image, scale: settings.normalizeScale,
                                            removeOutliers: settings.removeOutliers)
            type = .float64
        }
        if let spacing = settings.resampledPixelSpacing, let interpolator = settings.interpolator {
            (image, mask) = try Resampling.resample(image: image, mask: mask, spacing: spacing,
                                                    interpolator: interpolator,
                                                    padDistance: settings.padDistance,
                                                    outputType: type)
            return Result(image: image, mask: mask, scalarType: type, interpolated: true)
        }
        if settings.preCrop {
            (image, mask) = try Cropping.crop(image: image, mask: mask,
                                              padDistance: settings.padDistance)
        }
        return Result(image: image, mask: mask, scalarType: type, interpolated: false)
    }
}

extension ImageHeader {
    /// The pixel type SimpleITK gives this image in memory, which is the type PyRadiomics
    /// resamples into: the stored type, except for NIfTI files with intensity scaling
    /// ((slope, intercept) not (1, 0); the reader has already turned a zero slope into 1, as
    /// ITK does), which ITK reads as float32 (float64 data stay float64).
    public var pixelTypeInMemory: ScalarType {
        let epsilon = Double.ulpOfOne
        let scaled = (format == .nifti1 || format == .nifti2)
            && (abs(slope - 1) > epsilon || abs(intercept) > epsilon)
        if scaled && scalarType != .float64 { return .float32 }
        return scalarType
    }
}
