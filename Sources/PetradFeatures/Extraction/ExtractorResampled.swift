import Foundation

/// One case from files with B-spline resampling, without holding the image or the mask as
/// Doubles.
///
/// PyRadiomics resamples only the ROI's bounding box plus `padDistance`, so an extraction reads
/// little of a CT: for lung2 (512 x 512 x 61) the B-spline prefilter needs about 155 x 262 x 61
/// voxels. Here the mask is read as stored and only its ROI's bounding box is kept (as 0/1);
/// the image stays as stored (int16 for a CT: a quarter of the Doubles' size) and the
/// prefilter decodes only the rows it needs. The whole-image diagnostics (mean, minimum,
/// maximum) are computed on the stored voxels with the same arithmetic. The values are those
/// of `extract(image:maskValues:...)` on the whole volumes, to the last bit: the same
/// conversions, the same prefilter operations on every line that reaches a needed
/// coefficient, the same grid and nearest-neighbour lookups.
extension Extractor {
    /// True when `extract(imagePath:maskPath:label:)` takes this path: PyRadiomics convention,
    /// B-spline resampling, no `normalize` (which needs the whole image's statistics first).
    var readsStoredImage: Bool {
        settings.convention != .ibsi && settings.resampledPixelSpacing != nil
            && settings.interpolator == .bSpline && !settings.normalize
    }

    /// `extract(imagePath:maskPath:label:)` for `readsStoredImage` settings. When the label is
    /// absent or the new spacing equals the image's (PyRadiomics then only crops), the stored
    /// volumes are widened and the general path runs, so errors and results are the same.
    func extractResampled(imagePath: String, maskPath: String, label: Int?) throws
        -> FeatureRow
    {
        // The image's header first, so that a bad image is reported before its mask.
        let imageHeader = try ImageIO.readHeader(path: imagePath)
        // The mask's ROI and the image's voxels are read at once, one on each of two threads:
        // decompressing a CT takes most of a case's time. Once the mask's ROI is kept, its
        // stored buffer (whose pages are already faulted in) is cut to the size of the B-spline
        // coefficients, which take it when the image is there; the rest goes back at once.
        let label = label ?? settings.label
        var maskRead: Result<(grid: Geometry, selected: SelectedROI?), Error>?
        var imageRead: Result<(stored: StoredVolume, header: ImageHeader), Error>?
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            if part == 0 {
                maskRead = Result { try selectROI(maskPath: maskPath, label: label) }
                if let read = try? maskRead?.get(), let box = read.selected?.box,
                   let target = try? resampledGrid(image: imageHeader.geometry,
                                                   maskGrid: read.grid, roi: box) {
                    ImageIO.keepBuffer(byteCount: Resampling.bSplineWorkspaceBytes(
                        from: imageHeader.geometry, onto: target))
                } else {
                    ImageIO.releaseKeptBuffer()
                }
            } else {
                imageRead = Result { try ImageIO.readStored(path: imagePath) }
            }
        }
        // A damaged mask is reported before a damaged image, as when they were read in turn.
        let (maskGrid, selected) = try maskRead!.get()
        let roi = selected?.box
        let window = selected?.window
        let target: Geometry?
        do {
            try settings.validate()
            target = try roi.flatMap { box in
                try resampledGrid(image: imageHeader.geometry, maskGrid: maskGrid, roi: box)
            }
        } catch var error as InputError {
            if error.file.isEmpty { error.file = maskPath }
            throw error
        }
        guard let roi, let window, let target else {
            imageRead = nil
            let maskValues = try ImageIO.readMaskValues(path: maskPath)
            let (image, header) = try ImageIO.read(path: imagePath)
            do {
                return try extract(image: image, maskValues: maskValues, label: label,
                                   imageScalar: header.scalarType, maskFile: maskPath)
            } catch var error as InputError {
                if error.file.isEmpty { error.file = maskPath }
                throw error
            }
        }

