import Foundation

extension MonitoringService {
    /// Checks every inference against the model and stores the ones that fit, together; the
    /// report says, in order, what became of each. An inference is refused when it has no id,
    /// an id already recorded for the model (or twice in the call), a value of the wrong type,
    /// an attribute the model does not declare, a missing model input or prediction, ground
    /// truth under a non-ground-truth attribute, or (batch models) no batch id. Nothing is
    /// converted: a refused value is never stored in another form.
    public func ingest(_ inferences: [IncomingInference], into model: MonitoredModel) async throws -> IngestionReport {
        try Self.checkCount(inferences.count)
        let now = platform.now()
        var outcomes: [IngestionOutcome] = []
        outcomes.reserveCapacity(inferences.count)
        var candidates: [(index: Int, record: InferenceRecord)] = []
        var seen: Set<String> = []
        let recordIDs = InferenceRecordIDs(at: now)
        for (index, inference) in inferences.enumerated() {
            switch Result(catching: { () throws(SlipwayError) in
                try Self.record(inference, of: model, id: recordIDs.id(at: index), now: now)
            }) {
            case .failure(let error):
                outcomes.append(.refused(error))
            case .success(let record):
                guard let externalID = record.externalID, seen.insert(externalID).inserted else {
                    outcomes.append(.refused(.conflict("inference '\(NameRules.printable(record.externalID ?? ""))' appears twice in the call")))
                    continue
                }
                candidates.append((index, record))
                outcomes.append(.stored)
            }
        }
        let existing = try await store.existingExternalIDs(deploymentID: model.id, among: candidates.compactMap(\.record.externalID))
        var accepted: [InferenceRecord] = []
        accepted.reserveCapacity(candidates.count)
        var batchCounts: [String: Int] = [:]
        for (index, record) in candidates {
            if let externalID = record.externalID, existing.contains(externalID) {
                outcomes[index] = .refused(.conflict("inference '\(NameRules.printable(externalID))' was already recorded"))
                continue
            }
            accepted.append(record)
            if let batchID = record.batchID { batchCounts[batchID, default: 0] += 1 }
        }
        try await store.appendInferenceRecords(accepted)
        if !batchCounts.isEmpty { try await store.countBatchRecords(modelID: model.id, batchCounts, at: now) }
        return IngestionReport(outcomes: outcomes)
    }

    /// Attaches ground truth to recorded inferences by their ids; an update is refused when its
    /// values do not fit the model's ground-truth attributes or no inference has its id.
    public func attachGroundTruth(_ updates: [GroundTruthUpdate], to model: MonitoredModel) async throws -> IngestionReport {
        try Self.checkCount(updates.count)
        var outcomes: [IngestionOutcome] = []
        var valid: [(Int, GroundTruthUpdate)] = []
        var seen: Set<String> = []
        for (index, update) in updates.enumerated() {
            let checked = Result { () throws(SlipwayError) in
                try Self.checkExternalID(update.externalID)
                try Self.checkGroundTruth(update.values, of: model)
                guard seen.insert(update.externalID).inserted else {
                    throw SlipwayError.conflict("ground truth for '\(NameRules.printable(update.externalID))' appears twice in the call")
                }
            }
            if case .failure(let error) = checked {
                outcomes.append(.refused(error))
            } else {
                valid.append((index, update))
                outcomes.append(.stored)
            }
        }
        let matched = try await store.attachGroundTruth(deploymentID: model.id, valid.map(\.1))
        for (index, update) in valid where !matched.contains(update.externalID) {
            outcomes[index] = .refused(.notFound("inference", NameRules.printable(update.externalID)))
        }
        return IngestionReport(outcomes: outcomes)
    }

    /// Closes a batch of a batch model with the number of records the sender sent.
    public func closeBatch(_ batchID: String, of model: MonitoredModel, declaredCount: Int?) async throws -> MonitoringBatch {
        guard model.isBatch else { throw SlipwayError.badRequest("model '\(NameRules.printable(model.displayName))' is not a batch model") }
        try Self.checkBatchID(batchID)
        if let declaredCount, declaredCount < 0 { throw SlipwayError.badRequest("the record count must not be negative") }
        return try await store.closeMonitoringBatch(modelID: model.id, batchID: batchID, declaredCount: declaredCount, at: platform.now())
    }

    public func batch(_ batchID: String, of model: MonitoredModel) async throws -> MonitoringBatch {
        guard let batch = try await store.monitoringBatch(modelID: model.id, batchID: batchID) else {
            throw SlipwayError.notFound("batch", NameRules.printable(batchID))
        }
        return batch
    }

