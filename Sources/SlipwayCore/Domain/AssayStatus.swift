import Foundation

/// The verdict of one analysed window: the baseline compared with itself, or a window's score
/// against the assay's thresholds.
public enum AssayStatus: String, Sendable, Codable, CaseIterable {
    case baselineRun = "BaselineRun"
    case ok = "Ok"
    case warning = "Warning"
    case alert = "Alert"

    /// `alert` at or above the alert threshold, `warning` above the warning threshold (when
    /// there is one), `ok` otherwise.
    public static func of(score: Double, warningThreshold: Double?, alertThreshold: Double) -> AssayStatus {
        if score >= alertThreshold { return .alert }
        if let warningThreshold, score > warningThreshold { return .warning }
        return .ok
    }
}
