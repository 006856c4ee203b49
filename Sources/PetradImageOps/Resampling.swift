import Foundation

/// Resampling to a new voxel spacing exactly as PyRadiomics does it
/// (`imageoperations.resampleImage`, settings `resampledPixelSpacing`, `interpolator`,
/// `padDistance`), with SimpleITK's `ResampleImageFilter` arithmetic underneath.
public enum Resampling {
    /// Most voxels a resampled ROI box may have (2^28: 2 GiB as Doubles, which the image and
    /// the B-spline coefficients each take). PyRadiomics has no such limit and fails on memory;
    /// a box this large comes from a spacing far below the image's (a whole-lung ROI at 1 mm
    /// has about 3e7 voxels; a whole-body ROI at 1 mm, about 5e8, is refused).
    public static let maximumVoxelCount = 1 << 28

    /// The grid PyRadiomics resamples onto: mask direction, spacing `spacing` (0 keeps the
    /// mask's spacing on that axis; an axis on which the ROI spans one voxel keeps it too), and
    /// the part of the mask's extent covering the ROI bounding box plus `padDistance` new voxels.
    ///
    /// With mask spacing `s`, new spacing `t`, ratio `r = s / t`, ROI bounding box lower index
    /// `L` and size `S` (mask index space):
    /// ```
    /// lower = max(floor((L - 0.5) r - pad), 0)
    /// upper = min(ceil((L + S - 0.5) r + pad), ceil(maskSize r) - 1)
    /// size  = upper - lower + 1
    /// origin = mask physical point of continuous index 0.5 (t - s) / s + lower / r
    /// ```
    /// so the new voxel corners line up with the mask's corner at index -0.5.
    ///
    /// Returns nil when `spacing` equals the image spacing (numpy `allclose`, rtol 1e-5,
    /// atol 1e-8): PyRadiomics then only moves the mask onto the image grid and crops.
    ///
    /// - Throws: `InputError` when the mask has no ROI voxel, or when the ROI's bounding box
    ///   reaches outside the image by more than 1e-3 voxel (PyRadiomics `_checkROI`), or when
    ///   the new grid would have more than `maximumVoxelCount` voxels.
    public static func grid(image: Geometry, mask: Volume<UInt8>, spacing: SIMD3<Double>,
                            padDistance: Int) throws -> Geometry? {
        try grid(image: image, maskGrid: mask.geometry, roi: Cropping.boundingBox(of: mask),
                 spacing: spacing, padDistance: padDistance)
    }

    /// `grid(image:mask:spacing:padDistance:)` from the ROI's bounding box `roi` (inclusive
    /// voxel indices on `maskGrid`, nil for an empty mask) instead of the mask's voxels.
    public static func grid(image: Geometry, maskGrid: Geometry,
                            roi: (lower: SIMD3<Int>, upper: SIMD3<Int>)?, spacing: SIMD3<Double>,
                            padDistance: Int) throws -> Geometry? {
        let maskGeometry = maskGrid
        let (lower, size) = try checkedROI(image: image, maskGrid: maskGrid, box: roi)

        var newSpacing = spacing
        for a in 0..<3 {
            if newSpacing[a] == 0 || size[a] == 1 { newSpacing[a] = maskGeometry.spacing[a] }
        }
        var allClose = true
        for a in 0..<3
        where abs(image.spacing[a] - newSpacing[a]) > 1e-8 + 1e-5 * abs(newSpacing[a]) {
            allClose = false
        }
        if allClose { return nil }

        let ratio = maskGeometry.spacing / newSpacing
        var extent = SIMD3<Double>(0, 0, 0)
        var croppedOriginIndex = SIMD3<Double>(0, 0, 0)
        for a in 0..<3 {
            let r = ratio[a]
            var lo = ((Double(lower[a]) - 0.5) * r - Double(padDistance)).rounded(.down)
            var up = ((Double(lower[a] + size[a]) - 0.5) * r + Double(padDistance)).rounded(.up)
            let maxUpper = (Double(maskGeometry.size[a]) * r).rounded(.up) - 1
            if lo < 0 { lo = 0 }
            if up > maxUpper { up = maxUpper }
            extent[a] = up - lo + 1
            let originIndex = 0.5 * (newSpacing[a] - maskGeometry.spacing[a])
                / maskGeometry.spacing[a]
            croppedOriginIndex[a] = originIndex + lo / r
        }
        let count = extent.x * extent.y * extent.z
        guard count <= Double(maximumVoxelCount) else {
            throw InputError(
                file: "", field: "resampledPixelSpacing",
                value: "[\(newSpacing.x), \(newSpacing.y), \(newSpacing.z)]",
                "makes a resampled ROI box of " + String(format: "%.3g x %.3g x %.3g", extent.x,
                                                          extent.y, extent.z)
                    + " voxels, more than the \(maximumVoxelCount) allowed (2 GiB as Doubles); "
                    + "the image's spacing is \(image.spacing.x) x \(image.spacing.y) x "
                    + "\(image.spacing.z) mm. Use a larger spacing.")
        }
        let newSize = SIMD3<Int>(Int(extent.x), Int(extent.y), Int(extent.z))
        let origin = ITKGrid(maskGeometry).physicalPoint(continuousIndex: croppedOriginIndex)
        return Geometry(size: newSize, spacing: newSpacing, origin: origin,
                        direction: maskGeometry.direction)
    }

