import Foundation
import PetradCore
import PetradImage

/// One step of a delineation: the threshold used, the background it came from (adaptive
/// method), and the number of voxels the region then held.
public struct DelineationStep: Codable, Sendable, Equatable {
    public var iteration: Int
    public var threshold: Double
    public var background: Double?
    public var backgroundVoxels: Int?
    public var voxels: Int
}

/// What a delineation did, in the order it did it; written as the JSON sidecar of the mask.
public struct DelineationRecord: Codable, Sendable, Equatable {
    public var method: String
    /// Fixed SUV threshold, or the fraction f of the fraction / adaptive methods.
    public var parameter: Double
    public var connectivity: Int
    public var start: String
    /// Voxel where the region starts (the lesion's hottest voxel) and its LPS position (mm).
    public var startIndex: [Int]
    public var startPoint: [Double]
    /// SUV of the start voxel (the `max` of the threshold formulas).
    public var maximum: Double
    public var maximumRadius: Double?
    public var excludedVoxels: Int
    public var shellGap: Double?
    public var shellThickness: Double?
    public var maximumIterations: Int?
    /// Every threshold used, in order; the last one made the mask.
    public var steps: [DelineationStep]
    /// Number of threshold updates after the first region (0 for fixed and fraction).
    public var iterations: Int
    public var converged: Bool
    public var warnings: [String]
}

/// A delineated volume: the binary mask (1 inside) on the image grid and how it was made.
public struct Delineation: Sendable {
    public var mask: Volume<UInt8>
    public var record: DelineationRecord

