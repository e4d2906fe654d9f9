import Foundation

/// What starts executions of a deployed pipeline.
public enum Trigger: Sendable, Equatable {
    /// A call to the deployment's HTTP endpoint.
    case endpoint
    /// Each minute the cron expression matches (UTC).
    case schedule(CronExpression)
    /// An object written to the workspace's data store under `prefix` (a folder: empty for the
    /// whole store, otherwise ending with `/`) whose path relative to the prefix matches `glob`.
    case dataStoreEvent(prefix: String, glob: GlobPattern)
    /// Only an explicit run request.
    case manual

    /// A data-store trigger from user input: the folder is validated and given its trailing `/`.
    public static func dataStoreEvent(folder: String, glob: String) throws(SlipwayError) -> Trigger {
        .dataStoreEvent(prefix: try normalizedFolder(folder), glob: try GlobPattern(glob))
    }

    private static func normalizedFolder(_ folder: String) throws(SlipwayError) -> String {
        do { return try ObjectPath.validateFolder(folder) } catch {
            throw .badRequest("data store trigger folder '\(NameRules.printable(folder))' is invalid: use a relative "
                + "path of at most 1024 bytes, without empty, '.' or '..' segments or control characters")
        }
    }

    /// Stable name of the case, as stored and shown.
    public var kind: String {
        switch self {
        case .endpoint: "endpoint"
        case .schedule: "schedule"
        case .dataStoreEvent: "data_store_event"
        case .manual: "manual"
        }
    }

    /// A data-store trigger's prefix must be a valid folder in its normalised form.
    public func validate() throws(SlipwayError) {
        guard case .dataStoreEvent(let prefix, _) = self else { return }
        guard try Self.normalizedFolder(prefix) == prefix else {
            throw .badRequest("data store trigger prefix '\(NameRules.printable(prefix))' must be empty or end with '/'")
        }
    }

    /// Whether writing the object at `objectPath` starts an execution: only for a data-store
    /// trigger, a valid object path under its prefix whose remainder matches its glob.
    public func matches(objectPath: String) -> Bool {
        guard case .dataStoreEvent(let prefix, let glob) = self,
              (try? ObjectPath(objectPath)) != nil, objectPath.hasPrefix(prefix)
        else { return false }
        let relative = String(objectPath.dropFirst(prefix.count))
        return !relative.isEmpty && glob.matches(relative)
    }
}
