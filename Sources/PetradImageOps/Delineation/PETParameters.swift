import Foundation
import PetradImage

/// The standard PET parameters of one volume of interest on an SUV image.
///
/// ```
/// SUVmax  = max of the SUV over the volume's voxels
/// SUVmean = mean of the SUV over the volume's voxels
/// SUVpeak = max over centres c in the volume of  Σ_v w_v(c) SUV_v / Σ_v w_v(c)
/// MTV     = N × voxel volume / 1000                       (mL; N = voxels in the volume)
/// TLG     = MTV × SUVmean                                  (mL, i.e. SUV × mL)
/// ```
/// SUVpeak follows PERCIST 1.0 (Wahl et al., J Nucl Med 2009 50:122S): the mean SUV in a
/// sphere of 1 cm³ (radius (3 / 4π)^(1/3) cm = 6.2035 mm) placed where that mean is highest.
/// petrad places the sphere's centre on every voxel centre of the volume (not between voxel
/// centres) and weights each voxel by the fraction of its volume inside the sphere (partial-
/// volume weights, integrated on a 20 × 20 × 20 sub-grid per voxel), so the sphere holds 1 mL
/// whatever the voxel size; voxels of the sphere outside the volume count, as PERCIST asks for
/// the image's values; the part of the sphere outside the image is left out and the weights
/// renormalised.
///
/// An empty volume gives SUVmax, SUVmean and SUVpeak NaN, MTV 0 and TLG 0.
public struct PETParameters: Codable, Sendable, Equatable {
    public var voxels: Int
    public var suvMax: Double
    public var suvMean: Double
    public var suvPeak: Double
    /// Metabolic tumour volume in mL.
    public var mtv: Double
    /// Total lesion glycolysis, MTV × SUVmean.
    public var tlg: Double
    /// LPS position (mm) of the SUVmax voxel and of the SUVpeak sphere's centre; empty when the
    /// volume is empty.
    public var suvMaxPoint: [Double]
    public var suvPeakPoint: [Double]
}

/// PET parameters of every lesion (26- or 6-connected component) of a mask, and of all of them
/// together.
public struct PETMeasurement: Codable, Sendable, Equatable {
    /// Over every voxel of the mask: SUVpeak is the highest of the lesions' SUVpeaks, MTV and
    /// TLG are the sums over lesions.
    public var total: PETParameters
    /// One entry per connected component, in the order of each component's first voxel (x
    /// fastest, then y, then z).
    public var lesions: [PETParameters]
    public var connectivity: Int

    /// Measures `image` inside the non-zero voxels of `mask` (same grid).
    public static func measure(image: ImageVolume, mask: Volume<UInt8>,
                               connectivity: Connectivity = .twentySix) -> PETMeasurement {
        precondition(image.geometry.size == mask.geometry.size,
                     "mask size \(mask.geometry.size) differs from image \(image.geometry.size)")
        let geometry = image.geometry
        let kernel = PeakSphere(spacing: geometry.spacing)
        let components = ConnectedComponents.label(mask.voxels.map { $0 != 0 ? 1 : 0 },
                                                   geometry: geometry,
                                                   connectivity: connectivity)
        let lesions = components.map {
            PETParameters.measure(image: image, voxels: $0, kernel: kernel)
        }
        var total = PETParameters.measure(image: image, voxels: components.flatMap { $0 }.sorted(),
                                          kernel: nil)
        if let best = lesions.filter({ !$0.suvPeak.isNaN }).max(by: { $0.suvPeak < $1.suvPeak }) {
            total.suvPeak = best.suvPeak
            total.suvPeakPoint = best.suvPeakPoint
        }
        return PETMeasurement(total: total, lesions: lesions, connectivity: connectivity.rawValue)
    }
}

extension PETParameters {
    /// Parameters of the voxels with the given linear indices (ascending); SUVpeak when a
    /// kernel is given, NaN otherwise.
    static func measure(image: ImageVolume, voxels: [Int], kernel: PeakSphere?) -> PETParameters {
        let geometry = image.geometry
        guard !voxels.isEmpty else {
            return PETParameters(voxels: 0, suvMax: .nan, suvMean: .nan, suvPeak: .nan, mtv: 0,
                                 tlg: 0, suvMaxPoint: [], suvPeakPoint: [])
        }
        var sum = 0.0
        var hottest = voxels[0]
        for i in voxels {
            sum += image.voxels[i]
            if image.voxels[i] > image.voxels[hottest] { hottest = i }
        }
        let mean = sum / Double(voxels.count)
        let mtv = Double(voxels.count) * geometry.voxelVolume / 1000
        var peak = Double.nan
        var peakPoint: [Double] = []
        if let kernel {
            var bestCentre = voxels[0]
            for centre in voxels {
                let value = kernel.mean(of: image, centredAt: centre)
                if peak.isNaN || value > peak {
                    peak = value
                    bestCentre = centre
                }
            }
            peakPoint = point(geometry, bestCentre)
        }
        return PETParameters(voxels: voxels.count, suvMax: image.voxels[hottest], suvMean: mean,
                             suvPeak: peak, mtv: mtv, tlg: mtv * mean,
                             suvMaxPoint: point(geometry, hottest), suvPeakPoint: peakPoint)
    }

