/// A composed YAML document as laurel's readers see it (`StrictYAML`): scalars with their
/// text, style and place, lists and mappings in the order written. Tags are not kept: the
/// readers take every scalar as written (FORMAT.md section 1) and never ask for a type.
/// Composed by `YAMLComposer` from libyaml's events; a document it is not certain to compose
/// as Yams would goes to Yams instead, and Yams's node is converted (`StrictYAML.parse`).
public enum YAMLNode: Sendable {
    case scalar(Scalar)
    case mapping(Mapping)
    case sequence(Sequence)

    /// Line and column from 1; columns count Unicode scalars, as libyaml does.
    public struct Mark: Sendable, Equatable {
        public let line: Int
        public let column: Int
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    public struct Scalar: Sendable {
        /// libyaml's scalar styles, in its order.
        public enum Style: Int, Sendable {
            case any, plain, singleQuoted, doubleQuoted, literal, folded
        }
        public let string: String
        public let style: Style
        public let mark: Mark
    }

    /// The pairs of a mapping, in document order.
    public struct Mapping: Sendable, RandomAccessCollection {
        let pairs: [(key: YAMLNode, value: YAMLNode)]
        public let mark: Mark
        public var startIndex: Int { pairs.startIndex }
        public var endIndex: Int { pairs.endIndex }
        public subscript(_ i: Int) -> (key: YAMLNode, value: YAMLNode) { pairs[i] }
        /// The value of the first pair whose key is the scalar `key`.
        public subscript(_ key: String) -> YAMLNode? {
            pairs.first { if case .scalar(let s) = $0.key { return s.string == key } else { return false } }?.value
        }
    }

    public struct Sequence: Sendable, RandomAccessCollection {
        let nodes: [YAMLNode]
        public let mark: Mark
        public var startIndex: Int { nodes.startIndex }
        public var endIndex: Int { nodes.endIndex }
        public subscript(_ i: Int) -> YAMLNode { nodes[i] }
    }

    public var mark: Mark? {
        switch self {
        case .scalar(let s): return s.mark
        case .mapping(let m): return m.mark
        case .sequence(let s): return s.mark
        }
    }

    /// A scalar's text; nil for a list or mapping.
    public var string: String? {
        if case .scalar(let s) = self { return s.string }
        return nil
    }
}