    /// `imageoperations.resampleImage`: image and mask resampled onto `grid(...)`, the image
    /// with `interpolator`, the mask with nearest neighbour; points outside the image get 0
    /// (SimpleITK's default pixel value, which PyRadiomics 3.x does not change; it is not the
    /// image minimum). The resampled mask is used as it comes out of nearest neighbour:
    /// PyRadiomics does not re-threshold it.
    ///
    /// When the requested spacing equals the image's, PyRadiomics resamples only the mask onto
    /// the image grid (nearest neighbour) and crops both to the ROI bounding box plus
    /// `padDistance` voxels; the same is done here.
    ///
    /// - Parameters:
    ///   - image: the image; its geometry may differ from the mask's (the grid follows the mask).
    ///   - mask: ROI mask (non-zero inside).
    ///   - spacing: `resampledPixelSpacing` in mm, 0 = keep the mask's spacing on that axis.
    ///   - interpolator: `interpolator` (PyRadiomics default `.bSpline`).
    ///   - padDistance: `padDistance` (PyRadiomics default 5), in new voxels.
    ///   - outputType: the image's pixel type as read from its file. PyRadiomics asks SimpleITK
    ///     for the input's own pixel type, so an int16 CT resampled with B-splines is truncated
    ///     back to integers (see `ScalarType.itkResampleCast`). Images that went through
    ///     `normalize` are float64 (SimpleITK's `Normalize` output), the default.
    /// - Throws: `InputError` as `grid(...)`.
    public static func resample(image: ImageVolume, mask: Volume<UInt8>, spacing: SIMD3<Double>,
                                interpolator: Interpolator, padDistance: Int,
                                outputType: ScalarType = .float64) throws
        -> (image: ImageVolume, mask: Volume<UInt8>)
    {
        guard let target = try grid(image: image.geometry, mask: mask, spacing: spacing,
                                    padDistance: padDistance) else {
            let moved = resample(mask, onto: image.geometry)
            return try Cropping.crop(image: image, mask: moved, padDistance: padDistance)
        }
        let newImage = resample(image, onto: target, interpolator: interpolator,
                                outputType: outputType)
        let newMask = resample(mask, onto: target)
        return (newImage, newMask)
    }

    /// SimpleITK `ResampleImageFilter` with an identity transform: every voxel of `target` is
    /// mapped to a continuous index of `image` (per scan line, interpolated between the line's
    /// two ends as ITK's linear fast path does) and interpolated; outside gets `defaultValue`.
    public static func resample(_ image: ImageVolume, onto target: Geometry,
                                interpolator: Interpolator, outputType: ScalarType = .float64,
                                defaultValue: Double = 0) -> ImageVolume {
        var coefficients: BSplineCoefficients? = nil
        if interpolator == .bSpline {
            let need = readBox(from: image.geometry, to: target)
            coefficients = BSplineCoefficients(volume: image, needLower: need.lower,
                                               needUpper: need.upper)
        }
        let size = image.size
        let voxels = image.voxels
        let out = mapGrid(from: image.geometry, to: target, outside: defaultValue) { x in
            let value: Double
            switch interpolator {
            case .nearestNeighbor:
                value = voxels[itkRound(x.x) + size.x * (itkRound(x.y) + size.y * itkRound(x.z))]
            case .linear:
                value = voxels.withUnsafeBufferPointer { linearInterpolate($0, size: size, at: x) }
            case .bSpline:
                value = coefficients!.evaluate(at: x)
            }
            return outputType.itkResampleCast(value)
        }
        return ImageVolume(geometry: target, voxels: out)
    }

