import Foundation
import Hummingbird
import SlipwayCore

extension CraftAIDialect {
    func registerVariables(_ group: RouterGroup<SlipwayRequestContext>) {
        group.put("environment-variables") { request, context -> Response in
            let identity = try context.user()
            let body = try await request.jsonObject(limit: 4 << 20)
            guard let variables = body["environment_variables"]?.objectValue else {
                throw SlipwayError.badRequest("environment_variables must be an object of name → value")
            }
            try await self.variables.set(workspaceID: identity.workspace.id, variables)
            return JSONResponse.make(.object(["environment_variables": .array(variables.keys.sorted().map { .string($0) })]))
        }
        group.get("environment-variables") { _, context -> Response in
            let identity = try context.user()
            let list = try await variables.list(workspaceID: identity.workspace.id)
            return JSONResponse.make(.array(list.map { .object(["name": .string($0.name), "value": .string($0.value)]) }))
        }
        group.delete("environment-variables/:name") { _, context -> Response in
            let identity = try context.user()
            let variable = try await variables.delete(workspaceID: identity.workspace.id, name: try context.parameters.require("name"))
            return JSONResponse.make(.object(["name": .string(variable.name), "value": .string(variable.value)]))
        }
    }
}
