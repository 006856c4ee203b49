import Foundation

/// IBSI texture families with their aggregation methods.
enum IBSITexture {
    /// Texture features of `roi` (intensity mask levels); `morphologicalMask` (same grid, x
    /// fastest, nonzero inside; nil = the intensity mask) gives the GLDZM its distance map.
    static func features(_ roi: DiscretisedROI, morphologicalMask: [UInt8]? = nil,
                         settings: IBSIFeatureSettings) -> [IBSIFeatureValue] {
        let grid = IBSIGrid(roi, morphologicalMask: morphologicalMask)
        let families = settings.families
        let aggregations = settings.aggregations
        var out: [IBSIFeatureValue] = []
        let empty = grid.voxelCount == 0
        let ng = grid.ng

        if families.contains(.glcm) {
            let table = IBSIFeatureTable.glcm
            let results = empty ? [] : IBSIDirectional.aggregate(
                grid, aggregations: aggregations, count: table.count,
                build: { dir, slice in IBSIGLCM.matrix(grid, offset: dir &* settings.distance,
                                                      slice: slice) },
                features: { IBSIGLCM.features($0, ng: ng) })
            out += values(table, results, zone: false, family: "GLCM")
        }
        if families.contains(.glrlm) {
            let table = IBSIFeatureTable.glrlm
            let maxRun = max(grid.size.x, grid.size.y, grid.size.z, 1)
            let results = empty ? [] : IBSIDirectional.aggregate(
                grid, aggregations: aggregations, count: table.count,
                build: { dir, slice in IBSIGLRLM.matrix(grid, direction: dir, slice: slice,
                                                       maxRun: maxRun) },
                features: { m in
                    var voxels = 0.0
                    for k in m.indices where m[k] > 0 { voxels += m[k] * Double(k % maxRun + 1) }
                    return ibsiCountMatrixFeatures(m, ng: ng, columns: maxRun, voxels: voxels)
                        .map { Array($0.prefix(table.count)) }
                })
            out += values(table, results, zone: false, family: "GLRLM")
        }

        // Zone and neighbourhood families: 2D (per slice, averaged), 2.5D (slices merged),
        // 3D (volume).
        let zoneAggregations = [IBSIAggregation.twoDAveraged, .twoAndHalfDMerged, .threeDMerged]
            .filter { aggregations.contains($0) }
        let slices = empty ? [] : grid.occupiedSlices
        func zoneLevels(count: Int, unit: (Int?) -> [Double]?, merged: () -> [Double]?)
            -> [(IBSIAggregation, [Double])] {
            guard !empty else { return [] }
            var results: [(IBSIAggregation, [Double])] = []
            for aggregation in zoneAggregations {
                switch aggregation {
                case .twoDAveraged:
                    results.append((aggregation,
                                    ibsiAverage(slices.compactMap { unit($0) }, count: count)))
                case .twoAndHalfDMerged:
                    results.append((aggregation,
                                    merged() ?? ibsiAverage([], count: count)))
                default:
                    results.append((aggregation, unit(nil) ?? ibsiAverage([], count: count)))
                }
            }
            return results
        }

        if families.contains(.glszm) || families.contains(.gldzm) {
            let sliceZones = Dictionary(uniqueKeysWithValues: slices.map {
                ($0, IBSIZones.zones(grid, slice: $0)) })
            let volumeZones = zoneAggregations.contains(.threeDMerged)
                ? IBSIZones.zones(grid, slice: nil) : []
            for byDistance in [false, true] {
                let table = byDistance ? IBSIFeatureTable.gldzm : IBSIFeatureTable.glszm
                guard families.contains(byDistance ? .gldzm : .glszm) else { continue }
                let all = sliceZones.values.flatMap { $0 } + volumeZones
                let columns = max(1, all.map { byDistance ? $0.distance : $0.size }.max() ?? 1)
                func zoneFeatures(_ m: [Double], voxels: Int) -> [Double]? {
                    ibsiCountMatrixFeatures(m, ng: ng, columns: columns,
                                            voxels: Double(voxels))
                        .map { Array($0.prefix(table.count)) }
                }
                func matrix(_ zones: [IBSIZones.Zone]) -> [Double] {
                    IBSIZones.matrix(zones, ng: ng, columns: columns, byDistance: byDistance)
                }
                let results = zoneLevels(
                    count: table.count,
                    unit: { slice in
                        let zones = slice.map { sliceZones[$0] ?? [] } ?? volumeZones
                        return zoneFeatures(matrix(zones),
                                            voxels: zones.reduce(0) { $0 + $1.size })
                    },
                    merged: {
                        let zones = slices.flatMap { sliceZones[$0] ?? [] }
                        return zoneFeatures(matrix(zones),
                                            voxels: zones.reduce(0) { $0 + $1.size })
                    })
                out += values(table, results, zone: true,
                              family: byDistance ? "GLDZM" : "GLSZM")
            }
        }
        if families.contains(.ngtdm) {
            let table = IBSIFeatureTable.ngtdm
            let perSlice = slices.map {
                IBSINeighbourhood.ngtdm(grid, slice: $0, distance: settings.distance) }
            let results = zoneLevels(
                count: table.count,
                unit: { slice in
                    let m = slice.map { perSlice[slices.firstIndex(of: $0)!] }
                        ?? IBSINeighbourhood.ngtdm(grid, slice: nil, distance: settings.distance)
                    return IBSINeighbourhood.ngtdmFeatures(n: m.n, s: m.s)
                },
                merged: {
                    var n = [Double](repeating: 0, count: ng), s = n
                    for m in perSlice {
                        for k in 0..<ng {
                            n[k] += m.n[k]
                            s[k] += m.s[k]
                        }
                    }
                    return IBSINeighbourhood.ngtdmFeatures(n: n, s: s)
                })
            out += values(table, results, zone: true, family: "NGTDM")
        }
        if families.contains(.ngldm) {
            let table = IBSIFeatureTable.ngldm
            let d = settings.distance
            let columns = (2 * d + 1) * (2 * d + 1) * (2 * d + 1)
            func matrix(_ slice: Int?) -> [Double] {
                IBSINeighbourhood.ngldm(grid, slice: slice, distance: d,
                                        alpha: settings.ngldmAlpha, columns: columns)
            }
            func features(_ m: [Double]) -> [Double]? {
                ibsiCountMatrixFeatures(m, ng: ng, columns: columns, voxels: m.reduce(0, +))
            }
            let perSlice = slices.map { matrix($0) }
            let results = zoneLevels(
                count: table.count,
                unit: { slice in
                    features(slice.map { perSlice[slices.firstIndex(of: $0)!] } ?? matrix(nil))
                },
                merged: { features(IBSIDirectional.sum(perSlice)) })
            out += values(table, results, zone: true, family: "NGLDM")
        }
        return out
    }

