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

/// Cubic B-spline coefficients of a volume, as `itk::BSplineDecompositionImageFilter`
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
/// The coefficients may be computed for a box `needLower...needUpper` of the volume only (the
/// voxels a resampling actually reads). Each line is then filtered on the box widened by
/// `margin` on each side, as if that were the whole line. Where the widened box ends at a real
/// image edge this is exactly ITK's mirror boundary. Where it is cut inside the image, the
/// causal and anti-causal initialisations are wrong, but both recursions `c[k] += z c[k-1]`,
/// `c[k] = z (c[k+1] - c[k])` forget their start geometrically, by |z| = 2 - sqrt(3) ~ 0.268
/// per sample (ITK itself truncates the causal sum after ceil(log(1e-10) / log|z|) = 18
/// samples). After `margin` = 64 samples the start's influence is 0.268^64 ~ 1e-37 of the
/// values, far below half an ulp (2^-53 ~ 1.1e-16), so the needed coefficients come out as on
/// the whole line (bit-identical in practice: a difference would need a rounding tie within
/// 1e-21 ulp).
///
/// Only lines that lead to a needed coefficient are filtered: along x every row of the widened
/// box, along y only the needed x columns, along z only the needed (x, y) columns; each of
/// those lines sees exactly the operations it would see in the whole box. Only the needed x
/// range of each filtered row is kept, so the memory is the needed width times the widened
/// height and depth; coefficients outside the needed box are not valid and never read.
struct BSplineCoefficients: Sendable {
    /// Size of the whole volume (the mirror boundary of `axis(_:length:)` uses it).
    let size: SIMD3<Int>
    /// Index in the volume of the first voxel held.
    let lower: SIMD3<Int>
    /// Size of the block held: needed x range, widened y and z ranges.
    let blockSize: SIMD3<Int>
    /// Coefficients of the block, x fastest.
    let values: LargeDoubleBuffer

    static let pole = 3.0.squareRoot() - 2.0

    /// Samples kept beyond the needed voxels on each side of an axis where the block is cut
    /// inside the image (see the type's documentation): 0.268^64 ~ 1e-37.
    static let margin = 64

    /// Decodes `count` voxels of row (`y`, `z`) from x = `x` on into the buffer; called from
    /// several threads at once, each with its own buffer.
    typealias RowSource = (_ x: Int, _ y: Int, _ z: Int, _ count: Int,
                           _ out: UnsafeMutablePointer<Double>) -> Void

    /// Coefficients of the whole volume.
    init(volume: ImageVolume) {
        self.init(size: volume.size, needLower: .zero, needUpper: volume.size &- 1,
                  rows: BSplineCoefficients.rows(of: volume))
    }

    /// Coefficients valid on the voxels `needLower...needUpper` of `volume` (inclusive,
    /// clamped to the volume).
    init(volume: ImageVolume, needLower: SIMD3<Int>, needUpper: SIMD3<Int>) {
        self.init(size: volume.size, needLower: needLower, needUpper: needUpper,
                  rows: BSplineCoefficients.rows(of: volume))
    }

    private static func rows(of volume: ImageVolume) -> RowSource {
        let voxels = volume.voxels
        let size = volume.size
        return { x, y, z, count, out in
            voxels.withUnsafeBufferPointer { v in
                let start = x + size.x * (y + size.y * z)
                for i in 0..<count { out[i] = v[start + i] }
            }
        }
    }

