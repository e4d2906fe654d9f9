import Foundation

extension NameRules {
    /// Whether `text` is 1 to `maximumBytes` bytes of UTF-8 without control characters: the rule
    /// for free-form labels (feature and schema field names, framework and connection kinds).
    public static func isPrintableLabel(_ text: String, maximumBytes: Int) -> Bool {
        !text.isEmpty && text.utf8.count <= maximumBytes
            && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
