import Foundation

/// A Data Capture file: JSON lines, each one event. Lines are read on their own, so a line that
/// is not valid JSON or not an event is reported with its number and the others are kept.
public enum DataCaptureFile {
    public struct Line: Sendable {
        /// 1-based.
        public var number: Int
        public var event: Result<DataCaptureEvent, SlipwayError>
    }

    /// The file's non-empty lines, in order.
    public static func lines(_ data: Data) -> [Line] {
        var lines: [Line] = []
        var number = 0
        var start = data.startIndex
        while start < data.endIndex {
            let end = data[start...].firstIndex(of: 0x0A) ?? data.endIndex
            number += 1
            let slice = data[start..<end]
            start = end < data.endIndex ? data.index(after: end) : end
            guard slice.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) else { continue }
            let event: Result<DataCaptureEvent, SlipwayError>
            if let json = try? JSONValue.parse(Data(slice)) {
                do { event = .success(try DataCaptureEvent(json: json)) } catch { event = .failure(error) }
            } else {
                event = .failure(.badRequest("line \(number) is not valid JSON"))
            }
            lines.append(Line(number: number, event: event))
        }
        return lines
    }
}
