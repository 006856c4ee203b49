import Foundation

/// Settings of an X-Tile style cutoff search on a continuous risk score.
public struct CutoffSettings: Sendable, Equatable, Codable {
    /// Each group must hold at least ceil(minGroupProportion x n) patients (study: 0.1).
    public var minGroupProportion: Double = 0.1
    /// An absolute minimum group size; when set it replaces ceil(minGroupProportion x n) in
    /// the scan (maxstat's range still uses minGroupProportion).
    public var minGroupSize: Int? = nil
    /// Optional bounds on the share of patients in the high-risk group (score > cutoff); the
    /// study used 0.10...0.20. nil = any share the group sizes allow.
    public var highRiskShareMin: Double? = nil
    public var highRiskShareMax: Double? = nil
    /// Outcome permutations for the permutation p-value (0 = none).
    public var permutations: Int = 1000
    /// Seed of R's generator for the permutations.
    public var seed: Int = 1

    public init() {}
}

/// One candidate cutoff: low = score <= cutoff, high = score > cutoff, and the two-group
/// log-rank test (R `survdiff`, rho = 0) between them.
public struct CutoffRow: Sendable, Equatable {
    public let cutoff: Double
    public let lowCount: Int
    public let highCount: Int
    public let lowEvents: Int
    public let highEvents: Int
    public let chiSquare: Double
    /// Upper-tail chi-square (1 df) p-value of `chiSquare`, not corrected for the search.
    public let pValue: Double
    public var highShare: Double { Double(highCount) / Double(lowCount + highCount) }
}

/// The outcome of a cutoff search.
public struct CutoffSearchResult: Sendable {
    public let settings: CutoffSettings
    /// Every cutoff with both groups at least `minimumGroupSize`, increasing.
    public let rows: [CutoffRow]
    public let minimumGroupSize: Int
    /// Index into `rows` of the largest chi-square among rows meeting the high-risk share
    /// bounds (the first, when tied), and of the largest chi-square overall.
    public let chosenIndex: Int
    public let bestOverallIndex: Int
    /// maxstat's maximally selected log-rank statistic over the same range of low-group
    /// shares, with its Lausen–Schumacher p-values (corrected for the search): minprop =
    /// max(minGroupProportion, 1 - highRiskShareMax), maxprop = min(1 - minGroupProportion,
    /// 1 - highRiskShareMin). maxstat keeps m >= floor(n minprop) where the scan keeps
    /// m >= ceil(n minGroupProportion), so the two can differ by one cutpoint at the edges.
    public let maxstat: MaximallySelectedLogRank
    /// (1 + #{permutations whose best chi-square >= the observed one}) / (1 + permutations);
    /// nil when no permutations were asked for.
    public let permutationPValue: Double?

    public var chosen: CutoffRow { rows[chosenIndex] }
    /// Rows whose high-risk share meets the bounds.
    public var admissible: [Bool] {
        rows.map { CutoffSearch.meets($0, settings) }
    }
}

