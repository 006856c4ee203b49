import Foundation

/// A DICOM RT Structure Set: its ROIs and their contours (patient coordinates, LPS mm).
public struct RTStructure: Sendable {
    public struct Contour: Sendable {
        /// CLOSED_PLANAR, OPEN_PLANAR, POINT, ...
        public var geometricType: String
        public var points: [SIMD3<Double>]
        public init(geometricType: String = "CLOSED_PLANAR", points: [SIMD3<Double>]) {
            self.geometricType = geometricType
            self.points = points
        }
    }

    public struct ROI: Sendable {
        public var number: Int
        public var name: String
        public var frameOfReferenceUID: String
        public var contours: [Contour]
        public init(number: Int, name: String, frameOfReferenceUID: String = "",
                    contours: [Contour]) {
            self.number = number
            self.name = name
            self.frameOfReferenceUID = frameOfReferenceUID
            self.contours = contours
        }
    }

    public var path: String
    public var rois: [ROI]

    /// Reads the ROIs (StructureSetROISequence) and their contours (ROIContourSequence).
    public init(path: String) throws {
        let file = try DICOMFile(path: path)
        guard file.string(DICOMTag.modality) == "RTSTRUCT" else {
            throw InputError(file: path, field: "Modality",
                             value: file.string(DICOMTag.modality) ?? "absent",
                             "should be RTSTRUCT")
        }
        self.path = path
        var rois: [ROI] = []
        var byNumber: [Int: Int] = [:]
        for i in 0..<file.itemCount(DICOMTag.structureSetROISequence) {
            let item = UInt32(i)
            let number = Int(file.double(DICOMTag.structureSetROISequence, item,
                                         DICOMTag.roiNumber) ?? -1)
            byNumber[number] = rois.count
            rois.append(ROI(number: number,
                            name: file.string(DICOMTag.structureSetROISequence, item,
                                              DICOMTag.roiName) ?? "",
                            frameOfReferenceUID: file.string(
                                DICOMTag.structureSetROISequence, item,
                                DICOMTag.referencedFrameOfReferenceUID) ?? "",
                            contours: []))
        }
        for i in 0..<file.itemCount(DICOMTag.roiContourSequence) {
            let item = UInt32(i)
            let number = Int(file.double(DICOMTag.roiContourSequence, item,
                                         DICOMTag.referencedROINumber) ?? -1)
            guard let index = byNumber[number] else { continue }
            let count = file.itemCount(DICOMTag.roiContourSequence, item,
                                       DICOMTag.contourSequence)
            for c in 0..<count {
                let contour = UInt32(c)
                let type = file.string(DICOMTag.roiContourSequence, item,
                                       DICOMTag.contourSequence, contour,
                                       DICOMTag.contourGeometricType) ?? ""
                guard let values = file.doubles(DICOMTag.roiContourSequence, item,
                                                DICOMTag.contourSequence, contour,
                                                DICOMTag.contourData),
                      values.count % 3 == 0 else {
                    throw InputError(file: path, field: "ContourData",
                                     value: "ROI \(rois[index].name), contour \(c)",
                                     "should hold x\\y\\z triplets")
                }
                let points = stride(from: 0, to: values.count, by: 3).map {
                    SIMD3(values[$0], values[$0 + 1], values[$0 + 2])
                }
                rois[index].contours.append(Contour(geometricType: type, points: points))
            }
        }
        self.rois = rois
    }

    /// The ROI called `name` (exact match first, then case-insensitive).
    public func roi(named name: String) throws -> ROI {
        if let exact = rois.first(where: { $0.name == name }) { return exact }
        if let loose = rois.first(where: { $0.name.lowercased() == name.lowercased() }) {
            return loose
        }
        throw InputError(file: path, field: "ROIName", value: name,
                         "no such ROI; the structure set has: "
                             + rois.map(\.name).joined(separator: ", "))
    }
}

/// Result of rasterising contours: the mask and what could not be placed.
public struct RasterizedROI: Sendable {
    public var mask: Volume<UInt8>
    /// Contours whose plane matched no slice (more than half a slice distance away).
    public var contoursOffGrid: Int
    /// Contours skipped because they are not CLOSED_PLANAR (or POINT, which marks one voxel).
    public var contoursSkipped: Int
}

