internal import CLDNS
import Foundation

/// Reads a zone file (RFC 1035 master format: `$ORIGIN`, `$TTL`, `$INCLUDE`, parentheses, comments) with
/// ldns, record by record, into Swift values; any problem is a `ZoneFileError` naming the file and line.
///
/// `$INCLUDE file [origin]` is spliced here because ldns 1.8 does not implement it: the path is relative to
/// the including file's folder, the included file starts with the given origin (or the current one), and the
/// including file's origin is restored afterwards (RFC 1035 §5.1). Includes nest at most 8 deep.
struct ZoneFileReader {
    static let maximumIncludeDepth = 8

    let apex: DomainName

    /// Every record of the zone whose file is `path`.
    func read(path: String) throws(ZoneFileError) -> [ResourceRecord] {
        guard let origin = LDNSRdf(domainName: apex.description) else {
            throw .syntax.because("\(apex) is not a valid zone name", file: path)
        }
        var state = ParseState(origin: origin)
        try read(path: path, state: &state, depth: 0)
        return state.records
    }

    /// What carries over between the segments of one file: ldns's origin, previous owner and default TTL.
    private struct ParseState {
        var origin: LDNSRdf
        var previous = LDNSRdf(nil)
        var defaultTTL: UInt32 = 3600
        var records: [ResourceRecord] = []
    }

    private func read(path: String, state: inout ParseState, depth: Int) throws(ZoneFileError) {
        guard depth <= Self.maximumIncludeDepth else {
            throw .syntax.because("$INCLUDE nests deeper than \(Self.maximumIncludeDepth) files (a loop?)", file: path)
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable.because("cannot read the zone file: \(error.localizedDescription)", file: path)
        }
        var segment: [Substring] = []
        var segmentStart = 1
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let tokens = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard tokens.first?.uppercased() == "$INCLUDE" else {
                segment.append(line)
                continue
            }
            try parse(segment.joined(separator: "\n"), firstLine: segmentStart, file: path, state: &state)
            segment = []
            segmentStart = index + 2
            try include(tokens.dropFirst(), at: index + 1, from: path, state: &state, depth: depth)
        }
        try parse(segment.joined(separator: "\n"), firstLine: segmentStart, file: path, state: &state)
    }

    private func include(
        _ arguments: ArraySlice<Substring>,
        at line: Int,
        from path: String,
        state: inout ParseState,
        depth: Int
    ) throws(ZoneFileError) {
        guard let target = arguments.first, !target.hasPrefix(";") else {
            throw .syntax.because("$INCLUDE needs a file name", file: path, line: line)
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        let included = target.hasPrefix("/") ? String(target) : base.appendingPathComponent(String(target)).path
        guard FileManager.default.isReadableFile(atPath: included) else {
            throw .unreadable.because("$INCLUDE \(target): cannot read \(included)", file: path, line: line)
        }
        // ldns replaces (and frees) the origin it is given on `$ORIGIN`, so the included file gets a copy.
        let savedOrigin = state.origin
        let savedPrevious = state.previous
        state.origin = savedOrigin.clone()
        if let originText = arguments.dropFirst().first, !originText.hasPrefix(";") {
            let absolute = originText.hasSuffix(".") ? String(originText) : "\(originText).\(apex)"
            guard let origin = LDNSRdf(domainName: absolute) else {
                throw .syntax.because("$INCLUDE origin '\(originText)' is not a domain name", file: path, line: line)
            }
            state.origin = origin
        }
        state.previous = LDNSRdf(nil)
        try read(path: included, state: &state, depth: depth + 1)
        state.origin = savedOrigin
        state.previous = savedPrevious
    }

    /// Feeds one run of lines without `$INCLUDE` to ldns.
    private func parse(_ text: String, firstLine: Int, file: String, state: inout ParseState) throws(ZoneFileError) {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return }
        let result: Result<Void, ZoneFileError> = bytes.withUnsafeMutableBytes { raw in
            guard let stream = fmemopen(raw.baseAddress, raw.count, "r") else {
                return .failure(.unreadable.because("cannot open the zone text for parsing", file: file))
            }
            defer { fclose(stream) }
            var lineNumber: Int32 = 0
            while feof(stream) == 0 {
                var record: UnsafeMutablePointer<ldns_rr>?
                let status = ldns_rr_new_frm_fp_l(
                    &record,
                    stream,
                    &state.defaultTTL,
                    &state.origin.pointer,
                    &state.previous.pointer,
                    &lineNumber
                )
                let line = firstLine + Int(max(lineNumber, 1)) - 1
                switch status {
                case LDNS_STATUS_OK:
                    guard let record else { continue }
                    let owned = LDNSRecord(record)  // takes ownership of the ldns_rr
                    guard owned.isClassIN else {
                        return .failure(.syntax.because("only class IN records are served", file: file, line: line))
                    }
                    guard let converted = owned.resourceRecord(line: line) else {
                        return .failure(.syntax.because("the record cannot be encoded", file: file, line: line))
                    }
                    state.records.append(converted)
                case LDNS_STATUS_SYNTAX_EMPTY, LDNS_STATUS_SYNTAX_TTL, LDNS_STATUS_SYNTAX_ORIGIN:
                    continue
                default:
                    return .failure(.syntax.because(LDNSStatus.message(status), file: file, line: line))
                }
            }
            return .success(())
        }
        try result.get()
    }
}
