import Yams

/// Parsing of the project's YAML files (configuration, segment tables, rules, lexicons), with
/// syntax errors turned into each caller's own error type.
enum YAMLText {
    /// The node tree of `yaml`, nil for an empty document.
    /// - Parameter fail: makes the caller's error from a message and the line it concerns, if known.
    /// - Throws: what `fail` makes, when the text is not valid YAML.
    static func compose(_ yaml: String, fail: (String, Int?) -> any Error) throws -> Node? {
        do {
            return try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
                throw fail("not valid YAML: \(problem)", mark.line)
            default:
                throw fail("not valid YAML: \(error)", nil)
            }
        }
    }
}
