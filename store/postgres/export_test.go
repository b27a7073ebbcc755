package postgres

// ClaimSQL exposes the claim statement to the external tests, which check
// its plan.
const ClaimSQL = claimSQL
