import Foundation

/// The interpolators PyRadiomics offers through SimpleITK (`interpolator` setting).
///
/// Each reproduces the ITK image function SimpleITK uses for it, operation by operation:
/// - `nearestNeighbor` (`sitkNearestNeighbor`): the voxel whose centre is nearest, ties rounded
///   up (`itk::NearestNeighborInterpolateImageFunction`).
/// - `linear` (`sitkLinear`): trilinear between the 8 surrounding voxels; at the image border
///   the missing neighbours are replaced by the border voxel
///   (`itk::LinearInterpolateImageFunction`).
/// - `bSpline` (`sitkBSpline`, PyRadiomics' default): cubic B-spline interpolation of the
///   coefficients produced by an exact B-spline prefilter with mirror boundaries
///   (`itk::BSplineInterpolateImageFunction` of order 3 over
///   `itk::BSplineDecompositionImageFilter`).
///
/// A point is interpolated when its continuous index lies in `[-0.5, size - 0.5)` on every axis
/// (`itk::ImageFunction::IsInsideBuffer`); elsewhere the resampler writes the default value.
public enum Interpolator: String, Sendable, CaseIterable {
    case nearestNeighbor
    case linear
    case bSpline

    /// The interpolator for a PyRadiomics `interpolator` setting: SimpleITK's names
    /// (`sitkBSpline`, `sitkLinear`, `sitkNearestNeighbor`) or their SimpleITK 2.x integer
    /// codes (23, 2, 1). Nil for the other interpolators PyRadiomics accepts (`sitkGaussian`,
    /// the windowed sincs, ...), which petrad does not offer.
    public init?(pyRadiomicsName name: String) {
        switch name {
        case "sitkNearestNeighbor", "1": self = .nearestNeighbor
        case "sitkLinear", "2": self = .linear
        case "sitkBSpline", "sitkBSpline3", "23": self = .bSpline
        default: return nil
        }
    }
}

/// Cubic B-spline coefficients of a whole volume, as `itk::BSplineDecompositionImageFilter`
/// (spline order 3, tolerance 1e-10) computes them.
///
/// The prefilter runs along x, then y, then z. On each line of length `n > 1`:
/// ```
/// z  = sqrt(3) - 2,  c[k] *= (1 - z)(1 - 1/z)
/// c[0] = sum_{k < 18} z^k c[k]   (n > 18; otherwise the exact mirror sum / (1 - z^(2n-2)))
/// c[k] += z c[k-1]                                 k = 1 ..< n
/// c[n-1] = z / (z^2 - 1) (z c[n-2] + c[n-1])
/// c[k] = z (c[k+1] - c[k])                         k = n-2 ... 0
/// ```
/// Lines of length 1 are left unchanged (ITK's mirror boundary needs two samples).
///
/// The coefficients may be computed on a sub-block `lower...upper` of the volume only (the
/// voxels a resampling actually reads, widened by `margin`): each line of the block is filtered
/// as if it were the whole line. Where the block ends at a real image edge this is exactly
/// ITK's mirror boundary. Where it is cut inside the image, the causal and anti-causal
/// initialisations are wrong, but both recursions `c[k] += z c[k-1]`, `c[k] = z (c[k+1] - c[k])`
/// forget their start geometrically, by |z| = 2 - sqrt(3) ~ 0.268 per sample (ITK itself
/// truncates the causal sum after ceil(log(1e-10) / log|z|) = 18 samples). After `margin` = 64
/// samples the start's influence is 0.268^64 ~ 1e-37 of the values, far below half an ulp
/// (2^-53 ~ 1.1e-16), so the needed coefficients come out as on the whole line (bit-identical
/// in practice: a difference would need a rounding tie within 1e-21 ulp).
struct BSplineCoefficients: Sendable {
    /// Size of the whole volume (the mirror boundary of `axis(_:length:)` uses it).
    let size: SIMD3<Int>
    /// Index of the block's first voxel in the volume.
    let lower: SIMD3<Int>
    /// Size of the block the coefficients cover.
    let blockSize: SIMD3<Int>
    /// Coefficients of the block, x fastest.
    let values: [Double]

    static let pole = 3.0.squareRoot() - 2.0

    /// Samples kept beyond the needed voxels on each side of an axis where the block is cut
    /// inside the image (see the type's documentation): 0.268^64 ~ 1e-37.
    static let margin = 64

    /// Coefficients of the whole volume.
    init(volume: ImageVolume) {
        self.init(volume: volume, lower: .zero, upper: volume.size &- 1)
    }

