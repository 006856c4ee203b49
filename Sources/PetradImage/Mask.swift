import Foundation

/// How a mask is turned into the ROI, with PyRadiomics' setting names
/// (radiomics.imageoperations.getMask / checkMask).
public struct MaskSettings: Sendable, Equatable {
    /// Mask value that marks the ROI (`label`, default 1). Compared exactly with the stored
    /// value, so 256 in a 16-bit mask is its own label.
    public var label: Int
    /// `geometryTolerance`: how far the mask grid may differ from the image grid and still be
    /// used as it is. As in PyRadiomics (SimpleITK's global tolerances) the value is relative:
    /// origin and spacing may differ by `tolerance * imageSpacing.x` mm, direction cosines by
    /// `tolerance`. nil: petrad's default, 1e-3 for coordinates (a thousandth of a voxel:
    /// absorbs the float32 rounding between a NIfTI and a NRRD of the same scan, a few
    /// micrometres) and 1e-6 for directions. PyRadiomics' nil means SimpleITK's 1e-6 for both,
    /// which refuses float32-rounded origins; set 1e-6 to reproduce that.
    public var geometryTolerance: Double?
    /// `correctMask`: when the grids differ beyond the tolerance, resample the mask onto the
    /// image grid by physical position (nearest neighbour) instead of refusing it.
    public var correctMask: Bool
    /// `minimumROIDimensions`: the ROI's bounding box must be thicker than one voxel along at
    /// least this many axes (default 2). A single voxel is refused as in PyRadiomics unless
    /// this is 0 (a petrad extension: PyRadiomics always refuses a single voxel).
    public var minimumROIDimensions: Int
    /// `minimumROISize`: when set, the ROI must have MORE than this many voxels (PyRadiomics
    /// refuses `voxelCount <= minimumROISize`).
    public var minimumROISize: Int?

    public init(label: Int = 1, geometryTolerance: Double? = nil, correctMask: Bool = false,
                minimumROIDimensions: Int = 2, minimumROISize: Int? = nil) {
        self.label = label
        self.geometryTolerance = geometryTolerance
        self.correctMask = correctMask
        self.minimumROIDimensions = minimumROIDimensions
        self.minimumROISize = minimumROISize
    }

    /// Coordinate tolerance (relative to the image's x spacing) and direction tolerance.
    public var tolerances: (coordinate: Double, direction: Double) {
        if let geometryTolerance { return (geometryTolerance, geometryTolerance) }
        return (1e-3, 1e-6)
    }
}

/// The ROI diagnostics PyRadiomics reports as `diagnostics_Mask-<stage>_*`
/// (radiomics.generalinfo.addMaskElements), for one binary mask on its own grid.
public struct ROIStatistics: Sendable, Equatable {
    /// Lowest index of the ROI along x, y, z, and the bounding box size in voxels.
    public var boundingBoxLower: SIMD3<Int>
    public var boundingBoxSize: SIMD3<Int>
    /// `VoxelNum`: number of ROI voxels.
    public var voxelCount: Int
    /// `VolumeNum`: connected components with 26-connectivity (SimpleITK
    /// ConnectedComponentImageFilter, FullyConnectedOn).
    public var componentCount: Int
    /// `CenterOfMassIndex`: mean (x, y, z) index of the ROI voxels (unweighted).
    public var centerOfMassIndex: SIMD3<Double>
    /// `CenterOfMass`: that continuous index as a physical LPS point (mm).
    public var centerOfMass: SIMD3<Double>

    /// `BoundingBox` in PyRadiomics' order: (lower x, lower y, lower z, size x, size y, size z).
    public var boundingBox: [Int] {
        [boundingBoxLower.x, boundingBoxLower.y, boundingBoxLower.z,
         boundingBoxSize.x, boundingBoxSize.y, boundingBoxSize.z]
    }

