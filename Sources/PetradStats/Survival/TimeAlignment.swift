import Foundation

/// Times that differ only by floating-point noise are made equal before any survival
/// computation, as R's survival package does by default (`aeqSurv`, `timefix = TRUE`).
///
/// The distinct finite times y_1 < ... < y_m are scanned; y_{i+1} is merged into the previous
/// kept value when y_{i+1} - y_i <= tol or (y_{i+1} - y_i) / mean|y| <= tol, tol = sqrt(machine
/// eps) ~ 1.49e-8. Each time is replaced by the largest kept value not above it. Times that are
/// already well separated come back unchanged.
public enum TimeAlignment {
    public static func aligned(_ time: [Double]) -> [Double] {
        let tolerance = Double.ulpOfOne.squareRoot()
        let y = Array(Set(time.filter(\.isFinite))).sorted()
        guard y.count > 1 else { return time }
        let meanAbs = y.reduce(0) { $0 + abs($1) } / Double(y.count)
        var cuts = [y[0]]
        var anyTied = false
        for i in 1..<y.count {
            let dy = y[i] - y[i - 1]
            if dy <= tolerance || dy / meanAbs <= tolerance {
                anyTied = true
            } else {
                cuts.append(y[i])
            }
        }
        guard anyTied else { return time }
        return time.map { t in
            guard t.isFinite else { return t }
            // Largest cut <= t (binary search).
            var low = 0, high = cuts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if cuts[middle] <= t { low = middle } else { high = middle - 1 }
            }
            return cuts[low]
        }
    }
}
