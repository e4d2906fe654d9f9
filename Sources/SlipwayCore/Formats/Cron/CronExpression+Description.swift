extension CronExpression {
    /// An English description of the schedule, e.g. `*/5 * * * *` → "Every 5 minutes",
    /// `0 9 * * 1-5` → "At 09:00, Monday through Friday", `0 0 1 * *` → "At 00:00, on day 1
    /// of the month". Common shapes get idiomatic phrases; anything else is described field
    /// by field. Times are UTC.
    public var humanReadable: String {
        var parts = [timePhrase()]
        if let days = dayPhrase() { parts.append(days) }
        if let months = monthPhrase() { parts.append(months) }
        let sentence = parts.joined(separator: ", ")
        return sentence.prefix(1).uppercased() + sentence.dropFirst()
    }

    // MARK: - Time of day

    private func timePhrase() -> String {
        // A handful of exact times: "at 09:00 and 17:30".
        let minuteValues = minute.values
        let hourValues = hour.values
        if minute.items.allSatisfy(\.isSingle), hour.items.allSatisfy(\.isSingle),
            minuteValues.count * hourValues.count <= 6
        {
            let times = hourValues.flatMap { h in minuteValues.map { m in CronExpression.clock(h, m) } }
            return "at " + CronExpression.list(times)
        }

        let minutePart: String
        if minute.matchesAll {
            minutePart = "every minute"
        } else if minute.items.count == 1, let item = minute.items.first, item.step > 1 || !item.isSingle {
            minutePart = CronExpression.stepPhrase(item, unit: "minute", kind: .minute, start: { "minute \($0)" })
        } else if minuteValues == [0], hour.matchesAll || hour.items.count == 1 && !hour.items[0].isSingle {
            // "0 * * * *" → every hour; "0 */2 * * *" → every 2 hours.
            if hour.matchesAll { return "every hour" }
            let item = hour.items[0]
            return CronExpression.stepPhrase(
                item, unit: "hour", kind: .hour, start: { CronExpression.clock($0, 0) }, end: { CronExpression.clock($0, 0) })
        } else if minute.items.count == 1, let only = minuteValues.first {
            minutePart = "at \(only) minute\(only == 1 ? "" : "s") past the hour"
        } else {
            minutePart = "at minutes " + CronExpression.itemList(minute) { "\($0)" }
        }

        if hour.matchesAll { return minutePart }
        return minutePart + ", " + hourPhrase()
    }

    private func hourPhrase() -> String {
        if hour.items.count == 1, let item = hour.items.first {
            if item.isSingle || item.step == 1 {
                return "between \(CronExpression.clock(item.start, 0)) and \(CronExpression.clock(item.end, 59))"
            }
            return CronExpression.stepPhrase(
                item, unit: "hour", kind: .hour, start: { CronExpression.clock($0, 0) }, end: { CronExpression.clock($0, 0) })
        }
        return "during hours " + CronExpression.itemList(hour) { "\($0)" }
    }

    // MARK: - Days and months

    private func dayPhrase() -> String? {
        let dom = dayOfMonth.matchesAll ? nil : domPhrase()
        let dow = dayOfWeek.matchesAll ? nil : dowPhrase()
        switch (dom, dow) {
        case (nil, nil): return nil
        case (let dom?, nil): return dom
        case (nil, let dow?): return dow
        case (let dom?, let dow?):
            if dayOfMonth.isStar || dayOfWeek.isStar {
                let names = dayOfWeek.values.map { CronExpression.weekdayNames[$0] }
                return "\(dom), if that day is a \(CronExpression.list(names, conjunction: "or"))"
            }
            return "\(dom) or \(dow)"
        }
    }

    private func domPhrase() -> String {
        if dayOfMonth.items.count == 1, let item = dayOfMonth.items.first {
            if item.isSingle { return "on day \(item.start) of the month" }
            if item.step == 1 { return "on days \(item.start) through \(item.end) of the month" }
            let every = "on every \(CronExpression.ordinal(item.step)) day of the month"
            if item.isStar { return every }
            if item.end == 31 { return every + " starting on day \(item.start)" }
            return every + " from day \(item.start) through \(item.end)"
        }
        return "on days " + CronExpression.itemList(dayOfMonth) { "\($0)" } + " of the month"
    }

    private func dowPhrase() -> String {
        if dayOfWeek.items.count == 1, let item = dayOfWeek.items.first, !item.isSingle, item.step == 1 {
            return "\(CronExpression.weekday(item.start)) through \(CronExpression.weekday(item.end))"
        }
        return "on " + CronExpression.itemList(dayOfWeek, expandSteps: true) { CronExpression.weekday($0) }
    }

    private func monthPhrase() -> String? {
        if month.matchesAll { return nil }
        if month.items.count == 1, let item = month.items.first, !item.isSingle, item.step == 1 {
            return "\(CronExpression.monthNames[item.start - 1]) through \(CronExpression.monthNames[item.end - 1])"
        }
        return "in " + CronExpression.itemList(month, expandSteps: true) { CronExpression.monthNames[$0 - 1] }
    }

    // MARK: - Helpers

    static let weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let monthNames = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]

    static func weekday(_ value: Int) -> String { weekdayNames[value % 7] }

    static func clock(_ hour: Int, _ minute: Int) -> String {
        (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }

    static func ordinal(_ n: Int) -> String {
        let suffix: String
        switch (n % 10, n % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return "\(n)\(suffix)"
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String], conjunction: String = "and") -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items.last!
    }

    /// "every 5 minutes", "every 5 minutes from minute 10 through 30", "every 2 hours starting at 01:00".
    static func stepPhrase(
        _ item: CronField.Item, unit: String, kind: CronField.Kind,
        start: (Int) -> String, end: ((Int) -> String)? = nil
    ) -> String {
        let every = item.step == 1 ? "every \(unit)" : "every \(item.step) \(unit)s"
        if item.isStar { return every }
        if item.end == kind.bounds.upperBound, item.step > 1 { return every + " starting at \(start(item.start))" }
        return every + " from \(start(item.start)) through \((end ?? { "\($0)" })(item.end))"
    }

    /// Lists a field's items: singles as values, ranges as "a through b", steps expanded
    /// (or described) so the text always matches the schedule exactly.
    static func itemList(_ field: CronField, expandSteps: Bool = false, format: (Int) -> String) -> String {
        var parts: [String] = []
        for item in field.items {
            if item.isSingle {
                parts.append(format(item.start))
            } else if item.step == 1 {
                parts.append("\(format(item.start)) through \(format(item.end))")
            } else if expandSteps {
                parts.append(contentsOf: item.values.map(format))
            } else {
                parts.append("every \(ordinal(item.step)) from \(format(item.start)) through \(format(item.end))")
            }
        }
        return list(parts)
    }
}
