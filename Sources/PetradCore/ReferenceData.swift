import Foundation

/// Finds the shared reference data (`../shared/data` beside the repository, or the folder named
/// by the environment variable `PETRAD_SHARED_DATA`), used by tests and benchmarks.
public enum ReferenceData {
    /// The data folder, or nil when it is absent (tests then skip with a message).
    public static func folder(repositoryFile: String = #filePath) -> String? {
        if let explicit = ProcessInfo.processInfo.environment["PETRAD_SHARED_DATA"] {
            return FileManager.default.fileExists(atPath: explicit) ? explicit : nil
        }
        var url = URL(fileURLWithPath: repositoryFile)
        for _ in 0..<6 {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                let data = url.deletingLastPathComponent().appendingPathComponent("shared/data")
                return FileManager.default.fileExists(atPath: data.path) ? data.path : nil
            }
        }
        return nil
    }

    /// A path inside the data folder, or nil when the folder or the file is absent.
    public static func path(_ relative: String, repositoryFile: String = #filePath) -> String? {
        guard let folder = folder(repositoryFile: repositoryFile) else { return nil }
        let path = folder + "/" + relative
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
