public import AccessPointCore

extension PublicAccessBlock {
    /// BlockPublicPolicy: the control API calls this before storing an access point, bucket or multi-region
    /// access point policy, with the flags that apply to that resource.
    ///
    /// - Throws: `S3Error.accessDenied`, naming the statement that makes the policy public.
    public func checkMayStore(_ policy: PolicyDocument) throws(S3Error) {
        guard blockPublicPolicy, policy.status.isPublic else { return }
        throw .accessDenied.because(
            "Access Denied: BlockPublicPolicy is on and this \(policy.kind) is public (\(policy.status.reason))"
        )
    }
}
