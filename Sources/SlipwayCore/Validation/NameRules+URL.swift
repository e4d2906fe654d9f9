import Foundation

extension NameRules {
    /// An `http` or `https` URL of at most 2048 bytes with a host and no credentials in it (they
    /// would be stored in clear); `what` names it in errors (`the registry URL`).
    public static func httpURL(_ text: String, what: String) throws(SlipwayError) -> URL {
        guard text.utf8.count <= 2048, let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty, let url = components.url
        else { throw .badRequest("\(what) '\(NameRules.printable(text))' must be an http or https URL") }
        guard components.user == nil, components.password == nil else {
            throw .badRequest("\(what) must not carry credentials")
        }
        return url
    }
}
