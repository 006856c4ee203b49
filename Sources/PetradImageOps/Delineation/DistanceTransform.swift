import PetradImage

/// Exact Euclidean distance transform on a voxel grid with anisotropic spacing.
///
/// For every voxel, the squared physical distance (mm²) from its centre to the centre of the
/// nearest voxel of a set, computed axis by axis with the lower envelope of parabolas of
/// Felzenszwalb & Huttenlocher (Theory of Computing 8, 2012). Distances are measured along the
/// grid axes scaled by the spacing, which is the physical distance when the direction matrix is
/// orthonormal (as in every PET image). A voxel of the set has distance 0; with an empty set,
/// every distance is `.infinity`.
enum DistanceTransform {
    static func squaredDistances(toSet inside: [UInt8], size: SIMD3<Int>,
                                 spacing: SIMD3<Double>) -> [Double] {
        var distance = inside.map { $0 != 0 ? 0.0 : Double.infinity }
        let n = max(size.x, size.y, size.z)
        var line = [Double](repeating: 0, count: n)
        var output = [Double](repeating: 0, count: n)
        var vertices = [Int](repeating: 0, count: n)
        var boundaries = [Double](repeating: 0, count: n + 1)

        for axis in 0..<3 {
            let length = size[axis]
            let step = axis == 0 ? 1 : (axis == 1 ? size.x : size.x * size.y)
            let h = spacing[axis]
            let lines = size.x * size.y * size.z / length
            for lineIndex in 0..<lines {
                // First voxel of this line: enumerate the two other axes.
                let first: Int
                switch axis {
                case 0: first = lineIndex * size.x
                case 1: first = (lineIndex % size.x) + (lineIndex / size.x) * size.x * size.y
                default: first = lineIndex
                }
                for i in 0..<length { line[i] = distance[first + i * step] }
                envelope(line, count: length, spacing: h, output: &output, vertices: &vertices,
                         boundaries: &boundaries)
                for i in 0..<length { distance[first + i * step] = output[i] }
            }
        }
        return distance
    }

    /// One-dimensional pass: output[q] = min over p of (h (q - p))² + f[p].
    private static func envelope(_ f: [Double], count: Int, spacing h: Double,
                                 output: inout [Double], vertices v: inout [Int],
                                 boundaries z: inout [Double]) {
        var k = -1
        for q in 0..<count where f[q].isFinite {
            let xq = h * Double(q)
            if k < 0 {
                k = 0
                v[0] = q
                z[0] = -.infinity
                z[1] = .infinity
                continue
            }
            // Drop parabolas that the new one hides; z[0] = -infinity stops the loop at k = 0.
            let xv = h * Double(v[k])
            var s = ((f[q] + xq * xq) - (f[v[k]] + xv * xv)) / (2 * (xq - xv))
            while s <= z[k] {
                k -= 1
                let xp = h * Double(v[k])
                s = ((f[q] + xq * xq) - (f[v[k]] + xp * xp)) / (2 * (xq - xp))
            }
            k += 1
            v[k] = q
            z[k] = s
            z[k + 1] = .infinity
        }
        if k < 0 {
            for q in 0..<count { output[q] = .infinity }
            return
        }
        var j = 0
        for q in 0..<count {
            let xq = h * Double(q)
            while z[j + 1] < xq { j += 1 }
            let d = xq - h * Double(v[j])
            output[q] = d * d + f[v[j]]
        }
    }
}