    /// Delineates one tumour volume on an SUV image.
    ///
    /// Steps, for every method: (1) the search region is the start's box or rough mask (or the
    /// whole image), minus the exclusion mask, minus voxels farther than `maximumRadius` from
    /// the centre; (2) the start voxel is the hottest voxel of the search region, or for a seed
    /// the local maximum reached uphill from it; (3) the method's threshold is applied and one
    /// region is grown from the start voxel (or, for a fixed threshold without a seed, every
    /// voxel above it is kept).
    ///
    /// An empty search region, or a start voxel below the threshold, gives an empty mask and a
    /// warning in the record, not an error.
    /// - Throws: `InputError` when a mask is not on the image grid, a seed lies outside the
    ///   image, a box is empty or a setting is out of range.
    public static func delineate(image: ImageVolume, settings: DelineationSettings) throws
        -> Delineation
    {
        let geometry = image.geometry
        let values = image.voxels
        try validate(settings, geometry: geometry)

        // Step 1: the search region, before the radius limit.
        var allowed = [UInt8](repeating: 1, count: values.count)
        var seedVoxel: Int? = nil
        var startText = "whole image"
        switch settings.start {
        case .seedPoint(let point):
            let index = geometry.continuousIndex(ofPoint: point)
            let voxel = SIMD3(Int(index.x.rounded()), Int(index.y.rounded()),
                              Int(index.z.rounded()))
            seedVoxel = geometry.linearIndex(voxel.x, voxel.y, voxel.z)
            startText = "seed point \(point.x),\(point.y),\(point.z) mm (LPS)"
        case .seedIndex(let voxel):
            seedVoxel = geometry.linearIndex(voxel.x, voxel.y, voxel.z)
            startText = "seed index \(voxel.x),\(voxel.y),\(voxel.z)"
        case .box(let lower, let upper):
            allowed = [UInt8](repeating: 0, count: values.count)
            for z in lower.z...upper.z {
                for y in lower.y...upper.y {
                    for x in lower.x...upper.x { allowed[geometry.linearIndex(x, y, z)] = 1 }
                }
            }
            startText = "box \(lower.x),\(lower.y),\(lower.z) to \(upper.x),\(upper.y),\(upper.z)"
        case .roughMask(let rough):
            allowed = rough.voxels.map { $0 != 0 ? 1 : 0 }
            startText = "rough mask"
        case .wholeImage:
            break
        }
        var excluded = 0
        if let exclusion = settings.exclusion {
            for i in 0..<values.count where exclusion.voxels[i] != 0 {
                allowed[i] = 0
                excluded += 1
            }
        }
        // NaN voxels (outside a reconstruction) are never part of a volume.
        for i in 0..<values.count where values[i].isNaN { allowed[i] = 0 }

        // Step 2: the centre of the radius limit, then the start voxel.
        let hottestAllowed = hottest(values, in: allowed)
        let centre = seedVoxel ?? hottestAllowed
        if let radius = settings.maximumRadius, let centre {
            limit(&allowed, geometry: geometry, around: centre, radius: radius)
        }
        var warnings: [String] = []
        var start: Int? = nil
        if let seed = seedVoxel {
            if allowed[seed] == 0 {
                warnings.append("the seed voxel is excluded or NaN; the mask is empty")
            } else {
                start = RegionGrowing.climb(values: values, geometry: geometry, allowed: allowed,
                                            start: seed, connectivity: settings.connectivity)
            }
        } else {
            start = hottest(values, in: allowed)
            if start == nil { warnings.append("the search region is empty; the mask is empty") }
        }

        var record = DelineationRecord(
            method: settings.method.name, parameter: .nan,
            connectivity: settings.connectivity.rawValue, start: startText,
            startIndex: [], startPoint: [], maximum: .nan,
            maximumRadius: settings.maximumRadius, excludedVoxels: excluded, shellGap: nil,
            shellThickness: nil, maximumIterations: nil, steps: [], iterations: 0,
            converged: true, warnings: warnings)
        var region: [Int] = []
        if let start {
            let index = geometry.voxelIndex(ofLinear: start)
            let point = geometry.physicalPoint(ofIndex: SIMD3<Double>(index))
            record.startIndex = [index.x, index.y, index.z]
            record.startPoint = [point.x, point.y, point.z]
            record.maximum = values[start]
        }

        // Step 3: the method.
        switch settings.method {
        case .fixedThreshold(let suv):
            record.parameter = suv
            if let start {
                if seedVoxel != nil {
                    region = RegionGrowing.grow(values: values, geometry: geometry,
                                                allowed: allowed, start: start, threshold: suv,
                                                connectivity: settings.connectivity)
                } else {
                    region = (0..<values.count).filter { allowed[$0] != 0 && values[$0] >= suv }
                }
                record.steps = [DelineationStep(iteration: 0, threshold: suv, background: nil,
                                                backgroundVoxels: nil, voxels: region.count)]
            }
        case .fractionOfMaximum(let fraction):
            record.parameter = fraction
            if let start {
                let threshold = fraction * values[start]
                region = RegionGrowing.grow(values: values, geometry: geometry, allowed: allowed,
                                            start: start, threshold: threshold,
                                            connectivity: settings.connectivity)
                record.steps = [DelineationStep(iteration: 0, threshold: threshold,
                                                background: nil, backgroundVoxels: nil,
                                                voxels: region.count)]
            }
        case .backgroundAdaptive(let adaptive):
            record.parameter = adaptive.fraction
            record.shellGap = adaptive.shellGap
            record.shellThickness = adaptive.shellThickness
            record.maximumIterations = adaptive.maximumIterations
            if let start {
                let result = adaptiveRegion(values: values, geometry: geometry, allowed: allowed,
                                            background: excludedMask(settings, count: values.count),
                                            start: start, settings: adaptive,
                                            connectivity: settings.connectivity)
                region = result.region
                record.steps = result.steps
                record.iterations = result.steps.count - 1
                record.converged = result.converged
                record.warnings += result.warnings
            }
        }
        if start != nil && region.isEmpty {
            record.warnings.append("the start voxel is below the threshold; the mask is empty")
        }

        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        for i in region { mask.voxels[i] = 1 }
        return Delineation(mask: mask, record: record)
    }

