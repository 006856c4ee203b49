import Foundation
import PetradImage

/// A uniform hot sphere in a uniform background, blurred by an isotropic Gaussian (a PET-like
/// point-spread function) and sampled at voxel centres, noise-free.
///
/// The blurred profile is analytic: for a ball of radius R convolved with a 3D Gaussian of
/// standard deviation s, at distance r from the centre,
/// ```
/// g(r) = ½[erf((R − r)/(s√2)) + erf((R + r)/(s√2))]
///        − s/(r√(2π)) [exp(−(R − r)²/(2s²)) − exp(−(R + r)²/(2s²))]
/// ```
/// (g(0) = erf(R/(s√2)) − 2R/(s√(2π)) exp(−R²/(2s²))), and the image is
/// `background × (1 + (ratio − 1) g(r))`.
struct SyntheticSphere {
    var diameter: Double
    var ratio: Double
    var spacing: SIMD3<Double>
    var fwhm: Double = 6
    var background: Double = 1
    /// Margin (mm) between the sphere's surface and the image border.
    var margin: Double = 25
    /// Sphere centre offset from the central voxel, in voxels (so the grid is not symmetric).
    var offset = SIMD3<Double>(0.3, 0.1, 0.45)

    var radius: Double { diameter / 2 }
    var sigma: Double { fwhm / (8 * log(2)).squareRoot() }
    /// True volume in mL.
    var volume: Double { 4 / 3 * Double.pi * pow(radius, 3) / 1000 }

    /// Blurred profile g(r) in [0, 1].
    func profile(_ r: Double) -> Double {
        let s = sigma
        let big = radius
        let root2 = 2.0.squareRoot()
        if r < 1e-9 {
            return erf(big / (s * root2))
                - 2 * big / (s * (2 * Double.pi).squareRoot()) * exp(-big * big / (2 * s * s))
        }
        let a = 0.5 * (erf((big - r) / (s * root2)) + erf((big + r) / (s * root2)))
        let b = s / (r * (2 * Double.pi).squareRoot())
            * (exp(-(big - r) * (big - r) / (2 * s * s)) - exp(-(big + r) * (big + r) / (2 * s * s)))
        return a - b
    }

    /// SUV at distance r from the centre.
    func value(atDistance r: Double) -> Double {
        background * (1 + (ratio - 1) * profile(r))
    }

    /// Radius (mm) where the blurred profile falls to `level` (SUV), by bisection; the radius of
    /// the iso-surface that an exact threshold at `level` would delineate.
    func isoRadius(level: Double) -> Double {
        var low = 0.0
        var high = radius + 10 * sigma
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if value(atDistance: middle) >= level { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// Centre of the sphere, in voxel indices.
    var centreIndex: SIMD3<Double> {
        let n = size
        return SIMD3<Double>(n &- 1) / 2 + offset
    }

    var size: SIMD3<Int> {
        let half = radius + margin
        return SIMD3<Int>(Int((2 * half / spacing.x).rounded(.up)) + 1,
                          Int((2 * half / spacing.y).rounded(.up)) + 1,
                          Int((2 * half / spacing.z).rounded(.up)) + 1)
    }

    func image() -> ImageVolume {
        let geometry = Geometry(size: size, spacing: spacing, origin: SIMD3(-100, -50, 200))
        var volume = ImageVolume(geometry: geometry, repeating: 0)
        let c = centreIndex
        for z in 0..<size.z {
            for y in 0..<size.y {
                for x in 0..<size.x {
                    let d = (SIMD3<Double>(Double(x), Double(y), Double(z)) - c) * spacing
                    volume[x, y, z] = value(atDistance: (d * d).sum().squareRoot())
                }
            }
        }
        return volume
    }
}
