import PetradCore

/// petrad's exit statuses, the same for every command. Documented in the README ("Exit codes")
/// and printed by `petrad --help`; scripts and schedulers may rely on them.
enum ExitCode {
    /// Everything asked for was done and written.
    static let ok: Int32 = 0
    /// An error stopped the command (unreadable input, bad parameter file, every case of a
    /// batch failed); its message is on standard error. Nothing was written.
    static let error: Int32 = 1
    /// The command line itself is wrong (unknown command or option, missing value).
    static let usage: Int32 = 2
    /// Incomplete: some cases of a batch failed or were left (`petrad study` stopped by Ctrl-C
    /// or --limit/--shard, `petrad merge` missing parts; in `petrad study` also a patient whose
    /// clinical row cannot be read, or an endpoint that could not be analysed); everything
    /// finished was written, and each failure is listed on standard error with its cause.
    static let casesFailed: Int32 = 3
    /// Interrupted by Ctrl-C (SIGINT; 143 for SIGTERM): outputs are complete or absent, never
    /// half-written. (`petrad study` instead finishes its running cases and exits 3.)
    static let interrupted: Int32 = 130

    static let helpText = """
        exit codes:
          0    done, everything written
          1    error (message on standard error); nothing written
          2    usage error (unknown command or option, missing value)
          3    incomplete: some cases failed or were left (failures listed); the others
               were written (petrad study stopped by Ctrl-C, --limit, --shard, or with an
               endpoint it could not analyse: also 3)
          130  interrupted by Ctrl-C (143: SIGTERM); no output is left half-written

        """

    /// True for an error in the command line rather than in an input file: argument errors
    /// (ParsedArguments and the commands' own checks) name the command as their "file".
    static func isUsageError(_ error: Error, command: String) -> Bool {
        guard let input = error as? InputError else { return false }
        return input.file == "petrad \(command)" && input.field.hasPrefix("--")
            || input.file == "petrad \(command)" && input.field == "arguments"
    }
}
