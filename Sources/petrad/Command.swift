import Foundation

/// One `petrad` subcommand. The CLI only parses arguments and calls the library.
protocol Command {
    static var name: String { get }
    static var summary: String { get }
    static var usage: String { get }
    /// Runs the command on the words after its name; returns the process exit status.
    static func run(_ arguments: [String]) throws -> Int32
}