    /// Number of axes along which the ROI is more than one voxel thick (0 for a single voxel).
    public var dimensionality: Int { (0..<3).filter { boundingBoxSize[$0] > 1 }.count }

    /// Statistics of the non-zero voxels of `mask`; nil when the mask is empty.
    public static func of(_ mask: Volume<UInt8>) -> ROIStatistics? {
        of(mask, at: .zero, in: mask.geometry)
    }

    /// Statistics of a mask given only on a box of its grid: `window` holds the box, whose first
    /// voxel is voxel `offset` of `grid`, and every voxel outside it is 0. Indices and positions
    /// are those of `grid`, as for the whole mask.
    public static func of(_ window: Volume<UInt8>, at offset: SIMD3<Int>, in grid: Geometry)
        -> ROIStatistics?
    {
        let mask = window
        let g = mask.geometry
        var lower = SIMD3(Int.max, Int.max, Int.max), upper = SIMD3(-1, -1, -1)
        var sum = SIMD3<Int>(0, 0, 0)
        var count = 0
        mask.voxels.withUnsafeBufferPointer { v in
            var i = 0
            for z in 0..<g.size.z {
                for y in 0..<g.size.y {
                    for x in 0..<g.size.x {
                        if v[i] != 0 {
                            let p = SIMD3(x, y, z) &+ offset
                            lower = pointwiseMin(lower, p)
                            upper = pointwiseMax(upper, p)
                            sum &+= p
                            count += 1
                        }
                        i += 1
                    }
                }
            }
        }
        guard count > 0 else { return nil }
        let center = SIMD3<Double>(Double(sum.x), Double(sum.y), Double(sum.z)) / Double(count)
        return ROIStatistics(
            boundingBoxLower: lower, boundingBoxSize: upper &- lower &+ 1, voxelCount: count,
            componentCount: components(mask, lower: lower &- offset, upper: upper &- offset),
            centerOfMassIndex: center, centerOfMass: grid.physicalPoint(ofIndex: center))
    }

