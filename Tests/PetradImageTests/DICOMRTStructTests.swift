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
    /// (the values).
    func testRingContourHasAHole() {
        let geometry = Geometry(size: SIMD3(20, 20, 1))
        let roi = RTStructure.ROI(number: 1, name: "ring",
                                  contours: [square(1.5, 17.5), square(5.5, 11.5)])
        let result = ContourRasterizer.rasterize(roi, onto: geometry)
        XCTAssertEqual(result.mask.voxels.reduce(0) { $0 + Int($1) }, 220)
        XCTAssertEqual(result.mask[8, 8, 0], 0)
        XCTAssertEqual(result.mask[2, 2, 0], 1)
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

    /// IBSI-SUV DROs: the RTSTRUCT region_1 has 16 contours on slices 2-17; rasterised, it lies
    /// inside the NIfTI mask, on exactly the contoured slices 2-17, with a voxel count between
    /// the fills without and with the boundary (suv-dro README), and SUV in it is
    /// 0.20 / 1.00 / 4.00 as in the NIfTI mask.
    func testSUVDRORTStructInsideNIfTIMask() throws {
        let root = try SUVDRO.unpack(["0_0", "1_0", "3_4"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let nifti = try SUVDRO.mask()
        for id in ["0_0", "1_0", "3_4"] {
            let series = try DICOMSeriesReader.read(folder: "\(root)/DRO_\(id)/PT")
            let structure = try RTStructure(path: "\(root)/DRO_\(id)/RS/RS_dro_\(id).dcm")
            XCTAssertEqual(structure.rois.map(\.name), ["region_1"])
            let roi = try structure.roi(named: "region_1")
            XCTAssertEqual(roi.contours.count, 16)
            let result = ContourRasterizer.rasterize(
                roi, onto: series.image.geometry,
                slicePositions: series.slices.map(\.normalPosition))
            XCTAssertEqual(result.contoursOffGrid, 0)
            var count = 0, outside = 0
            var slices = Set<Int>()
            let plane = 256 * 256
            for i in 0..<result.mask.voxels.count where result.mask.voxels[i] != 0 {
                count += 1
                if nifti.voxels[i] == 0 { outside += 1 }
                slices.insert(i / plane)
            }
            XCTAssertEqual(outside, 0, "DRO_\(id)")
            XCTAssertEqual(slices, Set(2...17), "DRO_\(id)")
            // The contour runs through voxel centres; the half-open crossing rule claims the
            // boundary centres on one side only, so the count lies between the README's fills
            // without (171,781) and with (177,603) the boundary.
            XCTAssertGreaterThanOrEqual(count, 171_781, "DRO_\(id)")
            XCTAssertLessThanOrEqual(count, 177_603, "DRO_\(id)")
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
