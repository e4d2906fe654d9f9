import Foundation

/// The registry's rules over `Model`s and `ModelVersion`s (the same rows the upload path
/// writes, so a model is one model whichever API made it): names, descriptions, tags, aliases
/// and legacy stages. Every change is checked first and touches nothing when refused.
///
/// Limits: registry names 1–256 bytes, not blank, without `/`, `:` or control characters; tag
/// keys 1–250 characters, values up to 100,000; aliases 1–255 word characters or `-`, not
/// `latest` nor `v<number>` (those name versions themselves).
extension ModelRegistryService {
    public static let maxRegistryNameBytes = 256
    public static let maxTagKeyLength = 250
    public static let maxTagValueLength = 100_000
    public static let maxAliasLength = 255
    public static let maxDescriptionLength = 100_000

    public static func validateRegistryName(_ name: String) throws(SlipwayError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .badRequest("a model name is required") }
        guard NameRules.isPrintableLabel(name, maximumBytes: maxRegistryNameBytes), !name.contains("/"), !name.contains(":")
        else {
            throw .badRequest("invalid model name '\(NameRules.printable(name))': names are 1 to \(maxRegistryNameBytes) "
                + "bytes without '/', ':' or control characters")
        }
    }

    public static func validateTag(key: String, value: String) throws(SlipwayError) {
        guard !key.isEmpty, key.count <= maxTagKeyLength,
              !key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw .badRequest("tag key '\(NameRules.printable(key))' must be 1 to \(maxTagKeyLength) characters without control characters")
        }
        guard value.count <= maxTagValueLength else {
            throw .badRequest("the value of tag '\(NameRules.printable(key))' is longer than \(maxTagValueLength) characters")
        }
    }

    public static func validateAlias(_ alias: String) throws(SlipwayError) {
        guard !alias.isEmpty, alias.count <= maxAliasLength,
              alias.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-" }) else {
            throw .badRequest("invalid alias '\(NameRules.printable(alias))': 1 to \(maxAliasLength) letters, digits, '_' or '-'")
        }
        guard alias.lowercased() != "latest" else { throw .badRequest("alias 'latest' is reserved") }
        if let first = alias.first, first == "v" || first == "V", alias.count > 1, alias.dropFirst().allSatisfy(\.isNumber) {
            throw .badRequest("alias '\(alias)' is reserved: it names a version")
        }
    }

    static func validateDescription(_ description: String?) throws(SlipwayError) {
        guard (description?.count ?? 0) <= maxDescriptionLength else {
            throw .badRequest("a description is limited to \(maxDescriptionLength) characters")
        }
    }

    // MARK: Models

    public func createRegisteredModel(workspaceID: String, userID: String, name: String, description: String?,
                                      tags: [(key: String, value: String)]) async throws -> RegisteredModel {
        try Self.validateRegistryName(name)
        try Self.validateDescription(description)
        for tag in tags { try Self.validateTag(key: tag.key, value: tag.value) }
        let now = platform.now()
        let model = Model(id: UUID().uuidString.lowercased(), workspaceID: workspaceID, name: name, description: description,
                          createdAt: now, createdBy: userID)
        try await platform.store.transaction { store in
            guard try await store.model(workspaceID: workspaceID, name: name) == nil else {
                throw SlipwayError.conflict("registered model '\(NameRules.printable(name))' already exists")
            }
            try await store.insertModel(model)
            for tag in tags { try await store.setModelTag(modelID: model.id, workspaceID: workspaceID, key: tag.key, value: tag.value) }
        }
        return try await registeredModel(named: name, workspaceID: workspaceID)
    }

    public func registeredModel(named name: String, workspaceID: String) async throws -> RegisteredModel {
        let model = try await registryModel(named: name, workspaceID: workspaceID)
        let versions = try await platform.store.modelVersions(modelID: model.id)
        let numbers = Dictionary(versions.map { ($0.id, $0.number) }, uniquingKeysWith: { first, _ in first })
        return RegisteredModel(model: model, tags: try await platform.store.modelTags(modelID: model.id),
                               aliases: try await platform.store.modelAliases(modelID: model.id).compactMapValues { numbers[$0] },
                               versions: versions)
    }

    /// Every model of the workspace with its tags, aliases and versions (four reads in all).
    public func registeredModels(workspaceID: String) async throws -> [RegisteredModel] {
        let store = platform.store
        let models = try await store.listModels(workspaceID: workspaceID)
        let tags = try await store.modelTags(workspaceID: workspaceID)
        let aliases = try await store.modelAliases(workspaceID: workspaceID)
        let versions = Dictionary(grouping: try await store.modelVersions(workspaceID: workspaceID), by: \.modelID)
        return models.map { model in
            let own = versions[model.id] ?? []
            let numbers = Dictionary(own.map { ($0.id, $0.number) }, uniquingKeysWith: { first, _ in first })
            return RegisteredModel(model: model, tags: tags[model.id] ?? [:],
                                   aliases: (aliases[model.id] ?? [:]).compactMapValues { numbers[$0] }, versions: own)
        }
    }

    /// Renames the model; its versions, tags and aliases stay with it.
    public func renameModel(named name: String, to newName: String, workspaceID: String) async throws -> RegisteredModel {
        try Self.validateRegistryName(newName)
        let now = platform.now()
        try await platform.store.transaction { store in
            guard var model = try await store.model(workspaceID: workspaceID, name: name) else {
                throw SlipwayError.notFound("registered model", NameRules.printable(name))
            }
            guard newName != name else { return }
            guard try await store.model(workspaceID: workspaceID, name: newName) == nil else {
                throw SlipwayError.conflict("registered model '\(NameRules.printable(newName))' already exists")
            }
            model.name = newName
            model.updatedAt = now
            try await store.updateModel(model)
        }
        return try await registeredModel(named: newName, workspaceID: workspaceID)
    }

    public func updateModelDescription(named name: String, description: String?, workspaceID: String) async throws
        -> RegisteredModel {
        try Self.validateDescription(description)
        var model = try await registryModel(named: name, workspaceID: workspaceID)
        model.description = description
        model.updatedAt = platform.now()
        try await platform.store.updateModel(model)
        return try await registeredModel(named: name, workspaceID: workspaceID)
    }

    /// Removes the model, its versions and their artifacts.
    public func deleteRegisteredModel(named name: String, workspaceID: String) async throws {
        let model = try await registryModel(named: name, workspaceID: workspaceID)
        let versions = try await platform.store.modelVersions(modelID: model.id)
        try await platform.store.deleteModel(id: model.id)
        for version in versions { try? await platform.blobs.delete(version.blobKey) }
    }

    public func setModelTag(named name: String, key: String, value: String, workspaceID: String) async throws {
        try Self.validateTag(key: key, value: value)
        let model = try await registryModel(named: name, workspaceID: workspaceID)
        try await platform.store.setModelTag(modelID: model.id, workspaceID: workspaceID, key: key, value: value)
    }

    public func deleteModelTag(named name: String, key: String, workspaceID: String) async throws {
        let model = try await registryModel(named: name, workspaceID: workspaceID)
        guard try await platform.store.modelTags(modelID: model.id)[key] != nil else {
            throw SlipwayError.notFound("tag of registered model '\(NameRules.printable(name))'", NameRules.printable(key))
        }
        try await platform.store.deleteModelTag(modelID: model.id, key: key)
    }

    // MARK: Aliases

    public func setAlias(_ alias: String, named name: String, version number: Int, workspaceID: String) async throws {
        try Self.validateAlias(alias)
        let version = try await registryVersion(named: name, number: number, workspaceID: workspaceID)
        try await platform.store.setModelAlias(modelID: version.modelID, workspaceID: workspaceID, alias: alias, versionID: version.id)
    }

    public func deleteAlias(_ alias: String, named name: String, workspaceID: String) async throws {
        let model = try await registryModel(named: name, workspaceID: workspaceID)
        guard try await platform.store.modelAliases(modelID: model.id)[alias] != nil else {
            throw SlipwayError.notFound("alias of registered model '\(NameRules.printable(name))'", NameRules.printable(alias))
        }
        try await platform.store.deleteModelAlias(modelID: model.id, alias: alias)
    }

    public func version(named name: String, alias: String, workspaceID: String) async throws -> RegisteredVersion {
        let model = try await registryModel(named: name, workspaceID: workspaceID)
        guard let id = try await platform.store.modelAliases(modelID: model.id)[alias],
              let version = try await platform.store.modelVersion(id: id) else {
            throw SlipwayError.notFound("alias of registered model '\(NameRules.printable(name))'", NameRules.printable(alias))
        }
        return try await registeredVersion(version, modelName: model.name)
    }

    // MARK: Versions

    public func version(named name: String, number: Int, workspaceID: String) async throws -> RegisteredVersion {
        let version = try await registryVersion(named: name, number: number, workspaceID: workspaceID)
        return try await registeredVersion(version, modelName: name)
    }

    /// Every live version of the workspace with its model's name, tags and aliases.
    public func registeredVersions(workspaceID: String) async throws -> [RegisteredVersion] {
        let store = platform.store
        let names = Dictionary(try await store.listModels(workspaceID: workspaceID).map { ($0.id, $0.name) },
                               uniquingKeysWith: { first, _ in first })
        let tags = try await store.modelVersionTags(workspaceID: workspaceID)
        var aliases: [String: [String]] = [:]
        for (_, byAlias) in try await store.modelAliases(workspaceID: workspaceID) {
            for (alias, versionID) in byAlias { aliases[versionID, default: []].append(alias) }
        }
        return try await store.modelVersions(workspaceID: workspaceID).compactMap { version in
            guard let name = names[version.modelID] else { return nil }
            return RegisteredVersion(version: version, modelName: name, tags: tags[version.id] ?? [:],
                                     aliases: (aliases[version.id] ?? []).sorted())
        }
    }

    public func updateVersionDescription(named name: String, number: Int, description: String?, workspaceID: String)
        async throws -> RegisteredVersion {
        try Self.validateDescription(description)
        var version = try await registryVersion(named: name, number: number, workspaceID: workspaceID)
        version.description = description
        version.updatedAt = platform.now()
        try await platform.store.updateModelVersion(version)
        return try await registeredVersion(version, modelName: name)
    }

    /// Moves the version to `stage`; with `archiveExisting` (only for Staging and Production)
    /// the model's other versions in that stage move to Archived, in the same transaction.
    public func transitionStage(named name: String, number: Int, to stage: ModelStage, archiveExisting: Bool,
                                workspaceID: String) async throws -> RegisteredVersion {
        guard !archiveExisting || stage == .staging || stage == .production else {
            throw SlipwayError.badRequest("archive_existing_versions only applies to the Staging and Production stages, not '\(stage.rawValue)'")
        }
        let now = platform.now()
        let target = try await registryVersion(named: name, number: number, workspaceID: workspaceID)
        try await platform.store.transaction { store in
            for var other in try await store.modelVersions(modelID: target.modelID) {
                if other.id == target.id {
                    other.stage = stage
                } else if archiveExisting, other.stage == stage {
                    other.stage = .archived
                } else {
                    continue
                }
                other.updatedAt = now
                try await store.updateModelVersion(other)
            }
            var model = try await store.model(id: target.modelID)
            model?.updatedAt = now
            if let model { try await store.updateModel(model) }
        }
        return try await version(named: name, number: number, workspaceID: workspaceID)
    }

    /// Removes the version (its number is not given again), its tags, aliases and artifact.
    public func deleteVersion(named name: String, number: Int, workspaceID: String) async throws {
        let version = try await registryVersion(named: name, number: number, workspaceID: workspaceID)
        try await platform.store.deleteModelVersion(id: version.id)
        try? await platform.blobs.delete(version.blobKey)
    }

    public func setVersionTag(named name: String, number: Int, key: String, value: String, workspaceID: String) async throws {
        try Self.validateTag(key: key, value: value)
        let version = try await registryVersion(named: name, number: number, workspaceID: workspaceID)
        try await platform.store.setModelVersionTag(versionID: version.id, workspaceID: workspaceID, key: key, value: value)
    }

    public func deleteVersionTag(named name: String, number: Int, key: String, workspaceID: String) async throws {
        let version = try await registryVersion(named: name, number: number, workspaceID: workspaceID)
        guard try await platform.store.modelVersionTags(versionID: version.id)[key] != nil else {
            throw SlipwayError.notFound("tag of model version '\(NameRules.printable(name))' \(number)", NameRules.printable(key))
        }
        try await platform.store.deleteModelVersionTag(versionID: version.id, key: key)
    }

    /// The highest-numbered version in each of `stages` (every stage when empty).
    public func latestVersions(named name: String, stages: [ModelStage], workspaceID: String) async throws -> [RegisteredVersion] {
        let model = try await registeredModel(named: name, workspaceID: workspaceID)
        let wanted = Set(stages.isEmpty ? ModelStage.allCases : stages)
        var found: [RegisteredVersion] = []
        for version in model.latestVersions where wanted.contains(version.stage) {
            found.append(try await registeredVersion(version, modelName: model.model.name))
        }
        return found
    }

    func registryModel(named name: String, workspaceID: String) async throws -> Model {
        guard let model = try await platform.store.model(workspaceID: workspaceID, name: name) else {
            throw SlipwayError.notFound("registered model", NameRules.printable(name))
        }
        return model
    }

    func registryVersion(named name: String, number: Int, workspaceID: String) async throws -> ModelVersion {
        let model = try await registryModel(named: name, workspaceID: workspaceID)
        guard let version = try await platform.store.modelVersions(modelID: model.id).first(where: { $0.number == number }) else {
            throw SlipwayError.notFound("model version", "\(NameRules.printable(name)) \(number)")
        }
        return version
    }

    func registeredVersion(_ version: ModelVersion, modelName: String) async throws -> RegisteredVersion {
        let aliases = try await platform.store.modelAliases(modelID: version.modelID).filter { $0.value == version.id }.keys
        return RegisteredVersion(version: version, modelName: modelName,
                                 tags: try await platform.store.modelVersionTags(versionID: version.id),
                                 aliases: aliases.sorted())
    }
}
