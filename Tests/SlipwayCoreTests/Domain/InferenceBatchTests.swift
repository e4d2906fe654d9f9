import Foundation
import Testing

@testable import SlipwayCore

@Suite("Inference batches: rows to columns")
struct InferenceBatchTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    static func record(_ id: String, inputs: [String: FeatureValue], outputs: [String: FeatureValue] = [:],
                       groundTruth: [String: FeatureValue]? = nil) -> InferenceRecord {
        InferenceRecord(id: id, workspaceID: "w", deploymentID: "d", pipelineID: "p", time: t0.addingTimeInterval(Double(id.count)),
                        inputs: inputs, outputs: outputs, groundTruth: groundTruth)
    }

    typealias Key = InferenceBatch.ColumnKey

    @Test func rowsBecomeColumnsWithNullMasks() throws {
        let records = [
            Self.record("r0", inputs: ["tensor": .vector([1, 2, 3]), "age": .number(40), "city": .string("Paris")],
                        outputs: ["score": .vector([0.9])], groundTruth: ["label": .bool(true)]),
            Self.record("r1", inputs: ["tensor": .vector([4, 5]), "age": .null, "flag": .bool(false)], outputs: ["score": .vector([0.1])]),
            Self.record("r2", inputs: ["tensor": .vector([7, .nan, 9]), "age": .number(.infinity)],
                        outputs: ["score": .json(.array([.string("x")]))], groundTruth: ["label": .bool(false)]),
        ]
        let batch = InferenceBatch(records: records)
        #expect(batch.rowCount == 3)
        #expect(batch.recordIDs == ["r0", "r1", "r2"])
        #expect(batch.times == records.map(\.time))
        #expect(batch.keys.map(\.description) == ["input.age", "input.flag", "input.tensor[0]", "input.tensor[1]", "input.tensor[2]",
                                                  "output.score[0]", "ground_truth.label"])

        let tensor0 = try #require(batch[Key(.input, "tensor", index: 0)])
        #expect(tensor0.values == [1, 4, 7] && tensor0.isNull == [false, false, false])
        let tensor1 = try #require(batch[Key(.input, "tensor", index: 1)])
        #expect(tensor1.isNull == [false, false, true])
        #expect(tensor1.nonNullValues == [2, 5])
        let tensor2 = try #require(batch[Key(.input, "tensor", index: 2)])
        #expect(tensor2.isNull == [false, true, false])
        #expect(tensor2[0] == 3 && tensor2[1] == nil && tensor2[2] == 9)
        #expect(tensor2.values[1] == 0)

        let age = try #require(batch[Key(.input, "age")])
        #expect(age.isNull == [false, true, true])
        #expect(age.nullCount == 2)
        #expect(batch[Key(.input, "flag")]?.isNull == [true, false, true])
        #expect(batch[Key(.input, "flag")]?.values == [0, 0, 0])
        #expect(batch[Key(.input, "city")] == nil)
        #expect(batch[Key(.output, "score", index: 0)]?.nonNullValues == [0.9, 0.1])
        #expect(batch[Key(.groundTruth, "label")]?.isNull == [false, true, false])
        #expect(batch[Key(.groundTruth, "label")]?.values == [1, 0, 0])
    }

    @Test func sidesWithTheSameFeatureNameStayApart() {
        let batch = InferenceBatch(records: [Self.record("r", inputs: ["x": .number(1)], outputs: ["x": .number(2)])])
        #expect(batch[Key(.input, "x")]?.values == [1])
        #expect(batch[Key(.output, "x")]?.values == [2])
    }

    @Test func selectingColumnsBuildsExactlyThose() {
        let records = [Self.record("r0", inputs: ["a": .number(1), "b": .number(2), "v": .vector([5, 6])]),
                       Self.record("r1", inputs: ["a": .number(3)])]
        let wanted: Set<Key> = [Key(.input, "a"), Key(.input, "v", index: 1), Key(.output, "never")]
        let batch = InferenceBatch(records: records, only: wanted)
        #expect(Set(batch.keys) == wanted)
        #expect(batch[Key(.input, "a")]?.values == [1, 3])
        #expect(batch[Key(.input, "v", index: 1)]?.isNull == [false, true])
        #expect(batch[Key(.input, "v", index: 1)]?.values == [6, 0])
        #expect(batch[Key(.output, "never")]?.isNull == [true, true])
        #expect(batch[Key(.input, "b")] == nil)
    }

    @Test func emptyInputGivesAnEmptyBatch() {
        let batch = InferenceBatch(records: [InferenceRecord]())
        #expect(batch.rowCount == 0 && batch.columns.isEmpty)
    }

    @Test func keysSortBySideThenNameThenIndex() {
        let keys = [Key(.groundTruth, "a"), Key(.output, "a"), Key(.input, "b"), Key(.input, "a", index: 10),
                    Key(.input, "a", index: 2), Key(.input, "a")]
        #expect(keys.sorted().map(\.description) == ["input.a", "input.a[2]", "input.a[10]", "input.b", "output.a", "ground_truth.a"])
    }
}
