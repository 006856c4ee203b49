import Foundation

/// One `petrad` subcommand. The CLI only parses arguments and calls the library.
protocol Command {
    static var name: String { get }
    static var summary: String { get }
    static var usage: String { get }
    /// Runs the command on the words after its name; returns the process exit status.
    static func run(_ arguments: [String]) throws -> Int32
    /// True when the command handles Ctrl-C itself (e.g. `petrad study` finishes the running
    /// cases and exits 3); otherwise Ctrl-C removes unfinished output files and exits 130.
    static var handlesInterrupt: Bool { get }
}

extension Command {
    static var handlesInterrupt: Bool { false }
}