    /// `resample(_:onto:interpolator:outputType:defaultValue:)` with `.bSpline` for an image
    /// still as stored in its file: only the rows the prefilter needs (the voxels the evaluation
    /// reads, widened by `BSplineCoefficients.margin`) are decoded, so the whole image is never
    /// held as Doubles. Same values as resampling `image.volume()`.
    public static func resampleBSpline(_ image: StoredVolume, onto target: Geometry,
                                       outputType: ScalarType = .float64,
                                       defaultValue: Double = 0) -> ImageVolume {
        let grid = image.geometry
        let need = readBox(from: grid, to: target)
        let coefficients = BSplineCoefficients(
            size: grid.size, needLower: need.lower, needUpper: need.upper
        ) { x, y, z, count, out in
            image.decode(from: grid.linearIndex(x, y, z), count: count, into: out)
        }
        let out = mapGrid(from: grid, to: target, outside: defaultValue) { x in
            outputType.itkResampleCast(coefficients.evaluate(at: x))
        }
        return ImageVolume(geometry: target, voxels: out)
    }

    /// Bytes of the B-spline coefficients `resampleBSpline` computes to resample an image on
    /// `input` onto `output`: known as soon as the ROI is, so that a caller can have that much
    /// memory ready while the image is still being read (`ImageIO.keepBuffer(byteCount:)`).
    public static func bSplineWorkspaceBytes(from input: Geometry, onto output: Geometry) -> Int {
        let need = readBox(from: input, to: output)
        return BSplineCoefficients.blockCount(size: input.size, needLower: need.lower,
                                              needUpper: need.upper) * MemoryLayout<Double>.size
    }

    /// The input voxels a cubic B-spline evaluation over `output` can read: the bounding box of
    /// the continuous input indices of the output grid's corners (the map is affine, and the
    /// scan-line points lie between index 0 and `size.x` of each line), floored/ceiled and
    /// widened by the cubic support of 2 voxels, clamped to the input.
    private static func readBox(from input: Geometry, to output: Geometry)
        -> (lower: SIMD3<Int>, upper: SIMD3<Int>)
    {
        let inGrid = ITKGrid(input)
        let outGrid = ITKGrid(output)
        let n = output.size
        var low = SIMD3<Double>(repeating: .infinity)
        var high = SIMD3<Double>(repeating: -.infinity)
        for i in [0, n.x] {
            for j in [0, max(n.y - 1, 0)] {
                for k in [0, max(n.z - 1, 0)] {
                    let x = inGrid.continuousIndex(
                        point: outGrid.physicalPoint(index: SIMD3(Double(i), Double(j),
                                                                  Double(k))))
                    low = pointwiseMin(low, x)
                    high = pointwiseMax(high, x)
                }
            }
        }
        var lower = SIMD3<Int>.zero
        var upper = input.size &- 1
        for a in 0..<3 where low[a].isFinite && high[a].isFinite {
            let limit = Double(input.size[a]) + 8
            let l = Int(min(max(low[a], -8), limit).rounded(.down)) - 2
            let h = Int(min(max(high[a], -8), limit).rounded(.up)) + 2
            lower[a] = min(max(l, 0), upper[a])
            upper[a] = max(min(h, upper[a]), lower[a])
        }
        return (lower, upper)
    }

    /// A mask resampled onto `target` with nearest neighbour; outside the mask it is 0.
    public static func resample(_ mask: Volume<UInt8>, onto target: Geometry) -> Volume<UInt8> {
        resample(mask, at: .zero, in: mask.geometry, onto: target)
    }

    /// A mask given only on a box of its grid (`window`, whose first voxel is voxel `offset` of
    /// `grid`; 0 everywhere else, as when the box holds the whole ROI) resampled onto `target`
    /// with nearest neighbour: the same as resampling the whole mask.
    public static func resample(_ window: Volume<UInt8>, at offset: SIMD3<Int>, in grid: Geometry,
                                onto target: Geometry) -> Volume<UInt8> {
        let size = window.size
        let voxels = window.voxels
        let out = mapGrid(from: grid, to: target, outside: UInt8(0)) { x -> UInt8 in
            let i = itkRound(x.x) - offset.x
            let j = itkRound(x.y) - offset.y
            let k = itkRound(x.z) - offset.z
            guard i >= 0, j >= 0, k >= 0, i < size.x, j < size.y, k < size.z else { return 0 }
            return voxels[i + size.x * (j + size.y * k)]
        }
        return Volume(geometry: target, voxels: out)
    }

