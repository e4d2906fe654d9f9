import Foundation
import SlipwayCore

/// Statuses as the Craft AI SDK spells them (its wait loops compare these strings).
enum CraftAIStatus {
    static func of(_ status: ExecutionStatus) -> String {
        switch status {
        case .pending: "Pending"
        case .running: "Running"
        case .succeeded: "Succeeded"
        case .skipped: "Skipped"
        case .failed: "Failed"
        case .error: "Error"
        }
    }

    static func of(_ status: DeploymentStatus) -> String {
        switch status {
        case .starting: "creation_pending"
        case .ready: "up"
        case .failed: "creation_failed"
        case .restarting: "down_retrying"
        case .standby: "standby"
        case .disabled: "disabled"
        }
    }

    static func of(_ status: CreationStatus) -> String {
        switch status {
        case .pending: "creation_pending"
        case .ready: "ready"
        case .failed: "creation_failed"
        }
    }
}
