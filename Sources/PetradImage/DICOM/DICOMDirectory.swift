import Foundation

/// One series found in a folder: its SeriesInstanceUID, what it is, and its files.
public struct DICOMSeriesSummary: Sendable, Equatable {
    public var seriesInstanceUID: String
    public var modality: String
    public var seriesDescription: String
    public var seriesNumber: String
    public var sopClassUID: String
    public var frameOfReferenceUID: String
    /// Files of the series, sorted by path.
    public var files: [String]

    /// True for image series (not RTSTRUCT, SEG or other non-image objects).
    public var isImage: Bool { !["RTSTRUCT", "SEG", "RTPLAN", "RTDOSE", "SR", "PR", "KO"]
        .contains(modality) }
}

/// Finds the DICOM series in a folder tree, grouped by SeriesInstanceUID (several series may
/// share a folder, and one series may spread over subfolders).
public enum DICOMDirectory {
    /// Every regular file under `folder` that GDCM reads as DICOM, grouped by series (sorted by
    /// modality then UID); other files are ignored. Throws when no DICOM file is found, and
    /// when a file that says it is DICOM (the "DICM" marker) fails `DICOMPrecheck`: a damaged
    /// slice left out silently would leave a gap in its series, or a wrong image.
    public static func scan(_ folder: String) throws -> [DICOMSeriesSummary] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw InputError(file: folder, "is not a folder; give the folder of a DICOM series")
        }
        // Without GDCM every file would be skipped as unreadable: say why instead.
        try DICOMFile.loadGDCM(for: folder)
        var bySeries: [String: DICOMSeriesSummary] = [:]
        for path in regularFiles(under: folder) {
            do {
                try DICOMPrecheck.check(path: path)
            } catch {
                if DICOMPrecheck.hasPart10Marker(path: path) { throw error }
                continue
            }
            guard let file = try? DICOMFile(checkedPath: path, pixels: false) else { continue }
            guard let uid = file.string(DICOMTag.seriesInstanceUID), !uid.isEmpty else {
                continue
            }
            if bySeries[uid] == nil {
                bySeries[uid] = DICOMSeriesSummary(
                    seriesInstanceUID: uid, modality: file.string(DICOMTag.modality) ?? "",
                    seriesDescription: file.string(DICOMTag.seriesDescription) ?? "",
                    seriesNumber: file.string(DICOMTag.seriesNumber) ?? "",
                    sopClassUID: file.string(DICOMTag.sopClassUID) ?? "",
                    frameOfReferenceUID: file.string(DICOMTag.frameOfReferenceUID) ?? "",
                    files: [])
            }
            bySeries[uid]?.files.append(path)
        }
        guard !bySeries.isEmpty else {
            throw InputError(file: folder, "holds no DICOM file that GDCM can read")
        }
        return bySeries.values.map { summary -> DICOMSeriesSummary in
            var sorted = summary
            sorted.files.sort()
            return sorted
        }.sorted { ($0.modality, $0.seriesInstanceUID) < ($1.modality, $1.seriesInstanceUID) }
    }

    static func regularFiles(under folder: String) -> [String] {
        let root = URL(fileURLWithPath: folder)
        guard let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey],
            options: [.skipsHiddenFiles]) else { return [] }
        var paths: [String] = []
        for case let url as URL in enumerator {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
                paths.append(url.path)
            }
        }
        return paths.sorted()
    }
}
