import Foundation
import Hummingbird
import SlipwayCore

extension CORDSDialect {
    /// `POST semantics/generate/{asset_id}` (describe again from metadata and the tracked run),
    /// `GET semantics/get/{asset_id}` (JSON-LD, `application/ld+json`),
    /// `PUT semantics/update/{asset_id}` (`{"algorithm", "implementation", "frameworks",
    /// "datasets", "keywords", "title", "description", "parameters": {}, "metrics": {}, "tags": {},
    /// "properties": {}}`, null entries of the maps remove), `POST semantics/query`
    /// (`{"query": "algorithm = KNeighborsClassifier AND metrics.accuracy > 0.9", "type"}`, or
    /// `GET` with `?query=`).
    func registerSemantics(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("semantics/generate/:asset_id") { _, context -> Response in
            let (user, _) = try context.cordsScope()
            let asset = try await catalog.regenerateSemantics(id: try context.parameters.require("asset_id"), for: user)
            return Self.jsonLD(CORDSPresenter.semantics(asset))
        }
        api.get("semantics/get/:asset_id") { _, context -> Response in
            let (user, _) = try context.cordsScope()
            let asset = try await catalog.asset(id: try context.parameters.require("asset_id"), kind: nil, for: user)
            return Self.jsonLD(CORDSPresenter.semantics(asset))
        }
        let update: @Sendable (Request, SlipwayRequestContext) async throws -> Response = { request, context in
            let (user, _) = try context.cordsScope()
            let body = try await CORDSRequestBody(request)
            let asset = try await catalog.updateSemantics(id: try context.parameters.require("asset_id"),
                                                          changes: try Self.semanticChanges(body), for: user)
            return Self.jsonLD(CORDSPresenter.semantics(asset))
        }
        api.put("semantics/update/:asset_id", use: update)
        api.post("semantics/update/:asset_id", use: update)
        api.post("semantics/query") { request, context -> Response in
            let body = try await CORDSRequestBody(request)
            return try await query(try body.requiredString("query"), kind: try Self.kind(try body.string("type")), context)
        }
        api.get("semantics/query") { request, context -> Response in
            guard let text = request.cordsQuery("query") else {
                throw SlipwayError.badRequest("'query' is required")
            }
            return try await query(text, kind: try Self.kind(request.cordsQuery("type")), context)
        }
    }

    private func query(_ text: String, kind: CatalogAssetKind?, _ context: SlipwayRequestContext) async throws -> Response {
        let (user, _) = try context.cordsScope()
        let assets = try await catalog.query(text, kind: kind, for: user)
        return JSONResponse.make(.object(["query": .string(text), "count": .number(Double(assets.count)),
                                          "assets": .array(try await present(assets))]))
    }

    static func jsonLD(_ document: JSONValue) -> Response {
        var response = JSONResponse.make(document)
        response.headers[.contentType] = "application/ld+json"
        return response
    }

    static let semanticFields: Set<String> = ["title", "description", "algorithm", "implementation", "frameworks", "datasets",
                                              "keywords", "parameters", "metrics", "tags", "properties"]

    static func semanticChanges(_ body: CORDSRequestBody) throws -> SemanticChanges {
        if let unknown = body.fields.keys.sorted().first(where: { !semanticFields.contains($0) }) {
            throw SlipwayError.badRequest("'\(NameRules.printable(unknown))' is not a field of a semantic description; fields are "
                                          + semanticFields.sorted().joined(separator: ", "))
        }
        var changes = SemanticChanges()
        changes.title = try body.string("title")
        changes.summary = try body.string("description")
        changes.algorithm = try body.string("algorithm")
        changes.implementation = try body.string("implementation")
        changes.frameworks = try body.strings("frameworks")
        changes.datasets = try body.strings("datasets")
        changes.keywords = try body.strings("keywords")
        let textMaps: [(String, WritableKeyPath<SemanticChanges, [String: String?]>)] =
            [("parameters", \.parameters), ("tags", \.tags), ("properties", \.properties)]
        for (field, target) in textMaps {
            for (name, value) in try body.object(field) ?? [:] {
                if value.isNull {
                    changes[keyPath: target][name] = .some(nil)
                } else if let text = SemanticGenerator.text(value) {
                    changes[keyPath: target][name] = .some(text)
                } else {
                    throw SlipwayError.badRequest("'\(field).\(NameRules.printable(name))' must be a string, number, boolean or null")
                }
            }
        }
        for (name, value) in try body.object("metrics") ?? [:] {
            switch value {
            case .null: changes.metrics[name] = .some(nil)
            case .number(let number): changes.metrics[name] = .some(number)
            default: throw SlipwayError.badRequest("'metrics.\(NameRules.printable(name))' must be a number or null")
            }
        }
        return changes
    }
}
