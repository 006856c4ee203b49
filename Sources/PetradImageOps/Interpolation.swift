import Foundation

/// The interpolators PyRadiomics offers through SimpleITK (`interpolator` setting).
///
/// Each reproduces the ITK image function SimpleITK uses for it, operation by operation:
/// - `nearestNeighbor` (`sitkNearestNeighbor`): the voxel whose centre is nearest, ties rounded
///   up (`itk::NearestNeighborInterpolateImageFunction`).
/// - `linear` (`sitkLinear`): trilinear between the 8 surrounding voxels; at the image border
///   the missing neighbours are replaced by the border voxel (`itk::LinearInterpolateImageFunction`).
/// - `bSpline` (`sitkBSpline`, PyRadiomics' default): cubic B-spline interpolation of the
///   coefficients produced by an exact B-spline prefilter with mirror boundaries
///   (`itk::BSplineInterpolateImageFunction` of order 3 over `itk::BSplineDecompositionImageFilter`).
///
/// A point is interpolated when its continuous index lies in `[-0.5, size - 0.5)` on every axis
/// (`itk::ImageFunction::IsInsideBuffer`); elsewhere the resampler writes the default value.
public enum Interpolator: String, Sendable, CaseIterable {
    case nearestNeighbor
    case linear
    case bSpline

    /// The interpolator for a PyRadiomics `interpolator` setting: SimpleITK's names
    /// (`sitkBSpline`, `sitkLinear`, `sitkNearestNeighbor`) or their integer codes (1, 2, 3).
    public init?(pyRadiomicsName name: String) {
        switch name {
        case "sitkNearestNeighbor", "1": self = .nearestNeighbor
        case "sitkLinear", "2": self = .linear
        case "sitkBSpline", "sitkBSpline3", "3": self = .bSpline
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
struct BSplineCoefficients: Sendable {
    let size: SIMD3<Int>
    let values: [Double]

    static let pole = 3.0.squareRoot() - 2.0

    init(volume: ImageVolume) {
        size = volume.size
        var c = volume.voxels
        let (nx, ny, nz) = (size.x, size.y, size.z)
        // Lines along x: contiguous.
        BSplineCoefficients.filterLines(&c, length: nx, stride: 1, lineCount: ny * nz) { line in
            line * nx
        }
        // Lines along y: one per (x, z).
        BSplineCoefficients.filterLines(&c, length: ny, stride: nx, lineCount: nx * nz) { line in
            (line % nx) + nx * ny * (line / nx)
        }
        // Lines along z: one per (x, y).
        BSplineCoefficients.filterLines(&c, length: nz, stride: nx * ny, lineCount: nx * ny) {
            line in line
        }
        values = c
    }

    /// Filters every line of `data` in place; lines are independent, so they are spread over
    /// threads in fixed chunks and the result does not depend on the thread count.
    private static func filterLines(_ data: inout [Double], length: Int, stride: Int,
                                    lineCount: Int, start: (Int) -> Int) {
        guard length > 1, lineCount > 0 else { return }
        let chunk = 64
        let chunks = (lineCount + chunk - 1) / chunk
        data.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            nonisolated(unsafe) let pointer = base
            DispatchQueue.concurrentPerform(iterations: chunks) { chunkIndex in
                var scratch = [Double](repeating: 0, count: length)
                let first = chunkIndex * chunk
                for line in first..<min(first + chunk, lineCount) {
                    let offset = start(line)
                    for k in 0..<length { scratch[k] = pointer[offset + k * stride] }
                    filter1D(&scratch)
                    for k in 0..<length { pointer[offset + k * stride] = scratch[k] }
                }
            }
        }
    }

    /// `DataToCoefficients1D` for one pole, with ITK's operation order.
    static func filter1D(_ s: inout [Double]) {
        let n = s.count
        guard n > 1 else { return }
        let z = pole
        var gain = 1.0
        gain = gain * (1.0 - z) * (1.0 - 1.0 / z)
        for k in 0..<n { s[k] *= gain }

        // Causal initialisation.
        let tolerance = 1e-10
        let horizon = Int((log(tolerance) / log(abs(z))).rounded(.up))
        if horizon < n {
            var zn = z
            var sum = s[0]
            for k in 1..<horizon {
                sum += zn * s[k]
                zn *= z
            }
            s[0] = sum
        } else {
            var zn = z
            let iz = 1.0 / z
            var z2n = pow(z, Double(n - 1))
            var sum = s[0] + z2n * s[n - 1]
            z2n *= z2n * iz
            var k = 1
            while k <= n - 2 {
                sum += (zn + z2n) * s[k]
                zn *= z
                z2n *= iz
                k += 1
            }
            s[0] = sum / (1.0 - zn * zn)
        }
        for k in 1..<n { s[k] += z * s[k - 1] }

        // Anti-causal initialisation (mirror boundary) and recursion.
        s[n - 1] = (z / (z * z - 1.0)) * (z * s[n - 2] + s[n - 1])
        var k = n - 2
        while k >= 0 {
            s[k] = z * (s[k + 1] - s[k])
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
        let sx = size.x
        let sxy = size.x * size.y
        var result = 0.0
        values.withUnsafeBufferPointer { c in
            for kz in 0..<4 {
                let oz = az.i[kz] * sxy
                for ky in 0..<4 {
                    let oy = oz + ay.i[ky] * sx
                    for kx in 0..<4 {
                        var w = 1.0
                        w *= ax.w[kx]
                        w *= ay.w[ky]
                        w *= az.w[kz]
                        result += w * c[oy + ax.i[kx]]
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
    @inline(__always) func v(_ i: Int, _ j: Int, _ k: Int) -> Double { volume[i + sx * j + sxy * k] }
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
