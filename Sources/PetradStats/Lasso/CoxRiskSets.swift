import Foundation

/// The Breslow risk-set layout glmnet's Cox solver works on (its `groups` step).
///
/// Times of censored patients are first moved later by `100 * .Machine$double.eps` (R's glmnet
/// does this so that a patient censored at an event time counts as at risk at it), then the
/// patients are sorted by time. Patients whose time is before the first event time drop out
/// (they are in no risk set). The rest fall into one group per distinct event time t_k: the
/// patients with t_k <= time < t_{k+1}. The risk set of t_k is groups k, k+1, ..., K, and
/// d_k = the (weighted) events of group k, all of which happen at t_k (Breslow ties).
struct CoxRiskSets {
    /// Patients in increasing time, those before the first event time removed.
    let order: [Int]
    /// For each group, one past its last position in `order`.
    let groupEnd: [Int]

    var groupCount: Int { groupEnd.count }

    /// Sorts and groups; nil when no event, or the first event is among the last two
    /// patients (glmnet's error 30000: "Initialization numerical error; probably too many
    /// censored observations").
    init?(time: [Double], event: [Bool]) {
        let shift = 100 * Double.ulpOfOne
        let shifted = zip(time, event).map { $0 + ($1 ? 0 : shift) }
        let sorted = shifted.indices.sorted {
            shifted[$0] < shifted[$1] || (shifted[$0] == shifted[$1] && $0 < $1)
        }
        guard let first = sorted.firstIndex(where: { event[$0] }),
              first < sorted.count - 2 else { return nil }
        let t0 = shifted[sorted[first]]
        var start = first
        while start > 0 && shifted[sorted[start - 1]] >= t0 { start -= 1 }
        let kept = Array(sorted[start...])

        var ends: [Int] = []
        var groupTime = t0
        for position in 1..<kept.count {
            let i = kept[position]
            if event[i] && shifted[i] > groupTime {
                ends.append(position)
                groupTime = shifted[i]
            }
        }
        ends.append(kept.count)
        order = kept
        groupEnd = ends
    }

    /// Sum of `weights` over each group, in order (glmnet's `died`).
    func groupSums(_ weights: UnsafePointer<Double>) -> [Double] {
        var sums = [Double](repeating: 0, count: groupCount)
        var position = 0
        for k in 0..<groupCount {
            var s = 0.0
            while position < groupEnd[k] {
                s += weights[order[position]]
                position += 1
            }
            sums[k] = s
        }
        return sums
    }

    /// Risk-set sums u_k = sum of `e` over groups k...K, accumulated from the last patient back
    /// (glmnet's `usk`), written into `u`.
    func riskSums(_ e: UnsafePointer<Double>, into u: UnsafeMutablePointer<Double>) {
        var h = 0.0
        var position = order.count - 1
        for k in stride(from: groupCount - 1, through: 0, by: -1) {
            let begin = k == 0 ? 0 : groupEnd[k - 1]
            while position >= begin {
                h += e[order[position]]
                position -= 1
            }
            u[k] = h
        }
    }
}