    /// Coefficients valid on the voxels `needLower...needUpper` (inclusive, clamped to the
    /// volume), computed on that box widened by `margin` on each side and clamped to the volume.
    init(volume: ImageVolume, needLower: SIMD3<Int>, needUpper: SIMD3<Int>) {
        let m = BSplineCoefficients.margin
        let top = volume.size &- 1
        var lo = SIMD3<Int>.zero
        var hi = top
        for a in 0..<3 {
            lo[a] = min(max(needLower[a] - m, 0), top[a])
            hi[a] = max(min(needUpper[a] + m, top[a]), lo[a])
        }
        self.init(volume: volume, lower: lo, upper: hi)
    }

    private init(volume: ImageVolume, lower: SIMD3<Int>, upper: SIMD3<Int>) {
        size = volume.size
        self.lower = lower
        blockSize = upper &- lower &+ 1
        let (nx, ny, nz) = (blockSize.x, blockSize.y, blockSize.z)
        var c: [Double]
        if blockSize == size {
            c = volume.voxels
        } else {
            c = [Double](repeating: 0, count: nx * ny * nz)
            let sx = size.x
            let sxy = size.x * size.y
            volume.voxels.withUnsafeBufferPointer { v in
                c.withUnsafeMutableBufferPointer { b in
                    for k in 0..<nz {
                        for j in 0..<ny {
                            let from = lower.x + sx * (lower.y + j) + sxy * (lower.z + k)
                            let to = nx * (j + ny * k)
                            for i in 0..<nx { b[to + i] = v[from + i] }
                        }
                    }
                }
            }
        }
        c.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let data = buffer.baseAddress!
            // Along x: lines are contiguous; one line at a time, in chunks of rows.
            if nx > 1 {
                let rows = ny * nz
                let chunk = 256
                DispatchQueue.concurrentPerform(iterations: (rows + chunk - 1) / chunk) { c in
                    var sum = [Double](repeating: 0, count: 1)
                    for row in (c * chunk)..<min((c + 1) * chunk, rows) {
                        BSplineCoefficients.filter(data + row * nx, length: nx, stride: 1,
                                                   width: 1, sum: &sum)
                    }
                }
            }
            // Along y: within each z slab, all x columns are filtered together, row by row.
            if ny > 1 {
                DispatchQueue.concurrentPerform(iterations: nz) { z in
                    var sum = [Double](repeating: 0, count: nx)
                    BSplineCoefficients.filter(data + z * nx * ny, length: ny, stride: nx,
                                               width: nx, sum: &sum)
                }
            }
            // Along z: all (x, y) columns together, split into blocks of columns.
            if nz > 1 {
                let plane = nx * ny
                let block = 2048
                DispatchQueue.concurrentPerform(iterations: (plane + block - 1) / block) { b in
                    let first = b * block
                    let width = min(block, plane - first)
                    var sum = [Double](repeating: 0, count: width)
                    BSplineCoefficients.filter(data + first, length: nz, stride: plane,
                                               width: width, sum: &sum)
                }
            }
        }
        values = c
    }

    /// `DataToCoefficients1D` (one pole) with ITK's operation order, applied to `width`
    /// independent lines at once: sample `k` of line `j` is at `data[k * stride + j]`. Every
    /// line sees exactly the operations ITK applies to it, so results are bit-identical to a
    /// line-by-line filter, whatever the grouping or thread count.
    static func filter(_ data: UnsafeMutablePointer<Double>, length n: Int, stride: Int,
                       width: Int, sum: inout [Double]) {
        guard n > 1 else { return }
        let z = pole
        var gain = 1.0
        gain = gain * (1.0 - z) * (1.0 - 1.0 / z)
        for k in 0..<n {
            let row = data + k * stride
            for j in 0..<width { row[j] *= gain }
        }

        // Causal initialisation.
        let tolerance = 1e-10
        let horizon = Int((log(tolerance) / log(abs(z))).rounded(.up))
        sum.withUnsafeMutableBufferPointer { s in
            if horizon < n {
                for j in 0..<width { s[j] = data[j] }
                var zn = z
                for k in 1..<horizon {
                    let row = data + k * stride
                    for j in 0..<width { s[j] += zn * row[j] }
                    zn *= z
                }
                for j in 0..<width { data[j] = s[j] }
            } else {
                var zn = z
                let iz = 1.0 / z
                var z2n = pow(z, Double(n - 1))
                let last = data + (n - 1) * stride
                for j in 0..<width { s[j] = data[j] + z2n * last[j] }
                z2n *= z2n * iz
                var k = 1
                while k <= n - 2 {
                    let row = data + k * stride
                    let factor = zn + z2n
                    for j in 0..<width { s[j] += factor * row[j] }
                    zn *= z
                    z2n *= iz
                    k += 1
                }
                let denominator = 1.0 - zn * zn
                for j in 0..<width { data[j] = s[j] / denominator }
            }
        }
        for k in 1..<n {
            let row = data + k * stride
            let previous = row - stride
            for j in 0..<width { row[j] += z * previous[j] }
        }

        // Anti-causal initialisation (mirror boundary) and recursion.
        let factor = z / (z * z - 1.0)
        let last = data + (n - 1) * stride
        let beforeLast = last - stride
        for j in 0..<width { last[j] = factor * (z * beforeLast[j] + last[j]) }
        var k = n - 2
        while k >= 0 {
            let row = data + k * stride
            let next = row + stride
            for j in 0..<width { row[j] = z * (next[j] - row[j]) }
            k -= 1
        }
    }

    /// Cubic B-spline weights of ITK's `SetInterpolationWeights` and the four mirrored sample
    /// positions along one axis for continuous index `x` on an axis of `length` samples.
    @inline(__always)
    static func axis(_ x: Double, length: Int) -> (w: SIMD4<Double>, i: SIMD4<Int>) {
        // ITK takes the floor of the index cast to float.
        let first = Int(Float(x).rounded(.down)) - 1
        let w = x - Double(first + 1)
        let w3 = (1.0 / 6.0) * w * w * w
        let w0 = (1.0 / 6.0) + 0.5 * w * (w - 1.0) - w3
        let w2 = w + w0 - 2.0 * w3
        let w1 = 1.0 - w0 - w2 - w3
        var idx = SIMD4<Int>(first, first + 1, first + 2, first + 3)
        if length == 1 {
            idx = .zero
        } else {
            let end = length - 1
            for k in 0..<4 {
                var v = idx[k]
                if v < 0 { v = -v }
                if v >= end { v = end - (v - end) }
                // ITK reads outside the buffer here for 2-sample axes; petrad clamps instead.
                idx[k] = min(max(v, 0), end)
            }
        }
        return (SIMD4(w0, w1, w2, w3), idx)
    }

    /// Value at continuous index `x`: `sum_p w_x w_y w_z c`, summed x fastest as ITK does.
    @inline(__always)
    func evaluate(at x: SIMD3<Double>) -> Double {
        let ax = BSplineCoefficients.axis(x.x, length: size.x)
        let ay = BSplineCoefficients.axis(x.y, length: size.y)
        let az = BSplineCoefficients.axis(x.z, length: size.z)
        let sx = blockSize.x
        let sxy = blockSize.x * blockSize.y
        let ix = ax.i &- lower.x
        let iy = ay.i &- lower.y
        let iz = az.i &- lower.z
        var result = 0.0
        values.withUnsafeBufferPointer { c in
            for kz in 0..<4 {
                let oz = iz[kz] * sxy
                for ky in 0..<4 {
                    let oy = oz + iy[ky] * sx
                    for kx in 0..<4 {
                        var w = 1.0
                        w *= ax.w[kx]
                        w *= ay.w[ky]
                        w *= az.w[kz]
                        result += w * c[oy + ix[kx]]
                    }
                }
            }
        }
        return result
    }
}

