import Foundation

/// Grey Level Dependence Matrix features, as PyRadiomics 3.x `radiomics/gldm.py` computes them
/// (IBSI chapter 3.10, "neighbouring grey level dependence" with coarseness `alpha`).
///
/// For each ROI voxel of level i, its dependence is the number of neighbours (every offset of
/// infinity norm in `distances`, both signs; in-plane only with `force2D`) that lie in the ROI
/// and differ from i by at most `gldm_a`. `P(i, j)` counts voxels of level i with dependence
/// j - 1; `N_z` = `N_p` is the number of ROI voxels. There is one matrix.
///
/// Degenerate case: a one-voxel ROI has dependence 0 (j = 1), so every feature has a value.
enum GLDM {
    static let names = textureFeatureNames(.gldm)
    static let naming = GreyLevelSizeFeatures.Naming(
        small: "SmallDependence", large: "LargeDependence", greyLevelUnit: "",
        sizeUnit: "Dependence", unit: "Dependence")

    static func features(_ grid: TextureGrid, settings: TextureSettings) -> TextureFeatureSet {
        let neighbourhood = VoxelNeighbourhood(grid, settings: settings)
        var pairs: [Int32] = []
        pairs.reserveCapacity(2 * grid.voxelCount)
        neighbourhood.forEachVoxel { level, grey, neighbours in
            let centre = Double(grey)
            var dependence: Int32 = 0
            for neighbour in neighbours where abs(centre - Double(neighbour)) <= settings.gldmA {
                dependence += 1
            }
            pairs.append(level)
            pairs.append(dependence)
        }
        let m = SparseMatrix(pairs: pairs, chunkEnds: [pairs.count / 2], weights: [1],
                             rowCount: grid.grayLevels.count,
                             colCount: neighbourhood.offsets.count + 1)
        // The grey level / size family with dependence + 1 as size. PyRadiomics reports 14 of
        // the 16: not the percentage (always 1, one dependence count per voxel) and not
        // GrayLevelNonUniformityNormalized.
        let values = GreyLevelSizeFeatures(m, grid: grid).values(of: names, naming: naming)
        return TextureFeatureSet(names: names, values: values, className: "GLDM")
    }
}