    private static func point(_ geometry: Geometry, _ linear: Int) -> [Double] {
        let p = geometry.physicalPoint(ofIndex: SIMD3<Double>(geometry.voxelIndex(ofLinear: linear)))
        return [p.x, p.y, p.z]
    }
}

/// The 1 cm³ SUVpeak sphere as voxel offsets with partial-volume weights (see `PETParameters`).
struct PeakSphere {
    /// Radius of a 1 cm³ sphere in mm: (3000 / 4π)^(1/3).
    static let radius = Foundation.cbrt(3000 / (4 * Double.pi))

    let offsets: [SIMD3<Int>]
    let weights: [Double]

    /// Weights for a grid of the given spacing: for each voxel around the centre voxel, the
    /// fraction of its 20 × 20 × 20 sub-voxel centres that lie within `radius` of the centre.
    init(spacing: SIMD3<Double>, radius: Double = PeakSphere.radius, subdivisions: Int = 20) {
        let reach = SIMD3<Int>(Int((radius / spacing.x + 0.5).rounded(.up)),
                               Int((radius / spacing.y + 0.5).rounded(.up)),
                               Int((radius / spacing.z + 0.5).rounded(.up)))
        var offsets: [SIMD3<Int>] = []
        var weights: [Double] = []
        let n = subdivisions
        let r2 = radius * radius
        for dz in -reach.z...reach.z {
            for dy in -reach.y...reach.y {
                for dx in -reach.x...reach.x {
                    var inside = 0
                    for k in 0..<n {
                        let z = (Double(dz) - 0.5 + (Double(k) + 0.5) / Double(n)) * spacing.z
                        for j in 0..<n {
                            let y = (Double(dy) - 0.5 + (Double(j) + 0.5) / Double(n)) * spacing.y
                            for i in 0..<n {
                                let x = (Double(dx) - 0.5 + (Double(i) + 0.5) / Double(n))
                                    * spacing.x
                                if x * x + y * y + z * z <= r2 { inside += 1 }
                            }
                        }
                    }
                    if inside > 0 {
                        offsets.append(SIMD3(dx, dy, dz))
                        weights.append(Double(inside) / Double(n * n * n))
                    }
                }
            }
        }
        self.offsets = offsets
        self.weights = weights
    }

    /// Weighted mean SUV of the sphere centred on voxel `centre` (linear index); voxels outside
    /// the image or NaN are left out and the weights renormalised.
    func mean(of image: ImageVolume, centredAt centre: Int) -> Double {
        let geometry = image.geometry
        let c = geometry.voxelIndex(ofLinear: centre)
        var sum = 0.0
        var weight = 0.0
        for k in 0..<offsets.count {
            let p = c &+ offsets[k]
            guard geometry.contains(p) else { continue }
            let value = image.voxels[geometry.linearIndex(p.x, p.y, p.z)]
            guard !value.isNaN else { continue }
            sum += weights[k] * value
            weight += weights[k]
        }
        return weight > 0 ? sum / weight : .nan
    }
}

/// Connected-component labelling of a binary mask.
public enum ConnectedComponents {
    /// The components of the non-zero voxels, each as ascending linear indices, in the order of
    /// their first voxel.
    public static func label(_ mask: [UInt8], geometry: Geometry,
                             connectivity: Connectivity) -> [[Int]] {
        let offsets = connectivity.offsets
        var seen = [UInt8](repeating: 0, count: mask.count)
        var components: [[Int]] = []
        for first in 0..<mask.count where mask[first] != 0 && seen[first] == 0 {
            // Breadth-first search from the first unseen voxel of the next component.
            var queue = [first]
            seen[first] = 1
            var head = 0
            while head < queue.count {
                let index = geometry.voxelIndex(ofLinear: queue[head])
                head += 1
                for offset in offsets {
                    let p = index &+ offset
                    guard geometry.contains(p) else { continue }
                    let j = geometry.linearIndex(p.x, p.y, p.z)
                    if mask[j] != 0 && seen[j] == 0 {
                        seen[j] = 1
                        queue.append(j)
                    }
                }
            }
            queue.sort()
            components.append(queue)
        }
        return components
    }
}