    /// Coefficients valid on the voxels `needLower...needUpper` (inclusive, clamped to the
    /// volume) of a volume of `size` whose voxels `rows` decodes, row by row, on the needed box
    /// widened by `margin` (clamped to the volume).
    init(size: SIMD3<Int>, needLower: SIMD3<Int>, needUpper: SIMD3<Int>, rows: RowSource) {
        let (need, wide) = BSplineCoefficients.boxes(size: size, needLower: needLower,
                                                     needUpper: needUpper)
        self.size = size
        lower = SIMD3(need.lower.x, wide.lower.y, wide.lower.z)
        blockSize = SIMD3(need.upper.x, wide.upper.y, wide.upper.z) &- lower &+ 1
        let (nx, ny, nz) = (blockSize.x, blockSize.y, blockSize.z)
        let line = wide.upper.x - wide.lower.x + 1
        let skip = need.lower.x - wide.lower.x
        let (y0, z0) = (wide.lower.y, wide.lower.z)
        let c = LargeDoubleBuffer(count: nx * ny * nz)
        do {
            nonisolated(unsafe) let data = c.pointer
            // Along x: every row of the widened box, filtered whole, its needed part kept.
            // Rows go `group` at a time, interleaved (sample k of row j at k * group + j), so
            // that the filter's inner loops run across rows in vector registers.
            let rowCount = ny * nz
            let chunk = 256
            let group = 8
            DispatchQueue.concurrentPerform(iterations: (rowCount + chunk - 1) / chunk) { c in
                var sum = [Double](repeating: 0, count: group)
                let scratch = UnsafeMutablePointer<Double>.allocate(capacity: line)
                let lines = UnsafeMutablePointer<Double>.allocate(capacity: line * group)
                defer {
                    scratch.deallocate()
                    lines.deallocate()
                }
                var first = c * chunk
                let end = min((c + 1) * chunk, rowCount)
                while first < end {
                    let width = min(group, end - first)
                    for j in 0..<width {
                        let row = first + j
                        rows(wide.lower.x, y0 + row % ny, z0 + row / ny, line, scratch)
                        for k in 0..<line { lines[k * width + j] = scratch[k] }
                    }
                    if width == group {
                        BSplineCoefficients.filter8(lines, length: line)
                    } else {
                        BSplineCoefficients.filter(lines, length: line, stride: width,
                                                   width: width, sum: &sum)
                    }
                    for j in 0..<width {
                        let out = data + (first + j) * nx
                        for i in 0..<nx { out[i] = lines[(skip + i) * width + j] }
                    }
                    first += width
                }
            }
            // Along y: within each z slab, the needed x columns together, row by row.
            if ny > 1 {
                DispatchQueue.concurrentPerform(iterations: nz) { z in
                    var sum = [Double](repeating: 0, count: nx)
                    BSplineCoefficients.filter(data + z * nx * ny, length: ny, stride: nx,
                                               width: nx, sum: &sum)
                }
            }
            // Along z: the needed (x, y) columns, one needed y row of columns at a time.
            if nz > 1 {
                let first = need.lower.y - y0
                DispatchQueue.concurrentPerform(iterations: need.upper.y - need.lower.y + 1) { j in
                    var sum = [Double](repeating: 0, count: nx)
                    BSplineCoefficients.filter(data + (first + j) * nx, length: nz,
                                               stride: nx * ny, width: nx, sum: &sum)
                }
            }
        }
        values = c
    }

    /// The number of coefficients `init(size:needLower:needUpper:rows:)` holds.
    static func blockCount(size: SIMD3<Int>, needLower: SIMD3<Int>, needUpper: SIMD3<Int>)
        -> Int
    {
        let (need, wide) = boxes(size: size, needLower: needLower, needUpper: needUpper)
        return (need.upper.x - need.lower.x + 1) * (wide.upper.y - wide.lower.y + 1)
            * (wide.upper.z - wide.lower.z + 1)
    }

    /// The needed voxels clamped to the volume, and that box widened by `margin` (clamped).
    private static func boxes(size: SIMD3<Int>, needLower: SIMD3<Int>, needUpper: SIMD3<Int>)
        -> (need: (lower: SIMD3<Int>, upper: SIMD3<Int>),
            wide: (lower: SIMD3<Int>, upper: SIMD3<Int>))
    {
        let top = size &- 1
        var need = (lower: SIMD3<Int>.zero, upper: top)
        var wide = (lower: SIMD3<Int>.zero, upper: top)
        for a in 0..<3 {
            need.lower[a] = min(max(needLower[a], 0), top[a])
            need.upper[a] = max(min(needUpper[a], top[a]), need.lower[a])
            wide.lower[a] = max(need.lower[a] - margin, 0)
            wide.upper[a] = min(need.upper[a] + margin, top[a])
        }
        return (need, wide)
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

    /// `filter` on eight lines stored together (sample `k` of line `j` at `data[8 k + j]`),
    /// each step one vector operation on all eight: the same operations on every line, in the
    /// same order (no fused multiply-add), so the same bits.
    static func filter8(_ data: UnsafeMutablePointer<Double>, length n: Int) {
        typealias V = SIMD8<Double>
        let z = pole
        let horizon = Int((log(1e-10) / log(abs(z))).rounded(.up))
        guard horizon < n else {
            var sum = [Double](repeating: 0, count: 8)
            filter(data, length: n, stride: 8, width: 8, sum: &sum)
            return
        }
        let raw = UnsafeMutableRawPointer(data)
        @inline(__always) func load(_ k: Int) -> V {
            raw.loadUnaligned(fromByteOffset: k * 64, as: V.self)
        }
        @inline(__always) func store(_ v: V, _ k: Int) {
            raw.storeBytes(of: v, toByteOffset: k * 64, as: V.self)
        }

        var gain = 1.0
        gain = gain * (1.0 - z) * (1.0 - 1.0 / z)
        for k in 0..<n { store(load(k) * gain, k) }

        // Causal initialisation and recursion.
        var sum = load(0)
        var zn = z
        for k in 1..<horizon {
            sum += zn * load(k)
            zn *= z
        }
        var previous = sum
        store(previous, 0)
        for k in 1..<n {
            previous = load(k) + z * previous
            store(previous, k)
        }

        // Anti-causal initialisation (mirror boundary) and recursion.
        let factor = z / (z * z - 1.0)
        var next = factor * (z * load(n - 2) + previous)
        store(next, n - 1)
        var k = n - 2
        while k >= 0 {
            next = z * (next - load(k))
            store(next, k)
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
        do {
            let c = values.pointer
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
