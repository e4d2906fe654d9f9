/// One parsed field of a ``CronExpression``: the set of matching values plus the parsed
/// items (kept for ``CronExpression/humanReadable``).
struct CronField: Sendable, Hashable {
    enum Kind: Int, Sendable, Hashable, CaseIterable {
        case minute, hour, dayOfMonth, month, dayOfWeek

        var name: String {
            switch self {
            case .minute: "minute"
            case .hour: "hour"
            case .dayOfMonth: "day-of-month"
            case .month: "month"
            case .dayOfWeek: "day-of-week"
            }
        }

        /// Accepted values (day-of-week accepts 7 as another Sunday).
        var bounds: ClosedRange<Int> {
            switch self {
            case .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...7
            }
        }

        /// The values `*` stands for.
        var fullRange: ClosedRange<Int> { self == .dayOfWeek ? 0...6 : bounds }

        var names: [String] {
            switch self {
            case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
            default: []
            }
        }

        /// Value of the first name (`JAN` = 1, `SUN` = 0).
        var firstNameValue: Int { self == .month ? 1 : 0 }
    }

    /// `start-end/step`; a single value has `start == end`, `step == 1`.
    struct Item: Sendable, Hashable {
        var start: Int
        var end: Int
        var step: Int
        /// Written as `*` or `*/n`.
        var isStar: Bool

        var isSingle: Bool { start == end }
        var values: StrideThrough<Int> { stride(from: start, through: end, by: step) }
    }

    let kind: Kind
    let items: [Item]
    /// Bit `v` set when value `v` matches (day-of-week 7 is folded into 0).
    let bits: UInt64
    /// The field's text starts with `*` (Vixie cron: such a day field does not take part in
    /// the day-of-month OR day-of-week rule).
    let isStar: Bool

    init(_ text: Substring, kind: Kind) throws {
        self.kind = kind
        guard !text.isEmpty else { throw ScheduleError.field(kind, "value is empty") }
        var items: [Item] = []
        var bits: UInt64 = 0
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = try CronField.parseItem(part, kind: kind, whole: text)
            items.append(item)
            for value in item.values {
                bits |= 1 << UInt64(kind == .dayOfWeek && value == 7 ? 0 : value)
            }
        }
        self.items = items
        self.bits = bits
        self.isStar = text.hasPrefix("*")
    }

    private static func parseItem(_ part: Substring, kind: Kind, whole: Substring) throws -> Item {
        guard !part.isEmpty else {
            throw ScheduleError.field(kind, "empty entry in list \(ScheduleError.quoted(String(whole)))")
        }
        var rangeText = part
        var step = 1
        var hasStep = false
        if let slash = part.firstIndex(of: "/") {
            rangeText = part[..<slash]
            let stepText = part[part.index(after: slash)...]
            guard let value = number(stepText) else {
                throw ScheduleError.field(kind, "step \(ScheduleError.quoted(String(stepText))) is not a number")
            }
            let maxStep = kind.bounds.upperBound
            guard (1...maxStep).contains(value) else {
                throw ScheduleError.field(kind, "step \(stepText) is out of range 1-\(maxStep)")
            }
            step = value
            hasStep = true
        }

        if rangeText == "*" {
            return Item(start: kind.fullRange.lowerBound, end: kind.fullRange.upperBound, step: step, isStar: true)
        }
        if let dash = rangeText.firstIndex(of: "-") {
            let start = try value(rangeText[..<dash], kind: kind)
            let end = try value(rangeText[rangeText.index(after: dash)...], kind: kind)
            guard start <= end else {
                throw ScheduleError.field(kind, "range \(rangeText) is reversed (the first value must not be greater than the second)")
            }
            return Item(start: start, end: end, step: step, isStar: false)
        }
        let single = try value(rangeText, kind: kind)
        // `a/n` means "from a to the end of the range, every n".
        let end = hasStep ? (kind == .dayOfWeek ? 6 : kind.bounds.upperBound) : single
        return Item(start: single, end: max(single, end), step: step, isStar: false)
    }

    private static func value(_ text: Substring, kind: Kind) throws -> Int {
        if let number = number(text) {
            guard kind.bounds.contains(number) else {
                throw ScheduleError.field(kind, "\(text) is out of range \(kind.bounds.lowerBound)-\(kind.bounds.upperBound)")
            }
            return number
        }
        if let index = kind.names.firstIndex(of: text.uppercased()) {
            return index + kind.firstNameValue
        }
        if text.isEmpty { throw ScheduleError.field(kind, "a range is missing a value") }
        var hint = ""
        if kind == .month { hint = " (use 1-12 or JAN-DEC)" }
        if kind == .dayOfWeek { hint = " (use 0-7 or SUN-SAT)" }
        throw ScheduleError.field(kind, "\(ScheduleError.quoted(String(text))) is not a valid value\(hint)")
    }

    /// Decimal digits only; absurdly long numbers map to Int.max (reported as out of range).
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return Int(text) ?? Int.max
    }

    // MARK: - Matching

    func contains(_ value: Int) -> Bool { bits & (1 << UInt64(value)) != 0 }

    /// The smallest matching value `>= value`, if any.
    func next(atOrAfter value: Int) -> Int? {
        guard value < 64 else { return nil }
        let remaining = bits >> UInt64(max(value, 0))
        guard remaining != 0 else { return nil }
        return max(value, 0) + remaining.trailingZeroBitCount
    }

    /// Matching values in ascending order (day-of-week 7 folded into 0).
    var values: [Int] { kind.fullRange.filter(contains) }

    /// True when every value of the field matches.
    var matchesAll: Bool { kind.fullRange.allSatisfy(contains) }
}
