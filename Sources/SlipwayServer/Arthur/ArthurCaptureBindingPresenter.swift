import Foundation
import SlipwayCore

/// Capture bindings in the Arthur dialect's style (snake_case, ISO 8601 times): a binding, and
/// with its outcomes the file counts by status, the inference counts in the
/// `{success, failure, total}` shape of Arthur's 207 answers, and the most recent files.
enum ArthurCaptureBindingPresenter {
    static func present(_ binding: CaptureBinding) -> JSONValue {
        .object([
            "id": .string(binding.id), "model_id": .string(binding.modelID), "folder": .string(binding.folder),
            "created_by": .string(binding.createdBy), "created_at": binding.createdAt.json,
        ])
    }

    static func present(_ report: CaptureBindingReport) -> JSONValue {
        guard case .object(var object) = present(report.binding) else { return present(report.binding) }
        var files: [String: JSONValue] = ["total": .number(Double(report.totals.fileCount))]
        for status in CaptureIngestion.Status.allCases {
            files[status.rawValue] = .number(Double(report.totals.files[status] ?? 0))
        }
        object["counts"] = .object([
            "files": .object(files),
            "success": .number(Double(report.totals.successCount)), "failure": .number(Double(report.totals.failureCount)),
            "total": .number(Double(report.totals.totalCount)),
        ])
        object["files"] = .array(report.recentFiles.map(present))
        return .object(object)
    }

    static func present(_ file: CaptureIngestion) -> JSONValue {
        .object([
            "path": .string(file.path), "version": .string(file.version), "size": .number(Double(file.size)),
            "status": .string(file.status.rawValue),
            "counts": .object(["success": .number(Double(file.successCount)), "failure": .number(Double(file.failureCount)),
                               "total": .number(Double(file.totalCount))]),
            "failures": .array(file.failures.map(JSONValue.string)), "attempts": .number(Double(file.attempts)),
            "created_at": file.createdAt.json, "updated_at": file.updatedAt.json,
        ])
    }
}
