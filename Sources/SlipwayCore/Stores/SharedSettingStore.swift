import Foundation

/// The shared settings and the secrets of each workspace, each unique per (workspace, name).
/// Secrets arrive sealed: the store never sees a clear value.
public protocol SharedSettingStore: Sendable {
    /// Inserts the setting, or replaces the value of the workspace's setting of that name
    /// (keeping its id and creation time, counting one more version, taking `updatedAt` and
    /// `updatedBy`). Returns the setting as stored.
    func putSharedSetting(_ setting: SharedSetting) async throws -> SharedSetting
    func sharedSetting(workspaceID: String, name: String) async throws -> SharedSetting?
    /// The workspace's settings, by name.
    func sharedSettings(workspaceID: String) async throws -> [SharedSetting]
    /// Removes the setting; false when there was none.
    func deleteSharedSetting(workspaceID: String, name: String) async throws -> Bool

    /// Inserts the secret, or replaces the sealed value of the workspace's secret of that name
    /// (as ``putSharedSetting(_:)`` does). Returns the secret as stored.
    func putSecret(_ secret: Secret) async throws -> Secret
    func secret(workspaceID: String, name: String) async throws -> Secret?
    /// The workspace's secrets, by name.
    func secrets(workspaceID: String) async throws -> [Secret]
    /// Removes the secret; false when there was none.
    func deleteSecret(workspaceID: String, name: String) async throws -> Bool
}
