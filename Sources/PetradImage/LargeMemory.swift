import Foundation

/// Memory for large voxel buffers (a decompressed image, B-spline coefficients) and read-only
/// views of image files, taken from the kernel with `mmap` instead of `malloc`.
///
/// Why: glibc's `malloc` serves a large block from its heap once an earlier one of that size
/// was freed, and a freed block in the middle of the heap stays resident, so a 17 MB file
/// buffer freed before a 32 MB image is decompressed still counts in the peak memory. A mapping
/// is returned to the kernel when it is released (except the one kept for reuse, see
/// `deallocate`). Transparent huge pages (`MADV_HUGEPAGE`) were tried and made no measurable
/// difference on lung2, so they are not asked for.
enum LargeMemory {
    /// Below this size `malloc` is used (its small blocks are reused without system calls).
    static let threshold = 1 << 20

    /// Uninitialised memory of `byteCount` (> 0) bytes, 64-byte aligned; free it with
    /// `deallocate(_:byteCount:)`. When the kernel refuses a mapping, `malloc`'s memory.
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        precondition(byteCount > 0, "LargeMemory.allocate: \(byteCount) bytes")
        guard byteCount >= threshold else {
            return UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
        }
        if let reused = state.withLock({ $0.take(atLeast: byteCount) }) { return reused }
        if let p = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                        0), p != MAP_FAILED {
            state.withLock { $0.sizes[p] = byteCount }
            return p
        }
        return UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
    }

    /// Frees memory from `allocate` (`byteCount` as asked for). The largest freed mapping is
    /// kept for the next request it can hold: filling fresh pages costs a fault and a clear
    /// each (on a virtual machine about as much as decompressing into them), and an extraction
    /// frees a decompressed mask just before it decompresses the image, of the same size.
    static func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        guard byteCount >= threshold else {
            pointer.deallocate()
            return
        }
        let unmap: (UnsafeMutableRawPointer, Int)?? = state.withLock { state in
            guard let size = state.sizes[pointer] else { return .none }
            return .some(state.keep(pointer, size: size))
        }
        switch unmap {
        case .none: pointer.deallocate()
        case .some(.none): break
        case .some(.some(let (p, size))): munmap(p, size)
        }
    }

    /// Unmaps the mapping kept for reuse, if any.
    static func releaseKept() {
        if let (p, size) = state.withLock({ state -> (UnsafeMutableRawPointer, Int)? in
            guard let k = state.kept else { return nil }
            state.kept = nil
            state.sizes[k.pointer] = nil
            return (k.pointer, k.size)
        }) {
            munmap(p, size)
        }
    }

    /// Shortens the mapping kept for reuse to `byteCount` bytes (rounded up to whole pages),
    /// unmapping its tail; unmaps it whole when it is shorter or `byteCount` is below
    /// `threshold` (such a request would not take it).
    static func trimKept(to byteCount: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let keep = (byteCount + page - 1) / page * page
        if let (p, size) = state.withLock({ state -> (UnsafeMutableRawPointer, Int)? in
            guard let k = state.kept else { return nil }
            guard byteCount >= threshold, keep <= k.size else {
                state.kept = nil
                state.sizes[k.pointer] = nil
                return (k.pointer, k.size)
            }
            state.kept = (k.pointer, keep)
            state.sizes[k.pointer] = keep
            return keep < k.size ? (k.pointer + keep, k.size - keep) : nil
        }) {
            munmap(p, size)
        }
    }

    /// Bytes of the mapping kept for reuse, 0 when none is.
    static var keptByteCount: Int { state.withLock { $0.kept?.size ?? 0 } }

    /// The mappings handed out (their sizes) and the one kept for reuse.
    private struct State {
        var sizes: [UnsafeMutableRawPointer: Int] = [:]
        var kept: (pointer: UnsafeMutableRawPointer, size: Int)? = nil

        /// The kept mapping when it holds `count` bytes.
        mutating func take(atLeast count: Int) -> UnsafeMutableRawPointer? {
            guard let k = kept, k.size >= count else { return nil }
            kept = nil
            return k.pointer
        }

        /// Keeps the larger of `pointer` and the kept mapping; returns the one to unmap.
        mutating func keep(_ pointer: UnsafeMutableRawPointer, size: Int)
            -> (UnsafeMutableRawPointer, Int)?
        {
            guard let k = kept else {
                kept = (pointer, size)
                return nil
            }
            if size > k.size {
                kept = (pointer, size)
                sizes[k.pointer] = nil
                return (k.pointer, k.size)
            }
            sizes[pointer] = nil
            return (pointer, size)
        }
    }

    private final class Locked<Value>: @unchecked Sendable {
        private var value: Value
        private let lock = NSLock()
        init(_ value: Value) { self.value = value }
        func withLock<R>(_ body: (inout Value) -> R) -> R {
            lock.lock()
            defer { lock.unlock() }
            return body(&value)
        }
    }

    private static let state = Locked(State())

    /// Starts faulting in the pages of a buffer from `allocate` on another thread, for a
    /// caller about to fill it on this one (libdeflate inflating an image): a fresh mapping
    /// takes a page fault and a clear per 4 kB page as it is first written, about 10 ms for a
    /// 32 MB CT, which then run beside the filling instead of inside it. `madvise` with
    /// MADV_POPULATE_WRITE (Linux 5.14) allocates only the pages not yet there and never
    /// changes what is written; on older kernels it fails and nothing happens. A thread of its
    /// own rather than Dispatch's pool, which a batch keeps busy: the caller must not wait
    /// behind its own cases. Call `wait()` on the result before releasing the buffer.
    static func populateInBackground(_ pointer: UnsafeMutableRawPointer, byteCount: Int)
        -> DispatchSemaphore
    {
        let done = DispatchSemaphore(value: 0)
        guard byteCount >= 8 << 20 else {
            done.signal()
            return done
        }
        nonisolated(unsafe) let start = pointer
        Thread {
            _ = madvise(start, byteCount, populateWrite)
            done.signal()
        }.start()
        return done
    }

    /// MADV_POPULATE_WRITE of <linux/mman.h>.
    private static let populateWrite: Int32 = 23

    /// `Data` owning `byteCount` bytes from `allocate` (released with `deallocate`).
    static func data(owning pointer: UnsafeMutableRawPointer, byteCount: Int) -> Data {
        Data(bytesNoCopy: pointer, count: byteCount, deallocator: .custom { p, n in
            LargeMemory.deallocate(p, byteCount: n)
        })
    }

    /// The contents of a regular file as a read-only mapping (nothing is copied; only the pages
    /// read become resident), or nil when it cannot be mapped (empty, not a regular file). As
    /// with any mapped file, another process truncating the file while it is read stops this
    /// one (SIGBUS); input images are not expected to change during a run.
    static func map(path: String) -> Data? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0,
              let p = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0),
              p != MAP_FAILED else { return nil }
        let count = Int(info.st_size)
        _ = madvise(p, count, MADV_SEQUENTIAL)
        return Data(bytesNoCopy: p, count: count, deallocator: .custom { p, n in
            munmap(p, n)
        })
    }
}

/// A buffer of Doubles in `LargeMemory` (uninitialised), freed with its last reference.
/// Shared between threads only to fill disjoint parts, then read.
public final class LargeDoubleBuffer: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Double>
    public let count: Int

    public init(count: Int) {
        let raw = LargeMemory.allocate(byteCount: max(count, 1) * 8)
        pointer = raw.bindMemory(to: Double.self, capacity: max(count, 1))
        self.count = count
    }

    deinit { LargeMemory.deallocate(UnsafeMutableRawPointer(pointer), byteCount: max(count, 1) * 8) }
}
