import Dispatch
import Foundation

/// The 3D shape features of PyRadiomics (`original_shape_*`), IBSI "morphology" family.
public enum ShapeFeature: String, FeatureName {
    case elongation = "Elongation"
    case flatness = "Flatness"
    case leastAxisLength = "LeastAxisLength"
    case majorAxisLength = "MajorAxisLength"
    case maximum2DDiameterColumn = "Maximum2DDiameterColumn"
    case maximum2DDiameterRow = "Maximum2DDiameterRow"
    case maximum2DDiameterSlice = "Maximum2DDiameterSlice"
    case maximum3DDiameter = "Maximum3DDiameter"
    case meshVolume = "MeshVolume"
    case minorAxisLength = "MinorAxisLength"
    case sphericity = "Sphericity"
    case surfaceArea = "SurfaceArea"
    case surfaceVolumeRatio = "SurfaceVolumeRatio"
    case voxelVolume = "VoxelVolume"
    case compactness1 = "Compactness1"
    case compactness2 = "Compactness2"
    case sphericalDisproportion = "SphericalDisproportion"

    public var isDeprecated: Bool {
        self == .compactness1 || self == .compactness2 || self == .sphericalDisproportion
    }
}

/// The triangle mesh of a binary ROI as PyRadiomics builds it: marching cubes over the mask
/// padded by one empty voxel on every side, every vertex half-way along a cube edge, distances in
/// mm along the array axes (the direction cosines play no part, as in PyRadiomics).
public struct ShapeMesh: Sendable, Equatable {
    /// `V = |sum_f a_f . (b_f x c_f)| / 6` over the faces `f` (IBSI "volume", RNU0), mm3.
    public var volume: Double
    /// `A = sum_f |(a_f - c_f) x (b_f - c_f)| / 2` (IBSI "surface area", C0JK), mm2.
    public var surfaceArea: Double
    /// Largest distance between two vertices of the mesh (IBSI "maximum 3D diameter", L0JK).
    public var maximum3DDiameter: Double
    /// Largest distance between two vertices in the same axial slice (same z).
    public var maximum2DDiameterSlice: Double
    /// ... in the same coronal plane (same y, PyRadiomics' "column").
    public var maximum2DDiameterColumn: Double
    /// ... in the same sagittal plane (same x, PyRadiomics' "row").
    public var maximum2DDiameterRow: Double