    /// The adaptive iteration (see `AdaptiveThreshold`). `usable` marks voxels that may serve as
    /// background (not excluded, not NaN).
    static func adaptiveRegion(values: [Double], geometry: Geometry, allowed: [UInt8],
                               background usable: [UInt8], start: Int,
                               settings: AdaptiveThreshold, connectivity: Connectivity)
        -> (region: [Int], steps: [DelineationStep], converged: Bool, warnings: [String])
    {
        let maximum = values[start]
        let f = settings.fraction
        var threshold = f * maximum
        var region = RegionGrowing.grow(values: values, geometry: geometry, allowed: allowed,
                                        start: start, threshold: threshold,
                                        connectivity: connectivity)
        var steps = [DelineationStep(iteration: 0, threshold: threshold, background: 0,
                                     backgroundVoxels: nil, voxels: region.count)]
        var warnings: [String] = []
        var background = 0.0
        var previous: [Int] = []
        var iteration = 0
        while !region.isEmpty && iteration < settings.maximumIterations {
            iteration += 1
            let shell = shellMean(values: values, geometry: geometry, region: region,
                                  usable: usable, gap: settings.shellGap,
                                  thickness: settings.shellThickness)
            if let mean = shell.mean {
                background = mean
            } else {
                warnings.append("iteration \(iteration): the background shell is empty (the "
                                + "region reaches the image border); the previous background "
                                + "\(formatNumber(background)) is kept")
            }
            if background >= maximum {
                warnings.append("iteration \(iteration): background \(formatNumber(background)) "
                                + ">= maximum \(formatNumber(maximum)); no lesion contrast")
            }
            threshold = background + f * (maximum - background)
            let next = RegionGrowing.grow(values: values, geometry: geometry, allowed: allowed,
                                          start: start, threshold: threshold,
                                          connectivity: connectivity)
            steps.append(DelineationStep(iteration: iteration, threshold: threshold,
                                         background: background, backgroundVoxels: shell.count,
                                         voxels: next.count))
            if next == region {
                return (region, steps, true, warnings)
            }
            // A region seen two steps ago: the iteration alternates between two regions and
            // never settles; the larger one (the lower threshold) is returned.
            if steps.count >= 3 && next == previous {
                let larger = next.count > region.count ? next : region
                warnings.append("the region alternates between \(region.count) and "
                                + "\(next.count) voxels; the larger is returned")
                return (larger, steps, false, warnings)
            }
            previous = region
            region = next
        }
        if !region.isEmpty {
            warnings.append("the region still changed after \(settings.maximumIterations) "
                            + "iterations; the last region is returned")
        }
        return (region, steps, region.isEmpty, warnings)
    }

    /// Mean SUV of the usable voxels whose distance (mm) from the region lies in
    /// (gap, gap + thickness]; nil when there are none. Computed in the region's bounding box
    /// widened by gap + thickness.
    static func shellMean(values: [Double], geometry: Geometry, region: [Int], usable: [UInt8],
                          gap: Double, thickness: Double) -> (mean: Double?, count: Int) {
        let size = geometry.size
        var lower = SIMD3<Int>(repeating: .max)
        var upper = SIMD3<Int>(repeating: .min)
        for i in region {
            let index = geometry.voxelIndex(ofLinear: i)
            lower = pointwiseMin(lower, index)
            upper = pointwiseMax(upper, index)
        }
        let reach = gap + thickness
        let margin = SIMD3<Int>(Int((reach / geometry.spacing.x).rounded(.up)),
                                Int((reach / geometry.spacing.y).rounded(.up)),
                                Int((reach / geometry.spacing.z).rounded(.up)))
        lower = pointwiseMax(lower &- margin, .zero)
        upper = pointwiseMin(upper &+ margin, size &- 1)
        let box = upper &- lower &+ 1

        var inside = [UInt8](repeating: 0, count: box.x * box.y * box.z)
        for i in region {
            let p = geometry.voxelIndex(ofLinear: i) &- lower
            inside[p.x + box.x * (p.y + box.y * p.z)] = 1
        }
        let distance = DistanceTransform.squaredDistances(toSet: inside, size: box,
                                                          spacing: geometry.spacing)
        let inner = gap * gap
        let outer = reach * reach
        var sum = 0.0
        var count = 0
        for z in 0..<box.z {
            for y in 0..<box.y {
                for x in 0..<box.x {
                    let d = distance[x + box.x * (y + box.y * z)]
                    guard d > inner && d <= outer else { continue }
                    let i = geometry.linearIndex(x + lower.x, y + lower.y, z + lower.z)
                    guard usable[i] != 0 else { continue }
                    sum += values[i]
                    count += 1
                }
            }
        }
        return (count > 0 ? sum / Double(count) : nil, count)
    }

    /// Voxels usable as background: not in the exclusion mask, not NaN.
    static func excludedMask(_ settings: DelineationSettings, count: Int) -> [UInt8] {
        guard let exclusion = settings.exclusion else {
            return [UInt8](repeating: 1, count: count)
        }
        return exclusion.voxels.map { $0 != 0 ? 0 : 1 }
    }

    /// Linear index of the hottest voxel with `allowed != 0` (ties: the lowest index), or nil.
    static func hottest(_ values: [Double], in allowed: [UInt8]) -> Int? {
        var best: Int? = nil
        for i in 0..<values.count where allowed[i] != 0 {
            if best == nil || values[i] > values[best!] { best = i }
        }
        return best
    }

    /// Clears `allowed` for voxel centres farther than `radius` mm from the centre voxel.
    static func limit(_ allowed: inout [UInt8], geometry: Geometry, around centre: Int,
                      radius: Double) {
        let c = geometry.voxelIndex(ofLinear: centre)
        let size = geometry.size
        for z in 0..<size.z {
            for y in 0..<size.y {
                for x in 0..<size.x {
                    let i = geometry.linearIndex(x, y, z)
                    guard allowed[i] != 0 else { continue }
                    let step = SIMD3<Double>(SIMD3(x, y, z) &- c)
                    if geometry.physicalLength(ofIndexStep: step) > radius { allowed[i] = 0 }
                }
            }
        }
    }

