import Foundation

/// Intensity normalisation as PyRadiomics does it (`imageoperations.normalizeImage`, settings
/// `normalize`, `normalizeScale`, `removeOutliers`), and the firstorder `voxelArrayShift`.
public enum Normalisation {
    /// The whole image (every voxel, not only the ROI) centred on its mean and divided by its
    /// standard deviation, outliers clipped, then scaled:
    /// ```
    /// y = (x - mean) * (1 / sd)          sd with n - 1 (SimpleITK Normalize)
    /// y = min(max(y, -outliers), outliers)   when removeOutliers is set
    /// f(x) = scale * y
    /// ```
    /// Mean and variance use compensated sums of `x` and `x^2` as `itk::StatisticsImageFilter`
    /// does. A constant image (sd 0) gives NaN everywhere, as SimpleITK does. The result is
    /// float64 (SimpleITK's `Normalize` output type).
    ///
    /// - Parameters:
    ///   - scale: `normalizeScale`, default 1.
    ///   - removeOutliers: `removeOutliers` in standard deviations, nil (default) keeps all.
    public static func normalize(_ image: ImageVolume, scale: Double = 1,
                                 removeOutliers: Double? = nil) -> ImageVolume {
        var sum = CompensatedSum()
        var sumOfSquares = CompensatedSum()
        for x in image.voxels {
            sum.add(x)
            sumOfSquares.add(x * x)
        }
        let count = Double(image.voxels.count)
        let total = sum.value
        let mean = total / count
        let variance = (sumOfSquares.value - (total * total / count)) / (count - 1)
        let inverseSigma = 1.0 / variance.squareRoot()
        let shift = -mean
        var out = image
        for i in out.voxels.indices {
            var y = (image.voxels[i] + shift) * inverseSigma
            if let limit = removeOutliers {
                if y > limit { y = limit }
                if y < -limit { y = -limit }
            }
            out.voxels[i] = y * scale
        }
        return out
    }

    /// Intensities shifted by `voxelArrayShift` (`c`), as firstorder Energy, TotalEnergy and
    /// RootMeanSquared use them: `x + c`. PyRadiomics' default `c` is 0.
    public static func voxelArrayShift(_ values: [Double], by shift: Double) -> [Double] {
        values.map { $0 + shift }
    }
}

/// Kahan-Babuska summation as `itk::CompensatedSummation` performs it.
struct CompensatedSum {
    private var sum = 0.0
    private var compensation = 0.0

    mutating func add(_ element: Double) {
        let compensated = element - compensation
        let tentative = sum + compensated
        compensation = (tentative - sum) - compensated
        sum = tentative
    }

    var value: Double { sum }
}
