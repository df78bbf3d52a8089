import CYaml  // libyaml, which Yams is built on; this file is its one user in laurel


/// Guards YAML reading against alias bombs ("billion laughs"): a few lines of nested anchors
/// and aliases (`&a [x, x]`, `&b [*a, *a]`, …) stand for an exponential number of values. Yams
/// composes them cheaply, but hashes every mapping key in full to find repeated keys, so one
/// such key hangs the reader, and readers walking aliased lists can be made to report millions
/// of errors (docs/fuzzing.md).
///
/// Aliases stay allowed; only the values they repeat are counted, with libyaml's event parser
/// (linear in the text), before Yams composes the document.
enum YAMLAliasGuard {
    /// At most this many values may be repeated through aliases in one file.
    static let maxRepeatedValues = 100_000

    /// The line and column (from 1) of the alias that takes the file over the limit, or nil.
    /// Syntax errors are left for Yams to report.
    static func overflow(_ text: String, limit: Int = maxRepeatedValues) -> (line: Int, column: Int)? {
        guard text.utf8.contains(42) else { return nil }  // no '*', no alias
        return YAMLAliasGuard.parsing(text) { parser -> (line: Int, column: Int)? in
            var count = 0        // values seen, aliases expanded
            var repeated = 0     // values seen only through aliases
            var sizes: [String: Int] = [:]  // anchor -> values it stands for
            var open: [(anchor: String?, start: Int)] = []
            func anchor(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
                p.map { String(cString: UnsafePointer($0)) }
            }
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    count += 1
                    if let a = anchor(event.data.scalar.anchor) { sizes[a] = 1 }
                case YAML_SEQUENCE_START_EVENT:
                    count += 1
                    open.append((anchor(event.data.sequence_start.anchor), count - 1))
                case YAML_MAPPING_START_EVENT:
                    count += 1
                    open.append((anchor(event.data.mapping_start.anchor), count - 1))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    if let frame = open.popLast(), let a = frame.anchor { sizes[a] = count - frame.start }
                case YAML_ALIAS_EVENT:
                    let size = anchor(event.data.alias.anchor).flatMap { sizes[$0] } ?? 1
                    count += size
                    repeated += size
                    if repeated > limit {
                        return (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1)
                    }
                default:
                    break
                }
            }
            return nil
        } ?? nil
    }

    /// Every key that repeats a key of the same mapping, at the repeat (line and column from
    /// 1), in the order of the text. Yams reports repeated keys in an order that can change
    /// from run to run (it sorts them, and keys that are lists do not sort); this walk of
    /// libyaml's events gives the same answer every time. Keys that are lists, mappings or
    /// aliases are not compared. Only called once Yams has found a repeat.
    static func repeatedKeys(_ text: String) -> [(line: Int, column: Int, key: String)] {
        return YAMLAliasGuard.parsing(text) { parser -> [(line: Int, column: Int, key: String)] in
            struct Open { var isMapping: Bool; var expectingKey = true; var keys = Set<String>() }
            var open: [Open] = []
            var found: [(line: Int, column: Int, key: String)] = []
            /// Whether the node that starts now is a key of the innermost mapping; flips the
            /// mapping between key and value either way.
            func startsKey() -> Bool {
                guard let last = open.indices.last, open[last].isMapping else { return false }
                defer { open[last].expectingKey.toggle() }
                return open[last].expectingKey
            }
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return found
                case YAML_SCALAR_EVENT:
                    if startsKey(), let value = event.data.scalar.value {
                        let key = String(decoding: UnsafeBufferPointer(start: value, count: Int(event.data.scalar.length)), as: UTF8.self)
                        if !open[open.count - 1].keys.insert(key).inserted {
                            found.append((Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1, key))
                        }
                    }
                case YAML_ALIAS_EVENT:
                    _ = startsKey()
                case YAML_SEQUENCE_START_EVENT:
                    _ = startsKey()
                    open.append(Open(isMapping: false))
                case YAML_MAPPING_START_EVENT:
                    _ = startsKey()
                    open.append(Open(isMapping: true))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    _ = open.popLast()
                default:
                    break
                }
            }
            return found
        } ?? []
    }

    /// Runs `body` with a libyaml parser reading `text` as UTF-8; nil when libyaml cannot
    /// make a parser. The one place laurel sets one up.
    static func parsing<R>(_ text: String, _ body: (inout yaml_parser_t) -> R) -> R? {
        var text = text
        return text.withUTF8 { bytes -> R? in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
            return body(&parser)
        }
    }
}

/// Composes a YAML document into `YAMLNode`s straight from libyaml's events: the tree Yams
/// composes, without its per-event objects, per-node tags and hashed duplicate-key check (at
/// 10,000 people, people.yaml took 1.1 billion instructions in Yams, on the critical path of
/// every build: the ledger cannot be read before the roster).
///
/// It answers only when it is certain of Yams's result: a document that does not parse, has
/// more than one document, names an undefined alias, or has a mapping whose keys are not
/// distinct scalars is `.unsure`, and `StrictYAML` asks Yams, whose errors are the ones laurel
/// reports. A test composes every YAML file of the fixtures and the hostile inputs both ways.
enum YAMLComposer {
    enum Outcome {
        case document(YAMLNode)
        /// No document at all (an empty file or only comments).
        case empty
        case unsure
    }

