import Dispatch
import Foundation
import PetradCore

/// Image and ROI interpolation as the IBSI reference manual defines it (IBSI 1, "Image
/// processing", section "Interpolation", `VTM2`), on a grid whose centre is the centre of the
/// original grid ("align grid centres").
///
/// Grid (per axis, original size `n_a`, spacing `s_a`; new spacing `s_b`):
/// ```
/// n_b = ceil(n_a s_a / s_b)                                     (IBSI 026Q)
/// original continuous index of new voxel k:
///     x(k) = (n_a - 1) / 2 + (k - (n_b - 1) / 2) s_b / s_a      (IBSI QCY4)
/// ```
/// so the new origin lies at `x_a + (s_a (n_a - 1) - s_b (n_b - 1)) / 2` along each axis.
/// The new grid reaches up to half a new voxel beyond the original one; the manual (IBSI 1,
/// "Interpolation grid dimensions") recommends padding the original grid with its boundary
/// intensities there. Nearest neighbour and linear interpolation of such a padded grid are the
/// boundary voxel's value, so they clamp the continuous index to `[0, n_a - 1]`. The tricubic
/// spline is fitted to the padded image and read at the unclamped index, as MIRP does (scipy
/// `map_coordinates`, order 3, mode `nearest`); this also changes values inside the grid near
/// its edge, where a mirrored boundary (ITK's, used for the PyRadiomics convention) would not.
/// An axis whose new spacing equals the old one keeps its voxels exactly (the offsets are 0),
/// which is how 2D (in-plane) interpolation is expressed.
public enum IBSIInterpolation {
    /// Interpolation methods the IBSI configurations use.
    public enum Method: String, Sendable, CaseIterable {
        /// Nearest neighbour: the voxel whose centre is nearest (ties rounded up).
        case nearestNeighbour = "nearest neighbour"
        /// (Tri)linear between the 2^d surrounding voxels.
        case linear
        /// Tricubic spline: cubic B-spline interpolation of exact spline coefficients.
        case cubicSpline = "tricubic spline"
    }

    /// Refuses a `spacing` whose grid over `geometry` would have more than
    /// `Resampling.maximumVoxelCount` voxels (or a spacing that is not positive), before
    /// anything is allocated.
    public static func checkGridSize(of geometry: Geometry, spacing: SIMD3<Double>) throws {
        let size = gridSize(of: geometry, spacing: spacing)
        let count = size.x * size.y * size.z
        guard spacing.min() > 0, count <= Double(Resampling.maximumVoxelCount) else {
            throw InputError(
                file: "", field: "interpolation spacing",
                value: "[\(spacing.x), \(spacing.y), \(spacing.z)]",
                "makes a grid of " + String(format: "%.3g", count) + " voxels over the "
                    + "image, more than the \(Resampling.maximumVoxelCount) allowed; the "
                    + "image's spacing is \(geometry.spacing.x) x \(geometry.spacing.y) x "
                    + "\(geometry.spacing.z) mm. Use a larger spacing.")
        }
    }

    /// Voxels per axis of the IBSI grid (as Doubles, so that a huge grid can be refused before
    /// it is made): the extent over the new spacing, rounded up, at least 1.
    static func gridSize(of geometry: Geometry, spacing: SIMD3<Double>) -> SIMD3<Double> {
        var size = SIMD3<Double>.zero
        for axis in 0..<3 {
            let extent = Double(geometry.size[axis]) * geometry.spacing[axis] / spacing[axis]
            // 1e-9 absorbs round-off when the new spacing divides the extent exactly.
            size[axis] = max(1, (extent - 1e-9).rounded(.up))
        }
        return size
    }

    /// The IBSI grid of `geometry` resampled to `spacing` (mm, x y z), centres aligned.
    ///
    /// - Precondition: every spacing is positive.
    public static func grid(of geometry: Geometry, spacing: SIMD3<Double>) -> Geometry {
        precondition(spacing.min() > 0, "spacing must be positive, got \(spacing)")
        let counts = gridSize(of: geometry, spacing: spacing)
        let size = SIMD3<Int>(Int(counts.x), Int(counts.y), Int(counts.z))
        var offset = SIMD3<Double>.zero
        for axis in 0..<3 {
            let na = geometry.size[axis]
            let ratio = spacing[axis] / geometry.spacing[axis]
            offset[axis] = Double(na - 1) / 2 - Double(size[axis] - 1) / 2 * ratio
        }
        return Geometry(size: size, spacing: spacing,
                        origin: geometry.physicalPoint(ofIndex: offset),
                        direction: geometry.direction)
    }

    /// Original continuous indices of the new grid's voxels along one axis, clamped to
    /// `[-margin, n_a - 1 + margin]` (margin 0: nearest-boundary extrapolation).
    static func positions(original: Geometry, target: Geometry, axis: Int,
                          margin: Double = 0) -> [Double] {
        let na = original.size[axis]
        let nb = target.size[axis]
        let ratio = target.spacing[axis] / original.spacing[axis]
        let centre = Double(na - 1) / 2
        return (0..<nb).map { k in
            let x = centre + (Double(k) - Double(nb - 1) / 2) * ratio
            return min(max(x, -margin), Double(na - 1) + margin)
        }
    }

