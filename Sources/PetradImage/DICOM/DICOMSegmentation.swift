import Foundation

/// A DICOM Segmentation (SEG) object: its segments and their frames, read as a label map on an
/// image grid.
public struct DICOMSegmentation: Sendable {
    public struct Segment: Sendable, Equatable {
        public var number: Int
        public var label: String
    }

    public var path: String
    public var segments: [Segment]

    /// Frames: segment number, plane position, and the (column, row) of set pixels.
    var frames: [(segment: Int, position: SIMD3<Double>, pixels: [SIMD2<Int>])]
    var rowDirection: SIMD3<Double>
    var columnDirection: SIMD3<Double>
    /// PixelSpacing: (row spacing, column spacing).
    var pixelSpacing: SIMD2<Double>

    /// Reads the segments and decodes every frame (BINARY, or FRACTIONAL with a value above
    /// half of MaximumFractionalValue counted as inside).
    public init(path: String) throws {
        let file = try DICOMFile(path: path, pixels: true)
        guard file.string(DICOMTag.modality) == "SEG" else {
            throw InputError(file: path, field: "Modality",
                             value: file.string(DICOMTag.modality) ?? "absent", "should be SEG")
        }
        self.path = path
        segments = (0..<file.itemCount(DICOMTag.segmentSequence)).map { i in
            Segment(number: Int(file.double(DICOMTag.segmentSequence, UInt32(i),
                                            DICOMTag.segmentNumber) ?? 0),
                    label: file.string(DICOMTag.segmentSequence, UInt32(i),
                                       DICOMTag.segmentLabel) ?? "")
        }
        let shared = DICOMTag.sharedFunctionalGroupsSequence
        let perFrame = DICOMTag.perFrameFunctionalGroupsSequence
        func frameValue(_ frame: Int, _ sequence: UInt32, _ tag: UInt32) -> [Double]? {
            file.doubles(path: [perFrame, UInt32(frame), sequence, 0, tag])
                ?? file.doubles(path: [shared, 0, sequence, 0, tag])
        }
        guard let orientation = frameValue(0, DICOMTag.planeOrientationSequence,
                                           DICOMTag.imageOrientationPatient),
              orientation.count == 6 else {
            throw InputError(file: path, field: "PlaneOrientationSequence > "
                                 + "ImageOrientationPatient", "is absent or not six numbers")
        }
        guard let spacing = frameValue(0, DICOMTag.pixelMeasuresSequence,
                                       DICOMTag.pixelSpacing), spacing.count == 2 else {
            throw InputError(file: path, field: "PixelMeasuresSequence > PixelSpacing",
                             "is absent or not two numbers")
        }
        rowDirection = SIMD3(orientation[0], orientation[1], orientation[2])
        columnDirection = SIMD3(orientation[3], orientation[4], orientation[5])
        pixelSpacing = SIMD2(spacing[0], spacing[1])
        let image = try file.pixelValues()
        let fractional = file.string(0x0062_0001)?.uppercased() == "FRACTIONAL"
        let threshold = fractional ? (file.double(0x0062_000E) ?? 255) / 2 : 0
        let plane = image.columns * image.rows
        var frames: [(Int, SIMD3<Double>, [SIMD2<Int>])] = []
        for f in 0..<image.frames {
            guard let position = frameValue(f, DICOMTag.planePositionSequence,
                                            DICOMTag.imagePositionPatient),
                  position.count == 3 else {
                throw InputError(file: path, field: "PlanePositionSequence > "
                                     + "ImagePositionPatient", value: "frame \(f + 1)",
                                 "is absent or not three numbers")
            }
            let segment = Int(file.double(perFrame, UInt32(f),
                                          DICOMTag.segmentIdentificationSequence, 0,
                                          DICOMTag.referencedSegmentNumber) ?? 1)
            var set: [SIMD2<Int>] = []
            for i in 0..<plane where image.values[f * plane + i] > threshold {
                set.append(SIMD2(i % image.columns, i / image.columns))
            }
            frames.append((segment, SIMD3(position[0], position[1], position[2]), set))
        }
        self.frames = frames
    }

    /// The segments as a label map on `geometry` (voxel value = segment number, 0 outside):
    /// each set pixel's centre goes to the nearest voxel in plane and to the slice nearest
    /// along the normal (`slicePositions` as for `ContourRasterizer`). Where segments overlap
    /// the higher number is kept and the overlap counted.
    public func labelMap(onto geometry: Geometry, slicePositions: [Double]? = nil)
        -> (labels: LabelVolume, overlaps: Int, pixelsOffGrid: Int) {
        var labels = LabelVolume(geometry: geometry, repeating: 0)
        let d = geometry.direction
        let normal = SIMD3(d[2], d[5], d[8])
        let positions = slicePositions ?? (0..<geometry.size.z).map {
            (geometry.physicalPoint(ofIndex: SIMD3(0, 0, Double($0))) * normal).sum()
        }
        var overlaps = 0, offGrid = 0
        for frame in frames {
            for pixel in frame.pixels {
                let point = frame.position
                    + rowDirection * (Double(pixel.x) * pixelSpacing.y)
                    + columnDirection * (Double(pixel.y) * pixelSpacing.x)
                let index = geometry.continuousIndex(ofPoint: point)
                let x = Int(index.x.rounded()), y = Int(index.y.rounded())
                guard x >= 0, y >= 0, x < geometry.size.x, y < geometry.size.y,
                      let z = ContourRasterizer.nearestSlice(
                          (point * normal).sum(), positions,
                          singleSliceSpacing: geometry.spacing.z)
                else {
                    offGrid += 1
                    continue
                }
                let old = labels[x, y, z]
                if old != 0 && old != Int32(frame.segment) { overlaps += 1 }
                labels[x, y, z] = max(old, Int32(frame.segment))
            }
        }
        return (labels, overlaps, offGrid)
    }
}