    /// Adds reference rows (values by attribute name, any stage, checked as inferences are);
    /// rows that do not fit are refused, the others stored together.
    public func addReferenceData(_ rows: [[String: FeatureValue]], to model: MonitoredModel) async throws -> IngestionReport {
        try Self.checkCount(rows.count)
        var outcomes: [IngestionOutcome] = []
        var accepted: [[String: FeatureValue]] = []
        for row in rows {
            let problem = row.lazy.compactMap { name, value -> SlipwayError? in
                guard let attribute = model.attribute(named: name) else { return Self.undeclared(name, model) }
                return attribute.problem(with: value).map { SlipwayError.badRequest($0) }
            }.first
            if let problem {
                outcomes.append(.refused(problem))
            } else {
                accepted.append(row)
                outcomes.append(.stored)
            }
        }
        if !accepted.isEmpty { try await store.appendReferenceRows(modelID: model.id, accepted, at: platform.now()) }
        return IngestionReport(outcomes: outcomes)
    }

    public func closeReferenceData(of model: MonitoredModel, declaredCount: Int?) async throws -> ReferenceDataSet {
        if let declaredCount, declaredCount < 0 { throw SlipwayError.badRequest("the record count must not be negative") }
        return try await store.closeReferenceData(modelID: model.id, declaredCount: declaredCount, at: platform.now())
    }

    public func referenceData(of model: MonitoredModel) async throws -> ReferenceDataSet? {
        try await store.referenceDataSet(modelID: model.id)
    }

    // MARK: - Rules

    static func checkCount(_ count: Int) throws(SlipwayError) {
        guard count <= maximumRecordsPerCall else {
            throw SlipwayError.tooLarge("at most \(maximumRecordsPerCall) records can be sent in one call")
        }
    }

    static func checkExternalID(_ id: String?) throws(SlipwayError) {
        guard let id, !id.isEmpty else { throw .badRequest("the inference id is required") }
        guard NameRules.isPrintableLabel(id, maximumBytes: InferenceRecord.maximumExternalIDBytes) else {
            throw .badRequest("inference id '\(NameRules.printable(id))' must be 1 to \(InferenceRecord.maximumExternalIDBytes) "
                + "bytes without control characters")
        }
    }

    static func checkBatchID(_ id: String) throws(SlipwayError) {
        guard NameRules.isPrintableLabel(id, maximumBytes: MonitoringBatch.maximumIDBytes) else {
            throw .badRequest("batch id '\(NameRules.printable(id))' must be 1 to \(MonitoringBatch.maximumIDBytes) bytes without control characters")
        }
    }

    static func undeclared(_ name: String, _ model: MonitoredModel) -> SlipwayError {
        .badRequest("model '\(NameRules.printable(model.displayName))' has no attribute '\(NameRules.printable(name))'")
    }

    static func checkGroundTruth(_ values: [String: FeatureValue], of model: MonitoredModel) throws(SlipwayError) {
        guard !values.isEmpty else { throw .badRequest("the ground truth has no values") }
        for (name, value) in values {
            guard let attribute = model.attribute(named: name) else { throw undeclared(name, model) }
            guard attribute.stage.side == .groundTruth else {
                throw .badRequest("attribute '\(NameRules.printable(name))' is not a ground-truth attribute")
            }
            if let problem = attribute.problem(with: value) { throw .badRequest(problem) }
        }
    }

    /// The record an inference becomes, or why it cannot be one.
    static func record(_ inference: IncomingInference, of model: MonitoredModel, id: String, now: Date) throws(SlipwayError) -> InferenceRecord {
        try checkExternalID(inference.externalID)
        var inputs: [String: FeatureValue] = [:]
        var outputs: [String: FeatureValue] = [:]
        for (name, value) in inference.values {
            guard let attribute = model.attribute(named: name) else { throw undeclared(name, model) }
            switch attribute.stage.side {
            case .input: inputs[name] = value
            case .output: outputs[name] = value
            case .groundTruth:
                throw .badRequest("attribute '\(NameRules.printable(name))' is a ground truth: send it as ground truth")
            }
            if let problem = attribute.problem(with: value) { throw .badRequest(problem) }
        }
        for attribute in model.attributes where attribute.stage == .modelInput || attribute.stage == .predictedValue {
            guard inference.values[attribute.name] != nil else {
                throw .badRequest("attribute '\(NameRules.printable(attribute.name))' is missing")
            }
        }
        if let groundTruth = inference.groundTruth { try checkGroundTruth(groundTruth, of: model) }
        if model.isBatch {
            guard let batchID = inference.batchID else { throw .badRequest("a batch model's inferences need a batch id") }
            try checkBatchID(batchID)
        } else if inference.batchID != nil {
            throw .badRequest("model '\(NameRules.printable(model.displayName))' is not a batch model: send no batch id")
        }
        var record = InferenceRecord(
            id: id, workspaceID: model.workspaceID, deploymentID: model.id, pipelineID: model.id,
            time: inference.time ?? now, externalID: inference.externalID, inputs: inputs, outputs: outputs,
            groundTruth: inference.groundTruth,
            groundTruthTime: inference.groundTruth == nil ? nil : (inference.groundTruthTime ?? now))
        record.batchID = inference.batchID
        try record.validate()
        return record
    }
}
