// PolicyEngine placeholder: replaced by the policy engine.
