import Foundation

/// The framework names Wallaroo's API accepts (protocol reference §7.1): the SDK's 22 values and
/// `custom`.
enum WallarooFrameworks {
    static let accepted: Set<String> = [
        "onnx", "tensorflow", "python", "keras", "sklearn", "pytorch", "xgboost", "custom",
        "hugging-face-feature-extraction", "hugging-face-image-classification", "hugging-face-image-segmentation",
        "hugging-face-image-to-text", "hugging-face-object-detection", "hugging-face-question-answering",
        "hugging-face-stable-diffusion-text-2-img", "hugging-face-summarization", "hugging-face-text-classification",
        "hugging-face-translation", "hugging-face-zero-shot-classification",
        "hugging-face-zero-shot-image-classification", "hugging-face-zero-shot-object-detection",
        "hugging-face-sentiment-analysis", "hugging-face-text-generation",
    ]
}
