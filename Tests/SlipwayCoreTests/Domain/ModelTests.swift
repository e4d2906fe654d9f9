import Foundation
import Testing

@testable import SlipwayCore

@Suite("Models and model versions")
struct ModelTests {
    static let digest = "bc85ce596945f876256f41515c7501c399fd97ebcb9ab3dd41bf03f8937b4507"
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    static func version(_ number: Int, id: String? = nil, status: ModelVersionStatus = .ready, at time: Date = t0) throws -> ModelVersion {
        ModelVersion(id: id ?? "v\(number)", modelID: "m1", workspaceID: "w1", number: number, blobKey: "models/m1/\(number)",
                     fileName: "model.onnx", size: 1024, sha256: try SHA256Hex(digest), framework: .onnx, status: status,
                     createdAt: time, createdBy: "u1")
    }

    @Test func modelNamesAreDNSStyle() throws {
        try Model.validateName("ccfraud-2")
        expectBadRequest("model name") { try Model.validateName("CCFraud") }
        expectBadRequest("model name") { try Model.validateName("cc_fraud") }
        expectBadRequest("model name") { try Model.validateName("-x") }
        expectBadRequest("model name must not be empty") { try Model.validateName("") }
        let model = Model(id: "m1", workspaceID: "w1", name: "ccfraud", createdAt: Self.t0, createdBy: "u1")
        #expect(model.updatedAt == Self.t0)
    }

    @Test func sha256IsSixtyFourHexDigitsNormalisedToLowercase() throws {
        #expect(try SHA256Hex(Self.digest.uppercased()) == SHA256Hex(Self.digest))
        #expect(try SHA256Hex(Self.digest.uppercased()).value == Self.digest)
        #expect(try SHA256Hex(bytes: [UInt8](repeating: 0xab, count: 32)).value == String(repeating: "ab", count: 32))
        for bad in ["", String(Self.digest.dropLast()), Self.digest + "0", String(Self.digest.dropLast()) + "g",
                    " " + String(Self.digest.dropFirst())] {
            expectBadRequest("SHA-256") { _ = try SHA256Hex(bad) }
        }
        expectBadRequest("32 bytes") { _ = try SHA256Hex(bytes: [1, 2, 3]) }
        let json = try JSONEncoder().encode(SHA256Hex(Self.digest))
        #expect(String(decoding: json, as: UTF8.self) == "\"\(Self.digest)\"")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SHA256Hex.self, from: Data("\"abc\"".utf8)) }
    }

    @Test func frameworkRawValuesRoundTripExactly() throws {
        #expect(ModelFramework(rawValue: "keras") == .other("keras"))
        #expect(ModelFramework(rawValue: "ONNX")?.rawValue == "ONNX")
        #expect(ModelFramework(rawValue: "ONNX") != .onnx)
        #expect(ModelFramework.other("onnx") == .onnx)
        #expect(Set([ModelFramework.other("onnx"), .onnx]).count == 1)
        #expect(ModelFramework(rawValue: "") == nil)
        #expect(ModelFramework(rawValue: "a\nb") == nil)
        #expect(ModelFramework(rawValue: String(repeating: "x", count: 129)) == nil)
        let encoded = try JSONEncoder().encode([ModelFramework.sklearn, .other("hugging-face-summarization")])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["sklearn","hugging-face-summarization"]"#)
        #expect(try JSONDecoder().decode([ModelFramework].self, from: encoded) == [.sklearn, .other("hugging-face-summarization")])
    }

