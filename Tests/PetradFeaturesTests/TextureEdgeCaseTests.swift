import XCTest
@testable import PetradFeatures

/// The texture edge cases of issue 3, each with its expected value. Expected values are
/// PyRadiomics 3.1.4's (pyradiomics-bhklab 3.1.4; the flat-region values are those of the
/// `<case>_flatRegion` baseline columns), except where PyRadiomics cannot answer (a one-voxel
/// ROI makes its C extension raise "Error getting angle count"): there petrad states the value.
final class TextureEdgeCaseTests: XCTestCase {
    /// A box of `size` voxels, every voxel in the ROI with level `level`.
    func flatROI(_ size: SIMD3<Int>, level: Int32 = 1) -> DiscretisedROI {
        let count = size.x * size.y * size.z
        return DiscretisedROI(size: size, levels: [Int32](repeating: level, count: count))
    }

    func values(_ featureClass: TextureClass, _ roi: DiscretisedROI,
                _ settings: TextureSettings = TextureSettings()) throws -> [String: Double] {
        let set = try textureFeatureSet(featureClass, roi: roi, settings: settings)
        return Dictionary(uniqueKeysWithValues: set.features.map { ($0.name, $0.value) })
    }

    func testOneGreyLevelGivesPyRadiomicsFlatValuesWithoutNaN() throws {
        // A flat 5x5x5 ROI, and a single level that is not 1 (level 7, as after binning a ROI
        // narrower than one bin far from zero).
        for roi in [flatROI(SIMD3(5, 5, 5)), flatROI(SIMD3(4, 6, 3), level: 7)] {
            let glcm = try values(.glcm, roi)
            XCTAssertEqual(glcm["Contrast"], 0)
            XCTAssertEqual(glcm["JointEnergy"], 1)
            XCTAssertEqual(glcm["JointEntropy"], 0)
            XCTAssertEqual(glcm["SumEntropy"], 0)
            XCTAssertEqual(glcm["DifferenceEntropy"], 0)
            XCTAssertEqual(try values(.glszm, roi)["ZoneEntropy"], 0)
            XCTAssertEqual(glcm["Correlation"], 1)
            XCTAssertEqual(glcm["MCC"], 1)
            let ngtdm = try values(.ngtdm, roi)
            XCTAssertEqual(ngtdm["Contrast"], 0)
            XCTAssertEqual(ngtdm["Busyness"], 0)
            XCTAssertEqual(ngtdm["Strength"], 0)
            XCTAssertEqual(ngtdm["Complexity"], 0)
            XCTAssertEqual(ngtdm["Coarseness"], 1e6)
            for featureClass in TextureClass.allCases {
                for (name, value) in try values(featureClass, roi) {
                    XCTAssertFalse(value.isNaN, "\(featureClass) \(name) is NaN")
                    if name.hasSuffix("Entropy") {
                        XCTAssertGreaterThanOrEqual(value, 0, "\(featureClass) \(name)")
                    }
                }
            }
        }
    }

    func testOneVoxelROIGivesNaNWithReasonWhereNoValueExists() throws {
        // One ROI voxel in the middle of a 3x3x3 box.
        var levels = [Int32](repeating: 0, count: 27)
        levels[13] = 1
        let roi = DiscretisedROI(size: SIMD3(3, 3, 3), levels: levels)
        for featureClass in [TextureClass.glcm, .glrlm] {
            let set = try textureFeatureSet(featureClass, roi: roi, settings: TextureSettings())
            for (name, value) in set.features {
                XCTAssertTrue(value.isNaN, "\(featureClass) \(name)")
                XCTAssertFalse(set.nanReasons[name, default: ""].isEmpty, "\(name) has no reason")
            }
        }
        // One zone of size 1, dependence 0, no neighbours: these exist.
        let glszm = try values(.glszm, roi)
        XCTAssertEqual(glszm["SmallAreaEmphasis"], 1)
        XCTAssertEqual(glszm["ZonePercentage"], 1)
        XCTAssertEqual(glszm["ZoneVariance"], 0)
        let gldm = try values(.gldm, roi)
        XCTAssertEqual(gldm["SmallDependenceEmphasis"], 1)
        XCTAssertEqual(gldm["DependenceEntropy"], 0)
        let ngtdm = try values(.ngtdm, roi)
        XCTAssertEqual(ngtdm["Coarseness"], 1e6)
        XCTAssertEqual(ngtdm["Busyness"], 0)
    }

