import Foundation

/// Index and physical-point transforms carried out with the same floating-point operations, in
/// the same order, as `itk::ImageBase` (the library under SimpleITK), so that grid positions and
/// nearest-neighbour ties come out exactly as SimpleITK computes them.
///
/// ITK holds `indexToPhysical = direction * diag(spacing)` and its inverse. For the identity
/// direction (the usual case) ITK's SVD inverse is the exact reciprocal of each spacing, as
/// here, and resampled values agree bit for bit with SimpleITK. For other directions ITK's SVD
/// inverse and the reciprocal transpose / cofactor inverse used here can differ in the last bit
/// (values then agree to ~1e-15 relative, and a nearest-neighbour tie may round the other way).
struct ITKGrid: Sendable {
    let size: SIMD3<Int>
    let origin: SIMD3<Double>
    /// Row-major 3x3, entry (r, c) = direction(r, c) * spacing(c).
    let indexToPhysical: [Double]
    /// Row-major 3x3 inverse of `indexToPhysical`.
    let physicalToIndex: [Double]

    init(_ geometry: Geometry) {
        size = geometry.size
        origin = geometry.origin
        let d = geometry.direction
        let s = geometry.spacing
        var m = [Double](repeating: 0, count: 9)
        for r in 0..<3 {
            for c in 0..<3 { m[3 * r + c] = d[3 * r + c] * s[c] }
        }
        indexToPhysical = m
        physicalToIndex = ITKGrid.inverse(m)
    }

    private static func inverse(_ m: [Double]) -> [Double] {
        // Signed permutation: one non-zero per row and column, inverse is the reciprocal transpose.
        var isPermutation = true
        for r in 0..<3 where (0..<3).filter({ m[3 * r + $0] != 0 }).count != 1 {
            isPermutation = false
        }
        for c in 0..<3 where (0..<3).filter({ m[3 * $0 + c] != 0 }).count != 1 {
            isPermutation = false
        }
        if isPermutation {
            var inv = [Double](repeating: 0, count: 9)
            for r in 0..<3 {
                for c in 0..<3 where m[3 * r + c] != 0 { inv[3 * c + r] = 1.0 / m[3 * r + c] }
            }
            return inv
        }
        let det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
            + m[2] * (m[3] * m[7] - m[4] * m[6])
        return [
            (m[4] * m[8] - m[5] * m[7]) / det, (m[2] * m[7] - m[1] * m[8]) / det,
            (m[1] * m[5] - m[2] * m[4]) / det,
            (m[5] * m[6] - m[3] * m[8]) / det, (m[0] * m[8] - m[2] * m[6]) / det,
            (m[2] * m[3] - m[0] * m[5]) / det,
            (m[3] * m[7] - m[4] * m[6]) / det, (m[1] * m[6] - m[0] * m[7]) / det,
            (m[0] * m[4] - m[1] * m[3]) / det,
        ]
    }

    /// `ImageBase::TransformIndexToPhysicalPoint`: starts from the origin and adds each column.
    @inline(__always)
    func physicalPoint(index: SIMD3<Double>) -> SIMD3<Double> {
        let m = indexToPhysical
        var p = origin
        p.x += m[0] * index.x; p.x += m[1] * index.y; p.x += m[2] * index.z
        p.y += m[3] * index.x; p.y += m[4] * index.y; p.y += m[5] * index.z
        p.z += m[6] * index.x; p.z += m[7] * index.y; p.z += m[8] * index.z
        return p
    }

    /// `ImageBase::TransformContinuousIndexToPhysicalPoint`: sums the matrix product first, then
    /// adds the origin (a different rounding from `physicalPoint(index:)`).
    @inline(__always)
    func physicalPoint(continuousIndex index: SIMD3<Double>) -> SIMD3<Double> {
        let m = indexToPhysical
        var p = SIMD3<Double>(0, 0, 0)
        p.x += m[0] * index.x; p.x += m[1] * index.y; p.x += m[2] * index.z
        p.y += m[3] * index.x; p.y += m[4] * index.y; p.y += m[5] * index.z
        p.z += m[6] * index.x; p.z += m[7] * index.y; p.z += m[8] * index.z
        return p + origin
    }

    /// `ImageBase::TransformPhysicalPointToContinuousIndex`.
    @inline(__always)
    func continuousIndex(point: SIMD3<Double>) -> SIMD3<Double> {
        let m = physicalToIndex
        let v = point - origin
        var c = SIMD3<Double>(0, 0, 0)
        c.x += m[0] * v.x; c.x += m[1] * v.y; c.x += m[2] * v.z
        c.y += m[3] * v.x; c.y += m[4] * v.y; c.y += m[5] * v.z
        c.z += m[6] * v.x; c.z += m[7] * v.y; c.z += m[8] * v.z
        return c
    }
}

/// `itk::Math::RoundHalfIntegerUp` for doubles as built with SSE2: round-half-to-even of
/// `2x + 0.5`, then an arithmetic shift right by one (so 2.5 -> 3, -1.5 -> -1).
@inline(__always)
func itkRound(_ x: Double) -> Int {
    Int((2 * x + 0.5).rounded(.toNearestOrEven)) >> 1
}

/// `itk::Math::Floor` for doubles as built with SSE2: round-half-to-even of `2x - 0.5`, shifted.
@inline(__always)
func itkFloor(_ x: Double) -> Int {
    Int((2 * x - 0.5).rounded(.toNearestOrEven)) >> 1
}
