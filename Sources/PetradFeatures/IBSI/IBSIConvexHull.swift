import Foundation

/// Convex hull of the ROI mesh (IBSI volume density R3ER and area density 7T7F).
///
/// The marching-cubes mesh of a mask (isolevel 0.5) has its vertices half-way between each ROI
/// voxel and each face neighbour outside the ROI; those points are built here directly in
/// doubled index units (integers), so the incremental hull below runs on exact integer
/// orientation tests. Only the first and last such point of every x row can be a hull vertex,
/// so the others are left out before the hull is built.
enum IBSIConvexHull {
    /// Hull volume (mm3) and surface area (mm2); NaN when the points span no volume.
    static func volumeAndArea(_ mask: Volume<UInt8>) -> (volume: Double, area: Double) {
        let g = mask.geometry
        let n = g.size
        func inside(_ x: Int, _ y: Int, _ z: Int) -> Bool {
            x >= 0 && y >= 0 && z >= 0 && x < n.x && y < n.y && z < n.z
                && mask.voxels[g.linearIndex(x, y, z)] != 0
        }
        // Mesh vertices in doubled index units, grouped by (doubled) y, z rows.
        var rows: [SIMD2<Int>: (Int, Int)] = [:]
        let steps = [SIMD3(1, 0, 0), SIMD3(-1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, -1, 0),
                     SIMD3(0, 0, 1), SIMD3(0, 0, -1)]
        for z in 0..<n.z {
            for y in 0..<n.y {
                for x in 0..<n.x where inside(x, y, z) {
                    for s in steps where !inside(x + s.x, y + s.y, z + s.z) {
                        let p = SIMD3(2 * x + s.x, 2 * y + s.y, 2 * z + s.z)
                        let key = SIMD2(p.y, p.z)
                        if let r = rows[key] {
                            rows[key] = (min(r.0, p.x), max(r.1, p.x))
                        } else {
                            rows[key] = (p.x, p.x)
                        }
                    }
                }
            }
        }
        var points: [SIMD3<Int64>] = []
        for key in rows.keys.sorted(by: { ($0.y, $0.x) < ($1.y, $1.x) }) {
            let r = rows[key]!
            points.append(SIMD3(Int64(r.0), Int64(key.x), Int64(key.y)))
            if r.1 != r.0 { points.append(SIMD3(Int64(r.1), Int64(key.x), Int64(key.y))) }
        }
        guard let faces = hull(points) else { return (.nan, .nan) }
        let scale = g.spacing / 2
        var volume = 0.0, area = 0.0
        for f in faces {
            let a = SIMD3<Double>(points[f.x]) * scale, b = SIMD3<Double>(points[f.y]) * scale
            let c = SIMD3<Double>(points[f.z]) * scale
            let n = crossProduct(b - a, c - a)
            volume += (a * crossProduct(b, c)).sum() / 6
            area += (n * n).sum().squareRoot() / 2
        }
        return (abs(volume), area)
    }

    static func crossProduct(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }

    /// Sign of det(b - a, c - a, p - a): positive when p lies on the side of the normal
    /// (b - a) x (c - a). Exact for coordinates below about 10^5.
    @inline(__always)
    static func orient(_ a: SIMD3<Int64>, _ b: SIMD3<Int64>, _ c: SIMD3<Int64>,
                       _ p: SIMD3<Int64>) -> Int64 {
        let u = b &- a, v = c &- a, w = p &- a
        return u.x * (v.y * w.z - v.z * w.y) - u.y * (v.x * w.z - v.z * w.x)
            + u.z * (v.x * w.y - v.y * w.x)
    }

    /// Triangles (indices into `points`, outward orientation) of the convex hull, built
    /// incrementally: a point sees a face when strictly in front of it; coplanar points are
    /// skipped (they change neither volume nor area). Nil when all points are coplanar.
    static func hull(_ points: [SIMD3<Int64>]) -> [SIMD3<Int>]? {
        guard points.count >= 4 else { return nil }
        // Initial tetrahedron: two distinct points, a third off their line, a fourth off the
        // plane.
        let i0 = 0
        guard let i1 = points.indices.first(where: { points[$0] != points[i0] }) else {
            return nil
        }
        let d = points[i1] &- points[i0]
        guard let i2 = points.indices.first(where: { k in
            let e = points[k] &- points[i0]
            let c = SIMD3(d.y * e.z - d.z * e.y, d.z * e.x - d.x * e.z, d.x * e.y - d.y * e.x)
            return c != .zero
        }) else { return nil }
        guard let i3 = points.indices.first(where: {
            orient(points[i0], points[i1], points[i2], points[$0]) != 0 }) else { return nil }
        var faces: [SIMD3<Int>] = []
        if orient(points[i0], points[i1], points[i2], points[i3]) > 0 {
            faces = [SIMD3(i0, i2, i1), SIMD3(i0, i1, i3), SIMD3(i1, i2, i3), SIMD3(i2, i0, i3)]
        } else {
            faces = [SIMD3(i0, i1, i2), SIMD3(i0, i3, i1), SIMD3(i1, i3, i2), SIMD3(i2, i3, i0)]
        }
        var alive = [Bool](repeating: true, count: 4)
        for k in points.indices where k != i0 && k != i1 && k != i2 && k != i3 {
            let p = points[k]
            var visibleEdges = Set<SIMD2<Int>>()
            var visible: [Int] = []
            for f in faces.indices where alive[f] {
                let t = faces[f]
                if orient(points[t.x], points[t.y], points[t.z], p) > 0 { visible.append(f) }
            }
            guard !visible.isEmpty else { continue }
            for f in visible {
                alive[f] = false
                let t = faces[f]
                visibleEdges.insert(SIMD2(t.x, t.y))
                visibleEdges.insert(SIMD2(t.y, t.z))
                visibleEdges.insert(SIMD2(t.z, t.x))
            }
            for f in visible {
                let t = faces[f]
                for e in [SIMD2(t.x, t.y), SIMD2(t.y, t.z), SIMD2(t.z, t.x)]
                where !visibleEdges.contains(SIMD2(e.y, e.x)) {
                    faces.append(SIMD3(e.x, e.y, k))
                    alive.append(true)
                }
            }
            // Compact now and then so the face scan stays short.
            if faces.count > 4 * alive.lazy.filter({ $0 }).count + 64 {
                faces = faces.indices.filter { alive[$0] }.map { faces[$0] }
                alive = [Bool](repeating: true, count: faces.count)
            }
        }
        return faces.indices.filter { alive[$0] }.map { faces[$0] }
    }
}