    /// 26-connected components inside the bounding box, by flood fill with an explicit stack.
    static func components(_ mask: Volume<UInt8>, lower: SIMD3<Int>, upper: SIMD3<Int>) -> Int {
        let g = mask.geometry
        var visited = [Bool](repeating: false, count: g.count)
        var stack: [Int] = []
        var count = 0
        for z in lower.z...upper.z {
            for y in lower.y...upper.y {
                for x in lower.x...upper.x {
                    let start = g.linearIndex(x, y, z)
                    guard mask.voxels[start] != 0, !visited[start] else { continue }
                    count += 1
                    visited[start] = true
                    stack.append(start)
                    while let i = stack.popLast() {
                        let cx = i % g.size.x, cy = (i / g.size.x) % g.size.y
                        let cz = i / (g.size.x * g.size.y)
                        for nz in max(cz - 1, lower.z)...min(cz + 1, upper.z) {
                            for ny in max(cy - 1, lower.y)...min(cy + 1, upper.y) {
                                for nx in max(cx - 1, lower.x)...min(cx + 1, upper.x) {
                                    let j = g.linearIndex(nx, ny, nz)
                                    if mask.voxels[j] != 0 && !visited[j] {
                                        visited[j] = true
                                        stack.append(j)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return count
    }
}

/// How the mask grid differs from the image grid (mask minus image).
public struct GeometryDifference: Sendable, Equatable {
    public var size: SIMD3<Int>
    public var origin: SIMD3<Double>
    public var spacing: SIMD3<Double>
    /// Largest absolute difference between direction cosines.
    public var direction: Double
    /// Tolerances used, in mm (coordinates) and as cosines (direction).
    public var coordinateTolerance: Double
    public var directionTolerance: Double

    /// True when the mask can be used on the image grid as it is.
    public var withinTolerance: Bool {
        size == SIMD3(0, 0, 0)
            && (0..<3).allSatisfy { abs(origin[$0]) <= coordinateTolerance
                && abs(spacing[$0]) <= coordinateTolerance }
            && direction <= directionTolerance
    }

    public init(image: Geometry, mask: Geometry, coordinateTolerance: Double,
                directionTolerance: Double) {
        size = mask.size &- image.size
        origin = mask.origin - image.origin
        spacing = mask.spacing - image.spacing
        direction = zip(mask.direction, image.direction).map { abs($0 - $1) }.max() ?? 0
        self.coordinateTolerance = coordinateTolerance
        self.directionTolerance = directionTolerance
    }

    /// One line naming every difference, per axis, e.g. "origin differs by (0.45, 0, 0) mm".
    public var summary: String {
        func short(_ x: Double) -> String { String(format: "%.6g", x) }
        func triple(_ v: SIMD3<Double>) -> String {
            "(" + (0..<3).map { short(v[$0]) }.joined(separator: ", ") + ")"
        }
        var parts: [String] = []
        if size != SIMD3(0, 0, 0) {
            parts.append("size differs by (\(size.x), \(size.y), \(size.z)) voxels")
        }
        if (0..<3).contains(where: { origin[$0] != 0 }) {
            parts.append("origin differs by \(triple(origin)) mm")
        }
        if (0..<3).contains(where: { spacing[$0] != 0 }) {
            parts.append("spacing differs by \(triple(spacing)) mm")
        }
        if direction != 0 { parts.append("direction cosines differ by up to \(short(direction))") }
        if parts.isEmpty { return "identical grids" }
        return parts.joined(separator: "; ")
            + " (tolerance \(short(coordinateTolerance)) mm, direction "
            + "\(short(directionTolerance)))"
    }
}

/// What happened when a mask was turned into the ROI.
public struct MaskReport: Sendable {
    public var label: Int
    /// ROI on the mask's own grid, as loaded (`diagnostics_Mask-original_*`).
    public var original: ROIStatistics
    /// ROI after resampling onto the image grid (`diagnostics_Mask-corrected_*`); nil when the
    /// mask was used as it is.
    public var corrected: ROIStatistics?
    /// Mask grid minus image grid.
    public var geometry: GeometryDifference
    /// ROI voxels of the original mask whose centres fall outside the image (only when the mask
    /// was resampled); they are not part of the ROI.
    public var roiVoxelsOutsideImage: Int
    /// Sentences for the log (resampling done, voxels dropped).
    public var warnings: [String]

    /// The statistics of the ROI actually used.
    public var final: ROIStatistics { corrected ?? original }
    public var wasResampled: Bool { corrected != nil }
}

/// Turns stored mask values into the binary ROI on the image grid, as PyRadiomics does
/// (getMask, then checkMask with `correctMask`, `geometryTolerance`, `minimumROIDimensions`,
/// `minimumROISize`), with petrad's differences stated on `MaskSettings`:
/// - a label is matched exactly against the stored value (PyRadiomics casts the mask to UInt32
///   first, which truncates 1.5 to 1 and 1/255 to 0; petrad reports non-integer values instead);
/// - with `correctMask`, ROI voxels that fall outside the image are dropped, counted and
///   reported (PyRadiomics refuses such a mask in `_checkROI`);
/// - the default coordinate tolerance is 1e-3 of a voxel (see `MaskSettings.geometryTolerance`).
public enum MaskLoader {
    /// Selects `settings.label` from `maskValues` and returns the ROI (1 inside, 0 outside) on
    /// the `image` grid, with the diagnostics. `file` names the mask in errors.
    ///
    /// Throws `InputError` when the label is absent (listing the values present), when the grids
    /// differ beyond the tolerance without `correctMask` (giving the difference per axis), when
    /// no ROI voxel lies inside the image, or when the ROI is too small.
    public static func select(maskValues: ImageVolume, image: Geometry, settings: MaskSettings,
                              file: String) throws -> (mask: Volume<UInt8>, report: MaskReport) {
        let label = Double(settings.label)
        let selected = Volume<UInt8>(geometry: maskValues.geometry,
                                     voxels: maskValues.voxels.map { $0 == label ? 1 : 0 })
        guard let original = ROIStatistics.of(selected) else {
            throw InputError(file: file, field: "label", value: "\(settings.label)",
                             labelAbsentMessage(maskValues.voxels, label: settings.label))
        }

        let (coordinate, direction) = settings.tolerances
        let difference = GeometryDifference(image: image, mask: maskValues.geometry,
                                            coordinateTolerance: coordinate * abs(image.spacing.x),
                                            directionTolerance: direction)
        var report = MaskReport(label: settings.label, original: original, corrected: nil,
                                geometry: difference, roiVoxelsOutsideImage: 0, warnings: [])
        var mask: Volume<UInt8>
        if difference.withinTolerance {
            mask = Volume(geometry: image, voxels: selected.voxels)
        } else if !settings.correctMask {
            throw InputError(file: file, field: "geometry", value: difference.summary,
                             "the mask grid does not match the image grid; set correctMask to "
                             + "resample the mask onto the image by physical position, or raise "
                             + "geometryTolerance if the difference is rounding.")
        } else {
            mask = resampleNearest(selected, onto: image)
            let outside = roiVoxelsOutside(selected, image: image)
            guard let corrected = ROIStatistics.of(mask) else {
                throw InputError(file: file, field: "geometry", value: difference.summary,
                                 "no voxel of label \(settings.label) lies inside the image "
                                 + "(\(outside) of \(original.voxelCount) ROI voxels fall outside "
                                 + "it); check that the mask belongs to this image.")
            }
            report.corrected = corrected
            report.roiVoxelsOutsideImage = outside
            report.warnings.append("mask resampled onto the image grid by physical position "
                                   + "(nearest neighbour): \(difference.summary); ROI has "
                                   + "\(corrected.voxelCount) voxels (\(original.voxelCount) on "
                                   + "the mask grid)")
            if outside > 0 {
                report.warnings.append("\(outside) of \(original.voxelCount) ROI voxels fall "
                                       + "outside the image and were dropped (PyRadiomics "
                                       + "refuses such a mask)")
            }
        }

        let roi = report.final
        let dimensions = roi.dimensionality
        if dimensions == 0 && settings.minimumROIDimensions > 0 {
            throw InputError(file: file, field: "minimumROIDimensions",
                             value: "\(settings.minimumROIDimensions)",
                             "the ROI (label \(settings.label)) is a single voxel; features "
                             + "cannot be extracted from it (set minimumROIDimensions to 0 to "
                             + "allow it).")
        }
        if dimensions < settings.minimumROIDimensions {
            throw InputError(file: file, field: "minimumROIDimensions",
                             value: "\(settings.minimumROIDimensions)",
                             "the ROI (label \(settings.label)) spans \(dimensions) dimension(s) "
                             + "(bounding box \(roi.boundingBoxSize.x) x \(roi.boundingBoxSize.y) "
                             + "x \(roi.boundingBoxSize.z) voxels), fewer than required.")
        }
        if let minimum = settings.minimumROISize, roi.voxelCount <= minimum {
            throw InputError(file: file, field: "minimumROISize", value: "\(minimum)",
                             "the ROI (label \(settings.label)) has \(roi.voxelCount) voxels; "
                             + "more than \(minimum) are required.")
        }
        return (mask, report)
    }

    /// Reads the mask file (values kept exactly) and selects the ROI on the image grid.
    public static func load(maskPath: String, image: Geometry, settings: MaskSettings) throws
        -> (mask: Volume<UInt8>, report: MaskReport)
    {
        try select(maskValues: try ImageIO.readMaskValues(path: maskPath), image: image,
                   settings: settings, file: maskPath)
    }

    /// Nearest-neighbour resampling of `mask` onto `target` (ITK ResampleImageFilter with
    /// NearestNeighborInterpolateImageFunction, default value 0): each target voxel centre is
    /// mapped to the mask's continuous index and rounded half up; outside the mask it is 0.
    public static func resampleNearest(_ mask: Volume<UInt8>, onto target: Geometry)
        -> Volume<UInt8>
    {
        let source = mask.geometry
        // Affine map target index -> source continuous index: c = base + i*ax + j*ay + k*az.
        let base = source.continuousIndex(ofPoint: target.physicalPoint(ofIndex: .zero))
        func step(_ unit: SIMD3<Double>) -> SIMD3<Double> {
            source.continuousIndex(ofPoint: target.physicalPoint(ofIndex: unit)) - base
        }
        let ax = step(SIMD3(1, 0, 0)), ay = step(SIMD3(0, 1, 0)), az = step(SIMD3(0, 0, 1))
        let n = source.size
        var out = [UInt8](repeating: 0, count: target.count)
        mask.voxels.withUnsafeBufferPointer { v in
            var index = 0
            for k in 0..<target.size.z {
                for j in 0..<target.size.y {
                    let row = base + Double(j) * ay + Double(k) * az
                    for i in 0..<target.size.x {
                        let c = row + Double(i) * ax
                        let x = Int((c.x + 0.5).rounded(.down))
                        let y = Int((c.y + 0.5).rounded(.down))
                        let z = Int((c.z + 0.5).rounded(.down))
                        if x >= 0, y >= 0, z >= 0, x < n.x, y < n.y, z < n.z {
                            out[index] = v[x + n.x * (y + n.y * z)]
                        }
                        index += 1
                    }
                }
            }
        }
        return Volume(geometry: target, voxels: out)
    }

    /// ROI voxels of `mask` whose centres fall outside the image grid (outside the half-voxel
    /// border around the image's voxel centres).
    static func roiVoxelsOutside(_ mask: Volume<UInt8>, image: Geometry) -> Int {
        let g = mask.geometry
        var outside = 0
        var index = 0
        let limit = SIMD3<Double>(Double(image.size.x), Double(image.size.y),
                                  Double(image.size.z)) - 0.5
        for z in 0..<g.size.z {
            for y in 0..<g.size.y {
                for x in 0..<g.size.x {
                    defer { index += 1 }
                    guard mask.voxels[index] != 0 else { continue }
                    let c = image.continuousIndex(
                        ofPoint: g.physicalPoint(ofIndex: SIMD3(Double(x), Double(y), Double(z))))
                    if (0..<3).contains(where: { c[$0] < -0.5 || c[$0] >= limit[$0] }) {
                        outside += 1
                    }
                }
            }
        }
        return outside
    }

    /// "label 1 is not in the mask; values present: 0 (990 voxels), 255 (10 voxels) ..."
    static func labelAbsentMessage(_ values: [Double], label: Int) -> String {
        var counts: [Double: Int] = [:]
        for v in values { counts[v, default: 0] += 1 }
        let nonZero = counts.keys.filter { $0 != 0 }.sorted()
        if nonZero.isEmpty {
            return "the mask is empty (every voxel is 0); nothing is segmented."
        }
        func text(_ v: Double) -> String {
            v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : formatNumber(v)
        }
        let listed = nonZero.prefix(12).map { "\(text($0)) (\(counts[$0]!) voxels)" }
        var message = "label \(label) is not in the mask; non-zero values present: "
            + listed.joined(separator: ", ")
            + (nonZero.count > 12 ? ", ... (\(nonZero.count) distinct values)" : "")
        if nonZero.contains(where: { $0 != $0.rounded() }) {
            message += ". The mask holds non-integer values (a float mask scaled to 0..1/255?); "
                + "labels must be whole numbers (PyRadiomics would truncate them to integers)"
        }
        return message + ". Choose the ROI's value with the label setting."
    }
}
