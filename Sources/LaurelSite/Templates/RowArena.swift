/// Bytes kept alive by someone else for as long as a value refers to them: a `RowArena`, or
/// the ledger's texts while a build renders (see `SiteBuilder.build`).
public struct BorrowedBytes: @unchecked Sendable {
    let base: UnsafePointer<UInt8>?
    let count: Int

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        base = buffer.baseAddress
        count = buffer.count
    }

    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
}

/// Values that thousands of history rows share (verb labels, ledger file names, links to
/// rules and rewards), copied once into memory that never moves or changes, so that a row
/// refers to them without reference counting: with a million rows, retaining and releasing
/// shared strings and objects was a tenth of a build.
///
/// Values made here (`.bytes`, `.bytesNumber`, `.borrowed`) are valid while the arena is
/// alive: the arena belongs to the person-page support of one build and dies with it. It is
/// filled by one thread before rendering starts and only read afterwards.
final class RowArena: @unchecked Sendable {
    private var byteBlocks: [UnsafeMutableBufferPointer<UInt8>] = []
    private var fieldBlocks: [UnsafeMutableBufferPointer<Template.Field>] = []

    init() {}

    deinit {
        for block in fieldBlocks {
            block.deinitialize()
            block.deallocate()
        }
        for block in byteBlocks { block.deallocate() }
    }

    /// A copy of the string's UTF-8 bytes.
    func bytes(_ s: String) -> BorrowedBytes {
        let utf8 = Array(s.utf8)
        let block = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, utf8.count))
        _ = block.initialize(from: utf8)
        byteBlocks.append(block)
        return BorrowedBytes(UnsafeBufferPointer(rebasing: block[0..<utf8.count]))
    }

    /// The value with its text and objects kept here; numbers, days and lists stay as they are.
    func keep(_ value: TemplateValue) -> TemplateValue {
        switch value {
        case .text(let s): return .bytes(bytes(s))
        case .textNumber(let s, let n): return .bytesNumber(bytes(s), n)
        case .object(let view): return .borrowed(object(view))
        default: return value
        }
    }

    /// The object with its fields kept here, their text and nested objects too.
    func object(_ view: View) -> Template.Frame {
        guard !view.fields.isEmpty else { return Template.Frame(fields: UnsafeBufferPointer(start: nil, count: 0), present: view.present) }
        let block = UnsafeMutableBufferPointer<Template.Field>.allocate(capacity: view.fields.count)
        for (i, field) in view.fields.enumerated() { block.initializeElement(at: i, to: (field.key, keep(field.value))) }
        fieldBlocks.append(block)
        return Template.Frame(fields: UnsafeBufferPointer(block), present: view.present)
    }
}
