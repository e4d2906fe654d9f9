import Foundation
import Testing

@testable import SlipwayCore

@Suite("Secrets, secret references and connections")
struct SecretTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let plaintext = "hunter2-plaintext"

    static func sealedSecret() throws -> Secret {
        let sealer = SecretSealer(key: Data("server key".utf8))
        let sealed = try #require(Data(base64Encoded: try sealer.seal(plaintext)))
        return Secret(id: "s1", workspaceID: "w1", name: "db-password", sealedValue: sealed, keyID: "k1", createdAt: t0)
    }

    @Test func noRenderingOfASecretShowsThePlaintextOrTheSealedBytes() throws {
        let secret = try Self.sealedSecret()
        var dumped = ""
        dump(secret, to: &dumped)
        let sealedBase64 = secret.sealedValue.base64EncodedString()
        for text in [secret.description, secret.debugDescription, String(describing: secret), String(reflecting: secret),
                     "\(secret)", dumped, "\([secret])"] {
            #expect(!text.contains(Self.plaintext), "\(text)")
            #expect(!text.contains(sealedBase64), "\(text)")
            #expect(text.contains("db-password"), "\(text)")
        }
        #expect(secret.description == "Secret(name: db-password, workspace: w1, key: k1, sealed: \(secret.sealedValue.count) bytes)")
        #expect(dumped.contains("sealedByteCount"))
    }

    @Test func codableCarriesTheSealedValueForStorageButNoPlaintext() throws {
        let secret = try Self.sealedSecret()
        let data = try JSONEncoder().encode(secret)
        #expect(!String(decoding: data, as: UTF8.self).contains(Self.plaintext))
        let decoded = try JSONDecoder().decode(Secret.self, from: data)
        #expect(decoded == secret)
        let sealer = SecretSealer(key: Data("server key".utf8))
        #expect(sealer.open(decoded.sealedValue.base64EncodedString()) == Self.plaintext)
        #expect(decoded.updatedAt == Self.t0)
        #expect(decoded.reference == SecretReference(name: "db-password"))
    }

    @Test func secretNames() throws {
        for name in ["a", "DB_PASSWORD", "api.key-2", "9lives", String(repeating: "x", count: 128)] {
            try Secret.validateName(name)
        }
        for name in ["", "-a", "_a", ".a", "a b", "a/b", "a$", "é", String(repeating: "x", count: 129)] {
            expectBadRequest("secret name") { try Secret.validateName(name) }
        }
    }

    @Test func referencesInJSON() throws {
        let reference = SecretReference(name: "token")
        #expect(reference.json == .object(["$secret": .string("token")]))
        #expect(SecretReference(json: reference.json) == reference)
        #expect(SecretReference(json: .string("token")) == nil)
        #expect(SecretReference(json: .object(["$secret": .string("a"), "x": .null])) == nil)

        let details: JSONValue = .object([
            "host": .string("db.internal"), "password": SecretReference(name: "pw").json,
            "nested": .array([.object(["key": SecretReference(name: "api").json]), SecretReference(name: "pw").json]),
        ])
        #expect(try SecretReference.references(in: details) == [SecretReference(name: "api"), SecretReference(name: "pw")])
        #expect(try SecretReference.references(in: .object(["plain": .string("$secret")])).isEmpty)
        expectBadRequest("secret reference") {
            _ = try SecretReference.references(in: .object(["a": .object(["$secret": .number(1)])]))
        }
        expectBadRequest("secret reference") {
            _ = try SecretReference.references(in: .array([.object(["$secret": .string("a"), "b": .bool(true)])]))
        }
        expectBadRequest("secret name") { _ = try SecretReference.references(in: SecretReference(name: "bad name").json) }
    }

    @Test func connectionRules() throws {
        let details: JSONValue = .object(["host": .string("db"), "port": .number(5432), "password": SecretReference(name: "pw").json])
        let connection = Connection(id: "c1", name: "warehouse", type: .postgresql, sealedDetails: "c2VhbGVk", keyID: "k1",
                                    createdBy: "u1", workspaceIDs: ["w2", "w1", "w2"], createdAt: Self.t0)
        try Connection.validateName(connection.name)
        #expect(try Connection.validateDetails(details) == [SecretReference(name: "pw")])
        #expect(connection.workspaceIDs == ["w1", "w2"])
        #expect(connection.updatedAt == Self.t0)
        var dumped = ""
        dump(connection, to: &dumped)
        for text in [connection.description, String(reflecting: connection), dumped] {
            #expect(!text.contains("c2VhbGVk"), "\(text)")
        }

        expectBadRequest("connection name") { try Connection.validateName("Warehouse") }
        expectBadRequest("JSON object") { try Connection.validateDetails(.array([])) }
        expectBadRequest("secret reference") { try Connection.validateDetails(.object(["secret": .object(["$secret": .null])])) }
        do {
            try Connection.validateDetails(.object(["blob": .string(String(repeating: "x", count: Connection.maximumDetailsBytes))]))
            Issue.record("oversized details accepted")
        } catch {
            #expect(error.kind == .payloadTooLarge)
        }
    }

    @Test func maskedDetailsKeepTheShapeAndAtMostTheLastFourCharacters() {
        let details: JSONValue = .object([
            "password": .string("correct-horse-battery"), "user": .string("bob"), "port": .number(5432),
            "tls": .bool(true), "none": .null, "key": SecretReference(name: "api").json,
            "nested": .object(["token": .string("tok_0123456789abcdef")]), "hosts": .array([.string("a.example.internal")]),
        ])
        let masked = Connection.masked(details)
        #expect(masked["password"] == .string("****tery"))
        #expect(masked["user"] == .string("****"))
        #expect(masked["port"] == .string("****"))
        #expect(masked["tls"] == .string("****"))
        #expect(masked["none"] == .null)
        #expect(masked["key"] == SecretReference(name: "api").json)
        #expect(masked["nested"]?["token"] == .string("****cdef"))
        #expect(masked["hosts"] == .array([.string("****rnal")]))
        #expect(!masked.jsonString().contains("correct-horse") && !masked.jsonString().contains("0123456789"))
    }

    @Test func connectionTypesRoundTripExactly() throws {
        #expect(ConnectionType(rawValue: "BIGQUERY") == .other("BIGQUERY"))
        #expect(ConnectionType(rawValue: "BIGQUERY")?.rawValue == "BIGQUERY")
        #expect(ConnectionType.other("s3") == .s3)
        #expect(ConnectionType(rawValue: "") == nil)
        #expect(ConnectionType(rawValue: "a\u{1b}") == nil)
        let text = String(decoding: try JSONEncoder().encode([ConnectionType.azureBlob, .other("ODBC")]), as: UTF8.self)
        #expect(text == #"["azure_blob","ODBC"]"#)
    }
}
