import Dispatch
import Foundation

/// PyRadiomics' feature extraction pipeline (`featureextractor.RadiomicsFeatureExtractor`):
/// load, select the label, normalise, resample (or pre-crop), check the mask, resegment,
/// compute shape on the mask, then every other enabled class on the image cropped to the ROI.
///
/// Where petrad differs from PyRadiomics on purpose: a ROI of one voxel is not refused
/// (PyRadiomics: "mask only contains 1 segmented voxel"); values that cannot exist for it are
/// NaN, and `diagnostics_petrad_Notes` says why.
public struct Extractor: Sendable {
    public var settings: ExtractionSettings

    public init(settings: ExtractionSettings = ExtractionSettings()) {
        self.settings = settings
    }

    /// One case from files. `label` overrides `settings.label`.
    public func extract(imagePath: String, maskPath: String, label: Int? = nil) throws
        -> FeatureRow
    {
        let (image, header) = try ImageIO.read(path: imagePath)
        let mask = try ImageIO.readMaskValues(path: maskPath)
        do {
            return try extract(image: image, maskValues: mask, label: label,
                               imageScalar: header.scalarType)
        } catch var error as InputError {
            if error.file.isEmpty { error.file = maskPath }
            throw error
        }
    }

    /// One case in memory.
    ///
    /// - Parameters:
    ///   - maskValues: the mask's stored values (label map or float mask), never cast to 8 bits.
    ///   - label: the ROI's value; default `settings.label`.
    ///   - imageScalar: the image's type on disk; a resampled image is cast back to it, as
    ///     SimpleITK does for PyRadiomics. Default float64 (no cast).
    /// - Throws: `InputError` naming the setting and value when the label is absent (listing the
    ///   values present), the grids differ, or the ROI fails a PyRadiomics check.
    public func extract(image: ImageVolume, maskValues: ImageVolume, label: Int? = nil,
                        imageScalar: ScalarType = .float64) throws -> FeatureRow {
        try settings.validate()
        let label = label ?? settings.label
        var row = FeatureRow()
        var notes: [String] = []

        // Label selection (PyRadiomics getMask).
        var mask = try selectLabel(maskValues, label: label)
        let info = settings.additionalInfo
        if info {
            row.append("diagnostics_Versions_petrad", text: petradVersion)
            row.append("diagnostics_Versions_Convention",
                       text: "PyRadiomics 3.1.4 definitions (\(settings.convention.rawValue))")
            row.append("diagnostics_Configuration_Settings", text: settings.pyRadiomicsSettingsText)
            row.append("diagnostics_Configuration_EnabledImageTypes", text: "{'Original': {}}")
            addImageDiagnostics(&row, image, "original")
            addMaskDiagnostics(&row, mask, image: nil, "original")
        }

        // Normalisation, then resampling or pre-cropping (PyRadiomics loadImage).
        var image = image
        var scalar = imageScalar
        if settings.normalize {
            image = Normalisation.normalize(image, scale: settings.normalizeScale,
                                            removeOutliers: settings.removeOutliers)
            scalar = .float64
        }
        if let spacing = settings.resampledPixelSpacing {
            (image, mask) = try Resampling.resample(
                image: image, mask: mask, spacing: SIMD3(spacing[0], spacing[1], spacing[2]),
                interpolator: settings.interpolator, padDistance: settings.padDistance,
                outputType: scalar)
            if info {
                addImageDiagnostics(&row, image, "interpolated")
                addMaskDiagnostics(&row, mask, image: image, "interpolated")
            }
        } else if settings.preCrop {
            mask = try checkedGeometry(image: image, mask: mask, row: &row)
            (image, mask) = try Cropping.crop(image: image, mask: mask,
                                              padDistance: settings.padDistance)
        }

        // Mask checks (PyRadiomics checkMask).
        mask = try checkedGeometry(image: image, mask: mask, row: &row)
        var box = try checkROI(mask, notes: &notes)

        // Resegmentation.
        var resegmented: Volume<UInt8>? = nil
        if let range = settings.resegmentRange {
            let r = try Resegmentation.resegment(image: image, mask: mask, range: range,
                                                 mode: settings.resegmentMode)
            box = try checkROI(r, notes: &notes)
            if info { addMaskDiagnostics(&row, r, image: image, "resegmented") }
            resegmented = r
        }

        // Shape on the original mask (or the resegmented one with resegmentShape), cropped to
        // the box of the mask the other classes use.
        var features = FeatureRow()
        let shapeMask = settings.resegmentShape ? (resegmented ?? mask) : mask
        let shapeCrop = try Cropping.crop(image: image, mask: shapeMask, lower: box.lower,
                                          upper: box.upper, padDistance: 0)
        for (featureClass, names) in settings.featureClasses {
            switch featureClass {
            case .shape:
                let selection = try names.map {
                    try ShapeFeature.selection(names: $0, className: "shape")
                } ?? ShapeFeature.defaultSelection
                features.append(ShapeFeatures(mask: shapeCrop.mask).values(selection),
                                featureClass: .shape)
            case .shape2D:
                guard settings.force2D else {
                    notes.append("shape2D: not computed, force2D must be true")
                    continue
                }
                let selection = try names.map {
                    try Shape2DFeature.selection(names: $0, className: "shape2D")
                } ?? Shape2DFeature.defaultSelection
                do {
                    let shape = try Shape2DFeatures(mask: shapeCrop.mask,
                                                    force2Ddimension: settings.force2Ddimension)
                    features.append(shape.values(selection), featureClass: .shape2D)
                } catch {
                    notes.append("shape2D: not computed, \(error)")
                }
            default: continue
            }
        }

        // Every other class on the image and (resegmented) mask cropped to the ROI box.
        let roiMask = resegmented ?? mask
        let cropped = try Cropping.crop(image: image, mask: roiMask, lower: box.lower,
                                        upper: box.upper, padDistance: 0)
        let values = roiValues(cropped.image, cropped.mask)
        let edges = settings.discretisation.edges(values: values)
        let levels = Discretisation.discretise(values: values, edges: edges)
        for (featureClass, names) in settings.featureClasses {
            switch featureClass {
            case .firstorder:
                let selection = try names.map {
                    try FirstOrderFeature.selection(names: $0, className: "firstorder")
                } ?? FirstOrderFeature.defaultSelection
                let s = cropped.image.geometry.spacing
                let firstOrder = FirstOrderFeatures(values: values, greyLevels: levels,
                                                    voxelVolume: s.x * s.y * s.z,
                                                    voxelArrayShift: settings.voxelArrayShift)
                features.append(firstOrder.values(selection), featureClass: .firstorder)
            case .glcm, .glrlm, .glszm, .gldm, .ngtdm:
                // Not yet: texture classes come from the texture branch, not merged here yet.
                notes.append("\(featureClass.rawValue): not computed (texture classes not yet in "
                             + "this build)")
            case .shape, .shape2D: continue
            }
        }

        if info {
            row.append("diagnostics_petrad_Notes",
                       text: (notes + features.notes).joined(separator: "; "))
        }
        for (name, value) in features.entries { row.append(name, value) }
        for note in features.notes { row.note(note) }
        for note in notes { row.note(note) }
        return row
    }