        let (image, header) = try imageRead!.get()
        var row = FeatureRow()
        let info = settings.additionalInfo
        if info {
            addConfigurationDiagnostics(&row, label: label)
            let summary = summary(of: image)
            addImageDiagnostics(&row, image.geometry, mean: summary.mean,
                                minimum: summary.minimum, maximum: summary.maximum, "original")
            if let original = ROIStatistics.of(window, at: roi.lower, in: maskGrid) {
                addMaskDiagnostics(&row, original, maskGrid, nil, "original")
            }
        }
        let resampledImage = Resampling.resampleBSpline(image, onto: target,
                                                        outputType: header.scalarType)
        let resampledMask = Resampling.resample(window, at: roi.lower, in: maskGrid, onto: target)
        if info {
            addImageDiagnostics(&row, resampledImage, "interpolated")
            if let statistics = ROIStatistics.of(resampledMask) {
                addMaskDiagnostics(&row, statistics, resampledMask.geometry,
                                   roiValues(resampledImage, resampledMask), "interpolated")
            }
        }
        do {
            return try extractFeatures(image: resampledImage, mask: resampledMask, row: row,
                                       notes: [])
        } catch var error as InputError {
            if error.file.isEmpty { error.file = maskPath }
            throw error
        }
    }

    /// The grid PyRadiomics resamples onto (`Resampling.grid`) for an ROI's bounding box, nil
    /// when the spacing asked for is the image's.
    private func resampledGrid(image: Geometry, maskGrid: Geometry,
                               roi: (lower: SIMD3<Int>, upper: SIMD3<Int>)) throws -> Geometry? {
        let s = settings.resampledPixelSpacing!
        return try Resampling.grid(image: image, maskGrid: maskGrid, roi: roi,
                                   spacing: SIMD3(s[0], s[1], s[2]),
                                   padDistance: settings.padDistance)
    }

    /// A label's voxels: their inclusive bounding box on the mask's grid, and 1 where the label
    /// is on that box (0 elsewhere).
    typealias SelectedROI = (box: (lower: SIMD3<Int>, upper: SIMD3<Int>), window: Volume<UInt8>)

    /// The mask's grid and, unless `label` is absent, the bounding box of the voxels holding
    /// it and the 0/1 selection on that box (PyRadiomics `getMask`).
    func selectROI(maskPath: String, label: Int) throws
        -> (grid: Geometry, selected: SelectedROI?)
    {
        let stored = try ImageIO.readStored(path: maskPath, exactScaling: true).stored
        let value = Double(label)
        guard let box = stored.boundingBox(ofValue: value) else { return (stored.geometry, nil) }
        let geometry = try Cropping.croppedGeometry(stored.geometry, lower: box.lower,
                                                    upper: box.upper)
        let window = Volume(geometry: geometry,
                            voxels: stored.selection(ofValue: value, lower: box.lower,
                                                     upper: box.upper))
        return (stored.geometry, ((box.lower, box.upper), window))
    }

    /// Mean (`pairwiseMean`'s order), minimum and maximum (`Array.min()` / `max()`: the first
    /// value, replaced by each later one that compares below / above it) of the stored image's
    /// values. Plain integer images are summed as integers when that is exact.
    func summary(of image: StoredVolume) -> (mean: Double, minimum: Double, maximum: Double) {
        let count = image.geometry.count
        if let exact = image.exactIntegerSummary() {
            return (exact.sum / Double(count), exact.minimum, exact.maximum)
        }
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: 128)
        defer { buffer.deallocate() }
        var minimum = Double.nan, maximum = Double.nan
        var first = true
        let mean = pairwiseMean(count: count) { lo, hi in
            image.decode(from: lo, count: hi - lo, into: buffer)
            var s = 0.0
            for i in 0..<(hi - lo) {
                let v = buffer[i]
                s += v
                if first {
                    (minimum, maximum, first) = (v, v, false)
                } else {
                    if v < minimum { minimum = v }
                    if maximum < v { maximum = v }
                }
            }
            return s
        }
        return (mean, minimum, maximum)
    }
}