    /// Builds the mesh of the non-zero voxels of `mask`, spacing from its geometry.
    ///
    /// Cubes are visited z, then y, then x (PyRadiomics' order, so that the sums agree to the
    /// last bits). A cube whose index has corner 7 set is complemented and its volume counted
    /// with the opposite sign. Vertices for the diameters are those on the edges 6, 7 and 11 of
    /// each cube (the edges at corner 7's far side), which lists every vertex of the mesh once.
    public init(mask: Volume<UInt8>) {
        let n = mask.size
        let p = n &+ 2
        var padded = [UInt8](repeating: 0, count: p.x * p.y * p.z)
        for z in 0..<n.z {
            for y in 0..<n.y {
                let source = mask.geometry.linearIndex(0, y, z)
                let target = 1 + p.x * (y + 1 + p.y * (z + 1))
                for x in 0..<n.x where mask.voxels[source + x] != 0 { padded[target + x] = 1 }
            }
        }
        let s = mask.geometry.spacing
        let spacing = SIMD3<Double>(s.z, s.y, s.x)  // (z, y, x), the order of the tables
        let cornerOffset = MarchingCubesTables.corners.map { $0.z + p.x * ($0.y + p.y * $0.x) }
        let midpoints = MarchingCubesTables.edgeMidpoints
        let starts = MarchingCubesTables.triangleStart
        let edges = MarchingCubesTables.triangleEdges
        // Corner bits 6, 4, 3 signal vertices on edges 6, 7, 11.
        let vertexCorners = [6, 4, 3]
        let vertexEdges = [6, 7, 11]

        var volume = 0.0
        var area = 0.0
        var vertices: [Double] = []
        padded.withUnsafeBufferPointer { m in
            for z in 0..<(p.z - 1) {
                for y in 0..<(p.y - 1) {
                    for x in 0..<(p.x - 1) {
                        let base = x + p.x * (y + p.y * z)
                        var index = 0
                        for corner in 0..<8 where m[base + cornerOffset[corner]] != 0 {
                            index |= 1 << corner
                        }
                        var sign = 1.0
                        if index & 0x80 != 0 {
                            index ^= 0xFF
                            sign = -1
                        }
                        let origin = SIMD3<Double>(Double(z), Double(y), Double(x))
                        for k in 0..<3 where index & (1 << vertexCorners[k]) != 0 {
                            let v = (origin + midpoints[vertexEdges[k]]) * spacing
                            vertices.append(v.x)
                            vertices.append(v.y)
                            vertices.append(v.z)
                        }
                        if index == 0 { continue }
                        var t = starts[index]
                        while t < starts[index + 1] {
                            let a = (origin + midpoints[edges[t]]) * spacing
                            let b = (origin + midpoints[edges[t + 1]]) * spacing
                            let c = (origin + midpoints[edges[t + 2]]) * spacing
                            volume += sign * (cross(a, b) * c).sum()
                            let ab = cross(a - c, b - c)
                            area += 0.5 * (ab * ab).sum().squareRoot()
                            t += 3
                        }
                    }
                }
            }
        }
        self.volume = volume / 6
        self.surfaceArea = area
        let d = ShapeMesh.diameters(vertices)
        maximum2DDiameterSlice = d[0]
        maximum2DDiameterColumn = d[1]
        maximum2DDiameterRow = d[2]
        maximum3DDiameter = d[3]
    }

    /// Largest squared distances between vertex pairs with equal z, equal y, equal x, and
    /// overall; returns their square roots. Rows of the pair triangle are split across cores;
    /// a maximum does not depend on the split, so the result is the same on any core count.
    static func diameters(_ v: [Double]) -> [Double] {
        let count = v.count / 3
        let chunks = max(1, min(64, count / 256))
        var partial = [SIMD4<Double>](repeating: .zero, count: chunks)
        v.withUnsafeBufferPointer { pts in
            partial.withUnsafeMutableBufferPointer { out in
                let outBase = out.baseAddress!
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    var best = SIMD4<Double>.zero
                    // Interleave rows so that chunks get similar work.
                    var i = chunk
                    while i < count {
                        let az = pts[3 * i], ay = pts[3 * i + 1], ax = pts[3 * i + 2]
                        for j in (i + 1)..<max(count, i + 1) {
                            let bz = pts[3 * j], by = pts[3 * j + 1], bx = pts[3 * j + 2]
                            let dz = az - bz, dy = ay - by, dx = ax - bx
                            let distance = dz * dz + dy * dy + dx * dx
                            if az == bz && distance > best[0] { best[0] = distance }
                            if ay == by && distance > best[1] { best[1] = distance }
                            if ax == bx && distance > best[2] { best[2] = distance }
                            if distance > best[3] { best[3] = distance }
                        }
                        i += chunks
                    }
                    (outBase + chunk).pointee = best
                }
            }
        }
        let best = partial.reduce(SIMD4<Double>.zero) { pointwiseMax($0, $1) }
        return [best[0].squareRoot(), best[1].squareRoot(), best[2].squareRoot(),
                best[3].squareRoot()]
    }
}

/// `a x b` for (z, y, x) vectors, in the same component order as PyRadiomics.
@inline(__always)
func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - b.y * a.z, a.z * b.x - b.z * a.x, a.x * b.y - b.x * a.y)
}

