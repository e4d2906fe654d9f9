import Foundation

/// What became of a Data Capture file: how many inferences it held and were stored, and each
/// refusal with the line, the event and the inference's index within the event.
public struct DataCaptureReport: Sendable, Equatable {
    public struct Failure: Sendable, Equatable {
        /// 1-based line of the file.
        public var line: Int
        public var eventID: String?
        /// The inference's index within its event; nil when the whole line or event was refused.
        public var indexInEvent: Int?
        public var error: SlipwayError

        public init(line: Int, eventID: String?, indexInEvent: Int?, error: SlipwayError) {
            self.line = line
            self.eventID = eventID
            self.indexInEvent = indexInEvent
            self.error = error
        }
    }

    /// Inferences found (a refused line or event counts as one).
    public var total: Int
    public var stored: Int
    public var failures: [Failure]

    public init(total: Int, stored: Int, failures: [Failure]) {
        self.total = total
        self.stored = stored
        self.failures = failures
    }
}