    func testRamp4x4x4WithBinWidthQuarterHasTwentyGreyLevels() throws {
        // Values k * 5/64, k = 0...63, bin width 0.25: PyRadiomics' edges 0, 0.25, ..., so the
        // values 0 ... 4.921875 fall in 20 bins.
        let values = (0..<64).map { Double($0) * 5 / 64 }
        let edges = Discretisation.binEdges(values: values, binWidth: 0.25)
        let levels = Discretisation.discretise(values: values, edges: edges)
        let roi = DiscretisedROI(size: SIMD3(4, 4, 4), levels: levels)
        XCTAssertEqual(roi.ng, 20)
        XCTAssertEqual(TextureGrid(roi).grayLevels, Array(1...20))
        for featureClass in TextureClass.allCases {
            let set = try textureFeatureSet(featureClass, roi: roi, settings: TextureSettings())
            XCTAssertEqual(set.features.map(\.name), textureFeatureNames(featureClass))
            for (name, value) in set.features {
                XCTAssertTrue(value.isFinite, "\(featureClass) \(name) = \(value)")
            }
        }
    }

    func testAbsurdGreyLevelCountIsRefusedBeforeAllocating() throws {
        // About 98,000 grey levels: a PET image in Bq/mL binned with width 0.25.
        var levels = [Int32](repeating: 1, count: 1000)
        levels[0] = 98_000
        let roi = DiscretisedROI(size: SIMD3(10, 10, 10), levels: levels)
        XCTAssertThrowsError(try textureFeatureSet(.glcm, roi: roi, settings: TextureSettings())) {
            let message = String(describing: $0)
            XCTAssertTrue(message.contains("98000 grey levels"), message)
            XCTAssertTrue(message.contains("GiB"), message)
            XCTAssertTrue(message.contains("SUV"), message)
        }
    }

    func testThirteenHundredGreyLevelsTakeSecondsNotMinutes() throws {
        // A 40x40x30 "tumour" whose smooth values span about 1,300 bins (a PET image left in
        // Bq/mL with bin width 25); PyRadiomics needs about 100 s on such a case.
        let size = SIMD3(40, 40, 30)
        var levels = [Int32](repeating: 0, count: size.x * size.y * size.z)
        var seed: UInt64 = 42
        for z in 0..<size.z {
            for y in 0..<size.y {
                for x in 0..<size.x {
                    seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    let noise = Double(seed >> 40) / Double(1 << 24) * 60
                    let dx = x - 20, dy = y - 20, dz = z - 15
                    let r = Double(dx * dx + dy * dy + dz * dz)
                    let value = 1500 * exp(-r / 300) + noise
                    levels[x + size.x * (y + size.y * z)] = r < 400 ? Int32(value) + 1 : 0
                }
            }
        }
        let roi = DiscretisedROI(size: size, levels: levels)
        XCTAssertGreaterThan(TextureGrid(roi).grayLevels.count, 1000)
        let start = Date()
        for featureClass in TextureClass.allCases {
            let set = try textureFeatureSet(featureClass, roi: roi, settings: TextureSettings())
            XCTAssertTrue(set.features.allSatisfy { $0.value.isFinite }, "\(featureClass)")
        }
        let seconds = Date().timeIntervalSince(start)
        print("texture: \(TextureGrid(roi).grayLevels.count) grey levels, five classes in "
              + String(format: "%.2f s", seconds))
        XCTAssertLessThan(seconds, 5)
    }

    func testRepeatedRunsGiveIdenticalBits() throws {
        // Directions run concurrently; each is reduced alone and averaged in a fixed order.
        let values: [Int32] = (0..<512).map { (k: Int) -> Int32 in
            let mixed: Int = (k * 37 + k / 7) % 11
            return Int32(1 + mixed)
        }
        let roi = DiscretisedROI(size: SIMD3(8, 8, 8), levels: values)
        for featureClass in TextureClass.allCases {
            let first = try textureFeatures(featureClass, roi: roi, settings: TextureSettings())
            for _ in 0..<3 {
                let again = try textureFeatures(featureClass, roi: roi, settings: TextureSettings())
                XCTAssertEqual(first.map { $0.value.bitPattern }, again.map { $0.value.bitPattern })
            }
        }
    }