    // MARK: - Steps

    /// Voxels whose stored value equals `label` exactly (the mask is never cast to 8 bits).
    func selectLabel(_ values: ImageVolume, label: Int) throws -> Volume<UInt8> {
        var mask = Volume<UInt8>(geometry: values.geometry, repeating: 0)
        let target = Double(label)
        var found = false
        for i in values.voxels.indices where values.voxels[i] == target {
            mask.voxels[i] = 1
            found = true
        }
        guard found else {
            var present = Set<Double>()
            for v in values.voxels where v != 0 {
                present.insert(v)
                if present.count > 20 { break }
            }
            let list = present.sorted().prefix(20).map(formatNumber).joined(separator: ", ")
            throw InputError(file: "", field: "label", value: "\(label)",
                             present.isEmpty
                                ? "The mask has no non-zero voxel (nothing is segmented)."
                                : "Label \(label) is not in the mask; values present: \(list).")
        }
        return mask
    }

    /// The mask on the image's grid: equal grids (within `geometryTolerance`, SimpleITK's
    /// default 1e-6 of the spacing for origins and 1e-6 for directions) pass; otherwise, with
    /// `correctMask`, the mask is resampled onto the image by nearest neighbour, else an error
    /// gives the difference per axis.
    func checkedGeometry(image: ImageVolume, mask: Volume<UInt8>, row: inout FeatureRow) throws
        -> Volume<UInt8>
    {
        let a = image.geometry, b = mask.geometry
        let tolerance = settings.geometryTolerance ?? 1e-6
        let originLimit = tolerance * a.spacing.x
        let originDifference = b.origin - a.origin
        let spacingDifference = b.spacing - a.spacing
        let sameSize = a.size == b.size
        let sameOrigin = (0..<3).allSatisfy { abs(originDifference[$0]) <= originLimit }
        let sameSpacing = (0..<3).allSatisfy { abs(spacingDifference[$0]) <= originLimit }
        let sameDirection = zip(a.direction, b.direction).allSatisfy { abs($0 - $1) <= tolerance }
        if sameSize && sameOrigin && sameSpacing && sameDirection {
            if a == b { return mask }
            var moved = mask
            moved.geometry = a
            return moved
        }
        guard settings.correctMask else {
            func show(_ v: SIMD3<Double>) -> String {
                "(x \(formatNumber(v.x)), y \(formatNumber(v.y)), z \(formatNumber(v.z)))"
            }
            var what: [String] = []
            if !sameSize { what.append("size image \(a.size) vs mask \(b.size)") }
            if !sameOrigin { what.append("origin differs by \(show(originDifference)) mm") }
            if !sameSpacing { what.append("spacing differs by \(show(spacingDifference)) mm") }
            if !sameDirection { what.append("directions differ") }
            throw InputError(file: "", field: "mask geometry", value: what.joined(separator: "; "),
                             "Image and mask grids differ beyond geometryTolerance \(tolerance); "
                             + "set correctMask: true to resample the mask onto the image.")
        }
        let corrected = Resampling.resample(mask, onto: a)
        if settings.additionalInfo {
            addMaskDiagnostics(&row, corrected, image: image, "corrected")
        }
        return corrected
    }

