import Foundation

/// What a catalog entry describes: a trained model, a data set, or a federated-learning training.
public enum CatalogAssetKind: String, Sendable, Codable, CaseIterable {
    case model
    case dataset
    case training
}
