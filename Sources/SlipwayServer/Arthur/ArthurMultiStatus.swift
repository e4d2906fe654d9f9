import Foundation
import Hummingbird
import SlipwayCore

/// The 207 bodies of Arthur's batch calls: `{"counts": {"success", "failure", "total"},
/// "results": [{"message", "status"}…]}` in request order (streaming calls), or with
/// `"failures"` listing only what failed (file uploads). Success is status 200, `"success"`.
enum ArthurMultiStatus {
    /// 207 Multi-Status (not among the named statuses of swift-http-types).
    static let status = HTTPResponse.Status(code: 207, reasonPhrase: "Multi-Status")

    /// Merges per-record decode failures (by index) with the core's outcomes of the decoded records.
    static func outcomes<T>(_ decoded: [Result<T, SlipwayError>], stored report: IngestionReport) -> [IngestionOutcome] {
        var outcomes: [IngestionOutcome] = []
        outcomes.reserveCapacity(decoded.count)
        var next = report.outcomes.makeIterator()
        for item in decoded {
            switch item {
            case .success: outcomes.append(next.next() ?? .refused(.internal("the record has no outcome")))
            case .failure(let error): outcomes.append(.refused(error))
            }
        }
        return outcomes
    }

    static func result(_ outcome: IngestionOutcome) -> JSONValue {
        switch outcome {
        case .stored: .object(["message": .string("success"), "status": .number(200)])
        case .refused(let error):
            .object(["message": .string(error.message), "status": .number(Double(error.kind.httpStatus.code))])
        }
    }

    static func counts(_ outcomes: [IngestionOutcome]) -> JSONValue {
        let success = outcomes.filter(\.isStored).count
        return .object(["success": .number(Double(success)), "failure": .number(Double(outcomes.count - success)),
                        "total": .number(Double(outcomes.count))])
    }

    static func results(_ outcomes: [IngestionOutcome]) -> Response {
        JSONResponse.make(.object(["counts": counts(outcomes), "results": .array(outcomes.map(result))]), status: ArthurMultiStatus.status)
    }

    static func failures(_ outcomes: [IngestionOutcome]) -> Response {
        JSONResponse.make(.object(["counts": counts(outcomes), "failures": .array(outcomes.filter { !$0.isStored }.map(result))]),
                          status: ArthurMultiStatus.status)
    }
}
