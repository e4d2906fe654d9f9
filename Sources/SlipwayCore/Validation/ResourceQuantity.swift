import Foundation

/// Memory quantities with binary or decimal units (`512MiB`, `1GiB`, `1.5Gi`, `800M`, plain bytes).
public enum ResourceQuantity {
    public static func bytes(_ text: String) throws(SlipwayError) -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [
            ("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824), ("TiB", 1_099_511_627_776),
            ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776),
            ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("K", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12),
            ("B", 1),
        ]
        var number = trimmed
        var factor = 1.0
        for (suffix, value) in units where trimmed.hasSuffix(suffix) {
            number = String(trimmed.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            factor = value
            break
        }
        guard let amount = Double(number), amount.isFinite, amount > 0, amount * factor < 1e15 else {
            throw .badRequest("ram_request '\(NameRules.printable(text))' is not a memory quantity such as 512MiB or 2GiB")
        }
        return Int64(amount * factor)
    }
}