/// Trilinear value at continuous index `x`, as `itk::LinearInterpolateImageFunction` (3D
/// optimised path) computes it: an axis whose distance is <= 0 or whose upper neighbour lies
/// outside the image is not interpolated along.
@inline(__always)
func linearInterpolate(_ volume: UnsafeBufferPointer<Double>, size: SIMD3<Int>,
                       at x: SIMD3<Double>) -> Double {
    let bx = max(itkFloor(x.x), 0)
    let by = max(itkFloor(x.y), 0)
    let bz = max(itkFloor(x.z), 0)
    var d0 = x.x - Double(bx)
    var d1 = x.y - Double(by)
    var d2 = x.z - Double(bz)
    var nx = bx + 1
    var ny = by + 1
    var nz = bz + 1
    if d0 <= 0 || nx > size.x - 1 { d0 = 0; nx = bx }
    if d1 <= 0 || ny > size.y - 1 { d1 = 0; ny = by }
    if d2 <= 0 || nz > size.z - 1 { d2 = 0; nz = bz }
    let sx = size.x
    let sxy = size.x * size.y
    @inline(__always) func v(_ i: Int, _ j: Int, _ k: Int) -> Double {
        volume[i + sx * j + sxy * k]
    }
    let v000 = v(bx, by, bz)
    if d0 == 0 && d1 == 0 && d2 == 0 { return v000 }
    let valx00 = v000 + (v(nx, by, bz) - v000) * d0
    let v010 = v(bx, ny, bz)
    let valx10 = v010 + (v(nx, ny, bz) - v010) * d0
    let valxx0 = valx00 + (valx10 - valx00) * d1
    if d2 == 0 { return valxx0 }
    let v001 = v(bx, by, nz)
    let valx01 = v001 + (v(nx, by, nz) - v001) * d0
    let v011 = v(bx, ny, nz)
    let valx11 = v011 + (v(nx, ny, nz) - v011) * d0
    let valxx1 = valx01 + (valx11 - valx01) * d1
    return valxx0 + (valxx1 - valxx0) * d2
}