    /// Output rows of one family: every feature for every asked aggregation; all NaN with a
    /// reason when the ROI is empty or no matrix had any entry.
    static func values(_ table: [IBSIFeatureID], _ results: [(IBSIAggregation, [Double])],
                       zone: Bool, family: String) -> [IBSIFeatureValue] {
        var out: [IBSIFeatureValue] = []
        for (aggregation, vector) in results {
            let suffix = zone ? zoneSuffix(aggregation) : aggregation.rawValue
            for (id, value) in zip(table, vector) {
                let prefix = id.tag.prefix { $0 != "_" }
                out.append(IBSIFeatureValue(
                    column: "ibsi_\(prefix)_\(suffix)_\(id.readable)_\(id.code)",
                    tag: "\(id.tag)_\(suffix)", code: id.code, value: value,
                    reason: value.isNaN ? "\(family) \(id.readable) (\(suffix)) is undefined "
                        + "for this ROI (empty matrix or zero variance)" : nil))
            }
        }
        return out
    }

    static func zoneSuffix(_ aggregation: IBSIAggregation) -> String {
        switch aggregation {
        case .twoDAveraged, .twoDSliceMerged: return "2D"
        case .twoAndHalfDAveraged, .twoAndHalfDMerged: return "2_5D"
        case .threeDAveraged, .threeDMerged: return "3D"
        }
    }
}