/// Principal axes of the ROI's voxel centres: eigenvalues, smallest first, of the covariance
/// matrix `C = (1/N) sum_k (p_k - pbar)(p_k - pbar)^T` of the physical positions `p_k` (index
/// times spacing along the array axes, as PyRadiomics computes them).
///
/// Eigenvalues in (-1e-10, 0) are rounding errors and set to 0, as in PyRadiomics.
public func principalMoments(of mask: Volume<UInt8>, dimensions: [Int] = [0, 1, 2]) -> [Double] {
    let n = mask.size
    let s = mask.geometry.spacing
    var count = 0.0
    var sum = SIMD3<Double>.zero
    for z in 0..<n.z {
        for y in 0..<n.y {
            for x in 0..<n.x where mask.voxels[mask.geometry.linearIndex(x, y, z)] != 0 {
                sum += SIMD3(Double(x), Double(y), Double(z)) * s
                count += 1
            }
        }
    }
    guard count > 0 else { return [Double](repeating: .nan, count: dimensions.count) }
    let mean = sum / count
    var c = [Double](repeating: 0, count: 9)
    for z in 0..<n.z {
        for y in 0..<n.y {
            for x in 0..<n.x where mask.voxels[mask.geometry.linearIndex(x, y, z)] != 0 {
                let d = SIMD3(Double(x), Double(y), Double(z)) * s - mean
                for i in 0..<3 { for j in 0..<3 { c[3 * i + j] += d[i] * d[j] } }
            }
        }
    }
    // Keep the requested axes (array axes x = 0, y = 1, z = 2).
    let k = dimensions.count
    var sub = [Double](repeating: 0, count: k * k)
    for i in 0..<k { for j in 0..<k { sub[k * i + j] = c[3 * dimensions[i] + dimensions[j]] / count } }
    return symmetricEigenvalues(sub, size: k).map { $0 < 0 && $0 > -1e-10 ? 0 : $0 }.sorted()
}

/// Eigenvalues of a small symmetric matrix (row-major, `size` x `size`) by cyclic Jacobi
/// rotations, accurate to a few ulps of the largest eigenvalue.
func symmetricEigenvalues(_ matrix: [Double], size n: Int) -> [Double] {
    var a = matrix
    for _ in 0..<100 {
        var off = 0.0
        for i in 0..<n { for j in (i + 1)..<max(n, i + 1) { off += a[n * i + j] * a[n * i + j] } }
        if off == 0 { break }
        for p in 0..<n {
            for q in (p + 1)..<max(n, p + 1) where a[n * p + q] != 0 {
                let apq = a[n * p + q]
                let theta = (a[n * q + q] - a[n * p + p]) / (2 * apq)
                let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot()
                let s = t * c
                for k in 0..<n {
                    let akp = a[n * k + p], akq = a[n * k + q]
                    a[n * k + p] = c * akp - s * akq
                    a[n * k + q] = s * akp + c * akq
                }
                for k in 0..<n {
                    let apk = a[n * p + k], aqk = a[n * q + k]
                    a[n * p + k] = c * apk - s * aqk
                    a[n * q + k] = s * apk + c * aqk
                }
            }
        }
    }
    return (0..<n).map { a[n * $0 + $0] }
}

/// PyRadiomics' 3D shape features of one ROI (class `shape`).
///
/// Mesh features use `ShapeMesh`; axis lengths use `principalMoments` with eigenvalues
/// `l_least <= l_minor <= l_major`; `VoxelVolume = N_v * dx * dy * dz`.
public struct ShapeFeatures: Sendable {
    public var mesh: ShapeMesh
    /// Eigenvalues smallest first.
    public var eigenvalues: [Double]
    public var voxelCount: Int
    public var voxelVolume: Double

    /// Shape of the non-zero voxels of `mask` (cropped or not; only spacing and voxels count).
    public init(mask: Volume<UInt8>) {
        mesh = ShapeMesh(mask: mask)
        eigenvalues = principalMoments(of: mask)
        voxelCount = mask.voxels.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        let s = mask.geometry.spacing
        voxelVolume = Double(voxelCount) * (s.z * s.x * s.y)
    }

