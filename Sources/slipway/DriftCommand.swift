import ArgumentParser
import Foundation
import SlipwayCore

/// `slipway drift BASELINE.arrow WINDOW.arrow`: the drift report of every numeric column present
/// in both Arrow IPC files, as JSON on stdout (the same engine the assays use).
struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Drift of every numeric column in both Arrow IPC files (baseline, window), as JSON.",
        discussion: "Null, NaN and infinite values are counted as missing and not binned. With --timing the engine's time (not reading the files) goes to stderr.")

    @Argument(help: "Arrow IPC file (or stream) of the baseline rows.") var baseline: String
    @Argument(help: "Arrow IPC file (or stream) of the window rows.") var window: String
    @Option(help: "Number of bins between the baseline's edges (the two outlier bins come on top).") var bins = 5
    @Option(help: "Quantile, Equal or None.") var binMode = "Quantile"
    @Option(help: "PSI, MaxDiff or SumDiff.") var metric = "PSI"
    @Option(help: "Density, Cumulative or Edges.") var aggregation = "Density"
    @Flag(help: "Leave out the left_outlier and right_outlier bins.") var noOutlierEdges = false
    @Flag(help: "Print the engine's time, excluding file reading, to stderr.") var timing = false

    func run() async throws {
        guard let mode = DriftBinMode(rawValue: binMode), mode != .provided else {
            throw ValidationError("--bin-mode must be Quantile, Equal or None")
        }
        guard let metric = DriftMetric(rawValue: metric) else { throw ValidationError("--metric must be PSI, MaxDiff or SumDiff") }
        guard let aggregation = DriftAggregation(rawValue: aggregation) else {
            throw ValidationError("--aggregation must be Density, Cumulative or Edges")
        }
        let summarizer = DriftSummarizer(binMode: mode, aggregation: aggregation, metric: metric, numBins: bins,
                                         addOutlierEdges: !noOutlierEdges)
        do { try summarizer.validate() } catch { throw ValidationError(error.message) }

        let baselineTable = try Self.read(baseline)
        let windowTable = try Self.read(window)
        let baselineColumns = Self.numericColumns(baselineTable)
        let windowColumns = Dictionary(Self.numericColumns(windowTable).map { ($0.name, $0.values) },
                                       uniquingKeysWith: { first, _ in first })
        let shared = baselineColumns.filter { windowColumns[$0.name] != nil }
        guard !shared.isEmpty else { throw ValidationError("the two files have no numeric column in common") }

        let clock = ContinuousClock()
        let start = clock.now
        let reports = try await DriftEngine.report(baselines: shared.map(\.values),
                                                   windows: shared.map { windowColumns[$0.name]! },
                                                   summarizer: summarizer)
        let elapsed = clock.now - start

        let output = Output(summarizer: summarizer, features: zip(shared, reports).map { column, report in
            Output.Feature(name: column.name, score: report.score.score, scores: report.score.scores,
                           binIndex: report.score.binIndex, baseline: report.baseline, window: report.window)
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        FileHandle.standardOutput.write(try encoder.encode(output))
        FileHandle.standardOutput.write(Data("\n".utf8))
        if timing {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            FileHandle.standardError.write(Data("drift engine: \(shared.count) features in \(String(format: "%.6f", seconds)) s\n".utf8))
        }
    }

    struct Output: Encodable {
        struct Feature: Encodable {
            var name: String
            var score: Double
            var scores: [Double]
            var binIndex: Int?
            var baseline: DistributionSummary
            var window: DistributionSummary
        }
        var summarizer: DriftSummarizer
        var features: [Feature]
    }

    private static func read(_ path: String) throws -> ArrowTable {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
        do { return try ArrowIPC.read(data) } catch { throw ValidationError("\(path) is not a readable Arrow IPC file: \(error)") }
    }

    /// The integer and floating-point columns of `table` as doubles, batches concatenated,
    /// nulls as NaN (the engine counts them as missing). Temporal columns are left out.
    private static func numericColumns(_ table: ArrowTable) -> [(name: String, values: [Double])] {
        table.schema.fields.indices.compactMap { index -> (name: String, values: [Double])? in
            let field = table.schema.fields[index]
            switch field.type {
            case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .float16, .float32, .float64: break
            default: return nil
            }
            var values: [Double] = []
            values.reserveCapacity(table.rowCount)
            for batch in table.batches {
                let column = batch.columns[index]
                let start = values.count
                switch column.values {
                case .floats(let floats): values.append(contentsOf: floats)
                case .integers(let integers): values.append(contentsOf: integers.lazy.map { Double($0) })
                case .unsignedIntegers(let integers): values.append(contentsOf: integers.lazy.map { Double($0) })
                default: values.append(contentsOf: repeatElement(Double.nan, count: column.count))
                }
                if let validity = column.validity {
                    for row in validity.indices where !validity[row] { values[start + row] = .nan }
                }
            }
            return (field.name, values)
        }
    }
}
