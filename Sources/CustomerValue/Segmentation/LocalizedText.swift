/// The language of labels and actions in output.
public enum Language: String, Sendable, Hashable, Codable, CaseIterable {
    case en, zh
}

/// A label or a recommended action in English and Chinese.
public struct LocalizedText: Sendable, Hashable, Codable {
    /// English.
    public var en: String
    /// Chinese (simplified).
    public var zh: String

    /// - Parameters:
    ///   - en: the English text.
    ///   - zh: the Chinese text; the English text when nil.
    public init(en: String, zh: String? = nil) {
        self.en = en
        self.zh = zh ?? en
    }

    /// The text in `language`.
    public func text(_ language: Language) -> String {
        switch language {
        case .en: return en
        case .zh: return zh
        }
    }
}
