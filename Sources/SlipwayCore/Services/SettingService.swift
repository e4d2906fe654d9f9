import Foundation

/// The shared settings of each workspace (plain named values): set (create or replace), get,
/// list, delete.
public struct SettingService: Sendable {
    let store: any SharedSettingStore
    let now: @Sendable () -> Date

    public init(store: any SharedSettingStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    /// Creates the setting, or replaces the value of the one of that name (its version counts
    /// the replacement). `userID` is who set it (nil for an administration command).
    @discardableResult
    public func set(name: String, value: String, workspaceID: String, by userID: String?) async throws -> SharedSetting {
        try SharedSetting.validateName(name)
        try SharedSetting.validateValue(value, name: name)
        let time = now()
        return try await store.putSharedSetting(SharedSetting(
            id: UUID().uuidString.lowercased(), workspaceID: workspaceID, name: name, value: value, createdAt: time,
            updatedAt: time, updatedBy: userID))
    }

    /// The setting; not found for an unknown or invalid name.
    public func setting(named name: String, workspaceID: String) async throws -> SharedSetting {
        guard (try? SharedSetting.validateName(name)) != nil,
              let setting = try await store.sharedSetting(workspaceID: workspaceID, name: name) else {
            throw SlipwayError.notFound("shared setting", NameRules.printable(name))
        }
        return setting
    }

    /// The workspace's settings, by name.
    public func list(workspaceID: String) async throws -> [SharedSetting] {
        try await store.sharedSettings(workspaceID: workspaceID)
    }

    /// Deletes the setting; not found when there is none.
    public func delete(name: String, workspaceID: String) async throws {
        guard (try? SharedSetting.validateName(name)) != nil,
              try await store.deleteSharedSetting(workspaceID: workspaceID, name: name) else {
            throw SlipwayError.notFound("shared setting", NameRules.printable(name))
        }
    }
}
