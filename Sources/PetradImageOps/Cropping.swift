import Foundation

/// Cropping to the ROI as PyRadiomics does it (`imageoperations.cropToTumorMask`, settings
/// `padDistance` and `preCrop`).
public enum Cropping {
    /// The ROI's bounding box in voxel indices, `lower` and `upper` both inclusive (SimpleITK
    /// `LabelStatisticsImageFilter.GetBoundingBox`); nil when the mask has no non-zero voxel.
    public static func boundingBox(of mask: Volume<UInt8>)
        -> (lower: SIMD3<Int>, upper: SIMD3<Int>)?
    {
        let n = mask.size
        var lower = n
        var upper = SIMD3<Int>(-1, -1, -1)
        mask.voxels.withUnsafeBufferPointer { m in
            var index = 0
            for z in 0..<n.z {
                for y in 0..<n.y {
                    for x in 0..<n.x {
                        if m[index] != 0 {
                            lower = pointwiseMin(lower, SIMD3(x, y, z))
                            upper = pointwiseMax(upper, SIMD3(x, y, z))
                        }
                        index += 1
                    }
                }
            }
        }
        return upper.x < 0 ? nil : (lower, upper)
    }

    /// Image and mask cropped to the mask's ROI bounding box widened by `padDistance` voxels on
    /// each side, never beyond the image (PyRadiomics `cropToTumorMask`; with the extractor's
    /// `padDistance` this is also `preCrop`).
    ///
    /// - Throws: `InputError` when the mask has no ROI voxel or its grid differs from the image's.
    public static func crop(image: ImageVolume, mask: Volume<UInt8>, padDistance: Int = 0) throws
        -> (image: ImageVolume, mask: Volume<UInt8>)
    {
        guard let box = boundingBox(of: mask) else {
            throw InputError(file: "", field: "mask", value: "0 voxels",
                             "The mask has no voxel inside the ROI; check the label.")
        }
        return try crop(image: image, mask: mask, lower: box.lower, upper: box.upper,
                        padDistance: padDistance)
    }

    /// Image and mask cropped to a given bounding box (inclusive voxel indices) widened by
    /// `padDistance`, as PyRadiomics' extractor does with the box of a resegmented mask.
    ///
    /// The new origin is the physical position of the first kept voxel (ITK's
    /// `TransformIndexToPhysicalPoint`, as SimpleITK sets it after `CropImageFilter`).
    public static func crop(image: ImageVolume, mask: Volume<UInt8>, lower: SIMD3<Int>,
                            upper: SIMD3<Int>, padDistance: Int = 0) throws
        -> (image: ImageVolume, mask: Volume<UInt8>)
    {
        guard image.size == mask.size else {
            throw InputError(file: "", field: "mask", value: "size \(mask.size)",
                             "Image (size \(image.size)) and mask must share one grid to crop.")
        }
        let geometry = try croppedGeometry(mask.geometry, lower: lower, upper: upper,
                                           padDistance: padDistance)
        let first = pointwiseMax(lower &- padDistance, .zero)
        return (extract(image, geometry: geometry, first: first),
                extract(mask, geometry: geometry, first: first))
    }

    /// The geometry `crop` produces for a volume of geometry `geometry`.
    public static func croppedGeometry(_ geometry: Geometry, lower: SIMD3<Int>, upper: SIMD3<Int>,
                                       padDistance: Int = 0) throws -> Geometry {
        let n = geometry.size
        guard lower.x >= 0, lower.y >= 0, lower.z >= 0, upper.x < n.x, upper.y < n.y,
              upper.z < n.z, lower.x <= upper.x, lower.y <= upper.y, lower.z <= upper.z
        else {
            throw InputError(file: "", field: "boundingBox", value: "\(lower)...\(upper)",
                             "The bounding box does not lie in the volume of size \(n).")
        }
        let first = pointwiseMax(lower &- padDistance, .zero)
        let last = pointwiseMin(upper &+ padDistance, n &- 1)
        var cropped = geometry
        cropped.size = last &- first &+ 1
        cropped.origin = ITKGrid(geometry).physicalPoint(
            index: SIMD3(Double(first.x), Double(first.y), Double(first.z)))
        return cropped
    }

    private static func extract<T>(_ volume: Volume<T>, geometry: Geometry,
                                   first: SIMD3<Int>) -> Volume<T> {
        let n = geometry.size
        var out: [T] = []
        out.reserveCapacity(geometry.count)
        volume.voxels.withUnsafeBufferPointer { v in
            for z in 0..<n.z {
                for y in 0..<n.y {
                    let start = volume.geometry.linearIndex(first.x, first.y + y, first.z + z)
                    out.append(contentsOf: v[start..<(start + n.x)])
                }
            }
        }
        return Volume(geometry: geometry, voxels: out)
    }
}
