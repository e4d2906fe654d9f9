import Foundation

/// Connections to external systems (``Connection``, names unique on the server) and the
/// workspaces they are attached to; each attachment has an id of its own.
public protocol ConnectionStore: Sendable {
    /// Inserts the connection with its `workspaceIDs` attached; a second connection of the same
    /// name is refused (conflict).
    func insertConnection(_ connection: Connection) async throws
    func connection(id: String) async throws -> Connection?
    func connection(named name: String) async throws -> Connection?
    /// The connections attached to the workspace, oldest first.
    func connections(workspaceID: String) async throws -> [Connection]
    /// Attaches the connection to the workspace with `attachmentID` and returns the
    /// attachment's id: `attachmentID`, or the existing one when it was attached already.
    func attachConnection(id: String, workspaceID: String, attachmentID: String, at time: Date) async throws -> String
    /// Detaches it; returns whether it was attached.
    func detachConnection(id: String, workspaceID: String, at time: Date) async throws -> Bool
    /// Deletes the connection unless a workspace still has it attached (then nothing changes);
    /// returns whether it was deleted.
    func deleteConnection(id: String) async throws -> Bool
}
