import Foundation
import SlipwayCore

#if canImport(Glibc)
import Glibc
#endif

/// Runs an environment's setup script: `sh -e` in the package's code folder, with only the
/// environment's own variables (the server's are never passed on), the environment's `bin`
/// first on `PATH`, and — when the server runs as root — as the unprivileged worker user via
/// `setpriv`, the environment and the code folder lent to that user for the run and given back
/// to root afterwards, so the stored code is not writable by user code later.
extension VirtualEnvironmentProvider {
    func runSetup(_ setup: EnvironmentSetup, environment folder: URL, log: @escaping @Sendable (String) -> Void) async throws {
        let fileManager = FileManager.default
        guard setup.script.utf8.count <= Self.maxSetupScriptBytes else {
            throw SlipwayError.badRequest("the setup script is larger than \(Self.maxSetupScriptBytes) bytes")
        }
        let home = folder.appendingPathComponent(".slipway-home")
        try fileManager.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: home) }
        // The script is an argument (not a file) so that the shell's messages name no server path.
        var command = ["/bin/sh", "-e", "-c", setup.script, "before_install"]
        var account = "the server's own user"
        if getuid() == 0 {
            guard let user = getpwnam(workerUser) else {
                log("The setup script was not run: the server runs as root and runs user code only as the "
                    + "unprivileged user '\(workerUser)', which does not exist on this host")
                throw SlipwayError.badRequest("the setup script cannot run: create the unprivileged user '\(workerUser)' "
                    + "on the server (useradd --system \(workerUser))")
            }
            let (uid, gid) = (user.pointee.pw_uid, user.pointee.pw_gid)
            if ![folder, setup.workingDirectory].allSatisfy(Self.othersCanReach) {
                log("The setup script was not run: a folder above the server's data directory is not searchable by '\(workerUser)' "
                    + "(the operator must make each folder above it searchable by other users, e.g. chmod o+x)")
                throw SlipwayError.badRequest("the setup script cannot run: the server's data directory is not reachable by the "
                    + "unprivileged user '\(workerUser)'")
            }
            guard let setpriv = Self.findExecutable("setpriv", path: "/usr/bin:/bin:/usr/sbin:/sbin") else {
                throw SlipwayError.badRequest("the setup script cannot run: 'setpriv' (util-linux) is not installed on the server")
            }
            try Self.changeOwner(of: [folder, setup.workingDirectory], uid: uid, gid: gid)
            command = [setpriv, "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--"] + command
            account = "the unprivileged user '\(workerUser)'"
        }
        defer { if getuid() == 0 { try? Self.changeOwner(of: [folder, setup.workingDirectory], uid: 0, gid: 0) } }
        let environment = [
            "PATH": "\(folder.path)/bin:/usr/local/bin:/usr/bin:/bin",
            "VIRTUAL_ENV": folder.path,
            "HOME": home.path,
            "LANG": "C.UTF-8",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
        ]
        log("Running the setup script as \(account)")
        let result = try await ToolRunner.run(command[0], Array(command.dropFirst()), environment: environment,
                                              workingDirectory: setup.workingDirectory.path, line: log)
        guard result.exitCode == 0 else {
            let code = result.exitCode.map(String.init) ?? "a signal"
            log("The setup script failed (exit \(code)). It runs as \(account), so commands that need root "
                + "(apt-get install, writing outside the environment and the code folder) cannot succeed: install system "
                + "packages on the server and use pip for Python packages")
            throw SlipwayError.badRequest("the setup script exited with code \(code)")
        }
    }

    static let maxSetupScriptBytes = 64 * 1024

    /// Whether other users can search (enter) every folder above `url`.
    static func othersCanReach(_ url: URL) -> Bool {
        var path = url.deletingLastPathComponent().standardizedFileURL.path
        while !path.isEmpty, path != "/" {
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IXOTH != 0 else { return false }
            path = (path as NSString).deletingLastPathComponent
        }
        return true
    }

    /// `chown -R` of each folder (links themselves, not their targets).
    static func changeOwner(of folders: [URL], uid: uid_t, gid: gid_t) throws {
        for folder in folders {
            guard lchown(folder.path, uid, gid) == 0 else { throw SlipwayError.internal("could not change the owner of a build folder") }
            guard let walker = FileManager.default.enumerator(atPath: folder.path) else { continue }
            while let relative = walker.nextObject() as? String {
                _ = lchown(folder.appendingPathComponent(relative).path, uid, gid)
            }
        }
    }
}
