import Foundation

/// The 2D shape features of PyRadiomics (`original_shape2D_*`, with `force2D`).
public enum Shape2DFeature: String, FeatureName {
    case elongation = "Elongation"
    case majorAxisLength = "MajorAxisLength"
    case maximumDiameter = "MaximumDiameter"
    case meshSurface = "MeshSurface"
    case minorAxisLength = "MinorAxisLength"
    case perimeter = "Perimeter"
    case perimeterSurfaceRatio = "PerimeterSurfaceRatio"
    case pixelSurface = "PixelSurface"
    case sphericity = "Sphericity"
    case sphericalDisproportion = "SphericalDisproportion"

    public var isDeprecated: Bool { self == .sphericalDisproportion }
}

/// The polygon of a one-slice ROI built by marching squares, as PyRadiomics builds it: the
/// slice padded by one empty pixel, every vertex half-way along a square's side.
///
/// Corners of a square (row, column offsets): 0 (0,0), 1 (0,1), 2 (1,1), 3 (1,0); sides
/// 0 top, 1 right, 2 bottom, 3 left. Each segment is oriented so that the signed areas of the
/// triangles (origin, a, b) add up to the enclosed area.
public struct ShapeContour: Sendable, Equatable {
    /// `S = sum_s (a_s x b_s) / 2` over the segments, mm2.
    public var surface: Double
    /// `P = sum_s |a_s - b_s|`, mm.
    public var perimeter: Double
    /// Largest distance between two vertices.
    public var maximumDiameter: Double

    /// Side midpoints (row, column).
    static let sideMidpoints: [SIMD2<Double>] = [
        SIMD2(0, 0.5), SIMD2(0.5, 1), SIMD2(1, 0.5), SIMD2(0.5, 0),
    ]
    /// Segments of square index `i` (bit k = corner k inside): pairs of sides, start to end.
    /// Indices 5 and 10 (opposite corners) get two segments, the corners kept apart.
    static let segments: [[Int]] = [
        [], [3, 0], [0, 1], [3, 1], [1, 2], [1, 2, 3, 0], [0, 2], [3, 2],
        [2, 3], [2, 0], [0, 1, 2, 3], [2, 1], [1, 3], [1, 0], [0, 3], [],
    ]

    /// - Parameters:
    ///   - inside: row-major pixels, `rows` x `columns`, non-zero inside the ROI.
    ///   - spacing: (row, column) pixel spacing in mm.
    public init(inside: [UInt8], rows: Int, columns: Int, spacing: SIMD2<Double>) {
        let pr = rows + 2, pc = columns + 2
        var padded = [UInt8](repeating: 0, count: pr * pc)
        for r in 0..<rows {
            for c in 0..<columns where inside[r * columns + c] != 0 { padded[(r + 1) * pc + c + 1] = 1 }
        }
        let cornerOffset = [0, 1, pc + 1, pc]
        var surface = 0.0
        var perimeter = 0.0
        var vertices: [SIMD2<Double>] = []
        for r in 0..<(pr - 1) {
            for c in 0..<(pc - 1) {
                let base = r * pc + c
                var index = 0
                for k in 0..<4 where padded[base + cornerOffset[k]] != 0 { index |= 1 << k }
                if index == 0 || index == 0xF { continue }
                let origin = SIMD2<Double>(Double(r), Double(c))
                let sides = ShapeContour.segments[index]
                var t = 0
                while t < sides.count {
                    let a = (origin + ShapeContour.sideMidpoints[sides[t]]) * spacing
                    let b = (origin + ShapeContour.sideMidpoints[sides[t + 1]]) * spacing
                    surface += a.x * b.y - b.x * a.y
                    let d = a - b
                    perimeter += (d.x * d.x + d.y * d.y).squareRoot()
                    t += 2
                }
                // Vertices on the left and bottom sides list each vertex once (index complemented
                // when corner 3 is inside, so corner 3 is never set here).
                let flipped = index > 7 ? index ^ 0xF : index
                if flipped & 1 != 0 { vertices.append((origin + ShapeContour.sideMidpoints[3]) * spacing) }
                if flipped & 4 != 0 { vertices.append((origin + ShapeContour.sideMidpoints[2]) * spacing) }
            }
        }
        self.surface = surface / 2
        self.perimeter = perimeter
        var best = 0.0
        for i in 0..<vertices.count {
            for j in (i + 1)..<max(vertices.count, i + 1) {
                let d = vertices[i] - vertices[j]
                best = max(best, d.x * d.x + d.y * d.y)
            }
        }
        maximumDiameter = best.squareRoot()
    }
}

