import XCTest
@testable import PetradImageOps

/// Resampling against PyRadiomics' own `imageoperations.resampleImage` (PyRadiomics 3.1.4 as
/// pyradiomics-bhklab, SimpleITK 2.5.7) on small synthetic volumes; the reference grids and
/// voxels are in ResamplingReferenceData.swift, made by scripts/reference/resampling_reference.py.
final class ResamplingTests: XCTestCase {
    static let size = SIMD3(11, 9, 7)

    /// The script's image: v(x, y, z) = ((37x + 101y + 53z) mod 97) - 40 + 3x.
    static func image(direction: [Double]) -> ImageVolume {
        let geometry = Geometry(size: size, spacing: SIMD3(0.9, 1.3, 2.1),
                                origin: SIMD3(-10.5, 3.25, 7.0), direction: direction)
        var volume = ImageVolume(geometry: geometry, repeating: 0)
        for z in 0..<size.z {
            for y in 0..<size.y {
                for x in 0..<size.x {
                    volume[x, y, z] = Double((37 * x + 101 * y + 53 * z) % 97 - 40 + 3 * x)
                }
            }
        }
        return volume
    }

    /// The script's masks.
    static func mask(_ kind: String, direction: [Double]) -> Volume<UInt8> {
        let geometry = Geometry(size: size, spacing: SIMD3(0.9, 1.3, 2.1),
                                origin: SIMD3(-10.5, 3.25, 7.0), direction: direction)
        var volume = Volume<UInt8>(geometry: geometry, repeating: 0)
        for z in 0..<size.z {
            for y in 0..<size.y {
                for x in 0..<size.x {
                    let inside: Bool
                    switch kind {
                    case "ellipsoid":
                        let (dx, dy, dz) = (Double(x - 5), Double(y - 4), Double(z - 3))
                        inside = dx * dx / 6 + dy * dy / 4 + dz * dz / 2 <= 1
                    case "border": inside = x <= 3 && y >= 5 && z >= 4
                    default: inside = z == 3 && (2...7).contains(x) && (3...6).contains(y)
                    }
                    volume[x, y, z] = inside ? 1 : 0
                }
            }
        }
        return volume
    }

    /// - Parameter maskTiesMayDiffer: accept a different mask voxel where the new voxel centre
    ///   lies within 1e-9 voxel of half-way between two mask voxels (a rounding tie that ITK's
    ///   SVD-inverted oblique direction settles differently).
    func check(_ name: String, valueTolerance: Double = 0, originTolerance: Double = 0,
               maskTiesMayDiffer: Bool = false,
               file: StaticString = #filePath, line: UInt = #line) throws {
        let reference = try XCTUnwrap(resamplingReferenceCases.first { $0.name == name })
        let interpolator = try XCTUnwrap(Interpolator(rawValue: reference.interpolator))
        var input = Self.image(direction: reference.direction)
        var inputMask = Self.mask(reference.mask, direction: reference.direction)
        let outputType: ScalarType
        switch reference.imageType {
        case "float64": outputType = .float64
        case "float32":
            outputType = .float32
            input.voxels = input.voxels.map { Double(Float($0 / 7)) }
        case "subgrid":
            outputType = .int16
            inputMask = try Cropping.crop(image: input, mask: inputMask, lower: SIMD3(2, 1, 1),
                                          upper: SIMD3(9, 7, 5)).mask
        default: outputType = .int16
        }
        let (image, mask) = try Resampling.resample(
            image: input, mask: inputMask, spacing: reference.spacing,
            interpolator: interpolator, padDistance: reference.padDistance,
            outputType: outputType)
        XCTAssertEqual(image.size, reference.outSize, "size", file: file, line: line)
        XCTAssertEqual(image.geometry.spacing, reference.outSpacing, "spacing",
                       file: file, line: line)
        XCTAssertEqual(image.geometry.direction, reference.direction, file: file, line: line)
        for a in 0..<3 {
            XCTAssertEqual(image.geometry.origin[a], reference.outOrigin[a],
                           accuracy: originTolerance, "origin axis \(a)", file: file, line: line)
        }
        XCTAssertEqual(mask.geometry, image.geometry, file: file, line: line)
        guard image.voxels.count == reference.image.count else { return }
        var worst = 0.0
        for (ours, theirs) in zip(image.voxels, reference.image) {
            worst = max(worst, abs(ours - theirs) / max(1, abs(theirs)))
        }
        XCTAssertLessThanOrEqual(worst, valueTolerance, "largest relative difference",
                                 file: file, line: line)
        guard maskTiesMayDiffer else {
            XCTAssertEqual(mask.voxels, reference.maskValues, "mask", file: file, line: line)
            return
        }
        let source = ITKGrid(inputMask.geometry)
        let target = ITKGrid(mask.geometry)
        let n = mask.size
        var differing = 0
        for k in 0..<n.z {
            for j in 0..<n.y {
                for i in 0..<n.x
                where mask[i, j, k] != reference.maskValues[i + n.x * (j + n.y * k)] {
                    differing += 1
                    let x = source.continuousIndex(
                        point: target.physicalPoint(index: SIMD3(Double(i), Double(j), Double(k))))
                    let tie = (0..<3).contains {
                        abs(abs(x[$0] - x[$0].rounded(.down)) - 0.5) < 1e-9
                    }
                    XCTAssertTrue(tie, "mask differs at \((i, j, k)) (index \(x))",
                                  file: file, line: line)
                }
            }
        }
        XCTAssertLessThan(differing, mask.voxels.count / 20, file: file, line: line)
    }

