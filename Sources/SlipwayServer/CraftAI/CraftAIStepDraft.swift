import Foundation
import SlipwayCore

/// Reads the SDK's flattened step/pipeline creation fields into a `StepDraft`.
enum CraftAIStepDraft {
    static func parse(_ fields: [(String, String)], nameField: String) throws -> StepDraft {
        let form: JSONValue
        do {
            form = try BracketForm.decode(fields)
        } catch let error as FormError {
            throw SlipwayError.badRequest("invalid form: \(error.message)")
        }
        guard let name = form[nameField]?.formString, !name.isEmpty else {
            throw SlipwayError.badRequest("\(nameField) is required")
        }
        let config = form["container_config"]
        func text(_ key: String) -> String? {
            guard let value = config?[key], !value.isFormNull else { return nil }
            return value.formString
        }
        func list(_ key: String) -> [String]? {
            guard let value = config?[key] else { return nil }
            if value.isFormNull { return [] }
            return value.formArray?.compactMap(\.formString) ?? value.formString.map { [$0] }
        }
        let containerConfig = ContainerConfig(
            language: text("language"), repositoryURL: text("repository_url"), repositoryBranch: text("repository_branch"),
            requirementsPath: text("requirements_path"), includedFolders: list("included_folders"),
            systemDependencies: list("system_dependencies"), dockerfilePath: text("dockerfile_path"))
        return StepDraft(
            name: name, functionPath: form["function_path"]?.formString, functionName: form["function_name"]?.formString,
            description: form["description"]?.formString.flatMap { $0.isEmpty ? nil : $0 },
            inputs: try (form["inputs"]?.formArray ?? []).map(input), outputs: try (form["outputs"]?.formArray ?? []).map(output),
            containerConfig: containerConfig)
    }

    static func dataType(_ value: JSONValue?, of name: String) throws -> IODataType {
        guard let text = value?.formString, let type = IODataType(rawValue: text) else {
            throw SlipwayError.badRequest("data_type of '\(NameRules.printable(name))' must be one of "
                + IODataType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return type
    }

    static func input(_ value: JSONValue) throws -> InputDefinition {
        guard let name = value["name"]?.formString else { throw SlipwayError.badRequest("every input needs a name") }
        let type = try dataType(value["data_type"], of: name)
        var isRequired = true
        if let flag = value["is_required"], !flag.isFormNull {
            guard let bool = flag.formBool else { throw SlipwayError.badRequest("is_required of input '\(name)' must be True or False") }
            isRequired = bool
        }
        var defaultValue: JSONValue?
        if let raw = value["default_value"], !raw.isFormNull {
            defaultValue = try IOValueCoercion.fromFormText(raw, as: type, name: name)
        }
        return InputDefinition(name: name, dataType: type, description: value["description"]?.formString,
                               isRequired: isRequired, defaultValue: defaultValue)
    }

    static func output(_ value: JSONValue) throws -> OutputDefinition {
        guard let name = value["name"]?.formString else { throw SlipwayError.badRequest("every output needs a name") }
        return OutputDefinition(name: name, dataType: try dataType(value["data_type"], of: name),
                                description: value["description"]?.formString)
    }
}
