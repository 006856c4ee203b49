import Foundation

/// Where a 3D grid lies in the patient: size in voxels, spacing in mm, origin (physical position
/// of voxel (0,0,0)) and direction cosines, in the LPS space that ITK and SimpleITK use.
///
/// `direction` is row-major 3x3; its column `k` is the physical direction of array axis `k`, so
/// `physical = origin + direction * (spacing .* index)`, as in `itk::ImageBase`.
public struct Geometry: Equatable, Sendable {
    public var size: SIMD3<Int>
    public var spacing: SIMD3<Double>
    public var origin: SIMD3<Double>
    public var direction: [Double]

    public init(size: SIMD3<Int>, spacing: SIMD3<Double> = .one, origin: SIMD3<Double> = .zero,
                direction: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]) {
        precondition(direction.count == 9, "direction must have 9 entries, got \(direction.count)")
        self.size = size
        self.spacing = spacing
        self.origin = origin
        self.direction = direction
    }

    /// Number of voxels.
    public var count: Int { size.x * size.y * size.z }

    /// Linear index of voxel (x, y, z); x runs fastest, as in ITK and in NRRD/NIfTI files.
    @inline(__always)
    public func linearIndex(_ x: Int, _ y: Int, _ z: Int) -> Int {
        x + size.x * (y + size.y * z)
    }

    /// Physical (LPS, mm) position of a continuous index.
    public func physicalPoint(ofIndex index: SIMD3<Double>) -> SIMD3<Double> {
        let scaled = index * spacing
        let d = direction
        return origin + SIMD3(d[0] * scaled.x + d[1] * scaled.y + d[2] * scaled.z,
                              d[3] * scaled.x + d[4] * scaled.y + d[5] * scaled.z,
                              d[6] * scaled.x + d[7] * scaled.y + d[8] * scaled.z)
    }

    /// Continuous index of a physical point (inverse of `physicalPoint(ofIndex:)`); the direction
    /// matrix is inverted in general, not assumed orthonormal.
    public func continuousIndex(ofPoint point: SIMD3<Double>) -> SIMD3<Double> {
        let p = point - origin
        let d = direction
        let det = d[0] * (d[4] * d[8] - d[5] * d[7]) - d[1] * (d[3] * d[8] - d[5] * d[6])
            + d[2] * (d[3] * d[7] - d[4] * d[6])
        let inv: [Double] = [
            (d[4] * d[8] - d[5] * d[7]) / det, (d[2] * d[7] - d[1] * d[8]) / det,
            (d[1] * d[5] - d[2] * d[4]) / det,
            (d[5] * d[6] - d[3] * d[8]) / det, (d[0] * d[8] - d[2] * d[6]) / det,
            (d[2] * d[3] - d[0] * d[5]) / det,
            (d[3] * d[7] - d[4] * d[6]) / det, (d[1] * d[6] - d[0] * d[7]) / det,
            (d[0] * d[4] - d[1] * d[3]) / det,
        ]
        let rotated = SIMD3(inv[0] * p.x + inv[1] * p.y + inv[2] * p.z,
                            inv[3] * p.x + inv[4] * p.y + inv[5] * p.z,
                            inv[6] * p.x + inv[7] * p.y + inv[8] * p.z)
        return rotated / spacing
    }
}

/// A 3D scalar volume: geometry plus one contiguous buffer of voxels, x fastest.
///
/// Images are held as `Volume<Double>` whatever their type on disk (every integer and float
/// type up to 32 bits converts exactly); label maps as `Volume<Int32>`, never narrowed to 8 bits.
public struct Volume<Scalar>: Sendable where Scalar: Sendable {
    public var geometry: Geometry
    public var voxels: [Scalar]

    public init(geometry: Geometry, voxels: [Scalar]) {
        precondition(voxels.count == geometry.count,
                     "voxel count \(voxels.count) does not match size \(geometry.size)")
        self.geometry = geometry
        self.voxels = voxels
    }

    public init(geometry: Geometry, repeating value: Scalar) {
        self.geometry = geometry
        self.voxels = Array(repeating: value, count: geometry.count)
    }

    public var size: SIMD3<Int> { geometry.size }

    @inline(__always)
    public subscript(x: Int, y: Int, z: Int) -> Scalar {
        get { voxels[geometry.linearIndex(x, y, z)] }
        set { voxels[geometry.linearIndex(x, y, z)] = newValue }
    }
}

public typealias ImageVolume = Volume<Double>
public typealias LabelVolume = Volume<Int32>