/// Polygon filling of planar contours onto an image grid.
public enum ContourRasterizer {
    /// Fills the ROI's closed planar contours on `geometry`: a voxel is inside when its centre
    /// is inside by the even-odd rule over all contours of its slice (an inner contour is a
    /// hole). A contour goes to the slice whose position along the normal is nearest the
    /// contour's mean position (`slicePositions`, sorted, one per z plane: a series' own
    /// positions; nil: the regular grid's), within half the local slice distance.
    ///
    /// Crossing rule per row of voxel centres: edge (a, b) crosses row y when
    /// `(a.y <= y) != (b.y <= y)`; centres with x in [x_2i, x_2i+1) between sorted crossings
    /// are inside (half-open, so two contours sharing an edge do not both claim its voxels).
    /// A centre exactly on the contour is thus kept where the region starts (lower column or
    /// row index) and left out where it ends; MIRP's two-way ray test leaves such centres out,
    /// skimage.draw.polygon keeps them. Contours off the voxel centres are unaffected.
    public static func rasterize(_ roi: RTStructure.ROI, onto geometry: Geometry,
                                 slicePositions: [Double]? = nil) -> RasterizedROI {
        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        let d = geometry.direction
        let normal = SIMD3(d[2], d[5], d[8])
        let positions = slicePositions ?? (0..<geometry.size.z).map {
            (geometry.physicalPoint(ofIndex: SIMD3(0, 0, Double($0))) * normal).sum()
        }
        var polygonsBySlice: [Int: [[SIMD2<Double>]]] = [:]
        var offGrid = 0, skipped = 0
        for contour in roi.contours where !contour.points.isEmpty {
            let type = contour.geometricType.uppercased()
            guard type == "CLOSED_PLANAR" || type == "POINT" || type.isEmpty else {
                skipped += 1
                continue
            }
            let meanNormal = contour.points.map { ($0 * normal).sum() }
                .reduce(0, +) / Double(contour.points.count)
            guard let k = nearestSlice(meanNormal, positions,
                                       singleSliceSpacing: geometry.spacing.z) else {
                offGrid += 1
                continue
            }
            let polygon = contour.points.map { point -> SIMD2<Double> in
                let index = geometry.continuousIndex(ofPoint: point)
                return SIMD2(index.x, index.y)
            }
            if type == "POINT" || polygon.count < 3 {
                for p in polygon {
                    let x = Int(p.x.rounded()), y = Int(p.y.rounded())
                    if x >= 0, y >= 0, x < geometry.size.x, y < geometry.size.y {
                        mask[x, y, k] = 1
                    }
                }
                continue
            }
            polygonsBySlice[k, default: []].append(polygon)
        }
        for (k, polygons) in polygonsBySlice {
            fill(polygons, slice: k, into: &mask)
        }
        return RasterizedROI(mask: mask, contoursOffGrid: offGrid, contoursSkipped: skipped)
    }

    /// The slice nearest `position` along the normal, if within half the local slice distance
    /// (one slice: half of `singleSliceSpacing`).
    static func nearestSlice(_ position: Double, _ positions: [Double],
                             singleSliceSpacing: Double) -> Int? {
        guard !positions.isEmpty else { return nil }
        var best = 0
        for k in 1..<positions.count
        where abs(positions[k] - position) < abs(positions[best] - position) { best = k }
        let local: Double
        if positions.count == 1 {
            local = singleSliceSpacing
        } else if best == 0 {
            local = positions[1] - positions[0]
        } else {
            local = positions[best] - positions[best - 1]
        }
        return abs(positions[best] - position) <= 0.5 * abs(local) + 1e-6 ? best : nil
    }

    static func fill(_ polygons: [[SIMD2<Double>]], slice k: Int, into mask: inout Volume<UInt8>) {
        let nx = mask.geometry.size.x, ny = mask.geometry.size.y
        var crossings: [Double] = []
        for y in 0..<ny {
            let row = Double(y)
            crossings.removeAll(keepingCapacity: true)
            for polygon in polygons {
                var previous = polygon[polygon.count - 1]
                for point in polygon {
                    if (previous.y <= row) != (point.y <= row) {
                        let t = (row - previous.y) / (point.y - previous.y)
                        crossings.append(previous.x + t * (point.x - previous.x))
                    }
                    previous = point
                }
            }
            guard crossings.count >= 2 else { continue }
            crossings.sort()
            var i = 0
            while i + 1 < crossings.count {
                let first = max(0, Int((crossings[i]).rounded(.up)))
                let last = min(nx - 1, Int((crossings[i + 1]).rounded(.up)) - 1)
                if first <= last {
                    for x in first...last { mask[x, y, k] = 1 }
                }
                i += 2
            }
        }
    }
}
