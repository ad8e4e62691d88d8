internal import AccessPointCore

extension ConditionClause {
    /// Whether the clause holds for this request (spec §4.2).
    ///
    /// - A missing key: `Null` tests exactly that; `…IfExists` and `ForAllValues:` hold; `ForAnyValue:` fails;
    ///   otherwise negated operators hold and positive ones fail.
    /// - Present: a positive operator holds when some request value matches some policy value; a negated one when
    ///   none does. `ForAnyValue:` asks that of some request value, `ForAllValues:` of every one.
    @inline(__always)
    func holds(in context: RequestContext) -> Bool {
        if let slot, context.isFilled(slot), let held = holds(filled: slot, in: context) { return held }
        return context.withEntry(slot, lowercased: key) { holds(present: $0, in: context) }
    }

    /// The common operators on a key the router filled in, read typed from the context without making an entry
    /// (the request has at most one value for it); nil sends the clause down the general path.
    @inline(__always)
    private func holds(filled slot: WellKnownKey, in context: RequestContext) -> Bool? {
        switch values {
        case .bools(let bools):
            guard slot == .secureTransport else { return nil }
            return bools.contains(context.network.secureTransport) != condition.negated
        case .addresses(let blocks):
            guard slot == .sourceIp || slot == .vpcSourceIp else { return nil }
            guard var address = context.filledAddress(slot) else { return holdsAbsent }
            // Read as its text would parse: an IPv4-mapped IPv6 address is an IPv4 address.
            if case .v6(let v6) = address, let v4 = v6.mappedIPv4 { address = .v4(v4) }
            return blocks.contains { $0.contains(address) } != condition.negated
        case .arns(let comparands):
            // `ArnLike` on an ARN the router filled in reads it with its colons already found.
            return context.withARN(slot) { resource in
                guard let resource else { return holdsAbsent }
                return matches(resource, comparands, in: context) != condition.negated
            }
        case .strings, .patterns:
            // The text is read where it lives, not copied out of the context.
            return context.withFilledText(slot) { text in
                guard let text else { return holdsAbsent }
                return matches(text: text, in: context) != condition.negated
            }
        case .numbers, .dates, .binaries, .null:
            return nil
        }
    }

    /// The answer when the request lacks the key (other than for `Null`).
    private var holdsAbsent: Bool {
        if condition.ifExists { return true }
        switch condition.qualifier {
        case .forAllValues: return true
        case .forAnyValue: return false
        case nil: return condition.negated
        }
    }

    private func holds(present: ContextEntry?, in context: RequestContext) -> Bool {
        if case .null(let expectAbsent) = values {
            return expectAbsent == (present == nil)
        }
        let value: ContextValue
        switch present {
        case .one(let one)?:
            value = one
        case .many(let list)? where !list.isEmpty:
            switch condition.qualifier {
            case nil:
                let anyMatch = list.contains { matches(.text($0), in: context) }
                return condition.negated ? !anyMatch : anyMatch
            case .forAnyValue:
                return list.contains { matches(.text($0), in: context) != condition.negated }
            case .forAllValues:
                return list.allSatisfy { matches(.text($0), in: context) != condition.negated }
            }
        case .many?, nil:
            return holdsAbsent
        }
        // One value: "some value matches" and "every value matches" are the same question.
        return matches(value, in: context) != condition.negated
    }

    /// ``matches(_:in:)`` for one text value and the string operators, on the common shapes (case-sensitive
    /// `StringEquals`, `StringLike`, every value a constant) without making a `ContextValue`; the same answer.
    private func matches(text: String, in context: RequestContext) -> Bool {
        switch values {
        case .strings(let comparands) where condition.family == .stringEquals:
            let found: Bool? = comparands.withUnsafeBufferPointer { comparands in
                for index in comparands.indices {
                    guard case .constant(let constant) = comparands[index] else { return nil }
                    if constant == text { return true }
                }
                return false
            }
            if let found { return found }
        case .patterns(let comparands):
            let found: Bool?? = text.utf8.withContiguousStorageIfAvailable { bytes in
                comparands.withUnsafeBufferPointer { comparands in
                    for index in comparands.indices {
                        guard case .constant(let pattern) = comparands[index] else { return nil }
                        if pattern.matches(bytes: bytes) { return true }
                    }
                    return false
                }
            }
            if let found = found ?? nil { return found }
        default:
            break
        }
        return matches(.text(text), in: context)
    }

    /// Whether one request value matches any of the policy's values under the positive form of the operator.
    private func matches(_ typed: ContextValue, in context: RequestContext) -> Bool {
        // The typed forms the router fills in answer their own operators without going back to text.
        switch typed {
        case .address(var address):
            guard case .addresses(let blocks) = values else { break }
            // Read as its text would parse: an IPv4-mapped IPv6 address is an IPv4 address.
            if case .v6(let v6) = address, let v4 = v6.mappedIPv4 { address = .v4(v4) }
            return blocks.contains { $0.contains(address) }
        case .bool(let flag):
            guard case .bools(let bools) = values else { break }
            return bools.contains(flag)
        default: break
        }
        let value = typed.text
        switch values {
        case .strings(let comparands):
            let candidate = condition.family == .stringEqualsIgnoreCase ? value.lowercased() : value
            return comparands.contains { comparand in
                switch comparand {
                case .constant(let text): return text == candidate
                case .template(let template):
                    guard let pieces = template.resolve(in: context) else { return false }
                    let text = pieces.map(\.text).joined()
                    return (condition.family == .stringEqualsIgnoreCase ? text.lowercased() : text) == candidate
                }
            }
        case .patterns(let comparands):
            return comparands.contains { comparand in
                switch comparand {
                case .constant(let pattern): return pattern.matches(value)
                case .template(let template):
                    guard let pieces = template.resolve(in: context) else { return false }
                    return WildcardPattern(pieces: pieces).matches(value)
                }
            }
        case .arns(let comparands):
            return ResourceName(value).withBytes { matches($0, comparands, in: context) }
        case .numbers(let numbers):
            guard case .numeric(let comparison) = condition.family, let number = Double(value) else { return false }
            return numbers.contains { comparison.holds(number, $0) }
        case .dates(let dates):
            guard case .date(let comparison) = condition.family, let date = PolicyDate.seconds(value) else {
                return false
            }
            return dates.contains { comparison.holds(date, $0) }
        case .bools(let bools):
            switch value.lowercased() {
            case "true": return bools.contains(true)
            case "false": return bools.contains(false)
            default: return false
            }
        case .binaries(let binaries):
            guard let bytes = Base64.decode(value) else { return false }
            return binaries.contains(bytes)
        case .addresses(let blocks):
            guard let address = IPAddress(value) else { return false }
            return blocks.contains { $0.contains(address) }
        case .null:
            return false
        }
    }

    private func matches(
        _ resource: ResourceBytes,
        _ comparands: [Comparand<ARNPattern>],
        in context: RequestContext
    ) -> Bool {
        comparands.contains { comparand in
            switch comparand {
            case .constant(let pattern): return pattern.matches(resource)
            case .template(let template):
                guard let pieces = template.resolve(in: context) else { return false }
                return ARNPattern(pieces: pieces).matches(resource)
            }
        }
    }
}
