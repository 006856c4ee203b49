import Dispatch
import Foundation

/// Writes files so that a reader never sees a half-written one: the bytes go to a temporary
/// file in the same folder, which is then renamed over the target (rename is atomic on POSIX).
/// A symbolic link is followed (the file it points to is replaced, the link stays); a device,
/// FIFO or socket (`--out /dev/stdout`, `/dev/null`) is written to directly, since renaming
/// over it would replace the device with a file; a folder is refused.
///
/// Interrupts: after `exitOnInterrupt` (the `petrad` command installs it), Ctrl-C (SIGINT) or
/// SIGTERM removes every temporary file still being written, refuses new writes and exits, so
/// an interrupted run leaves each output either complete or absent, and no temporary files.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var status = stat()
        if stat(target, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR:
                throw InputError(file: path, "is a folder; give a file name to write to")
            default:
                try writeDirectly(data, to: target, named: path)
                return
            }
        }
        let url = URL(fileURLWithPath: target)
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(
            ".\(url.lastPathComponent).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp")
        guard pending.insert(temporary.path) else {
            throw InputError(file: path, "was not written: petrad is stopping (interrupted).")
        }
        defer { pending.remove(temporary.path) }
        do {
            try data.write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                throw InputError(file: path, "could not be written (rename failed, errno \(errno))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// Writes `data` into an existing non-regular file (a device or a FIFO), all of it or an
    /// error naming `name` and the system's reason.
    private static func writeDirectly(_ data: Data, to path: String, named name: String) throws {
        let descriptor = open(path, O_WRONLY)
        guard descriptor >= 0 else {
            throw InputError(file: name, "could not be opened for writing ("
                                 + String(cString: strerror(errno)) + ")")
        }
        defer { close(descriptor) }
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset,
                                               buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else {
                    throw InputError(file: name, "could not be written ("
                                     + String(cString: strerror(errno)) + ")")
                }
                offset += written
            }
        }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Removes the temporary files of writes in progress and makes every later `write` throw.
    /// Returns the files removed. A write whose rename already happened is complete and stays.
    @discardableResult
    public static func abandonWrites() -> [String] {
        let paths = pending.close()
        for path in paths { unlink(path) }
        return paths
    }

    /// Installs handlers for SIGINT and SIGTERM that call `abandonWrites`, print `message` to
    /// standard error and exit with 128 + the signal number (130 for Ctrl-C, 143 for SIGTERM,
    /// the shell's convention). The handler runs on its own queue, not in signal context.
    public static func exitOnInterrupt(message: String) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: signalQueue)
            source.setEventHandler {
                let removed = abandonWrites()
                var text = message
                if !removed.isEmpty { text += " (\(removed.count) unfinished file(s) removed)" }
                FileHandle.standardError.write(Data((text + "\n").utf8))
                exit(128 + signalNumber)
            }
            source.resume()
            signalSources.append(source)
        }
    }

    private static let pending = PendingWrites()
    private static let signalQueue = DispatchQueue(label: "petrad.interrupt")
    nonisolated(unsafe) private static var signalSources: [DispatchSourceSignal] = []
}

/// The temporary files being written now, and whether new writes are still allowed.
private final class PendingWrites: @unchecked Sendable {
    private let lock = NSLock()
    private var paths = Set<String>()
    private var closed = false

    /// Records a temporary file; false once closed.
    func insert(_ path: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return false }
        paths.insert(path)
        return true
    }

    func remove(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        paths.remove(path)
    }

    /// Refuses new writes and returns the files in progress.
    func close() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        closed = true
        return Array(paths)
    }
}