    // With identity directions every value agrees bit for bit (int16 outputs are truncated
    // after interpolation, so anything less would show as whole grey levels).

    func testBSplineInt16MatchesSimpleITKExactly() throws { try check("bSplineInt16") }

    func testBSplineFloat64MatchesSimpleITK() throws {
        try check("bSplineFloat64")
    }

    func testBSplineNearImageBorderUsesMirrorBoundary() throws {
        try check("bSplineBorder")
    }

    func testLinearInt16MatchesSimpleITKExactly() throws { try check("linearInt16") }

    func testLinearNearImageBorderClampsNeighbours() throws {
        try check("linearBorder")
    }

    func testNearestNeighbourInt16MatchesSimpleITKExactly() throws { try check("nearestInt16") }

    /// Spacing 0.45 = half of 0.9: new voxel centres fall exactly half-way between old ones,
    /// where ITK rounds half up.
    func testNearestNeighbourTiesRoundUpAsITK() throws { try check("nearestBorder") }

    /// A ROI in one z slice keeps the mask's z spacing (PyRadiomics does not resample an axis
    /// on which the ROI spans one voxel).
    func testSingleSliceROIKeepsSliceSpacing() throws {
        try check("bSplineSlice")
    }

    /// A permuted direction: ITK's SVD inverse of the direction differs from the exact one in
    /// the last bit, so values agree to 1e-15 relative.
    func testPermutedDirectionMatchesSimpleITK() throws {
        try check("bSplinePermuted", valueTolerance: 1e-15)
    }

    /// 30 degrees about z: ITK inverts the direction by SVD, petrad by cofactors, so the grid
    /// agrees to rounding only.
    func testObliqueDirectionMatchesSimpleITK() throws {
        try check("bSplineOblique", valueTolerance: 1e-9, originTolerance: 1e-12,
                  maskTiesMayDiffer: true)
    }

    /// Requested spacing equal to the image's: only the mask is moved, both are cropped to the
    /// ROI plus padDistance.
    func testSameSpacingOnlyCrops() throws { try check("sameSpacing") }

    /// A float32 image stays float32: each interpolated value is rounded to the nearest float.
    func testFloat32ImageIsRoundedToFloat() throws {
        try check("bSplineFloat32")
    }

    /// The mask on its own, smaller grid (a sub-grid of the image): the new grid follows the
    /// mask, the image is sampled by physical position.
    func testMaskOnSubgridOfImage() throws { try check("maskSubgrid") }

    func testEmptyMaskIsAnError() {
        let image = Self.image(direction: [1, 0, 0, 0, 1, 0, 0, 0, 1])
        let mask = Volume<UInt8>(geometry: image.geometry, repeating: 0)
        XCTAssertThrowsError(try Resampling.resample(image: image, mask: mask,
                                                     spacing: SIMD3(1, 1, 1),
                                                     interpolator: .bSpline, padDistance: 5))
    }

    func testResultDoesNotDependOnThreadScheduling() throws {
        let image = Self.image(direction: [1, 0, 0, 0, 1, 0, 0, 0, 1])
        let mask = Self.mask("ellipsoid", direction: [1, 0, 0, 0, 1, 0, 0, 0, 1])
        let first = try Resampling.resample(image: image, mask: mask, spacing: SIMD3(0.5, 0.5, 0.5),
                                            interpolator: .bSpline, padDistance: 5)
        for _ in 0..<3 {
            let again = try Resampling.resample(image: image, mask: mask,
                                                spacing: SIMD3(0.5, 0.5, 0.5),
                                                interpolator: .bSpline, padDistance: 5)
            XCTAssertEqual(again.image.voxels, first.image.voxels)
        }
    }
}
