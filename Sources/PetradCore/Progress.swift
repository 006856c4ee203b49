import Foundation

/// Progress of a long job on standard error: a bar redrawn in place on a terminal, one plain line
/// per finished item otherwise (log files, CI). Thread-safe.
public final class Progress: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let isTerminal: Bool
    private let lock = NSLock()
    private var done = 0
    private let start = Date()
    public var quiet = false

    public init(total: Int, label: String) {
        self.total = total
        self.label = label
        self.isTerminal = isatty(STDERR_FILENO) == 1
    }

    /// Records one finished item with a one-line status (case id, status, seconds).
    public func finished(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        guard !quiet else { return }
        if isTerminal {
            let width = 30
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "#", count: filled)
                + String(repeating: ".", count: width - filled)
            let elapsed = Date().timeIntervalSince(start)
            let message = String(format: "\r%@ [%@] %d/%d  %.0fs  %@\u{1B}[K", label, bar, done,
                                 total, elapsed, line)
            FileHandle.standardError.write(Data(message.utf8))
            if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            FileHandle.standardError.write(Data("\(label) \(done)/\(total): \(line)\n".utf8))
        }
    }
}

/// Writes a line to standard error.
public func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