    /// The ROI's bounding box, after PyRadiomics' `minimumROIDimensions` and `minimumROISize`
    /// checks. A one-voxel ROI is accepted here (PyRadiomics refuses it) with a note.
    func checkROI(_ mask: Volume<UInt8>, notes: inout [String]) throws
        -> (lower: SIMD3<Int>, upper: SIMD3<Int>)
    {
        guard let box = Cropping.boundingBox(of: mask) else {
            throw InputError(file: "", field: "mask", value: "0 voxels",
                             "The ROI is empty on the image grid; check label and geometry.")
        }
        let extent = box.upper &- box.lower &+ 1
        let dimensions = (0..<3).filter { extent[$0] > 1 }.count
        if dimensions == 0 {
            notes.append("the ROI is one voxel (PyRadiomics refuses it; petrad computes the "
                         + "values that exist)")
        } else if dimensions < settings.minimumROIDimensions {
            throw InputError(file: "", field: "minimumROIDimensions",
                             value: "\(settings.minimumROIDimensions)",
                             "The ROI spans \(dimensions) dimension(s); lower "
                             + "minimumROIDimensions to accept it.")
        }
        if let minimum = settings.minimumROISize {
            let count = mask.voxels.reduce(0) { $0 + Int($1 != 0 ? 1 : 0) }
            if count <= minimum {
                throw InputError(file: "", field: "minimumROISize", value: "\(minimum)",
                                 "The ROI has \(count) voxels, not more than minimumROISize.")
            }
        }
        return box
    }

    func roiValues(_ image: ImageVolume, _ mask: Volume<UInt8>) -> [Double] {
        var values: [Double] = []
        for i in mask.voxels.indices where mask.voxels[i] != 0 { values.append(image.voxels[i]) }
        return values
    }

    // MARK: - Diagnostics (PyRadiomics generalinfo)

    /// Mean by pairwise summation (blocks of 8 added in order, as numpy's `add.reduce`).
    func pairwiseMean(_ x: [Double]) -> Double {
        func sum(_ lo: Int, _ hi: Int) -> Double {
            if hi - lo <= 128 {
                var s = 0.0
                for i in lo..<hi { s += x[i] }
                return s
            }
            let mid = lo + ((hi - lo) / 2) / 8 * 8
            return sum(lo, mid) + sum(mid, hi)
        }
        return x.isEmpty ? .nan : sum(0, x.count) / Double(x.count)
    }

