import Foundation

extension MonitoringService {
    /// Ingests a Data Capture file (JSON lines). Each event's input rows land on the model's
    /// model-input attributes and its output rows on its predictions, in position order (CSV
    /// fields and value lists) or by name (name → value maps); the i-th input row goes with
    /// the i-th output row. Ids come from the event (``DataCaptureEvent/inferenceExternalID(index:count:)``).
    /// Lines that are not valid events, events that cannot be decoded (base64, unknown content
    /// types, unequal row counts) and inferences that do not fit the model are reported; every
    /// other inference is stored.
    public func ingestDataCapture(_ data: Data, into model: MonitoredModel) async throws -> DataCaptureReport {
        var failures: [DataCaptureReport.Failure] = []
        var inferences: [IncomingInference] = []
        var origins: [(line: Int, eventID: String?, index: Int)] = []
        var total = 0
        for line in DataCaptureFile.lines(data) {
            let event: DataCaptureEvent
            switch line.event {
            case .failure(let error):
                total += 1
                failures.append(.init(line: line.number, eventID: nil, indexInEvent: nil, error: Self.onLine(line.number, error)))
                continue
            case .success(let decoded):
                event = decoded
            }
            // Result(catching:) rather than do/catch: the 6.3 compiler crashes on a typed-throws
            // do body whose catch pattern is the thrown type.
            switch Result(catching: { () throws(SlipwayError) in try Self.inferences(of: event, for: model) }) {
            case .failure(let error):
                total += 1
                failures.append(.init(line: line.number, eventID: event.eventID, indexInEvent: nil, error: Self.onLine(line.number, error)))
            case .success(let decoded):
                for (index, result) in decoded.enumerated() {
                    total += 1
                    switch result {
                    case .success(let inference):
                        inferences.append(inference)
                        origins.append((line.number, event.eventID, index))
                    case .failure(let error):
                        failures.append(.init(line: line.number, eventID: event.eventID, indexInEvent: index,
                                              error: Self.onLine(line.number, error)))
                    }
                }
            }
        }
        try Self.checkCount(inferences.count)
        let report = try await ingest(inferences, into: model)
        for (outcome, origin) in zip(report.outcomes, origins) {
            if let error = outcome.error {
                failures.append(.init(line: origin.line, eventID: origin.eventID, indexInEvent: origin.index,
                                      error: Self.onLine(origin.line, error)))
            }
        }
        failures.sort { ($0.line, $0.indexInEvent ?? -1) < ($1.line, $1.indexInEvent ?? -1) }
        return DataCaptureReport(total: total, stored: report.storedCount, failures: failures)
    }

    static func onLine(_ line: Int, _ error: SlipwayError) -> SlipwayError {
        error.message.hasPrefix("line ") ? error : SlipwayError(error.kind, "line \(line): \(error.message)", details: error.details)
    }

    /// The inferences of one event, each decoded or refused; the event as a whole is refused
    /// when a side cannot be decoded or the sides hold different numbers of rows.
    static func inferences(of event: DataCaptureEvent, for model: MonitoredModel) throws(SlipwayError)
        -> [Result<IncomingInference, SlipwayError>] {
        guard let input = event.input else { throw .badRequest("the event has no captured input") }
        guard let output = event.output else {
            throw .badRequest("the event has no captured output: capture both REQUEST and RESPONSE")
        }
        let inputRows = try input.rows()
        let outputRows = try output.rows()
        guard inputRows.count == outputRows.count else {
            throw .badRequest("the event holds \(inputRows.count) input rows but \(outputRows.count) output rows")
        }
        guard !inputRows.isEmpty else { throw .badRequest("the event holds no inference") }
        guard event.inferenceID != nil || event.eventID != nil else {
            throw .badRequest("the event has neither an inferenceId nor an eventId")
        }
        let inputAttributes = model.attributes(.modelInput)
        let outputAttributes = model.attributes(.predictedValue)
        return zip(inputRows, outputRows).enumerated().map { index, pair -> Result<IncomingInference, SlipwayError> in
            Result { () throws(SlipwayError) -> IncomingInference in
                var values = try Self.values(of: pair.0, on: inputAttributes, side: "input", model: model)
                for (name, value) in try Self.values(of: pair.1, on: outputAttributes, side: "output", model: model) {
                    values[name] = value
                }
                return IncomingInference(
                    externalID: event.inferenceExternalID(index: index, count: inputRows.count), time: event.inferenceTime,
                    values: values)
            }
        }
    }

    /// One row's values by attribute name: positional rows need exactly one value per
    /// attribute; CSV fields are read as their attribute's type; named rows are taken as given
    /// (ingestion checks names and types).
    static func values(of row: DataCapturePayload.Row, on attributes: [MonitoredAttribute], side: String,
                       model: MonitoredModel) throws(SlipwayError) -> [String: FeatureValue] {
        func checkCount(_ count: Int) throws(SlipwayError) {
            guard count == attributes.count else {
                throw .badRequest("the \(side) has \(count) values but the model has \(attributes.count) "
                    + (side == "input" ? "model input" : "predicted value") + " attributes")
            }
        }
        var values: [String: FeatureValue] = [:]
        switch row {
        case .fields(let fields):
            try checkCount(fields.count)
            for (attribute, field) in zip(attributes, fields) {
                values[attribute.name] = try attribute.value(fromText: field).get()
            }
        case .values(let items):
            try checkCount(items.count)
            for (attribute, item) in zip(attributes, items) { values[attribute.name] = FeatureValue(json: item) }
        case .named(let object):
            for (name, item) in object { values[name] = FeatureValue(json: item) }
        }
        return values
    }
}
