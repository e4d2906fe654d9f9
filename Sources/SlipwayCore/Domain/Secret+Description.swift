import Foundation

extension Secret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "Secret(name: \(name), workspace: \(workspaceID), key: \(keyID), sealed: \(sealedValue.count) bytes)"
    }

    public var debugDescription: String { description }

    /// `dump` and debuggers see the metadata, not the sealed bytes.
    public var customMirror: Mirror {
        Mirror(self, children: ["id": id, "workspaceID": workspaceID, "name": name, "keyID": keyID,
                                "sealedByteCount": sealedValue.count, "createdAt": createdAt, "updatedAt": updatedAt,
                                "version": version, "updatedBy": updatedBy as Any],
               displayStyle: .struct)
    }
}
