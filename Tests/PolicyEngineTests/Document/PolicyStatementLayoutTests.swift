import Testing

@testable import PolicyEngine

/// The scans read each statement of a policy's array as the address of its compiled class
/// (`PolicyStatement.withCompiled(_:at:_:)`), which holds only while a statement is that one reference.
struct PolicyStatementLayoutTests {
    @Test func aStatementIsOneReference() {
        #expect(MemoryLayout<PolicyStatement>.size == MemoryLayout<UnsafeRawPointer>.size)
        #expect(MemoryLayout<PolicyStatement>.stride == MemoryLayout<UnsafeRawPointer>.stride)
    }

    @Test func theScanReadsTheStatementItWasGiven() throws {
        let document = try Lab.policy(
            .bucket,
            #"{"Sid":"First","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},"#
                + #"{"Sid":"Second","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*"}"#
        )
        let read = document.statements.withUnsafeBufferPointer { statements in
            statements.indices.map { index in PolicyStatement.withCompiled(statements, at: index) { $0.sid } }
        }
        #expect(read == ["First", "Second"])
    }
}
