// LabPKI placeholder: replaced by the lab PKI.
