import Foundation
import PetradCore
@testable import PetradFeatures
import XCTest

/// Degenerate ROIs under the IBSI 1 definitions. Expected values follow from the formulas of
/// the IBSI 1 reference manual (theibsi/ibsi-doc, "Image features"), worked by hand in the
/// comments; where the manual's formula is 0/0 petrad gives NaN with a reason (MIRP 2.x gives
/// 1 for GLCM correlation and the first information correlation there, a choice the manual
/// does not make).
final class IBSIEdgeCaseTests: XCTestCase {
    /// Features of `levels` (x fastest, 0 = outside the intensity mask) on a 1 mm grid of
    /// `size`, with intensities `intensities` and the morphological mask `morphology` (nil =
    /// the intensity mask).
    func features(size: SIMD3<Int>, levels: [Int32], intensities: [Double],
                  morphology: [UInt8]? = nil, ng: Int,
                  settings: IBSIFeatureSettings = IBSIFeatureSettings()) throws
        -> [String: IBSIFeatureValue] {
        let geometry = Geometry(size: size)
        let image = ImageVolume(geometry: geometry, voxels: intensities)
        let intensity = Volume<UInt8>(geometry: geometry, voxels: levels.map { $0 > 0 ? 1 : 0 })
        let morphological = Volume<UInt8>(geometry: geometry,
                                          voxels: morphology ?? intensity.voxels)
        let values = try IBSIFeatures.computeTagged(
            image: image, intensityMask: intensity, morphologicalMask: morphological,
            discretised: DiscretisedROI(size: size, levels: levels, ng: ng), settings: settings)
        return Dictionary(values.map { ($0.tag, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Every value is finite, or NaN with a reason.
    func assertFiniteOrExplained(_ values: [String: IBSIFeatureValue],
                                 file: StaticString = #filePath, line: UInt = #line) {
        for (tag, value) in values.sorted(by: { $0.key < $1.key }) {
            XCTAssertFalse(value.value.isInfinite, "\(tag) is \(value.value)", file: file,
                           line: line)
            if value.value.isNaN {
                XCTAssertNotNil(value.reason, "\(tag) is NaN without a reason", file: file,
                                line: line)
            }
        }
    }

    func value(_ values: [String: IBSIFeatureValue], _ tag: String) throws -> Double {
        try XCTUnwrap(values[tag], "\(tag) not computed").value
    }

    // MARK: GLDZM distance map

    /// 5 x 5 x 1 morphological mask; grey level 1 on the outer ring, 2 on the inner ring, the
    /// centre removed by re-segmentation (a hole in the intensity mask only). IBSI 1 (GLDZM,
    /// "Morphological and intensity masks"): distances come from the morphological mask, so
    /// the inner ring lies 2 steps from the edge, not 1 from the hole. 2D matrix: one zone
    /// (level 1, distance 1), one zone (level 2, distance 2):
    /// SDE = (1/1 + 1/2^2) / 2 = 0.625, LDE = (1 + 4) / 2 = 2.5, ZDNU = (1 + 1) / 2 = 1.
    /// With the intensity mask's edge both zones would have distance 1 (SDE 1, LDE 1).
    func testGLDZMDistanceIsToTheMorphologicalMaskEdge() throws {
        var levels = [Int32](repeating: 1, count: 25)
        for y in 1...3 { for x in 1...3 { levels[x + 5 * y] = 2 } }
        levels[2 + 5 * 2] = 0
        let values = try features(size: SIMD3(5, 5, 1), levels: levels,
                                  intensities: levels.map(Double.init),
                                  morphology: [UInt8](repeating: 1, count: 25), ng: 2)
        XCTAssertEqual(try value(values, "dzm_sde_2D"), 0.625, accuracy: 1e-12)
        XCTAssertEqual(try value(values, "dzm_lde_2D"), 2.5, accuracy: 1e-12)
        XCTAssertEqual(try value(values, "dzm_zdnu_2D"), 1, accuracy: 1e-12)
        XCTAssertEqual(try value(values, "dzm_sde_2_5D"), 0.625, accuracy: 1e-12)
        // The zones themselves come from the intensity mask: GLSZM is unchanged, 2 zones of
        // 16 and 8 voxels, zone percentage 2 / 24.
        XCTAssertEqual(try value(values, "szm_z_perc_2D"), 2.0 / 24, accuracy: 1e-12)
    }

    /// The same in 3D: 5 x 5 x 5 morphological cube, level 1 on its surface, level 2 on the
    /// 3 x 3 x 3 shell inside, the centre voxel removed. Face-connected distances to the cube's
    /// edge: 1 on the surface, 2 on the inner shell. SDE = 0.625, LDE = 2.5 (one zone each).
    func testGLDZMDistanceIsToTheMorphologicalMaskEdge3D() throws {
        var levels = [Int32](repeating: 1, count: 125)
        for z in 1...3 { for y in 1...3 { for x in 1...3 { levels[x + 5 * (y + 5 * z)] = 2 } } }
        levels[2 + 5 * (2 + 5 * 2)] = 0
        let values = try features(size: SIMD3(5, 5, 5), levels: levels,
                                  intensities: levels.map(Double.init),
                                  morphology: [UInt8](repeating: 1, count: 125), ng: 2)
        XCTAssertEqual(try value(values, "dzm_sde_3D"), 0.625, accuracy: 1e-12)
        XCTAssertEqual(try value(values, "dzm_lde_3D"), 2.5, accuracy: 1e-12)
    }

    /// A voxel with a grey level outside the morphological mask cannot come from IBSI
    /// processing (re-segmentation only removes voxels): refused, naming the voxel.
    func testGreyLevelOutsideTheMorphologicalMaskIsRefused() {
        let levels: [Int32] = [1, 1, 1, 0]
        var morphology: [UInt8] = [1, 1, 0, 0]
        XCTAssertThrowsError(try features(size: SIMD3(4, 1, 1), levels: levels,
                                          intensities: [1, 1, 1, 1], morphology: morphology,
                                          ng: 1)) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.field, "morphologicalMask")
            XCTAssertTrue("\(error)".contains("(2, 0, 0)"), "\(error)")
        }
        morphology[2] = 1
        XCTAssertNoThrow(try features(size: SIMD3(4, 1, 1), levels: levels,
                                      intensities: [1, 1, 1, 1], morphology: morphology, ng: 1))
    }

    // MARK: Empty ROI after re-segmentation

    /// 10 x 10 x 10 image of 5, cube ROI, re-segmentation range [100, 200]: no voxel is left.
    /// IBSI processing stops with an error naming the range.
    func testEmptyROIAfterResegmentationIsAnErrorNamingTheRange() {
        let geometry = Geometry(size: SIMD3(10, 10, 10))
        let image = ImageVolume(geometry: geometry, repeating: 5)
        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        for z in 3...6 { for y in 3...6 { for x in 3...6 { mask[x, y, z] = 1 } } }
        var settings = IBSIProcessingSettings()
        (settings.resegmentationLower, settings.resegmentationUpper) = (100, 200)
        XCTAssertThrowsError(try IBSIProcessing.process(image: image, mask: mask,
                                                        settings: settings)) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.field, "re-segmentation range")
            XCTAssertEqual(e?.value, "[100, 200]")
        }
    }

