import Foundation

/// Writes a CSV file from byte buffers that the caller fills with the `append…` helpers of
/// `Array+CSVFields.swift`.
///
/// The generator formats rows into a plain `[UInt8]` it owns (no `String` per row, no Foundation
/// formatter in the loop) and hands the buffer over once it is large; the writer sends it to the
/// file in one call and empties it, keeping its capacity.
final class CSVByteWriter {
    /// Flush once a buffer holds this many bytes.
    static let chunkSize = 1 << 20

    let url: URL
    private let handle: FileHandle
    private(set) var bytesWritten = 0

    /// Creates (or truncates) the file at `url`.
    /// - Throws: ``SyntheticError`` when the file cannot be created.
    init(url: URL) throws {
        self.url = url
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw SyntheticError("cannot create \(url.path): check that the folder is writable")
        }
        do {
            handle = try FileHandle(forWritingTo: url)
        } catch {
            throw SyntheticError("cannot open \(url.path) for writing: \(error.localizedDescription)")
        }
    }

    /// Writes `buffer` if it has reached ``chunkSize`` bytes, then empties it.
    @inline(__always)
    func flushIfFull(_ buffer: inout [UInt8]) throws {
        if buffer.count >= CSVByteWriter.chunkSize { try flush(&buffer) }
    }

    /// Writes all of `buffer` and empties it, keeping its capacity.
    func flush(_ buffer: inout [UInt8]) throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw SyntheticError("cannot write \(url.path): \(error.localizedDescription)")
        }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Closes the file.
    func close() throws {
        do {
            try handle.close()
        } catch {
            throw SyntheticError("cannot close \(url.path): \(error.localizedDescription)")
        }
    }
}