/// PyRadiomics' 2D shape features of a ROI one voxel thick along `force2Ddimension`
/// (numpy axis order: 0 = z, 1 = y, 2 = x), class `shape2D`.
public struct Shape2DFeatures: Sendable {
    public var contour: ShapeContour
    /// Eigenvalues (smallest first) of the in-plane covariance of pixel centres.
    public var eigenvalues: [Double]
    public var pixelCount: Int
    public var pixelSurface: Double

    /// - Throws: `InputError` when the ROI spans more than one voxel along `force2Ddimension`
    ///   (PyRadiomics: "Size of the mask in dimension ... is more than 1").
    public init(mask: Volume<UInt8>, force2Ddimension: Int = 0) throws {
        let n = mask.size
        // Array axes (x = 0, y = 1, z = 2) of the slice's rows and columns, numpy order kept.
        let (rowAxis, columnAxis, normalAxis): (Int, Int, Int)
        switch force2Ddimension {
        case 0: (rowAxis, columnAxis, normalAxis) = (1, 0, 2)
        case 1: (rowAxis, columnAxis, normalAxis) = (2, 0, 1)
        case 2: (rowAxis, columnAxis, normalAxis) = (2, 1, 0)
        default:
            throw InputError(file: "", field: "force2Ddimension", value: "\(force2Ddimension)",
                             "should be 0 (z), 1 (y) or 2 (x)")
        }
        guard n[normalAxis] == 1 else {
            throw InputError(file: "", field: "force2Ddimension", value: "\(force2Ddimension)",
                             "the ROI spans \(n[normalAxis]) voxels along this dimension; 2D shape "
                             + "needs a ROI one voxel thick there")
        }
        let rows = n[rowAxis], columns = n[columnAxis]
        var inside = [UInt8](repeating: 0, count: rows * columns)
        var count = 0
        for z in 0..<n.z {
            for y in 0..<n.y {
                for x in 0..<n.x where mask[x, y, z] != 0 {
                    let index = SIMD3(x, y, z)
                    inside[index[rowAxis] * columns + index[columnAxis]] = 1
                    count += 1
                }
            }
        }
        let s = mask.geometry.spacing
        contour = ShapeContour(inside: inside, rows: rows, columns: columns,
                               spacing: SIMD2(s[rowAxis], s[columnAxis]))
        eigenvalues = principalMoments(of: mask, dimensions: [rowAxis, columnAxis])
        pixelCount = count
        pixelSurface = Double(count) * (s[columnAxis] * s[rowAxis])
    }

    /// PyRadiomics' formulas: `PerimeterSurfaceRatio = P / S`,
    /// `Sphericity = 2 sqrt(pi S) / P`, `SphericalDisproportion = 1 / Sphericity`,
    /// `MajorAxisLength = 4 sqrt(l_major)`, `MinorAxisLength = 4 sqrt(l_minor)`,
    /// `Elongation = sqrt(l_minor / l_major)` (NaN for one pixel: 0/0).
    public func value(_ feature: Shape2DFeature) -> FeatureValue {
        let p = contour.perimeter, s = contour.surface
        let minor = eigenvalues[0], major = eigenvalues[1]
        var reason: String? = nil
        let value: Double
        switch feature {
        case .meshSurface: value = s
        case .pixelSurface: value = pixelSurface
        case .perimeter: value = p
        case .perimeterSurfaceRatio: value = p / s
        case .sphericity: value = 2 * (Double.pi * s).squareRoot() / p
        case .sphericalDisproportion: value = p / (2 * (Double.pi * s).squareRoot())
        case .maximumDiameter: value = contour.maximumDiameter
        case .majorAxisLength:
            value = major < 0 ? .nan : major.squareRoot() * 4
            if major < 0 { reason = "the major eigenvalue is negative (\(major))" }
        case .minorAxisLength:
            value = minor < 0 ? .nan : minor.squareRoot() * 4
            if minor < 0 { reason = "the minor eigenvalue is negative (\(minor))" }
        case .elongation:
            value = (minor < 0 || major < 0) ? .nan : (minor / major).squareRoot()
            if major == 0 { reason = "all pixel centres coincide (one pixel): Elongation is 0/0" }
        }
        let isBad = value.isNaN || value.isInfinite
        return FeatureValue(name: feature.rawValue, value: isBad ? .nan : value,
                            reason: isBad ? (reason ?? "undefined for this ROI") : nil)
    }

    public func values(_ features: [Shape2DFeature] = Shape2DFeature.defaultSelection)
        -> [FeatureValue]
    {
        features.map(value)
    }
}
