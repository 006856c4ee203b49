import XCTest
@testable import PetradImageOps

/// The study's resampling (4 x 4 x 5 mm, sitkBSpline, padDistance 5) on real FDG-PET (SUV,
/// float32 NIfTI) from pet/ibsi-sts-validation, against PyRadiomics 3.1.4
/// (pyradiomics-bhklab, SimpleITK 2.5.7) as printed by
/// scripts/reference/pet_resampling_reference.py: grid size and origin, image sum, minimum,
/// maximum (all voxels, float32 output), ROI voxel count and ROI sum.
final class PETResamplingTests: XCTestCase {
    typealias Reference = (case: String, size: (Int, Int, Int), origin: (Double, Double, Double),
                           type: String, sum: Double, minimum: Double, maximum: Double,
                           roiCount: Int, roiSum: Double)

    static let references: [Reference] = [
        ("STS_001", (34, 36, 32), (6.5625, -59.0625, -870.434987783432), "32-bit float",
         37450.17077158543, -0.01787654310464859, 8.30540943145752, 4604, 11764.293167486787),
        ("STS_002", (26, 22, 22), (30.00000500679016, 84.68750381469727, -603.1550195217133),
         "32-bit float", 14798.750237640459, 0.0003911455860361457, 21.50010108947754, 693,
         5134.553229868412),
        ("STS_003", (25, 26, 25), (-106.71875, 19.062504768371582, -828.434987783432),
         "32-bit float", 15200.55791280442, 0.0011964146979153156, 10.314291000366211, 1047,
         5887.20139092207),
        ("STS_004", (28, 31, 46), (-153.59375, -12.968753814697266, 615.9849951267242),
         "32-bit float", 18062.888727430578, -0.007655769120901823, 4.594959735870361, 3186,
         4550.250972494483),
        ("STS_005", (36, 36, 42), (117.50000762939453, -46.56249237060547, -437.7249963283539),
         "32-bit float", 60386.000956057804, 0.0003680399095173925, 6.790470123291016, 7369,
         21769.299066364765),
    ]

    func check(_ reference: Reference) throws {
        let folder = "pet/ibsi-sts-validation/\(reference.case)"
        guard let imagePath = ReferenceData.path(folder + "/pet_image.nii.gz"),
              let maskPath = ReferenceData.path(folder + "/pet_mask.nii.gz")
        else { throw XCTSkip("\(folder) absent") }
        let (image, header) = try ImageIO.read(path: imagePath)
        let labels = try ImageIO.readMaskValues(path: maskPath)
        let mask = Volume<UInt8>(geometry: labels.geometry,
                                 voxels: labels.voxels.map { $0 == 1 ? 1 : 0 })
        XCTAssertEqual(header.pixelTypeInMemory, .float32)
        let out = try Resampling.resample(image: image, mask: mask, spacing: SIMD3(4, 4, 5),
                                          interpolator: .bSpline, padDistance: 5,
                                          outputType: header.pixelTypeInMemory)
        let name = reference.case
        XCTAssertEqual(out.image.size, SIMD3(reference.size.0, reference.size.1, reference.size.2),
                       name)
        XCTAssertEqual(out.image.geometry.origin.x, reference.origin.0, accuracy: 1e-9, name)
        XCTAssertEqual(out.image.geometry.origin.y, reference.origin.1, accuracy: 1e-9, name)
        XCTAssertEqual(out.image.geometry.origin.z, reference.origin.2, accuracy: 1e-9, name)
        let voxels = out.image.voxels
        // Summed in numpy's pairwise order, so equality means every voxel matches to the bit.
        XCTAssertEqual(NumPyArithmetic.sum(voxels), reference.sum, name)
        XCTAssertEqual(voxels.min(), reference.minimum, name)
        XCTAssertEqual(voxels.max(), reference.maximum, name)
        let roi = Resegmentation.roiValues(image: out.image, mask: out.mask)
        XCTAssertEqual(roi.count, reference.roiCount, name)
        XCTAssertEqual(NumPyArithmetic.sum(roi), reference.roiSum, name)
    }

    func testStudySettingOnFivePETCases() throws {
        for reference in Self.references { try check(reference) }
    }
}