    /// The same through the extraction pipeline (`convention: ibsi`): the error reaches the
    /// caller.
    func testEmptyROIAfterResegmentationThroughTheExtractor() {
        let geometry = Geometry(size: SIMD3(10, 10, 10))
        let image = ImageVolume(geometry: geometry, repeating: 5)
        var mask = ImageVolume(geometry: geometry, repeating: 0)
        for z in 3...6 { for y in 3...6 { for x in 3...6 { mask[x, y, z] = 1 } } }
        var settings = ExtractionSettings()
        settings.convention = .ibsi
        settings.resegmentRange = [100, 200]
        XCTAssertThrowsError(try Extractor(settings: settings).extract(image: image,
                                                                       maskValues: mask)) {
            XCTAssertEqual(($0 as? InputError)?.field, "re-segmentation range", "\($0)")
        }
    }

    /// `IBSIFeatures` called directly with an empty intensity mask: an error, not a row of NaN.
    func testEmptyIntensityMaskIsRefusedByTheFeatures() {
        XCTAssertThrowsError(try features(size: SIMD3(3, 3, 3),
                                          levels: [Int32](repeating: 0, count: 27),
                                          intensities: [Double](repeating: 1, count: 27),
                                          morphology: [UInt8](repeating: 1, count: 27),
                                          ng: 1)) { error in
            XCTAssertEqual((error as? InputError)?.field, "intensityMask", "\(error)")
        }
    }

