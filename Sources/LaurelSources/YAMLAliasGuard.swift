import CYaml  // libyaml, which Yams is built on

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
        var bytes = Array(text.utf8)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeMutableBufferPointer { buffer -> (line: Int, column: Int)? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
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
        }
    }

    /// Every key that repeats a key of the same mapping, at the repeat (line and column from
    /// 1), in the order of the text. Yams reports repeated keys in an order that can change
    /// from run to run (it sorts them, and keys that are lists do not sort); this walk of
    /// libyaml's events gives the same answer every time. Keys that are lists, mappings or
    /// aliases are not compared. Only called once Yams has found a repeat.
    static func repeatedKeys(_ text: String) -> [(line: Int, column: Int, key: String)] {
        var bytes = Array(text.utf8)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return [] }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
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
        }
    }
}
