import Foundation
import PetradCore

/// Every command `petrad` knows, in the order `petrad --help` lists them.
let commands: [Command.Type] = [
    StudyCommand.self,
    ExtractCommand.self,
    MergeCommand.self,
    ConvertCommand.self,
    DICOMInfoCommand.self,
    SegmentCommand.self,
    KMCommand.self,
    LogRankCommand.self,
    CoxCommand.self,
    SignatureBuildCommand.self,
    SignatureApplyCommand.self,
    CutoffCommand.self,
    HarmoniseCommand.self,
    SMOTECommand.self,
]

func printUsage() {
    var text = "petrad: PET radiomics survival studies, from images to a report\n\n"
    text += "usage: petrad <command> [options]   (petrad <command> --help for its options)\n\n"
    for command in commands {
        text += "  " + command.name.padding(toLength: 18, withPad: " ", startingAt: 0)
            + command.summary + "\n"
    }
    text += "\n" + ExitCode.helpText
    print(text, terminator: "")
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let first = arguments.first, first != "--help", first != "-h", first != "help" else {
    printUsage()
    exit(0)
}
if first == "--version" {
    print("petrad \(petradVersion)")
    exit(0)
}
let rest = Array(arguments.dropFirst())
// Two-word commands (`signature build`) are looked up before one-word ones.
let twoWords = rest.first.map { "\(first) \($0)" }
let match = commands.first { $0.name == twoWords } ?? commands.first { $0.name == first }
guard let command = match else {
    // `petrad signature`: name the two-word commands it starts.
    let starting = commands.filter { $0.name.hasPrefix(first + " ") }
    if !starting.isEmpty {
        // `petrad signature --help`: the help of each.
        if rest.contains("--help") || rest.contains("-h") {
            print(starting.map { $0.usage }.joined(separator: "\n"))
            exit(0)
        }
        printError("petrad: '\(first)' needs a second word: "
                   + starting.map { "petrad \($0.name)" }.joined(separator: ", "))
        exit(ExitCode.usage)
    }
    printError("petrad: unknown command '\(first)'")
    printUsage()
    exit(ExitCode.usage)
}
let commandArguments = command.name.contains(" ") ? Array(rest.dropFirst()) : rest
if commandArguments.contains("--help") || commandArguments.contains("-h") {
    print(command.usage)
    exit(0)
}
if !command.handlesInterrupt {
    AtomicFile.exitOnInterrupt(message: "petrad \(command.name): interrupted; no output was left "
                                + "half-written")
}
do {
    exit(try command.run(commandArguments))
} catch {
    printError("petrad \(command.name): \(error)")
    if ExitCode.isUsageError(error, command: command.name) {
        printError("(see petrad \(command.name) --help)")
        exit(ExitCode.usage)
    }
    exit(ExitCode.error)
}
