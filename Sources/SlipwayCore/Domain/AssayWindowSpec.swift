import Foundation

/// How an assay cuts time into windows: each `width` long, the first starting at `start` (or
/// at the baseline's end), the next ones every `interval` (or every `width`).
public struct AssayWindowSpec: Sendable, Equatable, Codable {
    public var width: TimeInterval
    public var start: Date?
    public var interval: TimeInterval?
    /// Only records of this model are analysed; nil = every record of the pipeline.
    public var modelName: String?

    public static let minimumWidth: TimeInterval = 1
    public static let maximumWidth: TimeInterval = 366 * 86_400

    public init(width: TimeInterval, start: Date? = nil, interval: TimeInterval? = nil, modelName: String? = nil) {
        self.width = width
        self.start = start
        self.interval = interval
        self.modelName = modelName
    }

    public func validate() throws(SlipwayError) {
        guard width.isFinite, (Self.minimumWidth...Self.maximumWidth).contains(width) else {
            throw .badRequest("window width must be between 1 second and 366 days")
        }
        if let interval, !(interval.isFinite && (Self.minimumWidth...Self.maximumWidth).contains(interval)) {
            throw .badRequest("window interval must be between 1 second and 366 days")
        }
        if let start, !start.timeIntervalSince1970.isFinite { throw .badRequest("window start must be a valid date") }
    }

    public var step: TimeInterval { interval ?? width }

    /// The `index`-th window (0-based) after `origin`.
    public func window(_ index: Int, origin: Date) -> DateInterval {
        DateInterval(start: origin.addingTimeInterval(Double(index) * step), duration: width)
    }

    /// The index of the first window that ends after `date` (windows before it have closed by then).
    public func firstOpenWindow(at date: Date, origin: Date) -> Int {
        let elapsed = date.timeIntervalSince(origin) - width
        guard elapsed >= 0 else { return 0 }
        return Int((elapsed / step).rounded(.down)) + 1
    }
}