    func testIsolatedVoxelAndAbsentLevelAsPyRadiomicsNGTDMAndGLDM() throws {
        // A 3x2 block with levels 1 2 3 / 2 3 5 and one voxel of level 5 with no ROI neighbour;
        // level 4 is absent. PyRadiomics' C code counts the isolated voxel in n_i and N_vp
        // (adding 0 to s_i). Expected: PyRadiomics 3.1.4 on the same image (values 10 40 70 /
        // 40 70 100 and 100, bin width 25): scripts/reference/texture_isolated_voxel.py.
        var levels = [Int32](repeating: 0, count: 6 * 5 * 3)
        let slice = 30
        for (k, level) in [Int32(1), 2, 3].enumerated() { levels[slice + k] = level }
        for (k, level) in [Int32(2), 3, 5].enumerated() { levels[slice + 6 + k] = level }
        levels[slice + 4 * 6 + 5] = 5
        let roi = DiscretisedROI(size: SIMD3(6, 5, 3), levels: levels)
        let expectedNGTDM: [String: Double] = [
            "Busyness": 0.15632183908045977, "Coarseness": 0.7720588235294119,
            "Complexity": 5.536507936507936, "Contrast": 0.2476190476190476,
            "Strength": 6.538461538461538,
        ]
        let expectedGLDM: [String: Double] = [
            "DependenceEntropy": 1.9502120649147459,
            "DependenceNonUniformity": 3.5714285714285716,
            "DependenceNonUniformityNormalized": 0.5102040816326531,
            "DependenceVariance": 0.24489795918367346,
            "GrayLevelNonUniformity": 1.8571428571428572,
            "GrayLevelVariance": 1.9999999999999998, "HighGrayLevelEmphasis": 11.0,
            "LargeDependenceEmphasis": 2.7142857142857144,
            "LargeDependenceHighGrayLevelEmphasis": 22.142857142857142,
            "LargeDependenceLowGrayLevelEmphasis": 0.566984126984127,
            "LowGrayLevelEmphasis": 0.2574603174603175,
            "SmallDependenceEmphasis": 0.5714285714285714,
            "SmallDependenceHighGrayLevelEmphasis": 8.214285714285714,
            "SmallDependenceLowGrayLevelEmphasis": 0.18007936507936506,
        ]
        let cases = [(TextureClass.ngtdm, expectedNGTDM), (.gldm, expectedGLDM)]
        for (featureClass, expected) in cases {
            let got = try values(featureClass, roi)
            for (name, reference) in expected {
                XCTAssertEqual(try XCTUnwrap(got[name]), reference,
                               accuracy: 1e-12 * abs(reference), "\(featureClass) \(name)")
            }
        }
    }

    func testConcurrentDirectionsEqualOneThreadBitForBit() throws {
        // The same GLCM and GLRLM computed direction by direction on this thread, averaged in
        // direction order, must equal the concurrent result exactly.
        let values: [Int32] = (0..<1000).map { (k: Int) -> Int32 in
            let mixed: Int = (k * 7919 + k / 13) % 17
            return Int32(1 + mixed)
        }
        let roi = DiscretisedROI(size: SIMD3(10, 10, 10), levels: values)
        let grid = TextureGrid(roi)
        let directions = textureDirections(size: grid.size, distances: [1], force2D: false,
                                           force2Ddimension: 0, bidirectional: false)
        let ngc = grid.grayLevels.count
        let glcmSerial = directions.map { offset -> [Double] in
            let pairs = GLCM.pairs(grid, offset: offset, symmetric: true)
            let m = SparseMatrix(pairs: pairs, chunkEnds: [pairs.count / 2], weights: [1],
                                 rowCount: ngc, colCount: ngc)
            return GLCM.directionFeatures(m, grid: grid)
        }
        let glcm = try textureFeatures(.glcm, roi: roi, settings: TextureSettings())
        for (k, feature) in glcm.enumerated() {
            let serial = nanMean(glcmSerial.map { $0[k] })
            XCTAssertEqual(feature.value.bitPattern, serial.bitPattern, feature.name)
        }
        let glrlmSerial = directions.map { offset -> [Double] in
            let runs = GLRLM.runPairs(grid, offset: offset)
            let m = SparseMatrix(pairs: runs, chunkEnds: [runs.count / 2], weights: [1],
                                 rowCount: ngc, colCount: 10)
            return GLRLM.directionFeatures(m, grid: grid)
        }
        let glrlm = try textureFeatures(.glrlm, roi: roi, settings: TextureSettings())
        for (k, feature) in glrlm.enumerated() {
            let serial = nanMean(glrlmSerial.map { $0[k] })
            XCTAssertEqual(feature.value.bitPattern, serial.bitPattern, feature.name)
        }
    }