    static func validate(_ settings: DelineationSettings, geometry: Geometry) throws {
        let source = "delineation"
        func text(_ v: SIMD3<Int>) -> String { "\(v.x) x \(v.y) x \(v.z)" }
        func text(_ v: SIMD3<Double>) -> String {
            "\(formatNumber(v.x)), \(formatNumber(v.y)), \(formatNumber(v.z))"
        }
        func sameGrid(_ mask: Volume<UInt8>, _ field: String) throws {
            guard mask.geometry.size == geometry.size else {
                throw InputError(file: source, field: field, value: text(mask.geometry.size),
                                 "the mask size differs from the image size "
                                 + "\(text(geometry.size)); "
                                 + "resample the mask onto the image grid.")
            }
            let offset = mask.geometry.origin - geometry.origin
            let tolerance = 1e-3 * max(geometry.spacing.x, geometry.spacing.y, geometry.spacing.z)
            let d = mask.geometry.spacing - geometry.spacing
            let spacingDifference = max(abs(d.x), abs(d.y), abs(d.z))
            guard (offset * offset).sum().squareRoot() <= tolerance,
                  spacingDifference <= 1e-4 * geometry.spacing.min() else {
                throw InputError(file: source, field: field,
                                 value: "origin \(text(mask.geometry.origin))",
                                 "the mask lies on another grid than the image (origin "
                                 + "\(text(geometry.origin)), spacing \(text(geometry.spacing))); "
                                 + "resample it.")
            }
        }
        if let exclusion = settings.exclusion { try sameGrid(exclusion, "exclusion mask") }
        switch settings.start {
        case .roughMask(let rough): try sameGrid(rough, "rough mask")
        case .seedIndex(let voxel):
            guard geometry.contains(voxel) else {
                throw InputError(file: source, field: "seed index",
                                 value: "\(voxel.x),\(voxel.y),\(voxel.z)",
                                 "lies outside the image of size \(text(geometry.size)).")
            }
        case .seedPoint(let point):
            let index = geometry.continuousIndex(ofPoint: point)
            let voxel = SIMD3(Int(index.x.rounded()), Int(index.y.rounded()),
                              Int(index.z.rounded()))
            guard geometry.contains(voxel) else {
                throw InputError(file: source, field: "seed point",
                                 value: "\(point.x),\(point.y),\(point.z)",
                                 "lies outside the image (nearest voxel \(text(voxel)), size "
                                 + "\(text(geometry.size))); give LPS millimetres.")
            }
        case .box(let lower, let upper):
            guard geometry.contains(lower), geometry.contains(upper),
                  lower.x <= upper.x, lower.y <= upper.y, lower.z <= upper.z else {
                throw InputError(file: source, field: "box",
                                 value: "\(lower.x),\(lower.y),\(lower.z),"
                                    + "\(upper.x),\(upper.y),\(upper.z)",
                                 "needs lower <= upper corners inside the image of size "
                                 + "\(text(geometry.size)).")
            }
        case .wholeImage: break
        }
        if let radius = settings.maximumRadius, !(radius > 0) {
            throw InputError(file: source, field: "maximum radius", value: formatNumber(radius),
                             "must be a positive distance in mm.")
        }
        switch settings.method {
        case .fixedThreshold(let suv):
            guard suv.isFinite else {
                throw InputError(file: source, field: "threshold", value: formatNumber(suv),
                                 "must be a finite SUV.")
            }
        case .fractionOfMaximum(let f):
            guard f > 0 && f <= 1 else {
                throw InputError(file: source, field: "fraction", value: formatNumber(f),
                                 "must lie in (0, 1], e.g. 0.41.")
            }
        case .backgroundAdaptive(let a):
            guard a.fraction > 0 && a.fraction <= 1 else {
                throw InputError(file: source, field: "fraction", value: formatNumber(a.fraction),
                                 "must lie in (0, 1], e.g. 0.39.")
            }
            guard a.shellGap >= 0, a.shellThickness > 0, a.maximumIterations >= 1 else {
                throw InputError(file: source, field: "shell",
                                 value: "\(a.shellGap), \(a.shellThickness), "
                                    + "\(a.maximumIterations)",
                                 "needs gap >= 0 mm, thickness > 0 mm and at least 1 iteration.")
            }
        }
    }
}