    private struct Open {
        let isMapping: Bool
        let mark: YAMLNode.Mark
        let anchor: String?
        /// A list's items; a mapping's keys and values, alternately.
        var items: [YAMLNode] = []
        /// A large mapping's keys, to find a repeat without comparing every pair.
        var keySet: Set<String>?
    }

    static func compose(_ text: String) -> Outcome {
        return YAMLAliasGuard.parsing(text) { parser -> Outcome in
            var event = yaml_event_t()
            /// The next event's type, or nil on a syntax error (left for Yams to report).
            func next() -> yaml_event_type_t? {
                yaml_event_delete(&event)
                return yaml_parser_parse(&parser, &event) == 1 ? event.type : nil
            }
            defer { yaml_event_delete(&event) }
            guard next() == YAML_STREAM_START_EVENT else { return .unsure }
            switch next() {
            case YAML_STREAM_END_EVENT: return .empty
            case YAML_DOCUMENT_START_EVENT: break
            default: return .unsure
            }
            var anchors: [String: YAMLNode] = [:]
            var open: [Open] = []
            var root: YAMLNode?
            func mark() -> YAMLNode.Mark {
                YAMLNode.Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            }
            func name(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
                p.map { String(cString: UnsafePointer($0)) }
            }
            /// Places a finished node in the open list or mapping; false when a mapping's key
            /// is not a scalar or repeats one.
            func place(_ node: YAMLNode) -> Bool {
                guard let last = open.indices.last else {
                    root = node
                    return true
                }
                if open[last].isMapping && open[last].items.count % 2 == 0 {
                    guard case .scalar(let key) = node else { return false }
                    if open[last].keySet != nil {
                        guard open[last].keySet?.insert(key.string).inserted == true else { return false }
                    } else {
                        for k in stride(from: 0, to: open[last].items.count, by: 2) {
                            if case .scalar(let other) = open[last].items[k], other.string == key.string { return false }
                        }
                        if open[last].items.count >= 32 {
                            var keys = Set<String>()
                            for k in stride(from: 0, to: open[last].items.count, by: 2) {
                                if case .scalar(let other) = open[last].items[k] { keys.insert(other.string) }
                            }
                            keys.insert(key.string)
                            open[last].keySet = keys
                        }
                    }
                }
                open[last].items.append(node)
                return true
            }
            while root == nil {
                guard let type = next() else { return .unsure }
                switch type {
                case YAML_SCALAR_EVENT:
                    let scalar = event.data.scalar
                    let bytes = UnsafeBufferPointer(start: scalar.value, count: scalar.value == nil ? 0 : scalar.length)
                    // Yams decodes scalars with Foundation, which drops a leading U+FEFF: such a
                    // scalar is left to Yams.
                    guard !bytes.starts(with: [0xEF, 0xBB, 0xBF]) else { return .unsure }
                    let value = String(decoding: bytes, as: UTF8.self)
                    let node = YAMLNode.scalar(YAMLNode.Scalar(string: value, style: YAMLNode.Scalar.Style(rawValue: Int(scalar.style.rawValue)) ?? .any, mark: mark()))
                    if let a = name(scalar.anchor) { anchors[a] = node }
                    guard place(node) else { return .unsure }
                case YAML_ALIAS_EVENT:
                    guard let a = name(event.data.alias.anchor), let node = anchors[a], place(node) else { return .unsure }
                case YAML_SEQUENCE_START_EVENT:
                    open.append(Open(isMapping: false, mark: mark(), anchor: name(event.data.sequence_start.anchor)))
                case YAML_MAPPING_START_EVENT:
                    open.append(Open(isMapping: true, mark: mark(), anchor: name(event.data.mapping_start.anchor)))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let done = open.popLast(), done.isMapping == (type == YAML_MAPPING_END_EVENT) else { return .unsure }
                    let node: YAMLNode
                    if done.isMapping {
                        guard done.items.count % 2 == 0 else { return .unsure }
                        node = .mapping(YAMLNode.Mapping(pairs: stride(from: 0, to: done.items.count, by: 2).map { (done.items[$0], done.items[$0 + 1]) }, mark: done.mark))
                    } else {
                        node = .sequence(YAMLNode.Sequence(nodes: done.items, mark: done.mark))
                    }
                    if let a = done.anchor { anchors[a] = node }
                    guard place(node) else { return .unsure }
                default:
                    return .unsure
                }
            }
            guard next() == YAML_DOCUMENT_END_EVENT, next() == YAML_STREAM_END_EVENT, let root else { return .unsure }
            return .document(root)
        } ?? .unsure
    }
}