    /// Evaluates `value` at the continuous input index of every output voxel (`outside` when
    /// the index is not in `[-0.5, size - 0.5)`), slices spread over threads; each voxel is
    /// computed alone, so the result does not depend on the thread count.
    private static func mapGrid<T>(from input: Geometry, to output: Geometry, outside: T,
                                   _ value: (SIMD3<Double>) -> T) -> [T] {
        let inGrid = ITKGrid(input)
        let outGrid = ITKGrid(output)
        let n = output.size
        let lower = SIMD3<Double>(-0.5, -0.5, -0.5)
        let upper = SIMD3<Double>(Double(input.size.x) - 0.5, Double(input.size.y) - 0.5,
                                  Double(input.size.z) - 0.5)
        var result = [T](repeating: outside, count: output.count)
        result.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let pointer = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: n.z) { k in
                for j in 0..<n.y {
                    let start = inGrid.continuousIndex(
                        point: outGrid.physicalPoint(index: SIMD3(0, Double(j), Double(k))))
                    let end = inGrid.continuousIndex(
                        point: outGrid.physicalPoint(index: SIMD3(Double(n.x), Double(j),
                                                                  Double(k))))
                    let vector = end - start
                    for i in 0..<n.x {
                        let alpha = Double(i) / Double(n.x)
                        var x = start
                        x.x += alpha * vector.x
                        x.y += alpha * vector.y
                        x.z += alpha * vector.z
                        let inside = x.x >= lower.x && x.x < upper.x && x.y >= lower.y
                            && x.y < upper.y && x.z >= lower.z && x.z < upper.z
                        if inside { pointer[i + n.x * (j + n.y * k)] = value(x) }
                    }
                }
            }
        }
        return result
    }

    /// PyRadiomics `_checkROI`: the ROI bounding box `box` (lower index, size) in the mask, after
    /// checking that its two outer corners lie inside the image (1e-3 voxel tolerance).
    static func checkedROI(image: Geometry, maskGrid geometry: Geometry,
                           box: (lower: SIMD3<Int>, upper: SIMD3<Int>)?) throws
        -> (lower: SIMD3<Int>, size: SIMD3<Int>)
    {
        guard let box else {
            throw InputError(file: "", field: "mask", value: "0 voxels",
                             "The mask has no voxel inside the ROI; check the label.")
        }
        let size = box.upper &- box.lower &+ 1
        let maskGrid = ITKGrid(geometry)
        let imageGrid = ITKGrid(image)
        let lowCorner = SIMD3<Double>(Double(box.lower.x), Double(box.lower.y),
                                      Double(box.lower.z)) - 0.5
        let highCorner = SIMD3<Double>(Double(box.lower.x + size.x), Double(box.lower.y + size.y),
                                       Double(box.lower.z + size.z)) - 0.5
        let a = imageGrid.continuousIndex(
            point: maskGrid.physicalPoint(continuousIndex: lowCorner))
        let b = imageGrid.continuousIndex(
            point: maskGrid.physicalPoint(continuousIndex: highCorner))
        let tolerance = 1e-3
        for axis in 0..<3 {
            let low = min(a[axis], b[axis])
            let high = max(a[axis], b[axis])
            if low < -0.5 - tolerance || high > Double(image.size[axis]) - 0.5 + tolerance {
                throw InputError(
                    file: "", field: "mask",
                    value: "ROI index range \(low)...\(high) on axis \(axis)",
                    "The ROI's bounding box reaches outside the image (size \(image.size[axis]) on "
                        + "that axis); check that image and mask belong together.")
            }
        }
        return (box.lower, size)
    }
}

extension ScalarType {
    /// A resampled value written in this type as `itk::ResampleImageFilter` writes it
    /// (`CastPixelWithBoundsChecking`): clamped to the type's range, then converted; integer
    /// types truncate toward zero (an interpolated 99.97 in an int16 image becomes 99), float32
    /// rounds to the nearest float, float64 is unchanged.
    @inline(__always)
    public func itkResampleCast(_ value: Double) -> Double {
        let range: (Double, Double)
        switch self {
        case .float64: return value
        case .float32: return Double(Float(value))
        case .uint8: range = (0, 255)
        case .int8: range = (-128, 127)
        case .uint16: range = (0, 65535)
        case .int16: range = (-32768, 32767)
        case .uint32: range = (0, 4_294_967_295)
        case .int32: range = (-2_147_483_648, 2_147_483_647)
        case .uint64: range = (0, Double(UInt64.max))
        case .int64: range = (Double(Int64.min), Double(Int64.max))
        }
        if value <= range.0 { return range.0 }
        if value >= range.1 { return range.1 }
        return value.rounded(.towardZero)
    }
}
