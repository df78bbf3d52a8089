/// One file of the built portal, by path relative to the output folder.
public struct OutputFile: Sendable {
    public let path: String
    public let bytes: [UInt8]
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
    public init(path: String, text: String) { self.init(path: path, bytes: Array(text.utf8)) }
}

