import Foundation
import PetradImage
import PetradImageOps
import XCTest

final class DICOMRTStructTests: XCTestCase {
    /// A square contour through index coordinates (corners at half voxels).
    func square(_ lo: Double, _ hi: Double, z: Double = 0) -> RTStructure.Contour {
        RTStructure.Contour(points: [SIMD3(lo, lo, z), SIMD3(hi, lo, z), SIMD3(hi, hi, z),
                                     SIMD3(lo, hi, z)])
    }

    /// A ring: outer square over voxel centres 2..17 (256 voxels) with an inner square over
    /// 6..11 (36) on the same slice of a 20x20 grid: even-odd filling gives 220, not 256
    /// (the issue's values).
    func testRingContourHasAHole() {
        let geometry = Geometry(size: SIMD3(20, 20, 1))
        let roi = RTStructure.ROI(number: 1, name: "ring",
                                  contours: [square(1.5, 17.5), square(5.5, 11.5)])
        let result = ContourRasterizer.rasterize(roi, onto: geometry)
        XCTAssertEqual(result.mask.voxels.reduce(0) { $0 + Int($1) }, 220)
        XCTAssertEqual(result.mask[8, 8, 0], 0)
        XCTAssertEqual(result.mask[2, 2, 0], 1)
    }

    /// A square whose corners are voxel centres 2 and 17 (20x20 grid): 16 x 16 centres lie
    /// inside or on it. The half-open rule keeps the centres on the edges where the square
    /// starts (column 2, row 2) and leaves out those where it ends (column 17, row 17):
    /// 15 x 15 = 225. For comparison, skimage.draw.polygon (0.26) keeps every centre on the
    /// contour (256) and matplotlib's Path.contains_points gives 240.
    func testCentresOnTheContourHalfOpen() {
        let geometry = Geometry(size: SIMD3(20, 20, 1))
        let roi = RTStructure.ROI(number: 1, name: "square", contours: [square(2, 17)])
        let mask = ContourRasterizer.rasterize(roi, onto: geometry).mask
        XCTAssertEqual(mask.voxels.reduce(0) { $0 + Int($1) }, 225)
        XCTAssertEqual(mask[2, 2, 0], 1)
        XCTAssertEqual(mask[16, 16, 0], 1)
        XCTAssertEqual(mask[17, 10, 0], 0)
        XCTAssertEqual(mask[10, 17, 0], 0)
    }