    /// PyRadiomics' `build_angles` over the whole cube of side 2 max(distances) + 1, offsets
    /// outside the box dropped: the same offsets in the same order as the walk over the box
    /// alone, for boxes smaller and larger than the distances, in 3D and in each 2D plane.
    func testDirectionsEqualTheWholeCubeWalk() {
        func cubeWalk(_ size: SIMD3<Int>, _ distances: [Int], _ outOfPlane: Int,
                      _ bidirectional: Bool) -> [SIMD3<Int>] {
            let d = distances.max()!, n = 2 * d + 1
            var offsets: [SIMD3<Int>] = []
            for index in 0..<(n * n * n) {
                let o = SIMD3(d - index % n, d - (index / n) % n, d - (index / (n * n)) % n)
                let inside = (0..<3).allSatisfy {
                    abs(o[$0]) < size[$0] && ($0 != outOfPlane || o[$0] == 0)
                }
                let norm = max(abs(o.x), abs(o.y), abs(o.z))
                if inside && norm >= 1 && distances.contains(norm) { offsets.append(o) }
            }
            return bidirectional ? offsets : Array(offsets.prefix(offsets.count / 2))
        }
        for size in [SIMD3(5, 4, 3), SIMD3(2, 7, 1), SIMD3(9, 9, 9)] {
            for distances in [[1], [2], [1, 3], [6], [2, 11]] {
                for (force2D, dimension) in [(false, 0), (true, 0), (true, 1), (true, 2)] {
                    for bidirectional in [false, true] {
                        XCTAssertEqual(
                            textureDirections(size: size, distances: distances, force2D: force2D,
                                              force2Ddimension: dimension,
                                              bidirectional: bidirectional),
                            cubeWalk(size, distances, force2D ? 2 - dimension : -1,
                                     bidirectional),
                            "\(size) \(distances) \(force2D) \(dimension) \(bidirectional)")
                    }
                }
            }
        }
        // A distance far beyond the box costs the box, not the cube (10^12 offsets).
        XCTAssertEqual(textureDirections(size: SIMD3(5, 5, 5), distances: [5000], force2D: false,
                                         force2Ddimension: 0, bidirectional: false), [])
    }

    func testDirectionsAreThirteenIn3DAndFourIn2D() {
        let size = SIMD3(5, 5, 5)
        let d3 = textureDirections(size: size, distances: [1], force2D: false,
                                   force2Ddimension: 0, bidirectional: false)
        XCTAssertEqual(d3.count, 13)
        // PyRadiomics' first angle is (z, y, x) = (1, 1, 1).
        XCTAssertEqual(d3.first, SIMD3(1, 1, 1))
        let d2 = textureDirections(size: size, distances: [1], force2D: true,
                                   force2Ddimension: 0, bidirectional: false)
        XCTAssertEqual(d2.count, 4)
        XCTAssertTrue(d2.allSatisfy { $0.z == 0 })
        // Distances 1 and 2: (5^3 - 1) / 2 = 62 directions; 26 neighbours both ways.
        XCTAssertEqual(textureDirections(size: size, distances: [1, 2], force2D: false,
                                         force2Ddimension: 0, bidirectional: false).count, 62)
        XCTAssertEqual(textureDirections(size: size, distances: [1], force2D: false,
                                         force2Ddimension: 0, bidirectional: true).count, 26)
        // A one-slice ROI has only in-plane offsets.
        XCTAssertEqual(textureDirections(size: SIMD3(5, 5, 1), distances: [1], force2D: false,
                                         force2Ddimension: 0, bidirectional: false).count, 4)
    }

    func testInvalidSettingsAreRefusedWithTheirName() {
        let roi = flatROI(SIMD3(3, 3, 3))
        XCTAssertThrowsError(try textureFeatures(.glcm, roi: roi,
                                                 settings: TextureSettings(distances: [0]))) {
            XCTAssertEqual(($0 as? InputError)?.field, "distances")
        }
        XCTAssertThrowsError(try textureFeatures(.glcm, roi: roi,
                                                 settings: TextureSettings(weightingNorm: "l2"))) {
            XCTAssertEqual(($0 as? InputError)?.field, "weightingNorm")
        }
    }
}
