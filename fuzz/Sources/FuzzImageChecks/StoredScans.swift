import PetradImage

/// The scans `extract` makes on the stored voxels (ROI bounding box, ROI selection, integer
/// summary) must agree with the widened voxels every other reader uses; a difference traps.
public func checkStoredScans(_ stored: StoredVolume) {
    let voxels = stored.volume().voxels
    let ones = voxels.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
    if let box = stored.boundingBox(ofValue: 1) {
        precondition(box.count == ones, "boundingBox count \(box.count) != \(ones)")
        let selected = stored.selection(ofValue: 1, lower: box.lower, upper: box.upper)
        precondition(selected.reduce(0) { $0 + Int($1) } == ones, "selection count")
    } else {
        precondition(ones == 0, "boundingBox missed \(ones) voxels of value 1")
    }
    if let summary = stored.exactIntegerSummary() {
        precondition(summary.minimum == voxels.min() && summary.maximum == voxels.max(),
                     "exactIntegerSummary min/max")
        precondition(summary.sum == voxels.reduce(0, +), "exactIntegerSummary sum")
    }
}