    /// Boundary samples added on every side before the tricubic spline is fitted. The far
    /// (mirrored) end of the padding then reaches the original edge damped by z^32 ~ 5e-19
    /// (z = sqrt(3) - 2, the spline's pole); on a test image the values agree with scipy's
    /// to 1e-12.
    static let splinePadding = 16

    /// `image` with `padding` copies of its boundary voxels added on each side of each axis.
    static func edgePadded(_ image: ImageVolume, by padding: Int) -> ImageVolume {
        let n = image.size
        let m = n &+ 2 * padding
        var out = [Double](repeating: 0, count: m.x * m.y * m.z)
        image.voxels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { destination in
                for z in 0..<m.z {
                    let sz = min(max(z - padding, 0), n.z - 1)
                    for y in 0..<m.y {
                        let sy = min(max(y - padding, 0), n.y - 1)
                        let from = n.x * (sy + n.y * sz)
                        let to = m.x * (y + m.y * z)
                        for x in 0..<m.x {
                            destination[to + x] = source[from + min(max(x - padding, 0), n.x - 1)]
                        }
                    }
                }
            }
        }
        return ImageVolume(geometry: Geometry(size: m, spacing: image.geometry.spacing),
                           voxels: out)
    }

    /// `image` interpolated onto the IBSI grid with `spacing`.
    ///
    /// - Parameters:
    ///   - method: interpolation method (IBSI configurations: linear for B-D, cubic spline
    ///     for E).
    ///   - roundTo: when given, every interpolated intensity is rounded to the nearest multiple
    ///     of it (IBSI: round to the original precision, 1 HU for CT; `68QD`). Ties go to the
    ///     even multiple, as numpy's `round`.
    public static func interpolate(_ image: ImageVolume, spacing: SIMD3<Double>,
                                   method: Method, roundTo: Double? = nil) -> ImageVolume {
        let target = grid(of: image.geometry, spacing: spacing)
        var out = sample(image, onto: target, method: method)
        if let step = roundTo, step > 0 {
            for i in out.voxels.indices {
                out.voxels[i] = (out.voxels[i] / step).rounded(.toNearestOrEven) * step
            }
        }
        return out
    }

    /// A binary ROI mask interpolated onto the IBSI grid: the 0/1 mask is interpolated with
    /// `method` and a voxel belongs to the new ROI when its fraction is `>= threshold`
    /// (IBSI partial-volume threshold, 0.5 in configurations B-E; `E8H9`).
    public static func interpolateMask(_ mask: Volume<UInt8>, spacing: SIMD3<Double>,
                                       method: Method = .linear, threshold: Double = 0.5)
        -> Volume<UInt8>
    {
        let fractions = ImageVolume(geometry: mask.geometry,
                                    voxels: mask.voxels.map { $0 != 0 ? 1.0 : 0.0 })
        let target = grid(of: mask.geometry, spacing: spacing)
        let interpolated = sample(fractions, onto: target, method: method)
        return Volume<UInt8>(geometry: target,
                             voxels: interpolated.voxels.map { $0 >= threshold ? 1 : 0 })
    }

    /// Samples `image` at the voxels of `target` (a grid made by `grid(of:spacing:)`).
    static func sample(_ image: ImageVolume, onto target: Geometry, method: Method)
        -> ImageVolume
    {
        // The spline reads the padded image at the unclamped index (shifted by the padding);
        // beyond 3 samples short of the padding's end the padded spline is the boundary value.
        let padding = method == .cubicSpline ? Self.splinePadding : 0
        let margin = Double(max(padding - 3, 0))
        let px = positions(original: image.geometry, target: target, axis: 0, margin: margin)
        let py = positions(original: image.geometry, target: target, axis: 1, margin: margin)
        let pz = positions(original: image.geometry, target: target, axis: 2, margin: margin)
        let size = image.size
        let (nx, ny, nz) = (target.size.x, target.size.y, target.size.z)
        var out = [Double](repeating: 0, count: target.count)
        let spline = method == .cubicSpline
            ? BSplineCoefficients(volume: Self.edgePadded(image, by: padding)) : nil
        let shift = SIMD3<Double>(repeating: Double(padding))
        image.voxels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let destination = buffer.baseAddress!
                DispatchQueue.concurrentPerform(iterations: nz) { z in
                    for y in 0..<ny {
                        let row = destination + (z * ny + y) * nx
                        for x in 0..<nx {
                            let at = SIMD3(px[x], py[y], pz[z])
                            switch method {
                            case .nearestNeighbour:
                                let i = (at + 0.5).rounded(.down)
                                let ix = min(Int(i.x), size.x - 1)
                                let iy = min(Int(i.y), size.y - 1)
                                let iz = min(Int(i.z), size.z - 1)
                                row[x] = source[ix + size.x * (iy + size.y * iz)]
                            case .linear:
                                row[x] = linearInterpolate(source, size: size, at: at)
                            case .cubicSpline:
                                row[x] = spline!.evaluate(at: at + shift)
                            }
                        }
                    }
                }
            }
        }
        return ImageVolume(geometry: target, voxels: out)
    }
}