    @Test func schemaRules() throws {
        let schema = ModelSchema(fields: [.init(name: "tensor", type: .float32, shape: [29]),
                                          .init(name: "image", type: .int64, shape: [-1, 640, 3]),
                                          .init(name: "label", type: .string)])
        try schema.validate()
        #expect(schema.field(named: "image")?.shape == [ModelSchema.variableDimension, 640, 3])
        expectBadRequest("declared twice") {
            try ModelSchema(fields: [.init(name: "a", type: .bool), .init(name: "a", type: .int32)]).validate()
        }
        expectBadRequest("neither positive nor variable") { try ModelSchema(fields: [.init(name: "a", type: .bool, shape: [0])]).validate() }
        expectBadRequest("neither positive nor variable") { try ModelSchema(fields: [.init(name: "a", type: .bool, shape: [3, -2])]).validate() }
        expectBadRequest("dimensions") { try ModelSchema(fields: [.init(name: "a", type: .bool, shape: [])]).validate() }
        expectBadRequest("dimensions") {
            try ModelSchema(fields: [.init(name: "a", type: .bool, shape: Array(repeating: 2, count: 17))]).validate()
        }
        expectBadRequest("field name") { try ModelSchema(fields: [.init(name: "", type: .bool)]).validate() }
        expectBadRequest("field name") { try ModelSchema(fields: [.init(name: "a\u{0}", type: .bool)]).validate() }
    }

    @Test func versionRules() throws {
        var version = try Self.version(1)
        version.configuration = .object(["batch_size": .number(8)])
        try version.validate()
        version.configuration = .array([])
        expectBadRequest("JSON object") { try version.validate() }
        version = try Self.version(0)
        expectBadRequest("at least 1") { try version.validate() }
        version = try Self.version(1)
        version.size = -1
        expectBadRequest("negative") { try version.validate() }
        version = try Self.version(1)
        version.blobKey = ""
        expectBadRequest("artifact") { try version.validate() }
        for name in ["", ".", "..", "dir/model.onnx", "a\\b", "a\u{7}", String(repeating: "x", count: 256)] {
            version.blobKey = "k"
            version.fileName = name
            expectBadRequest("file name") { try version.validate() }
        }
        version.fileName = "ccfraud.onnx"
        version.inputSchema = ModelSchema(fields: [.init(name: "x", type: .float64, shape: [0])])
        expectBadRequest("shape") { try version.validate() }
    }

    @Test func statusTransitions() {
        #expect(ModelVersionStatus.uploading.canBecome(.ready))
        #expect(ModelVersionStatus.uploading.canBecome(.failed))
        #expect(!ModelVersionStatus.uploading.canBecome(.uploading))
        for final in [ModelVersionStatus.ready, .failed] {
            #expect(final.isFinal)
            for next in ModelVersionStatus.allCases { #expect(!final.canBecome(next)) }
        }
        #expect(!ModelVersionStatus.uploading.isFinal)
    }

    @Test func versionsOrderByNumberThenTimeThenID() throws {
        let later = Self.t0.addingTimeInterval(10)
        let versions = [try Self.version(3), try Self.version(1, id: "b", at: later), try Self.version(2, status: .failed),
                        try Self.version(1, id: "a", at: later), try Self.version(1, id: "z", at: Self.t0)]
        #expect(versions.sortedByVersion().map(\.id) == ["z", "a", "b", "v2", "v3"])
        #expect(ModelVersion.nextNumber(after: versions) == 4)
        #expect(ModelVersion.nextNumber(after: []) == 1)
        #expect(versions.latestReady()?.id == "v3")
        let noneReady = [try Self.version(1, status: .uploading), try Self.version(2, status: .failed)]
        #expect(noneReady.latestReady() == nil)
        #expect([try Self.version(1), try Self.version(2, status: .uploading)].latestReady()?.id == "v1")
    }

    @Test func versionRoundTripsThroughJSON() throws {
        var version = try Self.version(2)
        version.framework = .other("keras")
        version.inputSchema = ModelSchema(fields: [.init(name: "tensor", type: .float32, shape: [29])])
        version.configuration = .object(["threads": .number(2)])
        let data = try JSONEncoder().encode(version)
        #expect(try JSONDecoder().decode(ModelVersion.self, from: data) == version)
    }
}