/// X-Tile style search for the cutoff of a risk score that best separates survival, with
/// p-values that account for the search.
///
/// Every distinct score value c is a candidate (high risk = score > c) when both groups hold
/// at least ceil(minGroupProportion x n) patients; each gets the log-rank chi-square. The chosen
/// cutoff maximises it among candidates whose high-risk share is within the bounds. Its raw
/// p-value is over-optimistic (the best of many tests); two corrections are reported:
/// Lausen–Schumacher (maxstat's Lau92 and Lau94 for the standardised log-rank statistic over the
/// same shares) and a permutation p-value that repeats the whole search on permuted outcomes.
public enum CutoffSearch {
    public static func run(score: [Double], outcome y: TimeToEvent,
                           settings: CutoffSettings = CutoffSettings()) throws -> CutoffSearchResult {
        let n = score.count
        guard y.count == n else {
            throw InputError(file: "cutoff", field: "score", value: "\(n) values",
                             "needs one score per patient (\(y.count))")
        }
        if let bad = score.firstIndex(where: { !$0.isFinite }) {
            throw InputError(file: "cutoff", field: "score, row \(bad + 1)",
                             value: formatNumber(score[bad]), "scores must be finite numbers")
        }
        guard settings.minGroupProportion > 0, settings.minGroupProportion < 0.5 else {
            throw InputError(file: "cutoff", field: "min-group",
                             value: formatNumber(settings.minGroupProportion),
                             "the minimum group share must be between 0 and 0.5")
        }
        let minimum = max(1, settings.minGroupSize
                            ?? Int((settings.minGroupProportion * Double(n)).rounded(.up)))
        let values = Array(Set(score)).sorted()
        var cutoffs: [Double] = []
        for c in values {
            let high = score.reduce(0) { $0 + ($1 > c ? 1 : 0) }
            if high >= minimum && n - high >= minimum { cutoffs.append(c) }
        }
        guard !cutoffs.isEmpty else {
            throw InputError(file: "cutoff", field: "score",
                             value: "\(values.count) distinct values",
                             "no cutoff leaves at least \(minimum) patients in both groups")
        }
        let rows = try cutoffs.map { try row(cutoff: $0, score: score, outcome: y) }
        let admissible = rows.map { meets($0, settings) }
        guard let chosen = bestIndex(rows.map(\.chiSquare), among: admissible) else {
            let low = settings.highRiskShareMin.map(formatNumber) ?? "0"
            let high = settings.highRiskShareMax.map(formatNumber) ?? "1"
            let shares = rows.map(\.highShare)
            throw InputError(
                file: "cutoff", field: "high-risk share", value: "\(low)...\(high)",
                "no cutoff puts a share of patients in this range into the high-risk group "
                + "with at least \(minimum) per group; the possible shares run from "
                + "\(formatNumber(shares.min()!)) to \(formatNumber(shares.max()!))")
        }
        let overall = bestIndex(rows.map(\.chiSquare), among: rows.map { _ in true })!

        // maxstat over the same nominal range of low-group shares (minprop, maxprop).
        let minProportion = max(settings.minGroupProportion, 1 - (settings.highRiskShareMax ?? 1))
        let maxProportion = min(1 - settings.minGroupProportion,
                                1 - (settings.highRiskShareMin ?? 0))
        let maxstat = try MaximallySelectedLogRank.test(
            score: score, outcome: y, minProportion: minProportion, maxProportion: maxProportion)

        var permutationP: Double? = nil
        if settings.permutations > 0 {
            let observed = rows[chosen].chiSquare
            let admissibleCutoffs = zip(cutoffs, admissible).filter { $0.1 }.map { $0.0 }
            // Draw every permutation first (one seeded stream), then search them in parallel.
            var random = RRandom(seed: settings.seed)
            let orders = (0..<settings.permutations).map { _ in random.permutation(n) }
            var exceed = [Bool](repeating: false, count: orders.count)
            var failure: Error? = nil
            let lock = NSLock()
            let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, orders.count))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for b in stride(from: worker, to: orders.count, by: workers) {
                    do {
                        let permuted = y.selecting(orders[b])
                        var best = -Double.infinity
                        for c in admissibleCutoffs {
                            let tested = try row(cutoff: c, score: score, outcome: permuted)
                            best = max(best, tested.chiSquare)
                        }
                        lock.lock()
                        exceed[b] = best >= observed
                        lock.unlock()
                    } catch {
                        lock.lock()
                        failure = error
                        lock.unlock()
                    }
                }
            }
            if let failure { throw failure }
            let atLeast = exceed.filter { $0 }.count
            permutationP = Double(1 + atLeast) / Double(1 + settings.permutations)
        }
        return CutoffSearchResult(settings: settings, rows: rows, minimumGroupSize: minimum,
                                  chosenIndex: chosen, bestOverallIndex: overall,
                                  maxstat: maxstat, permutationPValue: permutationP)
    }

    static func meets(_ row: CutoffRow, _ settings: CutoffSettings) -> Bool {
        let share = row.highShare
        if let low = settings.highRiskShareMin, share < low { return false }
        if let high = settings.highRiskShareMax, share > high { return false }
        return true
    }

    /// First index of the largest value among the allowed ones (R's which.max).
    static func bestIndex(_ values: [Double], among allowed: [Bool]) -> Int? {
        var best: Int? = nil
        for i in values.indices where allowed[i] {
            if let b = best, !(values[i] > values[b]) { continue }
            best = i
        }
        return best
    }

    static func row(cutoff: Double, score: [Double], outcome y: TimeToEvent) throws -> CutoffRow {
        let groups = score.map { $0 > cutoff ? "high" : "low" }
        let test = try LogRank.test(time: y.time, event: y.event, group: groups,
                                    levels: ["low", "high"])
        var lowCount = 0, highCount = 0, lowEvents = 0, highEvents = 0
        for i in score.indices {
            if score[i] > cutoff {
                highCount += 1
                if y.event[i] { highEvents += 1 }
            } else {
                lowCount += 1
                if y.event[i] { lowEvents += 1 }
            }
        }
        return CutoffRow(cutoff: cutoff, lowCount: lowCount, highCount: highCount,
                         lowEvents: lowEvents, highEvents: highEvents,
                         chiSquare: test.chiSquare, pValue: test.pValue)
    }
}