    private func tuple(_ v: SIMD3<Double>) -> String {
        "(\(v.x), \(v.y), \(v.z))"
    }

    private func tuple(_ v: SIMD3<Int>) -> String {
        "(\(v.x), \(v.y), \(v.z))"
    }

    func addImageDiagnostics(_ row: inout FeatureRow, _ image: ImageVolume, _ prefix: String) {
        if prefix == "original" { row.append("diagnostics_Image-original_Dimensionality", text: "3D") }
        row.append("diagnostics_Image-\(prefix)_Spacing", text: tuple(image.geometry.spacing))
        row.append("diagnostics_Image-\(prefix)_Size", text: tuple(image.size))
        row.append("diagnostics_Image-\(prefix)_Mean", pairwiseMean(image.voxels))
        row.append("diagnostics_Image-\(prefix)_Minimum", image.voxels.min() ?? .nan)
        row.append("diagnostics_Image-\(prefix)_Maximum", image.voxels.max() ?? .nan)
    }

    func addMaskDiagnostics(_ row: inout FeatureRow, _ mask: Volume<UInt8>, image: ImageVolume?,
                            _ prefix: String) {
        let g = mask.geometry
        row.append("diagnostics_Mask-\(prefix)_Spacing", text: tuple(g.spacing))
        row.append("diagnostics_Mask-\(prefix)_Size", text: tuple(g.size))
        var count = 0
        var sum = SIMD3<Double>.zero
        if let box = Cropping.boundingBox(of: mask) {
            let extent = box.upper &- box.lower &+ 1
            row.append("diagnostics_Mask-\(prefix)_BoundingBox",
                       text: "(\(box.lower.x), \(box.lower.y), \(box.lower.z), \(extent.x), "
                           + "\(extent.y), \(extent.z))")
        }
        for z in 0..<g.size.z {
            for y in 0..<g.size.y {
                for x in 0..<g.size.x where mask[x, y, z] != 0 {
                    count += 1
                    sum += SIMD3(Double(x), Double(y), Double(z))
                }
            }
        }
        row.append("diagnostics_Mask-\(prefix)_VoxelNum", Double(count))
        row.append("diagnostics_Mask-\(prefix)_VolumeNum", Double(connectedComponents(mask)))
        let centre = sum / Double(max(count, 1))
        row.append("diagnostics_Mask-\(prefix)_CenterOfMassIndex", text: tuple(centre))
        row.append("diagnostics_Mask-\(prefix)_CenterOfMass",
                   text: tuple(g.physicalPoint(ofIndex: centre)))
        if let image {
            let values = roiValues(image, mask)
            row.append("diagnostics_Mask-\(prefix)_Mean", pairwiseMean(values))
            row.append("diagnostics_Mask-\(prefix)_Minimum", values.min() ?? .nan)
            row.append("diagnostics_Mask-\(prefix)_Maximum", values.max() ?? .nan)
        }
    }

    /// Number of 26-connected components of the ROI (SimpleITK ConnectedComponentImageFilter
    /// with FullyConnectedOn).
    func connectedComponents(_ mask: Volume<UInt8>) -> Int {
        let n = mask.size
        var seen = [Bool](repeating: false, count: mask.voxels.count)
        var components = 0
        var stack: [Int] = []
        for start in mask.voxels.indices where mask.voxels[start] != 0 && !seen[start] {
            components += 1
            seen[start] = true
            stack.append(start)
            while let i = stack.popLast() {
                let x = i % n.x, y = (i / n.x) % n.y, z = i / (n.x * n.y)
                for dz in -1...1 {
                    let zz = z + dz
                    if zz < 0 || zz >= n.z { continue }
                    for dy in -1...1 {
                        let yy = y + dy
                        if yy < 0 || yy >= n.y { continue }
                        for dx in -1...1 {
                            let xx = x + dx
                            if xx < 0 || xx >= n.x { continue }
                            let j = xx + n.x * (yy + n.y * zz)
                            if mask.voxels[j] != 0 && !seen[j] {
                                seen[j] = true
                                stack.append(j)
                            }
                        }
                    }
                }
            }
        }
        return components
    }
}
