#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// File descriptors sent over a Unix socket (`SCM_RIGHTS`), and the pipes a forked worker gets.
/// Hand-written: neither swift-system nor SwiftNIO offer sending descriptors over a socket.
enum DescriptorPassing {
    /// A connected pair of Unix stream sockets, close-on-exec.
    static func socketPair() throws(DescriptorError) -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &fds) == 0 else { throw DescriptorError(call: "socketpair", code: errno) }
        return (fds[0], fds[1])
    }

    /// A pipe created close-on-exec atomically (`pipe2`), so no process spawned meanwhile
    /// inherits it: (read end, write end).
    static func pipe() throws(DescriptorError) -> (read: Int32, write: Int32) {
        do {
            let ends = try FileDescriptor.pipe(options: .closeOnExec)
            return (ends.readEnd.rawValue, ends.writeEnd.rawValue)
        } catch {
            throw DescriptorError(call: "pipe2", code: error.rawValue)
        }
    }

    /// Sends one byte with `descriptors` attached over the stream socket `socket`.
    static func send(_ descriptors: [Int32], over socket: Int32) throws(DescriptorError) {
        // CMSG_LEN / CMSG_SPACE: the header (aligned to size_t), then the descriptors, padded.
        let headerSize = MemoryLayout<cmsghdr>.stride
        let length = headerSize + descriptors.count * MemoryLayout<Int32>.size
        let alignment = MemoryLayout<Int>.size
        let space = (length + alignment - 1) / alignment * alignment
        var control = [UInt8](repeating: 0, count: space)
        var byte: UInt8 = 0x46
        let sent: Int = control.withUnsafeMutableBytes { buffer in
            let header = buffer.baseAddress!.assumingMemoryBound(to: cmsghdr.self)
            header.pointee.cmsg_len = length
            header.pointee.cmsg_level = SOL_SOCKET
            header.pointee.cmsg_type = Int32(SCM_RIGHTS)
            let data = (buffer.baseAddress! + headerSize).assumingMemoryBound(to: Int32.self)
            for (index, descriptor) in descriptors.enumerated() { data[index] = descriptor }
            return withUnsafeMutableBytes(of: &byte) { payload in
                var vector = iovec(iov_base: payload.baseAddress, iov_len: 1)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var message = msghdr()
                    message.msg_iov = vectorPointer
                    message.msg_iovlen = 1
                    message.msg_control = buffer.baseAddress
                    message.msg_controllen = space
                    var result: Int
                    repeat { result = sendmsg(socket, &message, Int32(MSG_NOSIGNAL)) } while result < 0 && errno == EINTR
                    return result
                }
            }
        }
        guard sent == 1 else { throw DescriptorError(call: "sendmsg", code: errno) }
    }
}

/// A system call that failed, with its errno.
struct DescriptorError: Error, CustomStringConvertible {
    var call: String
    var code: Int32
    var description: String { "\(call) failed: \(String(cString: strerror(code)))" }
}
