package postgres

import "github.com/starling-fed/starling/store/internal/sqlutil"

// SchemaTooNewError is returned by Open for a database whose schema was
// migrated by a newer build than this one; errors.As finds it.
type SchemaTooNewError = sqlutil.SchemaTooNewError