    // MARK: One voxel

    /// One ROI voxel of intensity 40 at the centre of a 5 x 5 x 5 image of 100 (1 mm).
    /// - Mesh (marching cubes at 0.5): the octahedron with vertices at the face centres,
    ///   volume 1/6 mm^3, area sqrt(3) mm^2, maximum diameter 1 mm; voxel-counting volume 1.
    /// - PCA: every axis 0, so elongation, flatness and both AEE densities are NaN (0/0 and
    ///   no ellipsoid), not infinite. AABB 1 x 1 x 1: volume density 1/6, area density
    ///   sqrt(3)/6; the convex hull is the octahedron itself: densities 1.
    /// - Centre of mass shift 0, integrated intensity 40/6; Moran's I and Geary's C need two
    ///   voxels: NaN.
    /// - Statistics of one value: mean 40, variance 0, skewness and kurtosis 0 (the manual's
    ///   0/0; MIRP and petrad return 0), energy 1600.
    /// - Local and global peak: the 1 cm^3 sphere (radius 6.2 mm) holds all 125 voxels:
    ///   (124 * 100 + 40) / 125 = 99.52.
    /// - Texture: no neighbour pair, so GLCM and NGTDM are NaN; one run / zone / distance
    ///   zone / dependence of size 1: emphases 1, percentages 1, entropies 0.
    func testOneVoxelROI() throws {
        var levels = [Int32](repeating: 0, count: 125)
        var intensities = [Double](repeating: 100, count: 125)
        levels[62] = 1
        intensities[62] = 40
        let values = try features(size: SIMD3(5, 5, 5), levels: levels,
                                  intensities: intensities, ng: 1)
        assertFiniteOrExplained(values)
        XCTAssertEqual(try value(values, "morph_volume"), 1.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(try value(values, "morph_vol_approx"), 1)
        XCTAssertEqual(try value(values, "morph_area_mesh"), 3.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(try value(values, "morph_diam"), 1, accuracy: 1e-12)
        XCTAssertEqual(try value(values, "morph_pca_maj_axis"), 0)
        for tag in ["morph_pca_elongation", "morph_pca_flatness", "morph_vol_dens_aee",
                    "morph_area_dens_aee", "morph_moran_i", "morph_geary_c"] {
            XCTAssertTrue(try value(values, tag).isNaN, tag)
        }
        XCTAssertEqual(try value(values, "morph_vol_dens_aabb"), 1.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(try value(values, "morph_area_dens_aabb"), 3.0.squareRoot() / 6,
                       accuracy: 1e-12)
        XCTAssertEqual(try value(values, "morph_vol_dens_conv_hull"), 1, accuracy: 1e-12)
        XCTAssertEqual(try value(values, "morph_area_dens_conv_hull"), 1, accuracy: 1e-12)
        XCTAssertEqual(try value(values, "morph_com"), 0, accuracy: 1e-12)
        XCTAssertEqual(try value(values, "morph_integ_int"), 40.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(try value(values, "stat_mean"), 40)
        XCTAssertEqual(try value(values, "stat_var"), 0)
        XCTAssertEqual(try value(values, "stat_skew"), 0)
        XCTAssertEqual(try value(values, "stat_kurt"), 0)
        XCTAssertEqual(try value(values, "stat_energy"), 1600)
        XCTAssertEqual(try value(values, "loc_peak_loc"), 99.52, accuracy: 1e-12)
        XCTAssertEqual(try value(values, "loc_peak_glob"), 99.52, accuracy: 1e-12)
        XCTAssertEqual(try value(values, "ih_entropy"), 0)
        XCTAssertEqual(try value(values, "ih_uniformity"), 1)
        for suffix in ["2D_avg", "2_5D_comb", "3D_avg", "3D_comb"] {
            XCTAssertTrue(try value(values, "cm_joint_max_\(suffix)").isNaN, suffix)
        }
        for suffix in ["2D", "2_5D", "3D"] {
            XCTAssertTrue(try value(values, "ngt_coarseness_\(suffix)").isNaN, suffix)
            for tag in ["szm_sze", "szm_lze", "szm_z_perc", "dzm_sde", "dzm_lde", "ngl_lde",
                        "ngl_hde", "ngl_dc_perc"] {
                XCTAssertEqual(try value(values, "\(tag)_\(suffix)"), 1, "\(tag)_\(suffix)")
            }
            XCTAssertEqual(try value(values, "szm_zs_entr_\(suffix)"), 0)
        }
        XCTAssertEqual(try value(values, "rlm_sre_3D_comb"), 1)
        XCTAssertEqual(try value(values, "rlm_r_perc_3D_avg"), 1)
    }

    // MARK: One grey level

    /// A 3 x 3 x 3 cube of intensity 100, grey level 1 (N_g = 1), in a 5 x 5 x 5 image of 0.
    /// - Statistics: variance 0, skewness and kurtosis 0 (as MIRP), CoV 0.
    /// - Intensity histogram: entropy 0, uniformity 1.
    /// - GLCM (one cell, p_11 = 1): joint maximum 1, joint entropy 0, contrast 0, energy 1,
    ///   inverse difference 1, sum average 2, second information correlation 0; correlation
    ///   and first information correlation are 0/0 in the manual: NaN.
    /// - GLSZM 3D (one zone of 27 voxels): SZE 1/27^2, LZE 27^2, zone percentage 1/27.
    /// - GLDZM 3D: the zone touches the edge: SDE = LDE = 1.
    /// - NGTDM: s_1 = 0, so coarseness is the manual's cap 10^6; contrast, busyness,
    ///   complexity and strength 0.
    /// - Moran's I and Geary's C: zero variance, NaN.
    func testOneGreyLevelROI() throws {
        var levels = [Int32](repeating: 0, count: 125)
        var intensities = [Double](repeating: 0, count: 125)
        for z in 1...3 {
            for y in 1...3 {
                for x in 1...3 {
                    levels[x + 5 * (y + 5 * z)] = 1
                    intensities[x + 5 * (y + 5 * z)] = 100
                }
            }
        }
        let values = try features(size: SIMD3(5, 5, 5), levels: levels,
                                  intensities: intensities, ng: 1)
        assertFiniteOrExplained(values)
        XCTAssertEqual(try value(values, "stat_var"), 0)
        XCTAssertEqual(try value(values, "stat_skew"), 0)
        XCTAssertEqual(try value(values, "stat_kurt"), 0)
        XCTAssertEqual(try value(values, "stat_cov"), 0)
        XCTAssertEqual(try value(values, "ih_entropy"), 0)
        XCTAssertEqual(try value(values, "ih_uniformity"), 1)
        XCTAssertTrue(try value(values, "morph_moran_i").isNaN)
        XCTAssertTrue(try value(values, "morph_geary_c").isNaN)
        for suffix in ["2D_avg", "2D_comb", "2_5D_avg", "2_5D_comb", "3D_avg", "3D_comb"] {
            XCTAssertEqual(try value(values, "cm_joint_max_\(suffix)"), 1, suffix)
            XCTAssertEqual(try value(values, "cm_joint_entr_\(suffix)"), 0, suffix)
            XCTAssertEqual(try value(values, "cm_contrast_\(suffix)"), 0, suffix)
            XCTAssertEqual(try value(values, "cm_energy_\(suffix)"), 1, suffix)
            XCTAssertEqual(try value(values, "cm_inv_diff_\(suffix)"), 1, suffix)
            XCTAssertEqual(try value(values, "cm_sum_avg_\(suffix)"), 2, suffix)
            XCTAssertEqual(try value(values, "cm_info_corr2_\(suffix)"), 0, suffix)
            XCTAssertTrue(try value(values, "cm_corr_\(suffix)").isNaN, suffix)
            XCTAssertTrue(try value(values, "cm_info_corr1_\(suffix)").isNaN, suffix)
        }
        XCTAssertEqual(try value(values, "szm_sze_3D"), 1.0 / 729, accuracy: 1e-15)
        XCTAssertEqual(try value(values, "szm_lze_3D"), 729, accuracy: 1e-9)
        XCTAssertEqual(try value(values, "szm_z_perc_3D"), 1.0 / 27, accuracy: 1e-15)
        XCTAssertEqual(try value(values, "dzm_sde_3D"), 1)
        XCTAssertEqual(try value(values, "dzm_lde_3D"), 1)
        for suffix in ["2D", "2_5D", "3D"] {
            XCTAssertEqual(try value(values, "ngt_coarseness_\(suffix)"), 1e6, suffix)
            for tag in ["ngt_contrast", "ngt_busyness", "ngt_complexity", "ngt_strength"] {
                XCTAssertEqual(try value(values, "\(tag)_\(suffix)"), 0, "\(tag)_\(suffix)")
            }
        }
    }

    // MARK: Approximate enclosing ellipsoid area

    /// Sphere and spheroids: the closed forms (IBSI 1, RDD2, as MIRP computes them), to 1e-3
    /// relative: sphere 4 pi r^2; prolate a = 2, b = c = 1:
    /// 2 pi (1 + 2 arcsin(e) / e), e = sqrt(3)/2, = 21.4784; oblate a = b = 2, c = 1:
    /// 2 pi 4 (1 + (1 - e^2) / e artanh(e)) = 34.6875.
    func testEllipsoidAreaOfSphereAndSpheroids() {
        let cases: [(SIMD3<Double>, Double)] = [
            (SIMD3(3, 3, 3), 4 * Double.pi * 9),
            (SIMD3(2, 1, 1), 21.478435327883734),
            (SIMD3(2, 2, 1), 34.68753081338021),
            (SIMD3(10, 1, 1), 99.15103054409207),
        ]
        for (axes, expected) in cases {
            let area = IBSIMorphology.ellipsoidArea(axes.x, axes.y, axes.z)
            XCTAssertEqual(area, expected, accuracy: 1e-3 * expected, "\(axes)")
        }
    }

    /// A triaxial ellipsoid takes the manual's series (nu <= 20). Reference: numpy 2.4.6
    /// `polynomial.legendre.legval` on the manual's coefficients for semi-axes 2, 1.5, 1
    /// (MIRP's routine, there with 10 terms: 28.9084) = 28.906057; tolerance 1e-9 relative.
    /// The ellipsoid's true area is 27.886: the manual's series is not it (see the doc).
    func testEllipsoidAreaOfTriaxialEllipsoidIsTheManualsSeries() {
        XCTAssertEqual(IBSIMorphology.ellipsoidArea(2, 1.5, 1), 28.90605696830417,
                       accuracy: 1e-9 * 28.9)
        XCTAssertTrue(IBSIMorphology.ellipsoidArea(2, 1.5, 0).isNaN)
    }

    // MARK: Moran's I cost guard

    /// 27 voxels with a voxel limit of 10: Moran's I and Geary's C are NaN, the reason naming
    /// the count and the limit; without a limit they are computed (finite).
    func testAutocorrelationAboveTheVoxelLimitIsNaNWithTheReason() throws {
        let levels = [Int32](repeating: 1, count: 27)
        let intensities = (0..<27).map { Double(($0 * 7) % 5) }
        var settings = IBSIFeatureSettings(families: [.morphology])
        settings.autocorrelationVoxelLimit = 10
        let limited = try features(size: SIMD3(3, 3, 3), levels: levels,
                                   intensities: intensities, ng: 1, settings: settings)
        for tag in ["morph_moran_i", "morph_geary_c"] {
            let value = try XCTUnwrap(limited[tag])
            XCTAssertTrue(value.value.isNaN, tag)
            XCTAssertTrue(value.reason?.contains("27 intensity-mask voxels") == true, tag)
            XCTAssertTrue(value.reason?.contains("limit of 10") == true, tag)
        }
        settings.autocorrelationVoxelLimit = nil
        let full = try features(size: SIMD3(3, 3, 3), levels: levels, intensities: intensities,
                                ng: 1, settings: settings)
        XCTAssertTrue(try value(full, "morph_moran_i").isFinite)
        XCTAssertTrue(try value(full, "morph_geary_c").isFinite)
    }
}
