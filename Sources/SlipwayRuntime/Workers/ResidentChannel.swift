import Foundation
import Synchronization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The pipes between the server and one resident worker process.
///
/// Requests are written straight from the caller's thread to a non-blocking pipe: the common
/// case (a small request, room in the pipe) costs one `write` and no thread hand-off. What the
/// pipe cannot take at once is queued, in order, and finished by a writer thread that waits
/// for room. Standard output and standard error are each read by a dedicated thread that hands
/// every complete line to its callback as soon as it arrives.
final class ResidentChannel: Sendable {
    /// The child's ends, for `Subprocess.run`, which closes them once the process is spawned.
    let childInput: FileDescriptor
    let childOutput: FileDescriptor
    let childError: FileDescriptor
    private let requests: Int32
    private let results: Int32
    private let diagnostics: Int32
    private let writes = Mutex(PendingWrites())

    private struct PendingWrites {
        var queue: [UInt8] = []
        var writerRunning = false
        var closed = false
        var closeWhenDrained = false
    }

    init() throws {
        let input = try Self.pipe()
        let output = try Self.pipe()
        let error = try Self.pipe()
        childInput = FileDescriptor(rawValue: input.read)
        requests = input.write
        results = output.read
        childOutput = FileDescriptor(rawValue: output.write)
        diagnostics = error.read
        childError = FileDescriptor(rawValue: error.write)
        let flags = fcntl(requests, F_GETFL)
        _ = fcntl(requests, F_SETFL, flags | O_NONBLOCK)
    }

    /// A pipe whose ends are not inherited by other processes (the child gets its ends as
    /// standard streams, duplicated at spawn).
    private static func pipe() throws -> (read: Int32, write: Int32) {
        try DescriptorPassing.pipe()
    }

    /// Starts the reader threads. `onLine` gets each line of standard output (without its
    /// newline) and `onDiagnostic` each line of standard error; `onEnd` runs once both streams
    /// have ended (the process closed them or died).
    func startReading(maxLineLength: Int,
                      onLine: @escaping @Sendable (UnsafeBufferPointer<UInt8>) -> Void,
                      onDiagnostic: @escaping @Sendable (String) -> Void,
                      onEnd: @escaping @Sendable () -> Void) {
        let remaining = Mutex(2)
        let ended: @Sendable () -> Void = {
            if remaining.withLock({ count -> Int in
                count -= 1
                return count
            }) == 0 { onEnd() }
        }
        Self.readLines(from: results, maxLineLength: maxLineLength, name: "slipway-worker-out", onLine: onLine,
                       onEnd: ended)
        Self.readLines(from: diagnostics, maxLineLength: 1 << 20, name: "slipway-worker-err", onLine: { line in
            onDiagnostic(String(decoding: line, as: UTF8.self))
        }, onEnd: ended)
    }

    /// Writes one message (the whole of it, in order with the others). False when the
    /// process no longer reads its input.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var startWriter = false
        let accepted = writes.withLock { state -> Bool in
            guard !state.closed, !state.closeWhenDrained else { return false }
            var offset = 0
            if state.queue.isEmpty {
                offset = bytes.withUnsafeBufferPointer { Self.writeAvailable(requests, $0) }
                if offset < 0 {
                    state.closed = true
                    return false
                }
                if offset == bytes.count { return true }
            }
            state.queue.append(contentsOf: bytes[offset...])
            if !state.writerRunning {
                state.writerRunning = true
                startWriter = true
            }
            return true
        }
        if startWriter { startWriterThread() }
        return accepted
    }

    /// Closes the child's ends when no process will be spawned with them (the readers then
    /// see the end of both streams).
    func closeChild() {
        for descriptor in [childInput, childOutput, childError] { try? descriptor.close() }
        closeInput()
    }

    /// Closes every descriptor of a channel that was never read from (no process was spawned
    /// with it).
    func discard() {
        closeChild()
        close(results)
        close(diagnostics)
    }

    /// Closes the request pipe once everything queued is written (the worker then sees the end
    /// of its input). Later sends are refused.
    func closeInput() {
        writes.withLock { state in
            guard !state.closed, !state.closeWhenDrained else { return }
            if state.queue.isEmpty && !state.writerRunning {
                state.closed = true
                close(requests)
            } else {
                state.closeWhenDrained = true
            }
        }
    }

    /// Writes what the pipe takes without blocking: the count written, or -1 when the pipe is
    /// broken.
    private static func writeAvailable(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                return offset
            } else {
                return -1
            }
        }
        return offset
    }

    private func startWriterThread() {
        let thread = Thread { [self] in
            while true {
                var descriptor = pollfd(fd: requests, events: Int16(POLLOUT), revents: 0)
                _ = poll(&descriptor, 1, 1000)
                let done = writes.withLock { state -> Bool in
                    if state.closed { return true }
                    let written = state.queue.withUnsafeBufferPointer { Self.writeAvailable(requests, $0) }
                    if written < 0 {
                        state.closed = true
                        state.queue.removeAll()
                        close(requests)
                        state.writerRunning = false
                        return true
                    }
                    state.queue.removeFirst(written)
                    guard state.queue.isEmpty else { return false }
                    state.writerRunning = false
                    if state.closeWhenDrained {
                        state.closed = true
                        close(requests)
                    }
                    return true
                }
                if done { return }
            }
        }
        thread.name = "slipway-worker-in"
        thread.start()
    }

    /// Reads `fd` to its end on a dedicated thread, line by line. A line longer than
    /// `maxLineLength` is cut there and delivered in pieces.
    private static func readLines(from fd: Int32, maxLineLength: Int, name: String,
                                  onLine: @escaping @Sendable (UnsafeBufferPointer<UInt8>) -> Void,
                                  onEnd: @escaping @Sendable () -> Void) {
        let thread = Thread {
            let chunk = 64 << 10
            var buffer = [UInt8](repeating: 0, count: chunk)
            var start = 0   // first byte of the current (incomplete) line
            var end = 0     // end of the bytes read
            while true {
                if end == buffer.count {
                    if start > 0 {
                        // Move the incomplete line to the front.
                        buffer.withUnsafeMutableBufferPointer { bytes in
                            _ = memmove(bytes.baseAddress!, bytes.baseAddress! + start, end - start)
                        }
                        end -= start
                        start = 0
                    } else if buffer.count >= maxLineLength {
                        buffer.withUnsafeBufferPointer { onLine(UnsafeBufferPointer(rebasing: $0[0..<end])) }
                        end = 0
                    } else {
                        buffer.append(contentsOf: repeatElement(0, count: min(buffer.count, maxLineLength - buffer.count)))
                    }
                }
                let count = buffer.withUnsafeMutableBufferPointer { read(fd, $0.baseAddress! + end, $0.count - end) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                var scan = end
                end += count
                buffer.withUnsafeBufferPointer { bytes in
                    while let newline = bytes[scan..<end].firstIndex(of: 0x0A) {
                        if newline > start { onLine(UnsafeBufferPointer(rebasing: bytes[start..<newline])) }
                        start = newline + 1
                        scan = start
                    }
                }
                if start == end {
                    start = 0
                    end = 0
                    if buffer.count > 4 * chunk { buffer = [UInt8](repeating: 0, count: chunk) }
                }
            }
            if end > start {
                buffer.withUnsafeBufferPointer { onLine(UnsafeBufferPointer(rebasing: $0[start..<end])) }
            }
            close(fd)
            onEnd()
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    deinit {
        writes.withLock { state in
            if !state.closed {
                state.closed = true
                close(requests)
            }
        }
    }
}
