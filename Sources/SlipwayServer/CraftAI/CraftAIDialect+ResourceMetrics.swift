import Foundation
import Hummingbird
import SlipwayCore
import SlipwayRuntime

extension CraftAIDialect {
    /// `GET resource-metrics?start=<ms>&end=<ms>&download=False|True`
    func registerResourceMetrics(_ group: RouterGroup<SlipwayRequestContext>) {
        group.get("resource-metrics") { request, context -> Response in
            _ = try context.user()
            func time(_ key: String) throws -> Date? {
                guard let text = request.query(key), !text.isEmpty else { return nil }
                guard let ms = Double(text), ms.isFinite, ms >= 0, ms < 1e15 else {
                    throw SlipwayError.badRequest("\(key) must be a time in milliseconds since 1970")
                }
                return Date(timeIntervalSince1970: ms / 1000)
            }
            let end = try time("end") ?? Date()
            let start = try time("start") ?? end.addingTimeInterval(-3600)
            guard start <= end else { throw SlipwayError.badRequest("start must not be after end") }
            let series = await resources.query(from: start, to: end)
            if request.queryBool("download") {
                var csv = "metric,worker,timestamp,value\n"
                for measure in ResourceMeasure.allCases {
                    for (worker, points) in series[measure] ?? [] {
                        let name = worker.contains(",") || worker.contains("\"")
                            ? "\"\(worker.replacingOccurrences(of: "\"", with: "\"\""))\"" : worker
                        for (date, value) in points {
                            csv += "\(measure.rawValue),\(name),\(Int64(date.timeIntervalSince1970 * 1000)),\(value)\n"
                        }
                    }
                }
                return JSONResponse.bytes(Data(csv.utf8), contentType: "text/csv; charset=utf-8")
            }
            var metrics: [String: JSONValue] = [:]
            for measure in ResourceMeasure.allCases {
                metrics[measure.rawValue] = .array((series[measure] ?? []).map { worker, points in
                    .object(["metric": .object(["worker": .string(worker)]),
                             "values": .array(points.map { .array([.number((($0.0.timeIntervalSince1970 * 1000)).rounded()),
                                                                   .number($0.1)]) })])
                })
            }
            return JSONResponse.make(.object([
                "metrics": .object(metrics),
                "additional_data": .object(["total_ram": .number(Double(await resources.totalRAM)),
                                            "total_disk": .number(Double(await resources.totalDisk))]),
            ]))
        }
    }
}
