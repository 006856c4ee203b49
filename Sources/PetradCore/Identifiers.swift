import Foundation

/// Patient and case ids are matched exactly, as R's `merge` and pandas match them; these
/// helpers only find ids that a person would read as the same, to name them in a warning.
public enum Identifiers {
    /// `id` without the spaces and tabs around it, in lower case.
    public static func looseKey(_ id: String) -> String {
        id.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Groups of distinct ids among `ids` that share a `looseKey` ("P1" and "p1 "), each group
    /// sorted, the groups in the order of their first id.
    public static func nearDuplicates(_ ids: [String]) -> [[String]] {
        var groups: [String: Set<String>] = [:]
        for id in ids { groups[looseKey(id), default: []].insert(id) }
        return groups.values.filter { $0.count > 1 }.map { $0.sorted() }
            .sorted { $0[0] < $1[0] }
    }
}