    /// A one-voxel contour on a grid with row spacing 3.0 and column spacing 1.5
    /// (PixelSpacing "3.0\1.5"), axial and with flipped row and column directions: the voxel
    /// lands at column 3, row 5 in both (DICOM PS3.3 C.7.6.2.1.1 position formula).
    func testOneVoxelContourUnequalSpacingAndFlippedOrientation() throws {
        for (orientation, row, column) in [
            ("1\\0\\0\\0\\1\\0", SIMD3(1.0, 0, 0), SIMD3(0.0, 1, 0)),
            ("-1\\0\\0\\0\\-1\\0", SIMD3(-1.0, 0, 0), SIMD3(0.0, -1, 0)),
        ] {
            let folder = try SyntheticDICOM.temporaryFolder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let origin = SIMD3(100.0, 50.0, 0)
            for k in 0..<2 {
                try SyntheticDICOM.writeSlice(
                    folder: folder, name: "s\(k).dcm", z: Double(k) * 2,
                    stored: [Int16](repeating: 0, count: 80), rows: 8, columns: 10,
                    orientation: orientation, pixelSpacing: "3.0\\1.5",
                    position: "100\\50\\\(Double(k) * 2)")
            }
            let series = try DICOMSeriesReader.read(folder: folder)
            // Centre of column 3, row 5 by the DICOM formula: P + row dir * c * Δc + column
            // dir * r * Δr with Δc = PixelSpacing[1] = 1.5, Δr = PixelSpacing[0] = 3.0.
            let centre = origin + row * (3 * 1.5) + column * (5 * 3.0)
            let h = 0.4
            let points = [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)].map {
                centre + row * ($0.0 * h * 1.5) + column * ($0.1 * h * 3.0)
            }
            let roi = RTStructure.ROI(number: 1, name: "voxel",
                                      contours: [RTStructure.Contour(points: points)])
            let mask = ContourRasterizer.rasterize(
                roi, onto: series.image.geometry,
                slicePositions: series.slices.map(\.normalPosition)).mask
            XCTAssertEqual(mask.voxels.reduce(0) { $0 + Int($1) }, 1, orientation)
            XCTAssertEqual(mask[3, 5, 0], 1, orientation)
        }
    }

    /// The voxel-centre raster of the DRO RTSTRUCT made by
    /// scripts/reference/dro_rtstruct_raster.py (matplotlib's point-in-polygon test, centres on
    /// the contour left out as MIRP leaves them out), as runs "slice row first last".
    func droReferenceRaster() throws -> [UInt8] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Fixtures/DICOM/dro_region1_raster.txt").path
        var mask = [UInt8](repeating: 0, count: 256 * 256 * 20)
        for line in try String(contentsOfFile: path, encoding: .utf8)
            .split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: " ").map { Int($0)! }
            for i in f[2]...f[3] { mask[(f[0] * 256 + f[1]) * 256 + i] = 1 }
        }
        return mask
    }

    /// IBSI-SUV DROs, all 17 (one RTSTRUCT each, the same contours): region_1 rasterised by
    /// petrad equals, voxel for voxel, the reference raster of the same contours (174,690
    /// voxels on slices 2-17, exact). It does not equal the series' NIfTI mask on those
    /// slices, and no rasterisation rule can make it: the NIfTI mask is the non-zero region
    /// of the image (a disc of 11,289 voxels, centres up to 60 voxels from the axis, on
    /// slices 1-18; suv-dro README), while the contours run 58.4-59.4 voxels from the axis,
    /// 0.6-1.6 voxels inside the outermost mask centres, and stop one slice short at each
    /// end. So the raster lies inside the NIfTI mask and misses its outer ring: 5,934 voxels
    /// of the 180,624 on the contoured slices. SUV in the raster is 0.20 / 1.00 / 4.00 as in
    /// the NIfTI mask (the 720 and 14400 Bq/ml voxels are well inside).
    func testSUVDRORTStructEqualsReferenceRaster() throws {
        let reference = try droReferenceRaster()
        XCTAssertEqual(reference.reduce(0) { $0 + Int($1) }, 174_690)
        let root = try SUVDRO.unpack(SUVDRO.ids)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let nifti = try SUVDRO.mask()
        let plane = 256 * 256
        var niftiOnContoured = 0
        for i in 2 * plane..<18 * plane where nifti.voxels[i] != 0 { niftiOnContoured += 1 }
        XCTAssertEqual(niftiOnContoured, 180_624)
        for id in SUVDRO.ids {
            let series = try DICOMSeriesReader.read(folder: "\(root)/DRO_\(id)/PT")
            let structure = try RTStructure(path: "\(root)/DRO_\(id)/RS/RS_dro_\(id).dcm")
            XCTAssertEqual(structure.rois.map(\.name), ["region_1"])
            let roi = try structure.roi(named: "region_1")
            XCTAssertEqual(roi.contours.count, 16)
            let result = ContourRasterizer.rasterize(
                roi, onto: series.image.geometry,
                slicePositions: series.slices.map(\.normalPosition))
            XCTAssertEqual(result.contoursOffGrid, 0)
            var differences = 0, outside = 0, missed = 0
            for i in 0..<result.mask.voxels.count {
                let ours = result.mask.voxels[i] != 0
                if ours != (reference[i] != 0) { differences += 1 }
                if ours && nifti.voxels[i] == 0 { outside += 1 }
                if !ours && nifti.voxels[i] != 0 && i >= 2 * plane && i < 18 * plane {
                    missed += 1
                }
            }
            XCTAssertEqual(differences, 0, "DRO_\(id)")
            XCTAssertEqual(outside, 0, "DRO_\(id)")
            XCTAssertEqual(missed, 180_624 - 174_690, "DRO_\(id)")
            // The centre on the contour (slice 10, row 187, column 128: on a horizontal
            // edge) is left out by the half-open crossing rule as by the reference.
            XCTAssertEqual(result.mask[128, 187, 10], 0, "DRO_\(id)")
            guard ["0_0", "1_0", "3_4"].contains(id) else { continue }
            let (image, _) = try SUV.convert(series)
            let s = SUVDRO.statistics(image, mask: ImageVolume(
                geometry: result.mask.geometry, voxels: result.mask.voxels.map(Double.init)))
            XCTAssertEqual((s.0 * 100).rounded() / 100, 0.20, "DRO_\(id)")
            XCTAssertEqual((s.1 * 100).rounded() / 100, 1.00, "DRO_\(id)")
            XCTAssertEqual((s.2 * 100).rounded() / 100, 4.00, "DRO_\(id)")
        }
    }

    /// STS_001 (mirp-sts-raw): SUVbw of the raw series matches the published SUV crop
    /// (ibsi-sts-validation/STS_001/pet_image.nii.gz) to 1e-3 SUV on the overlap, and the
    /// rasterised GTV_Mass equals the published mask (5095 voxels, README of mirp-sts-raw).
    func testSTS001MatchesPublishedSUVAndMask() throws {
        guard let folder = ReferenceData.path("pet/mirp-sts-raw/STS_001/FDG_PET"),
              let imagePath = ReferenceData.path(
                  "pet/ibsi-sts-validation/STS_001/pet_image.nii.gz"),
              let maskPath = ReferenceData.path(
                  "pet/ibsi-sts-validation/STS_001/pet_mask.nii.gz")
        else { throw XCTSkip("pet/mirp-sts-raw or pet/ibsi-sts-validation absent") }
        let series = try DICOMSeriesReader.read(folder: folder + "/image")
        let (suv, conversion) = try SUV.convert(series)
        XCTAssertEqual(conversion.factors[0], 2.4290298e-4, accuracy: 1e-11)
        XCTAssertTrue(conversion.rule.contains("SeriesDateTime"), conversion.rule)
        let structure = try RTStructure(path: folder + "/mask/1-1.dcm")
        XCTAssertEqual(structure.rois.map(\.name), ["GTV_Mass", "GTV_Edema"])
        let gtv = ContourRasterizer.rasterize(
            try structure.roi(named: "GTV_Mass"), onto: suv.geometry,
            slicePositions: series.slices.map(\.normalPosition))
        XCTAssertEqual(gtv.mask.voxels.reduce(0) { $0 + Int($1) }, 5095)

        let published = try ImageIO.readImage(path: imagePath)
        let publishedMask = try ImageIO.readMaskValues(path: maskPath)
        let g = published.geometry
        var compared = 0, maxDifference = 0.0, maskDifferences = 0, maskCount = 0
        for k in 0..<g.size.z {
            for j in 0..<g.size.y {
                for i in 0..<g.size.x {
                    let p = g.physicalPoint(ofIndex: SIMD3(Double(i), Double(j), Double(k)))
                    let index = suv.geometry.continuousIndex(ofPoint: p)
                    let x = Int(index.x.rounded()), y = Int(index.y.rounded())
                    // The crop starts at the first raw slice and keeps slices in order.
                    let z = k
                    guard x >= 0, y >= 0, x < 128, y < 128 else { continue }
                    compared += 1
                    maxDifference = max(maxDifference, abs(suv[x, y, z] - published[i, j, k]))
                    let ours = gtv.mask[x, y, z] != 0, theirs = publishedMask[i, j, k] != 0
                    if ours != theirs { maskDifferences += 1 }
                    if theirs { maskCount += 1 }
                }
            }
        }
        XCTAssertEqual(compared, g.count)
        XCTAssertLessThan(maxDifference, 1e-3)
        XCTAssertEqual(maskCount, 5095)
        XCTAssertEqual(maskDifferences, 0)
    }
}
