public import ChatCore
import Foundation
import MongoDriver

extension MongoStore {
    public func insertIntegration(_ integration: Integration) async throws {
        let document = try BSONDocument(encoding: integration).append("_id", .string(integration.id))
        try await run { try $0.insertOne(Collection.integrations, document) }
    }

    public func updateIntegration(_ integration: Integration) async throws {
        let document = try BSONDocument(encoding: integration).append("_id", .string(integration.id))
        try await run { connection in
            guard try connection.replaceOne(Collection.integrations, ["_id": .string(integration.id)], document).matched > 0 else {
                throw StoreError(.notFound, "no integration \(integration.id)")
            }
        }
    }

    public func deleteIntegration(id: String) async throws -> Bool {
        try await run { try $0.deleteOne(Collection.integrations, ["_id": .string(id)]) > 0 }
    }

    public func integration(id: String) async throws -> Integration? {
        try await run { try $0.findOne(Collection.integrations, ["_id": .string(id)])?.decode(Integration.self) }
    }

    public func integrations(page: PageRequest) async throws -> Page<Integration> {
        try await run { connection in
            let total = try connection.count(Collection.integrations, [:])
            let items = try connection.find(Collection.integrations, [:], sort: ["createdAt": 1, "_id": 1], skip: page.offset, limit: page.count)
                .map { try $0.decode(Integration.self) }
            return Page(items: items, total: total)
        }
    }

    public func enabledIntegrations(kind: Integration.Kind) async throws -> [Integration] {
        try await run { connection in
            try connection.find(Collection.integrations, ["kind": .string(kind.rawValue), "enabled": .bool(true)], sort: ["createdAt": 1, "_id": 1])
                .map { try $0.decode(Integration.self) }
        }
    }
}
