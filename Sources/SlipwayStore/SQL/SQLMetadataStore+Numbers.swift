import Foundation
import SQLKit
import SlipwayCore

/// `NumberingStore` on SQL: one row per numbered object; the next number of a kind is one more
/// than its highest. Two writers racing for the same number collide on the primary key; the
/// loser retries with the next one.
extension SQLMetadataStore {
    public func number(of kind: NumberedKind, id: String) async throws -> Int64 {
        for _ in 0..<8 {
            if let existing = try await assignedNumbers(of: kind, ids: [id])[id] { return existing }
            try await withDatabase { db in
                try await db.raw("""
                    INSERT INTO object_numbers (kind, number, object_id)
                    SELECT \(bind: kind.rawValue), COALESCE(MAX(number), 0) + 1, \(bind: id)
                    FROM object_numbers WHERE kind = \(bind: kind.rawValue)
                    ON CONFLICT DO NOTHING
                    """).run()
            }
        }
        if let existing = try await assignedNumbers(of: kind, ids: [id])[id] { return existing }
        throw SlipwayError(.conflict, "could not number \(kind.rawValue) '\(id)': too many concurrent writers")
    }

    public func assignedNumbers(of kind: NumberedKind, ids: [String]) async throws -> [String: Int64] {
        guard !ids.isEmpty else { return [:] }
        return try await withDatabase { db in
            var numbers: [String: Int64] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let rows = try await db.select().columns("object_id", "number").from("object_numbers")
                    .where("kind", .equal, kind.rawValue).where("object_id", .in, chunk).all()
                for row in rows {
                    numbers[try row.string("object_id")] = Int64(try row.int("number"))
                }
            }
            return numbers
        }
    }

    public func objectID(of kind: NumberedKind, number: Int64) async throws -> String? {
        try await withDatabase { db in
            try await db.raw("""
                SELECT object_id FROM object_numbers WHERE kind = \(bind: kind.rawValue) AND number = \(bind: number)
                """).first()?.decode(column: "object_id", as: String.self)
        }
    }
}