    /// The value of one feature, PyRadiomics' formula:
    /// - `SurfaceVolumeRatio = A / V`; `Sphericity = (36 pi V^2)^(1/3) / A`;
    ///   `Compactness1 = V / (sqrt(pi) A^(3/2))`; `Compactness2 = 36 pi V^2 / A^3`;
    ///   `SphericalDisproportion = A / (36 pi V^2)^(1/3)`.
    /// - `MajorAxisLength = 4 sqrt(l_major)`, likewise Minor and Least;
    ///   `Elongation = sqrt(l_minor / l_major)`, `Flatness = sqrt(l_least / l_major)`.
    ///
    /// Degenerate cases: a negative eigenvalue gives NaN (PyRadiomics logs a warning and returns
    /// NaN); a ROI whose voxel centres are all on one point (one voxel) has `l_major = 0`, so
    /// Elongation and Flatness are 0/0 and NaN with that reason.
    public func value(_ feature: ShapeFeature) -> FeatureValue {
        let v = mesh.volume, a = mesh.surfaceArea
        let least = eigenvalues[0], minor = eigenvalues[1], major = eigenvalues[2]
        func axis(_ l: Double, _ what: String) -> (Double, String?) {
            l < 0 ? (.nan, "the \(what) eigenvalue is negative (\(l))") : (l.squareRoot() * 4, nil)
        }
        func ratio(_ l: Double, _ what: String) -> (Double, String?) {
            if l < 0 || major < 0 { return (.nan, "an eigenvalue is negative (\(l), \(major))") }
            if major == 0 {
                return (.nan, "all voxel centres coincide (one voxel): \(what) is 0/0")
            }
            return ((l / major).squareRoot(), nil)
        }
        let result: (Double, String?)
        switch feature {
        case .meshVolume: result = (v, nil)
        case .surfaceArea: result = (a, nil)
        case .voxelVolume: result = (voxelVolume, nil)
        case .surfaceVolumeRatio: result = (a / v, v == 0 ? "the mesh volume is 0" : nil)
        case .sphericity:
            result = (pow(36 * Double.pi * v * v, 1.0 / 3.0) / a, a == 0 ? "the mesh is empty" : nil)
        case .compactness1:
            result = (v / (pow(a, 1.5) * Double.pi.squareRoot()), a == 0 ? "the mesh is empty" : nil)
        case .compactness2:
            result = (36 * Double.pi * v * v / (a * a * a), a == 0 ? "the mesh is empty" : nil)
        case .sphericalDisproportion:
            result = (a / pow(36 * Double.pi * v * v, 1.0 / 3.0), v == 0 ? "the mesh volume is 0" : nil)
        case .maximum3DDiameter: result = (mesh.maximum3DDiameter, nil)
        case .maximum2DDiameterSlice: result = (mesh.maximum2DDiameterSlice, nil)
        case .maximum2DDiameterColumn: result = (mesh.maximum2DDiameterColumn, nil)
        case .maximum2DDiameterRow: result = (mesh.maximum2DDiameterRow, nil)
        case .majorAxisLength: result = axis(major, "major")
        case .minorAxisLength: result = axis(minor, "minor")
        case .leastAxisLength: result = axis(least, "least")
        case .elongation: result = ratio(minor, "Elongation sqrt(l_minor / l_major)")
        case .flatness: result = ratio(least, "Flatness sqrt(l_least / l_major)")
        }
        let isBad = result.0.isNaN || result.0.isInfinite
        return FeatureValue(name: feature.rawValue, value: isBad ? .nan : result.0,
                            reason: isBad ? (result.1 ?? "undefined for this ROI") : nil)
    }

    public func values(_ features: [ShapeFeature] = ShapeFeature.defaultSelection) -> [FeatureValue] {
        features.map(value)
    }
}
