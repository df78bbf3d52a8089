import LaurelSources

/// The fingerprint of a page's values: everything a template can show, serialized without
/// ambiguity (every value tagged, every text length-prefixed) and hashed.
///
/// A page's bytes are `template.render(view, locale)`, a pure function of the compiled
/// template, the UI strings, the locale and the view; the template and strings are covered by
/// the theme's fingerprint, so two renders with the same theme and the same view digest give
/// the same bytes. Rows made on demand (`.rows`) are made here too, into one reused view, so
/// the digest sees exactly what the renderer would (docs/incremental.md).
struct ViewDigest: ~Copyable {
    private var buffer: ByteWriter

    init(capacity: Int = 65_536) { buffer = ByteWriter(capacity: capacity) }

    /// The digest of `view`, with `salt` (the page's template and the build's common inputs) in front.
    mutating func digest(_ view: View, salt: UInt64) -> UInt64 {
        buffer.removeAll()
        word(salt)
        object(view.fields)
        return ContentHash.of(buffer.bytes)
    }

    private enum Tag: UInt8 {
        case text = 1, html, number, signed, day, period, bool, textNumber, list, rows, object, end
    }

    @inline(__always)
    private mutating func word(_ v: UInt64) {
        let at = buffer.extend(by: 8)
        UnsafeMutableRawPointer(at).storeBytes(of: v.littleEndian, as: UInt64.self)
    }

    @inline(__always)
    private mutating func tag(_ t: Tag) { buffer.append(t.rawValue) }

    @inline(__always)
    private mutating func bytes(_ b: UnsafeBufferPointer<UInt8>) {
        word(UInt64(b.count))
        buffer.append(b)
    }

    private mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { bytes($0) }
    }

    private mutating func object(_ fields: ArraySlice<(key: ViewKey, value: TemplateValue)>) {
        fields.withUnsafeBufferPointer { object($0) }
    }

    private mutating func object(_ fields: UnsafeBufferPointer<(key: ViewKey, value: TemplateValue)>) {
        tag(.object)
        for field in fields {
            buffer.append(field.key.ordinal)
            value(field.value)
        }
        tag(.end)
    }

    private mutating func value(_ v: TemplateValue) {
        switch v {
        // `.bytes` renders exactly as `.text`: the same tag, so the storage does not matter.
        case .text(let s): tag(.text); text(s)
        case .bytes(let b): tag(.text); bytes(b.buffer)
        case .html(let s): tag(.html); text(s)
        case .number(let n), .placed(_, let n): tag(.number); word(UInt64(bitPattern: n))
        case .signed(let n): tag(.signed); word(UInt64(bitPattern: n))
        case .day(let d), .placedDay(_, let d): tag(.day); word(UInt64(bitPattern: Int64(d.serial)))
        case .period(let p):
            tag(.period)
            buffer.append(UInt8(PeriodKind.allCases.firstIndex(of: p.kind) ?? 0))
            word(UInt64(bitPattern: Int64(p.index)))
        case .bool(let b): tag(.bool); buffer.append(b ? 1 : 0)
        case .textNumber(let s, let n): tag(.textNumber); text(s); word(UInt64(bitPattern: n))
        case .bytesNumber(let b, let n): tag(.textNumber); bytes(b.buffer); word(UInt64(bitPattern: n))
        case .borrowed(let frame): object(frame.fields)
        case .object(let view): object(view.fields)
        case .list(let items):
            tag(.list)
            word(UInt64(items.count))
            for item in items { value(item) }
        case .rows(let rows):
            tag(.rows)
            word(UInt64(rows.count))
            var row = View(capacity: 16)
            for i in 0..<rows.count {
                row.removeAll()
                rows.fill(i, &row)
                object(row.fields)
            }
        }
    }
}
